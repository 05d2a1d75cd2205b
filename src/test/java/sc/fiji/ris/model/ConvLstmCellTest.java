package sc.fiji.ris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The ConvLSTM gate arithmetic against a hand computation on a 1x1 image with one channel. */
class ConvLstmCellTest {

	private static double sig(double x) { return 1 / (1 + Math.exp(-x)); }

	@Test
	void gatesMatchHandComputation() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			ConvLstmCell cell = new ConvLstmCell(1, 1, 1);
			cell.initialize(m, DataType.FLOAT32, new Shape(1, 1, 1, 1));
			// On a 1x1 image with "same" padding only the kernel centre (index 4 of 9) sees the pixel.
			float[] ws = { 0.5f, -0.3f, 0.8f, 1.2f }; // static input weights for i, f, o, g
			float[] wd = { 0.1f, 0.2f, -0.4f, 0.3f }; // dynamic input weights
			float[] wh = { -0.7f, 0.6f, 0.25f, -0.5f }; // recurrent weights
			float[] b = { 0.05f, 1f, -0.1f, 0.2f }; // gate bias (forget gate 1 as initialised)
			for (Pair<String, Parameter> p : cell.getParameters()) {
				String k = p.getKey();
				float[] w = k.contains("static") ? ws : k.contains("dynamic") ? wd : k.contains("recurrent") ? wh : null;
				if (w == null) {
					assertEquals(1f, p.getValue().getArray().toFloatArray()[1], "the forget-gate bias starts at 1");
					assertEquals(0f, p.getValue().getArray().toFloatArray()[0], "the other gate biases start at 0");
					p.getValue().getArray().set(FloatBuffer.wrap(b));
					continue;
				}
				float[] kernel = new float[4 * 9];
				for (int g = 0; g < 4; g++) kernel[g * 9 + 4] = w[g];
				p.getValue().getArray().set(FloatBuffer.wrap(kernel));
			}
			double s = 0.9, d = -0.6, h = 0.4, c = -0.2;
			ParameterStore ps = new ParameterStore(m, false);
			NDArray sa = m.create(new float[] { (float) s }, new Shape(1, 1, 1, 1));
			NDArray da = m.create(new float[] { (float) d }, new Shape(1, 1, 1, 1));
			NDArray ha = m.create(new float[] { (float) h }, new Shape(1, 1, 1, 1));
			NDArray ca = m.create(new float[] { (float) c }, new Shape(1, 1, 1, 1));
			NDList out = cell.step(ps, cell.projectStatic(ps, sa, false), da, ha, ca, false);

			double[] z = new double[4];
			for (int g = 0; g < 4; g++) z[g] = ws[g] * s + wd[g] * d + wh[g] * h + b[g];
			double i = sig(z[0]), f = sig(z[1]), o = sig(z[2]), gg = Math.tanh(z[3]);
			double cNext = f * c + i * gg;
			double hNext = o * Math.tanh(cNext);
			assertEquals(hNext, out.get(0).getFloat(), 1e-6);
			assertEquals(cNext, out.get(1).getFloat(), 1e-6);

			// First step: zero state, so c' = i * g and the recurrent weights play no part.
			NDList first = cell.step(ps, cell.projectStatic(ps, sa, false), da, null, null, false);
			double[] z0 = new double[4];
			for (int g = 0; g < 4; g++) z0[g] = ws[g] * s + wd[g] * d + b[g];
			double c0 = sig(z0[0]) * Math.tanh(z0[3]);
			assertEquals(c0, first.get(1).getFloat(), 1e-6);
			assertEquals(sig(z0[2]) * Math.tanh(c0), first.get(0).getFloat(), 1e-6);
		}
	}

	/** Weights of the cell's convolution whose parameter name contains {@code part}. */
	private static NDArray weight(ConvLstmCell cell, String part) {
		for (Pair<String, Parameter> p : cell.getParameters())
			if (p.getKey().contains(part)) return p.getValue().getArray();
		throw new AssertionError(part);
	}

	private static NDArray conv(NDArray x, NDArray w) {
		Shape one = new Shape(1, 1);
		return ai.djl.nn.convolutional.Conv2d.conv2d(x, w, null, one, one, one, 1).singletonOrThrow();
	}

	@Test
	void dynamicAndRecurrentPartsAddUpOnImages() {
		// several channels, 3x3 kernels on a 6x6 image: the one-convolution step equals the sum of the three parts
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			for (int staticChannels : new int[] { 2, 0 }) {
				ConvLstmCell cell = new ConvLstmCell(staticChannels, 3, 4);
				cell.initialize(m, DataType.FLOAT32, cell.initShape(2, 6, 6));
				ParameterStore ps = new ParameterStore(m, false);
				NDArray s = m.randomNormal(new Shape(2, 2, 6, 6));
				NDArray d = m.randomNormal(new Shape(2, 3, 6, 6));
				NDArray h = m.randomNormal(new Shape(2, 4, 6, 6));
				NDArray c = m.randomNormal(new Shape(2, 4, 6, 6));
				NDArray bias = weight(cell, "gateBias").reshape(1, 16, 1, 1);
				NDArray z = conv(d, weight(cell, "dynamic")).add(conv(h, weight(cell, "recurrent"))).add(bias);
				if (staticChannels > 0) z = z.add(conv(s, weight(cell, "static")));
				NDList g = z.split(4, 1);
				NDArray i = ai.djl.nn.Activation.sigmoid(g.get(0)), f = ai.djl.nn.Activation.sigmoid(g.get(1));
				NDArray o = ai.djl.nn.Activation.sigmoid(g.get(2)), gg = g.get(3).tanh();
				NDArray cNext = f.mul(c).add(i.mul(gg));
				NDArray hNext = o.mul(cNext.tanh());
				NDList out = cell.step(ps, staticChannels > 0 ? cell.projectStatic(ps, s, false) : null, d, h, c, false);
				float[] want = hNext.toFloatArray(), got = out.get(0).toFloatArray();
				float[] wantC = cNext.toFloatArray(), gotC = out.get(1).toFloatArray();
				for (int k = 0; k < want.length; k++) {
					assertEquals(want[k], got[k], 1e-5, "h at " + k + " with " + staticChannels + " static channels");
					assertEquals(wantC[k], gotC[k], 1e-5, "c at " + k + " with " + staticChannels + " static channels");
				}
			}
		}
	}
}
