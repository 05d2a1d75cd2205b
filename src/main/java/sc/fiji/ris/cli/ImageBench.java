package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/** {@code ris bench images DIR}: whole-image segmentation times with their breakdown. */
final class ImageBench {

	private ImageBench() {}

	/**
	 * {@code ris bench scaling IMAGE}: the image mirrored out to squares of growing sides, each segmented twice
	 * (the second time is reported), to show how time grows with the number of pixels and what the largest costs in
	 * memory.
	 */
	static int scaling(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the image to scale: ris bench scaling IMAGE.");
		Path file = Path.of(a.positional().get(1));
		int[] sides = java.util.Arrays.stream(a.get("--sizes", "256,512,1024,2048").split(",")).mapToInt(x -> {
			try {
				int v = Integer.parseInt(x.trim());
				if (v < 32 || v > 16384) throw new NumberFormatException();
				return v;
			} catch (NumberFormatException e) {
				throw new Args.UsageException("--sizes must be a comma-separated list of sides between 32 and 16384, not '" + x + "'.");
			}
		}).toArray();
		ImagePlus imp = ImageFiles.open(file);
		float[] px = ImagePlusSegmenter.plane(imp, 1);
		int w = imp.getWidth(), h = imp.getHeight();
		try (RisModel model = a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			Segmenter seg = new Segmenter(model, new SegmenterOptions());
			out.printf(Locale.ROOT, "%8s %10s %8s %9s %10s %9s %10s%n", "side", "pixels", "tiles", "instances", "total ms", "ms/MPix", "peak RSS");
			for (int side : sides) {
				float[] big = new float[side * side];
				for (int y = 0; y < side; y++)
					for (int x = 0; x < side; x++) big[y * side + x] = px[sc.fiji.ris.data.CropSampler.reflect(y, h) * w + sc.fiji.ris.data.CropSampler.reflect(x, w)];
				Instances inst = null;
				long last = 0;
				for (int r = 0; r < 2; r++) {
					long t0 = System.nanoTime();
					inst = seg.segment(big, side, side, Progress.NONE);
					last = System.nanoTime() - t0;
				}
				double mpix = side * (double) side / 1e6;
				out.printf(Locale.ROOT, "%8d %10d %8d %9d %10.0f %9.0f %10.0f%n", side, (long) side * side, seg.lastStats().tiles, inst.count(), last / 1e6,
						last / 1e6 / mpix, BenchCommand.peakRssMiB());
			}
		}
		return 0;
	}

