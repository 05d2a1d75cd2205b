package sc.fiji.ris.cli;

import ij.ImagePlus;
import ij.io.TiffEncoder;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.SyntheticNuclei;
import sc.fiji.ris.io.AtomicFiles;
import sc.fiji.ris.io.Calibration;
import sc.fiji.ris.io.Dimensions;
import sc.fiji.ris.io.LabelTiffWriter;

/**
 * {@code ris bench synthetic OUT}: writes synthetic nuclei as {@code OUT/images/NAME.tif} (16-bit) and
 * {@code OUT/labels/NAME.tif}, for the object-diameter and fine-tuning measurements. Variants: {@code default}
 * (BBBC039-like, diameters 22-35 px), {@code half} and {@code double} (the same at half and double the diameter),
 * and {@code other}, a different-looking set (elongated, irregular, strongly textured nuclei in larger clusters,
 * dim on an uneven background with a wide halo).
 */
final class SyntheticBench {

	private SyntheticBench() {}

	static SyntheticNuclei variant(String name) {
		SyntheticNuclei.Builder b = SyntheticNuclei.builder();
		switch (name) {
		case "default": return b.build();
		case "half": return b.diameter(11, 17.5).minArea(8).build();
		case "double": return b.diameter(44, 70).minArea(120).build();
		case "other":
			return b.maxAspect(3.5).irregularity(0.2).texture(0.5).clusterFraction(0.6).background(400).foreground(650).unevenBackground(0.8)
					.halo(0.3).brightnessSpread(0.5).build();
		default: throw new Args.UsageException("--variant must be default, half, double or other, not '" + name + "'.");
		}
	}

	static int run(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the folder to write to: ris bench synthetic OUT.");
		Path dir = Path.of(a.positional().get(1));
		SyntheticNuclei generator = variant(a.get("--variant", "default"));
		int count = a.integer("--count", 10, 1, 10000);
		long seed = a.longValue("--seed", 1, 0);
		String[] size = a.get("--size", "696x520").split("x");
		int w, h;
		try {
			w = Integer.parseInt(size[0]);
			h = Integer.parseInt(size[1]);
		} catch (RuntimeException e) {
			throw new Args.UsageException("--size must be WIDTHxHEIGHT, for example 696x520.");
		}
		if (w < 32 || h < 32) throw new Args.UsageException("--size must be at least 32x32.");
		for (int i = 0; i < count; i++) {
			String name = String.format(Locale.ROOT, "synthetic_%s_%03d", a.get("--variant", "default"), i);
			LabeledImage im = generator.generate(name, w, h, seed * 100003 + i);
			ShortProcessor sp = new ShortProcessor(w, h);
			float[] px = im.pixels();
			for (int p = 0; p < px.length; p++) sp.set(p, Math.max(0, Math.min(65535, Math.round(px[p]))));
			ImagePlus imp = new ImagePlus(name, sp);
			AtomicFiles.write(dir.resolve("images").resolve(name + ".tif"), o -> new TiffEncoder(imp.getFileInfo()).write(o));
			LabelTiffWriter.write(dir.resolve("labels").resolve(name + ".tif"), List.of(im.labels()), w, h, Dimensions.of(1, 1, 1), Calibration.NONE);
		}
		out.printf(Locale.ROOT, "Wrote %d synthetic images (%s) to %s%n", count, a.get("--variant", "default"), dir);
		return 0;
	}
}
