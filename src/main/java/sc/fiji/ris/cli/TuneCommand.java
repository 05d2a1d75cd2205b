package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.ImageScores;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.infer.FlipFusion;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.DecodedPlane;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.infer.Thresholds;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * {@code ris tune}: chooses a model's decision thresholds (minimum confidence, mask threshold, minimum area, merge
 * solidity, and optionally the mask growth) on validation images, on whole images as {@code ris segment} sees them.
 * Each image is decoded once per mask growth (again at another size where {@code --object-diameter auto} settles on
 * one, as for {@code ris segment}); every combination is then painted, stitched and scored without
 * running the network again (one image at a time, so that memory does not grow with the number of images). With
 * {@code --flips} it chooses the thresholds and votes of test-time augmentation instead: each image is decoded as it
 * is and mirrored three ways, and every combination fuses the four views.
 */
final class TuneCommand {

	static final String HELP = String.join("\n",
			"Usage: ris tune --model FILE --images DIR --labels DIR [--output FILE] [options]",
			"",
			"  --model FILE         the model to tune",
			"  --images DIR         validation images (never the test images); give --images and --labels again",
			"                       for another set: the thresholds are chosen on all the images together",
			"  --labels DIR         their label images",
			"  --confidences LIST   minimum confidences to try (default 0.3,0.4,0.5,0.6,0.7)",
			"  --thresholds LIST    mask thresholds to try (default 0.3,0.4,0.5,0.6,0.7)",
			"  --min-areas LIST     minimum areas in pixels to try (default 0,15,30,60)",
			"  --merge-solidities LIST",
			"                       merge solidities to try (see 'ris segment --help'), 0 = never join",
			"                       (default 0,0.85,0.9,0.95)",
			"  --spot-areas LIST    smallest spots (small pieces of unclaimed foreground touching no instance) that",
			"                       become instances, in pixels, to try; 0 = none (default 0,15)",
			"  --core-min-areas LIST",
			"                       with a model that has a core head: smallest cores that cut an instance, to",
			"                       try (0 = never cut; default 0,10,20)",
			"  --core-thresholds LIST",
			"                       core probabilities that make a pixel core, to try (default: the model's)",
			"  --spot-foregrounds LIST",
			"                       the mean foreground probabilities a spot needs, to try (default 0.8)",
			"  --mask-growths LIST  how far each step's coarse mask is grown before the foreground limits it, in",
			"                       cells of 2 pixels, to try (default: the model's); each value decodes the",
			"                       images again",
			"  --output FILE        write the model with the best thresholds and its whole-image validation scores",
			"                       in config.json: among the combinations within 0.003 of the best mean F1 (IoU",
			"                       0.5..0.9), the one with the smallest |DiC|",
			"  --flips              tune the image fused with its three mirrored copies ('ris segment --flips'):",
			"                       each image is decoded 4 times, and --output writes the choice as the",
			"                       model's thresholds for --flips, leaving its one-view thresholds as they are",
			"  --flip-votes LIST    with --flips: how many of the 4 views must find an object, to try",
			"                       (default 2,3)",
			"  --object-diameter D  the objects' diameter in pixels, 'auto' or 'model', as for 'ris segment'",
			"                       (default auto: each image is decoded at the size 'ris segment' would settle",
			"                       on with the model's thresholds)",
			"  --threads N          PyTorch threads (default: all cores)",
			"  --separate-encoding  every tile encoded on its own (see 'ris segment --help')",
			"  --no-fill            no instances from unclaimed foreground (see 'ris segment --help')");

