package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.ImageScores;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.infer.SizePolicy;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * {@code ris bench sets}: accuracy and time on annotated sets, each reported on its own. Without {@code --steps}: the
 * model as {@code ris segment} runs it beside the classical Fiji recipe, per set and per image-size group, with the
 * images whose instance count is off the annotated count by more than a factor of 2. With {@code --steps}: what each
 * post-processing step brings, the model with one step turned off (or flips turned on) against the model as it is.
 */
final class SetsBench {

	private SetsBench() {}

	/** One annotated image, read once. */
	private record Item(String name, float[] pixels, int width, int height, int[] truth, ImagePlus imp) {
		String group() {
			return width == 256 && height == 256 ? "256x256" : width == 360 && height == 360 ? "360x360" : "larger";
		}
	}

	/** One variant of the segmenter: a name, and how it differs from the model as it is. */
	private record Variant(String name, Consumer<SegmenterOptions> options, int maskGrowth) {}

	static int run(Args a, PrintStream out) throws IOException {
		List<String> images = a.all("--images"), labels = a.all("--labels");
		if (images.isEmpty() || images.size() != labels.size())
			throw new Args.UsageException("Give each set as --images DIR --labels DIR (one --labels for each --images).");
		Map<String, List<Item>> sets = new LinkedHashMap<>();
		for (int i = 0; i < images.size(); i++) {
			Path dir = Path.of(images.get(i)).toAbsolutePath().normalize();
			String name = dir.getParent() != null && dir.getParent().getParent() != null
					? dir.getParent().getParent().getFileName() + "/" + dir.getParent().getFileName()
					: dir.toString();
			List<Item> items = new ArrayList<>();
			for (ImagePairs.Pair p : ImagePairs.pair(dir, Path.of(labels.get(i)), "--images", "--labels")) {
				ImagePlus imp = ImageFiles.open(p.image);
				int[] truth = ImageFiles.labels(ImageFiles.open(p.labels), 1, p.labels);
				items.add(new Item(p.name, ImagePlusSegmenter.plane(imp, 1), imp.getWidth(), imp.getHeight(), truth, imp));
			}
			sets.put(name, items);
		}
		try (RisModel model = a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			if (a.has("--steps")) return steps(model, sets, out);
			return compare(model, sets, out);
		}
	}

	private static int compare(RisModel model, Map<String, List<Item>> sets, PrintStream out) {
		Segmenter seg = new Segmenter(model, new SegmenterOptions().objectDiameterSetting(0));
		out.println("| set | group | images | method | F1@0.5 | mean F1 | SBD | abs DiC | median s | max s | count off by >2x | second passes |");
		out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
		for (Map.Entry<String, List<Item>> set : sets.entrySet()) {
			List<Item> items = set.getValue();
			// one warm-up image, so that the first image's time is not the JIT's
			seg.segment(items.get(0).pixels, items.get(0).width, items.get(0).height, Progress.NONE);
			int n = items.size();
			int[][] ris = new int[n][], classical = new int[n][];
			double[] risSeconds = new double[n], classicalSeconds = new double[n];
			int[] passes = new int[n];
			for (int i = 0; i < n; i++) {
				Item it = items.get(i);
				long t0 = System.nanoTime();
				ris[i] = seg.segment(it.pixels, it.width, it.height, Progress.NONE).labels();
				risSeconds[i] = (System.nanoTime() - t0) / 1e9;
				SegmentStats s = seg.lastStats();
				passes[i] = s.passes;
				if (s.warning != null) out.println("<!-- " + it.name + ": " + s.warning + " -->");
				t0 = System.nanoTime();
				classical[i] = ClassicalRecipe.segment(it.imp.getProcessor());
				classicalSeconds[i] = (System.nanoTime() - t0) / 1e9;
			}
			List<String> groups = new ArrayList<>(List.of("all"));
			for (Item it : items) if (!groups.contains(it.group())) groups.add(it.group());
			if (groups.size() == 2) groups.remove(1); // one size group: the set itself
			for (String g : groups) {
				List<Integer> members = new ArrayList<>();
				for (int i = 0; i < n; i++) if (g.equals("all") || items.get(i).group().equals(g)) members.add(i);
				row(out, set.getKey(), g, "RIS", items, members, ris, risSeconds, passes);
				row(out, set.getKey(), g, "classical", items, members, classical, classicalSeconds, null);
			}
			for (int i = 0; i < n; i++) {
				int truth = count(items.get(i).truth), found = count(ris[i]);
				if (offByTwo(found, truth))
					out.println("<!-- " + set.getKey() + " " + items.get(i).name + ": RIS " + found + " instances, " + truth + " annotated -->");
			}
		}
		return 0;
	}

