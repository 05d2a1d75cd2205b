package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.Progress;
import sc.fiji.ris.crf.CrfParameters;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * {@code ris bench crf DIR}: the time the dense CRF adds per image (normalisation and refinement, the median of
 * {@code --repeat} runs after a warm-up), on the model's soft masks or on given label images, with the filters'
 * throughput in pixels x labels per second; with {@code --gt}, plain and refined labels scored side by side. Only the
 * first plane of each image is used.
 */
final class CrfBench {

	private CrfBench() {}

	static int run(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the folder of images: ris bench crf DIR.");
		Path dir = Path.of(a.positional().get(1));
		int repeat = a.integer("--repeat", 3, 1, 100);
		int limit = a.integer("--limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
		CrfParameters parameters = RefineCommand.parameters(a);
		DenseCrf crf = new DenseCrf(parameters);
		Path labelsDir = a.path("--labels-dir"), gtDir = a.path("--gt");
		if (labelsDir != null && a.has("--model")) throw new Args.UsageException("Give either --model (refine its soft masks) or --labels-dir (refine those label images), not both.");
		if (labelsDir != null && a.has("--object-diameter"))
			throw new Args.UsageException("--object-diameter sets the size the model segments at: leave it out with --labels-dir, whose label images are refined as they are.");
		List<Path> files = ImagePairs.imageFiles(dir, "The folder");
		if (files.size() > limit) files = files.subList(0, limit);
		List<ImagePairs.Pair> given = labelsDir == null ? null : ImagePairs.pair(dir, labelsDir, "The folder", "--labels-dir");
		List<ImagePairs.Pair> truth = gtDir == null ? null : ImagePairs.pair(dir, gtDir, "The folder", "--gt");

		out.println("CRF: " + parameters);
		out.printf(Locale.ROOT, "%-28s %6s %6s %7s %6s %11s %9s %9s %9s %9s%n", "image", "in", "out", "windows", "max L", "pixels x L", "ms", "cpu ms", "app. ms", "smooth ms");
		Evaluation plain = new Evaluation(), refined = new Evaluation();
		List<Double> times = new ArrayList<>(), cpuTimes = new ArrayList<>();
		long pixelLabels = 0, filterNanos = 0, wallNanos = 0;
		try (RisModel model = labelsDir != null ? null : a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			Segmenter segmenter = null;
			if (model != null) {
				SegmenterOptions o = new SegmenterOptions().objectDiameterSetting(a.objectDiameter());
				o.keepSoftMasks = true;
				segmenter = new Segmenter(model, o);
			}
			for (int i = 0; i < files.size(); i++) {
				Path file = files.get(i);
				ImagePlus imp = ImageFiles.open(file);
				float[] px = ImagePlusSegmenter.plane(imp, 1);
				int w = imp.getWidth(), h = imp.getHeight();
				Instances input = segmenter != null ? segmenter.segment(px, w, h, Progress.NONE)
						: DenseCrf.fromLabels(ImageFiles.labels(ImageFiles.open(given.get(i).labels), 1, given.get(i).labels), w, h);
				if (i == 0) crf.refine(px, input); // warm-up: the JIT's first compilations are not what a user waits for
				double[] ms = new double[repeat], cpu = new double[repeat];
				Instances result = null;
				DenseCrf.Stats s = null;
				for (int r = 0; r < repeat; r++) {
					s = new DenseCrf.Stats();
					long c0 = cpuNanos(), t0 = System.nanoTime();
					result = input.count() == 0 ? input : crf.refineNormalised(DenseCrf.normalise(px), input, s);
					ms[r] = (System.nanoTime() - t0) / 1e6;
					cpu[r] = (cpuNanos() - c0) / 1e6;
				}
				double median = BenchCommand.median(ms), medianCpu = BenchCommand.median(cpu);
				times.add(median);
				cpuTimes.add(medianCpu);
				pixelLabels += s.pixelLabels;
				filterNanos += s.appearanceNanos + s.smoothnessNanos;
				wallNanos += s.totalNanos;
				out.printf(Locale.ROOT, "%-28s %6d %6d %7d %6d %11d %9.1f %9.1f %9.1f %9.1f%n", trim(file.getFileName().toString()), input.count(), result.count(), s.windows,
						s.maxLabels, s.pixelLabels, median, medianCpu, s.appearanceNanos / 1e6, s.smoothnessNanos / 1e6);
				if (truth != null) {
					int[] gt = ImageFiles.labels(ImageFiles.open(truth.get(i).labels), 1, truth.get(i).labels);
					plain.add(truth.get(i).name, input.labels(), gt);
					refined.add(truth.get(i).name, result.labels(), gt);
				}
			}
		}
		double[] t = times.stream().mapToDouble(Double::doubleValue).toArray();
		double[] c = cpuTimes.stream().mapToDouble(Double::doubleValue).toArray();
		out.printf(Locale.ROOT, "images %d, median %.1f ms, mean %.1f ms per image added by the CRF (%d iterations, %d cores); CPU time (all threads) median %.1f ms%n", t.length,
				BenchCommand.median(t), java.util.Arrays.stream(t).average().orElse(Double.NaN), parameters.iterations(), Runtime.getRuntime().availableProcessors(),
				BenchCommand.median(c));
		// one filtering pass touches every active pixel once per label; each iteration filters with both kernels
		double work = (double) pixelLabels * Math.max(1, parameters.iterations());
		out.printf(Locale.ROOT, "filters: %.1f M pixels x labels per second per core (set-up included); whole refinement %.1f M per second%n",
				work / Math.max(1, filterNanos) * 1e3, work / Math.max(1, wallNanos) * 1e3);
		if (truth != null) {
			EvaluationResult p = plain.result(), r = refined.result();
			out.printf(Locale.ROOT, "%-8s %9s %9s %11s %7s %7s%n", "", "F1@0.5", "mean F1", "matched IoU", "PQ", "|DiC|");
			out.printf(Locale.ROOT, "%-8s %9.4f %9.4f %11.4f %7.4f %7.2f%n", "plain", p.f1(0), p.meanF1(), p.meanMatchedIou(), p.pq(), p.absDic());
			out.printf(Locale.ROOT, "%-8s %9.4f %9.4f %11.4f %7.4f %7.2f%n", "CRF", r.f1(0), r.meanF1(), r.meanMatchedIou(), r.pq(), r.absDic());
		}
		return 0;
	}

	/** CPU time of this process, all threads (a fairer measure than wall time on a busy machine), or 0 if unknown. */
	private static long cpuNanos() {
		java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
		return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
	}

	private static String trim(String s) {
		return s.length() <= 28 ? s : s.substring(0, 25) + "...";
	}
}
