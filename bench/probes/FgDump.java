package sc.fiji.ris.infer;

import ij.IJ;
import ij.ImagePlus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * Probe, not part of the plugin: writes the foreground probability the bundled model's foreground head gives each
 * pixel of each image (at the model's own size), as OUT/NAME_fg.raw (float32, little-endian, the image's width and
 * height), for bench/probes/pieces.py. In the package of Segmenter to reach its decoded foreground.
 *
 * <pre>
 * mkdir -p /tmp/fgdump && javac -cp "target/classes:target/lib/*" -d /tmp/fgdump bench/probes/FgDump.java
 * java -cp "/tmp/fgdump:target/classes:target/lib/*" sc.fiji.ris.infer.FgDump OUT IMAGE.tif...
 * </pre>
 */
public final class FgDump {
	private FgDump() {}

	public static void main(String[] args) throws Exception {
		Path out = Path.of(args[0]);
		Files.createDirectories(out);
		try (RisModel model = ModelPackage.loadBundled()) {
			Segmenter segmenter = new Segmenter(model, new Segmenter.Options().objectDiameterSetting(-1));
			for (int i = 1; i < args.length; i++) {
				ImagePlus imp = IJ.openImage(args[i]);
				float[] pixels = (float[]) imp.getProcessor().convertToFloatProcessor().getPixels();
				Segmenter.Decoded d = segmenter.decodeAll(pixels, imp.getWidth(), imp.getHeight());
				ByteBuffer b = ByteBuffer.allocate(d.foreground.length * 4).order(ByteOrder.LITTLE_ENDIAN);
				for (float f : d.foreground) b.putFloat(f);
				String name = Path.of(args[i]).getFileName().toString().replaceFirst("\\.tif$", "");
				Files.write(out.resolve(name + "_fg.raw"), b.array());
			}
		}
	}
}