	private static void row(PrintStream out, String set, String group, String method, List<Item> items, List<Integer> members, int[][] labels,
			double[] seconds, int[] passes) {
		Evaluation ev = new Evaluation();
		int off = 0, again = 0;
		double[] t = new double[members.size()];
		for (int k = 0; k < members.size(); k++) {
			int i = members.get(k);
			ImageScores sc = ev.add(items.get(i).name, labels[i], items.get(i).truth);
			if (offByTwo(sc.numPredictions(), sc.numGroundTruths())) off++;
			if (passes != null && passes[i] > 1) again++;
			t[k] = seconds[i];
		}
		Arrays.sort(t);
		EvaluationResult r = ev.result();
		out.printf(Locale.ROOT, "| %s | %s | %d | %s | %.4f | %.4f | %.4f | %.2f | %.2f | %.2f | %d | %s |%n", set, group, members.size(), method, r.f1(0),
				r.meanF1(), r.sbd(), r.absDic(), t[t.length / 2], t[t.length - 1], off, passes == null ? "" : String.valueOf(again));
	}

	/** More than twice or fewer than half the annotated objects (an image without any counts when anything is found). */
	static boolean offByTwo(int found, int truth) {
		return truth == 0 ? found > 0 : found > 2 * truth || 2 * found < truth;
	}

	private static int count(int[] labels) {
		java.util.BitSet seen = new java.util.BitSet();
		for (int l : labels) if (l > 0) seen.set(l);
		return seen.cardinality();
	}

	private static int steps(RisModel model, Map<String, List<Item>> sets, PrintStream out) {
		int growth = model.config().maskGrowth;
		List<Variant> variants = List.of(
				new Variant("as it is", o -> {}, growth),
				new Variant("no spots", o -> o.spotMinArea = 0, growth),
				new Variant("no fill from the foreground (nor spots, nor rim growth)", o -> o.fillFromForeground = false, growth),
				new Variant("no mask growth", o -> {}, 0),
				new Variant("no merging of fragments", o -> o.mergeSolidity = 0, growth),
				new Variant("no hole filling", o -> o.fillHoles = false, growth),
				new Variant("no cuts at cores", o -> o.coreMinArea = 0, growth),
				new Variant("no size estimate (the model's size)", o -> o.objectDiameterSetting(-1), growth),
				new Variant("size tolerance 1.2 (instead of " + SizePolicy.DIAMETER_TOLERANCE + ")", o -> o.diameterTolerance = 1.2, growth),
				new Variant("size tolerance 2", o -> o.diameterTolerance = 2, growth),
				new Variant("flips", o -> o.flipVotes = -1, growth));
		StringBuilder head = new StringBuilder("| variant |"), rule = new StringBuilder("|---|");
		for (String s : sets.keySet()) {
			head.append(" ").append(s).append(" F1@0.5 | mean F1 | SBD | abs DiC |");
			rule.append("---|---|---|---|");
		}
		out.println(head);
		out.println(rule);
		try {
			for (Variant v : variants) {
				model.config().maskGrowth = v.maskGrowth;
				SegmenterOptions o = new SegmenterOptions().objectDiameterSetting(0);
				v.options.accept(o);
				Segmenter seg = new Segmenter(model, o);
				StringBuilder line = new StringBuilder("| " + v.name + " |");
				for (List<Item> items : sets.values()) {
					Evaluation ev = new Evaluation();
					for (Item it : items) ev.add(it.name, seg.segment(it.pixels, it.width, it.height, Progress.NONE).labels(), it.truth);
					EvaluationResult r = ev.result();
					line.append(String.format(Locale.ROOT, " %.4f | %.4f | %.4f | %.2f |", r.f1(0), r.meanF1(), r.sbd(), r.absDic()));
				}
				out.println(line);
				out.flush();
			}
		} finally {
			model.config().maskGrowth = growth;
		}
		return 0;
	}
}