	/**
	 * {@code ris bench tiling --gt LABELS DIR}: accuracy lost (or not) by tiling. The centre {@code --crop} x
	 * {@code --crop} square of each image is segmented twice, in the model's tiles and as one single tile (with
	 * enough decoding steps for every object in it), and both results are scored against the same crop of the
	 * ground truth.
	 */
	static int tiling(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2 || !a.has("--gt")) throw new Args.UsageException("Give the images and their labels: ris bench tiling --gt LABELS DIR.");
		int side = a.integer("--crop", 256, 32, 4096);
		if (side % 16 != 0) throw new Args.UsageException("--crop must be a multiple of 16, not " + side + ".");
		int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
		List<ImagePairs.Pair> pairs = ImagePairs.pair(Path.of(a.positional().get(1)), a.path("--gt"), "DIR", "--gt");
		if (pairs.size() > limit) pairs = pairs.subList(0, limit);
		try (RisModel model = a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			Segmenter tiled = new Segmenter(model, new SegmenterOptions());
			SegmenterOptions one = new SegmenterOptions();
			one.tileSize = side;
			one.tileOverlap = 0;
			one.maxSteps = a.integer("--max-steps", 150, 1, 100000);
			Segmenter untiled = new Segmenter(model, one);
			sc.fiji.ris.eval.Evaluation evTiled = new sc.fiji.ris.eval.Evaluation(), evUntiled = new sc.fiji.ris.eval.Evaluation();
			long nanosTiled = 0, nanosUntiled = 0;
			for (ImagePairs.Pair p : pairs) {
				ImagePlus imp = ImageFiles.open(p.image);
				float[] px = ImageFiles.pixels(imp, 1);
				int[] gt = ImageFiles.labels(ImageFiles.open(p.labels), 1, p.labels);
				int w = imp.getWidth(), h = imp.getHeight(), cw = Math.min(side, w), ch = Math.min(side, h);
				int x0 = (w - cw) / 2, y0 = (h - ch) / 2;
				float[] cp = new float[cw * ch];
				int[] cg = new int[cw * ch];
				for (int y = 0; y < ch; y++) {
					System.arraycopy(px, (y0 + y) * w + x0, cp, y * cw, cw);
					System.arraycopy(gt, (y0 + y) * w + x0, cg, y * cw, cw);
				}
				long t0 = System.nanoTime();
				Instances a1 = tiled.segment(cp, cw, ch, Progress.NONE);
				long t1 = System.nanoTime();
				Instances a2 = untiled.segment(cp, cw, ch, Progress.NONE);
				long t2 = System.nanoTime();
				nanosTiled += t1 - t0;
				nanosUntiled += t2 - t1;
				evTiled.add(p.name, a1.labels(), cg);
				evUntiled.add(p.name, a2.labels(), cg);
			}
			sc.fiji.ris.eval.EvaluationResult rt = evTiled.result(), ru = evUntiled.result();
			out.printf(Locale.ROOT, "%d centre crops of %dx%d%n", pairs.size(), side, side);
			out.printf(Locale.ROOT, "%-10s %8s %8s %8s %10s%n", "decoding", "F1@0.5", "mean F1", "SBD", "ms/crop");
			out.printf(Locale.ROOT, "%-10s %8.3f %8.3f %8.3f %10.0f%n", "tiled", rt.f1(0), rt.meanF1(), rt.sbd(), nanosTiled / 1e6 / pairs.size());
			out.printf(Locale.ROOT, "%-10s %8.3f %8.3f %8.3f %10.0f%n", "untiled", ru.f1(0), ru.meanF1(), ru.sbd(), nanosUntiled / 1e6 / pairs.size());
		}
		return 0;
	}

	static int run(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the folder of images to time: ris bench images DIR.");
		Path dir = Path.of(a.positional().get(1));
		int repeat = a.integer("--repeat", 1, 1, 100);
		int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
		List<Path> files = ImagePairs.imageFiles(dir, "The folder");
		if (files.size() > limit) files = files.subList(0, limit);
		if (a.has("--region-margin") && !a.sharedEncoding())
			throw new Args.UsageException("--region-margin applies to the shared encoding only: leave out --separate-encoding or --region-margin.");
		Path tmp = Files.createTempDirectory("ris-bench");
		Path labelsOut = a.path("--labels-out");
		try (RisModel model = a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			SegmenterOptions options = new SegmenterOptions().objectDiameterSetting(a.objectDiameter());
			options.batchSize = a.integer("--batch", options.batchSize, 1, 4096);
			options.tileSize = a.integer("--tile-size", 0, 0, 1 << 14);
			options.maxSteps = a.integer("--max-steps", 0, 0, 100000);
			options.shareEncoder = a.sharedEncoding();
			options.regionMargin = a.integer("--region-margin", -1, 0, 256);
			options.fillFromForeground = !a.has("--no-fill");
			options.flipVotes = a.has("--flips") ? -1 : 0;
			Segmenter seg = new Segmenter(model, options);
			// warm-up on the first image: JIT and PyTorch's first-call costs are not what a user waits for per image
			ImagePlus warm = ImageFiles.open(files.get(0));
			ImagePlusSegmenter.segment(warm, seg, Progress.NONE);
			out.printf(Locale.ROOT, "%-28s %9s %7s %7s %9s %7s %7s %6s %6s %9s %8s%n", "image", "pixels", "read", "norm", "network", "stitch", "write",
					"tiles", "steps", "total ms", "RSS MiB");
			List<double[]> all = new ArrayList<>();
			for (int r = 0; r < repeat; r++)
				for (Path f : files) {
					long t0 = System.nanoTime();
					ImagePlus imp = ImageFiles.open(f);
					long t1 = System.nanoTime();
					List<Instances> planes = ImagePlusSegmenter.segment(imp, seg, Progress.NONE);
					long t2 = System.nanoTime();
					SegmentationFiles.write(imp, planes, labelsOut != null && r == 0 ? labelsOut : tmp, ImagePairs.stem(f));
					long t3 = System.nanoTime();
					SegmentStats s = seg.lastStats();
					double[] row = { (t1 - t0) / 1e6, s.normaliseNanos / 1e6, s.networkNanos / 1e6, s.stitchNanos / 1e6, (t3 - t2) / 1e6, s.tiles, s.steps,
							(t3 - t0) / 1e6, (double) imp.getWidth() * imp.getHeight() * imp.getStackSize() };
					all.add(row);
					out.printf(Locale.ROOT, "%-28s %9.0f %7.1f %7.1f %9.1f %7.1f %7.1f %6.0f %6.0f %9.1f %8.0f%n", trim(f.getFileName().toString()), row[8],
							row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], BenchCommand.rssMiB());
				}
			double[] med = new double[9];
			for (int k = 0; k < 9; k++) {
				double[] col = new double[all.size()];
				for (int i = 0; i < col.length; i++) col[i] = all.get(i)[k];
				med[k] = BenchCommand.median(col);
			}
			double sumTiles = all.stream().mapToDouble(x -> x[5]).sum(), sumSteps = all.stream().mapToDouble(x -> x[6]).sum();
			double sumNet = all.stream().mapToDouble(x -> x[2]).sum() / 1e3;
			out.printf(Locale.ROOT, "%-28s %9.0f %7.1f %7.1f %9.1f %7.1f %7.1f %6.0f %6.0f %9.1f%n", "MEDIAN", med[8], med[0], med[1], med[2], med[3],
					med[4], med[5], med[6], med[7]);
			out.printf(Locale.ROOT, "images %d, tiles/s %.1f, decode steps/s (tile-steps) %.1f, peak RSS %.0f MiB%n", all.size(), sumTiles / sumNet,
					sumSteps / sumNet, BenchCommand.peakRssMiB());
		} finally {
			try (Stream<Path> s = Files.walk(tmp)) {
				s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
			}
		}
		return 0;
	}

	/** Times the classical recipe on the same images. */
	static int classical(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the folder of images to time: ris bench classical DIR.");
		List<Path> files = ImagePairs.imageFiles(Path.of(a.positional().get(1)), "The folder");
		int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
		if (files.size() > limit) files = files.subList(0, limit);
		int repeat = a.integer("--repeat", 1, 1, 100);
		Path labelsOut = a.path("--labels-out");
		ClassicalRecipe.segment(ImageFiles.open(files.get(0)).getProcessor()); // warm-up
		List<Double> times = new ArrayList<>();
		for (int r = 0; r < repeat; r++)
			for (Path f : files) {
				ImagePlus imp = ImageFiles.open(f);
				long t0 = System.nanoTime();
				int[] labels = ClassicalRecipe.segment(imp.getProcessor());
				double ms = (System.nanoTime() - t0) / 1e6;
				times.add(ms);
				if (labelsOut != null && r == 0) writeLabels(labelsOut, ImagePairs.stem(f), labels, imp);
				out.printf(Locale.ROOT, "%-28s %9.1f ms%n", trim(f.getFileName().toString()), ms);
			}
		out.printf(Locale.ROOT, "MEDIAN %.1f ms over %d runs%n", BenchCommand.median(times.stream().mapToDouble(Double::doubleValue).toArray()), times.size());
		return 0;
	}

	private static void writeLabels(Path dir, String name, int[] labels, ImagePlus imp) throws IOException {
		int n = 0;
		for (int l : labels) n = Math.max(n, l);
		sc.fiji.ris.io.LabelTiffWriter.write(dir.resolve(name + "_labels.tif"), List.of(labels), imp.getWidth(), imp.getHeight(),
				sc.fiji.ris.io.Dimensions.SINGLE, sc.fiji.ris.io.Calibration.NONE);
	}

	private static String trim(String s) {
		return s.length() <= 28 ? s : s.substring(0, 25) + "...";
	}
}
