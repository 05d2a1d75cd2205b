// Which batched 3x3 (and 1x1) convolutions read memory they never wrote: every convolution runs right after arrays
// full of NaN were freed, and each output, input gradient and weight gradient that holds a NaN is printed.
// Usage (after mvn package): java -cp "target/ris.jar:target/lib/*" bench/probes/ConvPoison.java THREADS PAD
//   PAD 0: DJL's convolution as it is; PAD 16: sc.fiji.ris.model.Convolutions (the channels padded)
// Run it with DNNL_MAX_CPU_ISA=SSE41, AVX, AVX2 or unset to see each CPU family's oneDNN code path.
import ai.djl.*; import ai.djl.ndarray.*; import ai.djl.ndarray.types.*; import ai.djl.nn.convolutional.Conv2d; import ai.djl.training.GradientCollector;
import sc.fiji.ris.model.*;
public class ConvPoison {
  static int bad(NDArray a){ float[] v=a.toFloatArray(); int n=0; for(float x:v) if(!Float.isFinite(x)) n++; return n; }
  public static void main(String[] a) throws Exception {
    PyTorchRuntime.start(Integer.parseInt(a[0])); int pad=Integer.parseInt(a[1]);
    NDManager m = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
    int[] chans = {1,4,8,12,13,16,20,24,25,32,40,48};
    for (int k: new int[]{1,3}) for (int ic: chans) for (int oc: chans) for (int hw: new int[]{96,48,12}) {
      int[] bc=new int[3];
      for (int rep=0; rep<2; rep++) {
        try (NDManager s = m.newSubManager()) {
          NDArray x = s.randomNormal(new Shape(8, ic, hw, hw));
          NDArray w = s.randomNormal(new Shape(oc, ic, k, k));
          x.setRequiresGradient(true); w.setRequiresGradient(true);
          try (GradientCollector gc = ai.djl.engine.Engine.getEngine("PyTorch").newGradientCollector()) {
            for (int j=0;j<4;j++) { NDArray p = s.full(new Shape(8, 64, hw+2, hw+2), Float.NaN); p.close(); }
            NDArray xi = x, wi = w;
            NDArray y = pad > 0 ? sc.fiji.ris.model.Convolutions.conv2d(xi, wi, null, new Shape(k/2,k/2)) : Conv2d.conv2d(xi, wi, null, new Shape(1,1), new Shape(k/2,k/2), new Shape(1,1), 1).singletonOrThrow();
            bc[0] += bad(y);
            for (int j=0;j<4;j++) { NDArray p = s.full(new Shape(8, 64, hw+2, hw+2), Float.NaN); p.close(); }
            gc.backward(y.mul(s.randomNormal(y.getShape())).sum());
          }
          bc[1]+=bad(x.getGradient()); bc[2]+=bad(w.getGradient());
        }
      }
      if (bc[0]+bc[1]+bc[2]>0) System.out.println("k="+k+" ic="+ic+" oc="+oc+" hw="+hw+" y="+bc[0]+" dx="+bc[1]+" dw="+bc[2]);
    }
    System.out.println("done");
  }
}