	private TuneCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Args a = new Args("tune", args, 1, Set.of("--model", "--images", "--labels", "--confidences", "--thresholds", "--min-areas", "--merge-solidities", "--mask-growths", "--spot-areas", "--spot-foregrounds", "--core-min-areas", "--core-thresholds", "--output",
						"--threads", "--flip-votes", "--object-diameter"),
				Set.of("--help", "--shared-encoding", "--separate-encoding", "--no-fill", "--flips"));
		if (a.has("--help")) { out.println(HELP); return 0; }
		Path modelFile = Path.of(a.required("--model"));
		double[] confs = list(a.get("--confidences", "0.3,0.4,0.5,0.6,0.7"), "--confidences", 0, 1);
		double[] thrs = list(a.get("--thresholds", "0.3,0.4,0.5,0.6,0.7"), "--thresholds", 1e-6, 1 - 1e-6);
		double[] areas = list(a.get("--min-areas", "0,15,30,60"), "--min-areas", 0, 1e9);
		double[] solidities = list(a.get("--merge-solidities", "0,0.85,0.9,0.95"), "--merge-solidities", 0, 1);
		double[] growths = a.has("--mask-growths") ? list(a.get("--mask-growths", ""), "--mask-growths", 0, 16) : null;
		boolean flips = a.has("--flips");
		if (a.has("--no-fill") && (a.has("--spot-areas") || a.has("--spot-foregrounds")))
			throw new Args.UsageException("Spots come from the unclaimed foreground, which --no-fill turns off: leave out --no-fill or the spot options.");
		if (flips && (a.has("--spot-areas") || a.has("--spot-foregrounds")))
			throw new Args.UsageException("The spots cannot be tuned with --flips: tune them without --flips first, then tune that model with --flips.");
		if (!flips && a.has("--flip-votes")) throw new Args.UsageException("--flip-votes applies only with --flips: add --flips or leave out --flip-votes.");
		if (flips && growths != null)
			throw new Args.UsageException("--mask-growths cannot be tuned with --flips: tune the growth without --flips first, then tune that model with --flips.");
		double[] votes = flips ? list(a.get("--flip-votes", "2,3"), "--flip-votes", 1, 4) : new double[] { 0 };
		for (double v : votes)
			if (v != Math.rint(v)) throw new Args.UsageException("The values of --flip-votes must be whole numbers of views, not " + v + ".");
		if (growths != null) for (double g : growths)
			if (g != Math.rint(g)) throw new Args.UsageException("The values of --mask-growths must be whole numbers of cells, not " + g + ".");
		a.required("--images");
		a.required("--labels");
		if (a.all("--images").size() != a.all("--labels").size())
			throw new Args.UsageException("Give one --labels folder for each --images folder (" + a.all("--images").size() + " --images, " + a.all("--labels").size() + " --labels).");
		List<ImagePairs.Pair> pairs = new ArrayList<>();
		List<String> setNames = new ArrayList<>();
		List<Integer> setOf = new ArrayList<>();
		for (int i = 0; i < a.all("--images").size(); i++) {
			Path dir = Path.of(a.all("--images").get(i));
			List<ImagePairs.Pair> set = ImagePairs.pair(dir, Path.of(a.all("--labels").get(i)), "--images", "--labels");
			pairs.addAll(set);
			setNames.add(setName(dir));
			for (int k = 0; k < set.size(); k++) setOf.add(i);
		}
		PyTorchRuntime.start(a.integer("--threads", 0, 0, 1024));
		try (RisModel model = ModelPackage.load(modelFile)) {
			// spots come from the unclaimed foreground: without the fill there are none to tune
			double[] spotAreas = flips ? new double[] { model.config().spotMinArea }
					: a.has("--no-fill") ? new double[] { 0 } : list(a.get("--spot-areas", "0,15"), "--spot-areas", 0, 1e6);
			double[] spotFgs = flips ? new double[] { model.config().spotMinForeground } : list(a.get("--spot-foregrounds", "0.8"), "--spot-foregrounds", 0.5, 1);
			for (double s : spotAreas)
				if (s != Math.rint(s)) throw new Args.UsageException("The values of --spot-areas must be whole numbers of pixels, not " + s + ".");
			// cores: only with a core head; tuned for one view (the flips keep the model's)
			boolean coreHead = model.config().coreHead;
			if (!coreHead && (a.has("--core-min-areas") || a.has("--core-thresholds")))
				throw new Args.UsageException("The model " + modelFile + " has no core head to tune: train one with 'ris train --core-head', or leave out the core options.");
			if (flips && (a.has("--core-min-areas") || a.has("--core-thresholds")))
				throw new Args.UsageException("The cores cannot be tuned with --flips: tune them without --flips first, then tune that model with --flips.");
			double[] coreAreas = flips || !coreHead ? new double[] { model.config().coreMinArea } : list(a.get("--core-min-areas", "0,10,20"), "--core-min-areas", 0, 1e6);
			double[] coreThrs = flips || !coreHead ? new double[] { model.config().coreThreshold }
					: list(a.get("--core-thresholds", Double.toString(model.config().coreThreshold)), "--core-thresholds", 1e-6, 1 - 1e-6);
			for (double s : coreAreas)
				if (s != Math.rint(s)) throw new Args.UsageException("The values of --core-min-areas must be whole numbers of pixels, not " + s + ".");
			double minConf = Arrays.stream(confs).min().getAsDouble();
			double diameterSetting = a.objectDiameter();
			boolean shared = a.sharedEncoding(), fill = !a.has("--no-fill");
			// decoding options at an object diameter (0: the model's)
			java.util.function.DoubleFunction<SegmenterOptions> decoding = diameter -> {
				SegmenterOptions o = new SegmenterOptions();
				o.minConfidence = minConf;
				o.shareEncoder = shared;
				o.fillFromForeground = fill;
				if (diameter > 0) o.objectDiameterSetting(diameter);
				return o;
			};
			List<int[]> truth = new ArrayList<>();
			for (ImagePairs.Pair p : pairs) truth.add(ImageFiles.labels(ImageFiles.open(p.labels), 1, p.labels));
			int modelGrowth = model.config().maskGrowth;
			if (growths == null) growths = new double[] { modelGrowth };
			out.printf(Locale.ROOT, "%10s %10s %8s %8s %8s %8s %8s %8s %8s %8s %8s%s%s%n", "min_conf", "mask_thr", "min_area", "merge", "f1@0.5", "mean_f1", "sbd", "abs_dic",
					"growth", "spot", "spot_fg", coreHead ? "     core core_thr" : "", flips ? "    votes" : "");
			List<double[]> combos = new ArrayList<>();
			List<EvaluationResult> results = new ArrayList<>();
			List<List<EvaluationResult>> setResults = new ArrayList<>();
			for (double g : growths) {
				// the growth acts while decoding: the images are decoded again for each value
				model.config().maskGrowth = (int) g;
				Segmenter seg = new Segmenter(model, decoding.apply(Math.max(0, diameterSetting)));
				// with 'auto', the size 'ris segment' settles on (with the model's thresholds), and a segmenter for each such size
				Segmenter sizer = null;
				if (diameterSetting == 0) {
					SegmenterOptions so = new SegmenterOptions();
					so.shareEncoder = shared;
					so.fillFromForeground = fill;
					so.flipVotes = flips ? -1 : 0;
					so.objectDiameterSetting(0);
					sizer = new Segmenter(model, so);
				}
				java.util.Map<Double, Segmenter> bySize = new java.util.HashMap<>();
				int resized = 0;
				int views = flips ? 4 : 1;
				List<double[]> grid = new ArrayList<>();
				for (double c : confs)
					for (double t : thrs)
						for (double ar : areas)
							for (double so : solidities)
								for (double sa : spotAreas)
									for (double sf : sa == 0 ? new double[] { spotFgs[0] } : spotFgs)
										for (double ca : coreAreas)
											for (double ct : ca == 0 ? new double[] { coreThrs[0] } : coreThrs) grid.add(new double[] { c, t, ar, so, sa, sf, ca, ct });
				Evaluation[][] ev = new Evaluation[grid.size()][votes.length];
				for (Evaluation[] e : ev)
					for (int v = 0; v < votes.length; v++) e[v] = new Evaluation();
				// each set on its own as well, when there are several: the model records each set's scores
				Evaluation[][][] bySet = new Evaluation[setNames.size() > 1 ? setNames.size() : 0][grid.size()][votes.length];
				for (Evaluation[][] es : bySet)
					for (Evaluation[] e : es)
						for (int v = 0; v < votes.length; v++) e[v] = new Evaluation();
				// one image at a time, so that only its decoded views are held
				for (int i = 0; i < pairs.size(); i++) {
					ImagePlus img = ImageFiles.open(pairs.get(i).image);
					int w = img.getWidth(), h = img.getHeight();
					float[] plane = ImagePlusSegmenter.plane(img, 1);
					Segmenter at = seg;
					// d[f]: the image mirrored by FlipFusion's flip f (0: as it is)
					DecodedPlane[] d = new DecodedPlane[views];
					if (sizer != null) {
						// the model's size: its decoding also gives the sizer's first pass
						d[0] = seg.decodeAll(plane, w, h);
						double diameter = sizer.objectDiameter(plane, w, h, d[0]);
						if (Math.abs(Math.log(diameter / model.config().objectDiameter)) >= 0.02) {
							at = bySize.computeIfAbsent(diameter, dd -> new Segmenter(model, decoding.apply(dd)));
							d[0] = null;
							resized++;
						}
					}
					for (int f = 0; f < views; f++) if (d[f] == null) d[f] = at.decodeAll(FlipFusion.flip(plane, w, h, f), w, h);
					for (int k = 0; k < grid.size(); k++) {
						double[] q = grid.get(k);
						Thresholds th = new Thresholds(q[0], q[1], (int) q[2], q[3], (int) q[4], q[5], (int) q[6], q[7]);
						List<Instances> assembled = new ArrayList<>();
						for (int f = 0; f < views; f++) assembled.add(FlipFusion.flip(at.assemble(d[f], th), f));
						for (int v = 0; v < votes.length; v++) {
							Instances in = flips ? FlipFusion.fuse(assembled, (int) votes[v], (int) q[2]) : assembled.get(0);
							ImageScores scores = ev[k][v].add(pairs.get(i).name, in.labels(), truth.get(i));
							if (bySet.length > 0) bySet[setOf.get(i)][k][v].add(scores);
						}
					}
				}
				for (int k = 0; k < grid.size(); k++) {
					double[] q = grid.get(k);
					for (int v = 0; v < votes.length; v++) {
						EvaluationResult r = ev[k][v].result();
						out.printf(Locale.ROOT, "%10.2f %10.2f %8.0f %8.2f %8.4f %8.4f %8.4f %8.2f %8.0f %8.0f %8.2f%s%s%n", q[0], q[1], q[2], q[3], r.f1(0), r.meanF1(), r.sbd(),
								r.absDic(), g, q[4], q[5], coreHead ? String.format(Locale.ROOT, " %8.0f %8.2f", q[6], q[7]) : "",
								flips ? String.format(Locale.ROOT, " %8.0f", votes[v]) : "");
						combos.add(new double[] { q[0], q[1], q[2], q[3], g, votes[v], q[4], q[5], q[6], q[7] });
						results.add(r);
						List<EvaluationResult> sets = new ArrayList<>();
						for (Evaluation[][] es : bySet) sets.add(es[k][v].result());
						setResults.add(sets);
					}
				}
				if (sizer != null && resized > 0)
					out.printf(Locale.ROOT, "(%d of %d images decoded at another object diameter, as 'ris segment' would)%n", resized, pairs.size());
			}
			int pick = choose(results);
			double[] choice = combos.get(pick);
			EvaluationResult bestResult = results.get(pick);
			out.printf(Locale.ROOT,
					"best%s: min_confidence %.2f, mask_threshold %.2f, min_area %.0f, merge_solidity %.2f, mask_growth %.0f, spots %.0f / %.2f%s%s: F1@0.5 %.4f, mean F1 %.4f, SBD %.4f, |DiC| %.2f%n",
					flips ? " with --flips" : "", choice[0], choice[1], choice[2], choice[3], choice[4], choice[6], choice[7],
					coreHead ? String.format(Locale.ROOT, ", cores %.0f / %.2f", choice[8], choice[9]) : "",
					flips ? String.format(Locale.ROOT, ", votes %.0f", choice[5]) : "",
					bestResult.f1(0), bestResult.meanF1(), bestResult.sbd(), bestResult.absDic());
			for (int k = 0; k < setResults.get(pick).size(); k++) {
				EvaluationResult r = setResults.get(pick).get(k);
				out.printf(Locale.ROOT, "  %s (%d images): F1@0.5 %.4f, mean F1 %.4f, SBD %.4f, |DiC| %.2f%n", setNames.get(k), r.images(), r.f1(0), r.meanF1(), r.sbd(), r.absDic());
			}
			if (a.has("--output")) {
				ModelConfig cfg = model.config();
				String key = "whole_image_";
				cfg.maskGrowth = (int) choice[4];
				if (flips) {
					ModelConfig.FlipDecisions fd = new ModelConfig.FlipDecisions();
					fd.votes = (int) choice[5];
					fd.minConfidence = choice[0];
					fd.maskThreshold = choice[1];
					fd.minArea = (int) choice[2];
					fd.mergeSolidity = choice[3];
					cfg.flips = fd;
					key = "whole_image_flips_";
				} else {
					cfg.minConfidence = choice[0];
					cfg.maskThreshold = choice[1];
					cfg.minArea = (int) choice[2];
					cfg.mergeSolidity = choice[3];
					boolean spotsChanged = cfg.spotMinArea != (int) choice[6] || (choice[6] > 0 && cfg.spotMinForeground != choice[7]);
					cfg.spotMinArea = (int) choice[6];
					cfg.spotMinForeground = choice[7];
					boolean coresChanged = cfg.coreMinArea != (int) choice[8] || (choice[8] > 0 && cfg.coreThreshold != choice[9]);
					cfg.coreMinArea = (int) choice[8];
					cfg.coreThreshold = choice[9];
					if (cfg.flips != null && (cfg.maskGrowth != modelGrowth || spotsChanged || coresChanged)) {
						cfg.flips = null;
						out.println("The model's thresholds for --flips were chosen at another mask growth or with other spots or cores and are left out: tune the new model with --flips.");
					}
				}
				var v = cfg.training.validation;
				v.put(key + "images", (double) bestResult.images());
				v.put(key + "f1@0.5", bestResult.f1(0));
				v.put(key + "mean_f1", bestResult.meanF1());
				v.put(key + "sbd", bestResult.sbd());
				v.put(key + "abs_dic", bestResult.absDic());
				v.put(key + "pq", bestResult.pq());
				for (int k = 0; k < setResults.get(pick).size(); k++) {
					EvaluationResult r = setResults.get(pick).get(k);
					String sk = key + setNames.get(k) + "_";
					v.put(sk + "images", (double) r.images());
					v.put(sk + "f1@0.5", r.f1(0));
					v.put(sk + "mean_f1", r.meanF1());
					v.put(sk + "sbd", r.sbd());
					v.put(sk + "abs_dic", r.absDic());
				}
				ModelPackage.save(model, a.path("--output"));
				out.println("Wrote " + a.path("--output"));
			}
		}
		return 0;
	}

	/** A set's name for the scores a model records: its folder's parent and the folder above, e.g. {@code dsb2018_val}. */
	static String setName(Path imagesDir) {
		Path dir = imagesDir.toAbsolutePath().normalize(), parent = dir.getParent();
		String name = parent == null ? dir.getFileName().toString()
				: parent.getParent() == null || parent.getParent().getFileName() == null ? parent.getFileName().toString()
				: parent.getParent().getFileName() + "_" + parent.getFileName();
		return name.replaceAll("[^A-Za-z0-9_.-]", "_");
	}

	/** Mean F1 differences below this are noise on a few dozen images: such combinations count as tied. */
	static final double MEAN_F1_TIE = 0.003;

	/**
	 * The combination to keep: among those within {@link #MEAN_F1_TIE} of the best mean F1, the one with the
	 * smallest |DiC| (then the higher mean F1).
	 */
	static int choose(List<EvaluationResult> results) {
		double best = results.stream().mapToDouble(EvaluationResult::meanF1).max().orElse(0);
		int pick = -1;
		for (int i = 0; i < results.size(); i++) {
			EvaluationResult r = results.get(i);
			if (r.meanF1() < best - MEAN_F1_TIE) continue;
			if (pick < 0 || r.absDic() < results.get(pick).absDic()
					|| (r.absDic() == results.get(pick).absDic() && r.meanF1() > results.get(pick).meanF1())) pick = i;
		}
		return pick;
	}

	private static double[] list(String s, String option, double min, double max) {
		String[] parts = s.split(",");
		double[] v = new double[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				v[i] = Double.parseDouble(parts[i].trim());
			} catch (NumberFormatException e) {
				throw new Args.UsageException("The option " + option + " needs a comma-separated list of numbers, not '" + s + "'.");
			}
			if (!(v[i] >= min && v[i] <= max)) throw new Args.UsageException("The values of " + option + " must lie between " + min + " and " + max + ", not " + v[i] + ".");
		}
		return v;
	}
}
