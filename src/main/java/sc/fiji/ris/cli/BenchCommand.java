package sc.fiji.ris.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.model.RisNetwork;
import sc.fiji.ris.train.RisTrainer;

/**
 * {@code ris bench}: benchmarks that are not tests. {@code ris bench network} times the network itself (encoder
 * and one decoding step per tile, multiply-accumulates, GFLOP/s, training iterations per second);
 * {@code ris bench images DIR} times whole-image segmentation; {@code ris bench crf DIR} times the dense CRF.
 */
final class BenchCommand {

	static final String HELP = String.join("\n",
			"Usage: ris bench network [--model FILE] [--tile N] [--batch N] [--train-batch N] [--hidden N] [--encoder-channels L]",
			"                         [--mask-channels N] [--repeat N] [--threads N]",
			"       ris bench images [--model FILE] [--batch N] [--tile-size N] [--max-steps N] [--repeat N] [--threads N]",
			"                        [--limit N] [--labels-out DIR] [--separate-encoding] [--region-margin N] [--no-fill] [--flips]",
			"                        [--object-diameter D|auto|model] DIR",
			"       ris bench scaling [--model FILE] [--sizes N,N,...] [--threads N] IMAGE",
			"       ris bench tiling [--model FILE] [--crop N] [--max-steps N] [--limit N] --gt LABELS DIR",
			"       ris bench figure [--model FILE] [--object-diameter D|auto|model] --gt LABELS --output PNG IMAGE",
			"       ris bench synthetic [--variant default|half|double|other] [--count N] [--size WxH] [--seed S] OUT",
			"       ris bench classical [--repeat N] [--limit N] [--labels-out DIR] DIR",
			"       ris bench crf [--model FILE | --labels-dir DIR] [--gt DIR] [--repeat N] [--limit N] [--object-diameter D|auto|model]",
			"                     [CRF options] DIR",
			"       ris bench sets [--model FILE] [--steps] [--threads N] --images DIR --labels DIR [--images DIR --labels DIR ...]",
			"       ris bench spark [--model FILE] [--repeat N] [--limit N] [--size N] [--output DIR] DIR",
			"",
			"  network   time the encoder, one decoding step and one training iteration on random input",
			"  images    time whole-image segmentation of every image in DIR (read, normalise, network,",
			"            stitch, write), with tiles/s, steps/s, the RSS after each image and the peak RSS",
			"  scaling   time one image mirrored out to squares of the given sides (default 256,512,1024,2048)",
			"            and report milliseconds per megapixel and the peak RSS",
			"  synthetic write synthetic nuclei and their labels to OUT/images and OUT/labels (half, double:",
			"            half and double the default diameters; other: a different-looking set)",
			"  tiling    the centre crop (default 256) of each image segmented tiled and as one tile, both scored",
			"            against the ground truth in --gt",
			"  figure    input, RIS outlines and ground-truth outlines side by side, as one PNG",
			"  classical the classical Fiji recipe (blur, Otsu, mask, watershed, particles) on the same images",
			"  crf       time the dense CRF on every image in DIR: on the model's soft masks, or on the label",
			"            images of --labels-dir (NAME.tif or NAME_labels.tif); with --gt, score plain and refined",
			"            labels against the ground truth there; CRF options as for 'ris refine'",
			"  sets      each annotated set scored on its own (F1, mean F1, SBD, |DiC|, seconds per image, images",
			"            whose count is off by more than 2 times) beside the classical recipe, and per image size",
			"            (256x256, 360x360, larger); with --steps, the model with each post-processing step",
			"            turned off in turn (flips turned on), every set in one table",
			"  spark     images/s of the Spark job (spark-submit's launcher) in local[1] and local[2] and of",
			"            'ris segment' on DIR, side by side (--repeat rounds, default 2), then a --size x --size",
			"            mosaic of DIR's images (default 16384, 0 = none) in blocks: time and peak memory; needs",
			"            Spark's jars on the class path (see docs/cluster.md)",
			"  --labels-out DIR  also write each image's label image there (for 'ris evaluate')",
			"  --model FILE   the model (default: the bundled one; for 'network' a new random network)",
			"  --tile N       tile size for 'network' (default 128)",
			"  --batch N      tiles decoded together (default 16 for 'network', 64 for 'images')",
			"  --train-batch N  crops per training iteration for 'network' (default 4)",
			"  --tile-size N  tile side for 'images' (default: the model's; larger than the image = untiled)",
			"  --max-steps N  most decoding steps per tile for 'images' (default: the model's)",
			"  --separate-encoding  'images': every tile encoded on its own (see 'ris segment --help')",
			"  --region-margin N  'images', shared encoding: pixels of the image around each batch of tiles",
			"                 encoded with it (default: the model's training context margin)",
			"  --no-fill      'images': no instances from unclaimed foreground (see 'ris segment --help')",
			"  --flips        'images': fuse the image with its three mirrored copies (see 'ris segment --help')",
			"  --object-diameter D|auto|model  'images', 'figure', 'crf': as for 'ris segment' (default auto)",
			"  --hidden N     ConvLSTM hidden channels of the random network (default 12)",
			"  --encoder-channels L, --mask-channels N  the random network's widths (as for 'ris train')",
			"  --repeat N     timed repetitions (default 5)",
			"  --limit N      at most N images for 'images'",
			"  --threads N    PyTorch threads (default: all cores)");

	private BenchCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Set<String> valued = new java.util.HashSet<>(RefineCommand.CRF_OPTIONS);
		valued.addAll(Set.of("--model", "--tile", "--batch", "--train-batch", "--region-margin", "--hidden", "--encoder-channels", "--mask-channels", "--repeat", "--threads", "--limit", "--labels-out", "--labels-dir", "--gt",
				"--tile-size", "--max-steps", "--object-diameter", "--sizes", "--variant", "--count", "--seed", "--size", "--output", "--crop", "--images", "--labels"));
		Args a = new Args("bench", args, 1, valued, Set.of("--help", "--shared-encoding", "--separate-encoding", "--no-fill", "--flips", "--steps"));
		if (a.has("--help") || a.positional().isEmpty()) { out.println(HELP); return a.has("--help") ? 0 : 2; }
		String mode = a.positional().get(0);
		// the CRF needs no network when it refines given label images
		if (!mode.equals("synthetic") && (!mode.equals("crf") || !a.has("--labels-dir"))) PyTorchRuntime.start(a.integer("--threads", 0, 0, 1024));
		switch (mode) {
		case "network": return network(a, out);
		case "images": return ImageBench.run(a, out);
		case "scaling": return ImageBench.scaling(a, out);
		case "tiling": return ImageBench.tiling(a, out);
		case "synthetic": return SyntheticBench.run(a, out);
		case "figure": return FigureBench.run(a, out);
		case "classical": return ImageBench.classical(a, out);
		case "crf": return CrfBench.run(a, out);
		case "sets": return SetsBench.run(a, out);
		case "spark": return sc.fiji.ris.spark.SparkBench.run(args, out, err); // needs Spark's jars on the class path; loads no Spark class itself
		default: throw new Args.UsageException("Unknown benchmark '" + mode + "': use 'network', 'images', 'scaling', 'tiling', 'synthetic', 'figure', 'classical', 'crf', 'sets' or 'spark'.");
		}
	}

	private static int network(Args a, PrintStream out) throws IOException {
		int tile = a.integer("--tile", 128, 32, 1024);
		if (tile % 8 != 0) throw new Args.UsageException("--tile must be a multiple of 8.");
		int batch = a.integer("--batch", 16, 1, 1024);
		int trainBatch = a.integer("--train-batch", 4, 1, 256);
		int repeat = a.integer("--repeat", 5, 1, 1000);
		ModelConfig config;
		if (a.has("--model")) config = ModelPackage.readConfig(a.path("--model"));
		else {
			config = new ModelConfig();
			config.hiddenChannels = a.integer("--hidden", config.hiddenChannels, 1, 512);
			config.maskChannels = a.integer("--mask-channels", config.maskChannels, 1, 512);
			if (a.has("--encoder-channels")) config.encoderChannels = TrainCommand.encoderChannels(a.get("--encoder-channels", ""));
		}
		config.tileSize = tile;
		long[] macs = RisNetwork.macs(config, tile);
		double[] enc = new double[repeat], step = new double[repeat];
		try (RisModel model = RisModel.create(config, 1)) {
			for (int r = -2; r < repeat; r++) {
				try (NDManager m = model.manager().newSubManager()) {
					ParameterStore ps = new ParameterStore(m, false);
					NDArray x = m.randomUniform(0, 1, new Shape(batch, 1, tile, tile));
					long t0 = System.nanoTime();
					RisNetwork.State st = model.network().encode(ps, x, false);
					st.attachAll(m);
					NDList o = model.network().step(ps, st, false);
					o.get(1).toFloatArray();
					long t1 = System.nanoTime();
					int steps = 5;
					for (int s = 0; s < steps; s++) o = model.network().step(ps, st, false);
					o.get(1).toFloatArray();
					long t2 = System.nanoTime();
					if (r >= 0) {
						step[r] = (t2 - t1) / 1e6 / steps / batch;
						enc[r] = (t1 - t0) / 1e6 / batch - step[r];
					}
				}
			}
		}
		double e = median(enc), s = median(step);
		out.printf(Locale.ROOT, "network: tile %d, batch %d, hidden %d, encoder channels %s, mask channels %d, feedback %s, context %s, seed attention %s, %d threads%n", tile, batch,
				config.hiddenChannels, Arrays.toString(config.encoderChannels), config.maskChannels, config.feedbackUnion, config.coarseContext, config.seedAttention, PyTorchRuntime.threads());
		out.printf(Locale.ROOT, "%-28s %12s %12s %10s%n", "part", "ms per tile", "GFLOP", "GFLOP/s");
		out.printf(Locale.ROOT, "%-28s %12.3f %12.3f %10.1f%n", "encoder (once per tile)", e, 2.0 * macs[0] / 1e9, 2.0 * macs[0] / 1e6 / e);
		out.printf(Locale.ROOT, "%-28s %12.3f %12.3f %10.1f%n", "decoding step (per step)", s, 2.0 * macs[1] / 1e9, 2.0 * macs[1] / 1e6 / s);
		for (int steps : new int[] { 2, 10 }) {
			double sec = RisTrainer.timeIterations(config, tile, trainBatch, steps, Math.max(3, repeat), 7);
			out.printf(Locale.ROOT, "training, batch %d, %2d steps: %.3f s per iteration (%.2f iterations/s, %.1f crops/s)%n", trainBatch, steps, sec, 1 / sec,
					trainBatch / sec);
		}
		return 0;
	}

	static double median(double[] v) {
		double[] c = v.clone();
		Arrays.sort(c);
		int n = c.length;
		return n == 0 ? Double.NaN : n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
	}

	/** Peak resident set size of this process in MiB (Linux), or NaN. */
	static double peakRssMiB() {
		return procStatusMiB("VmHWM:");
	}

	/** The resident set size now (Linux), in MiB; NaN elsewhere. */
	static double rssMiB() {
		return procStatusMiB("VmRSS:");
	}

	private static double procStatusMiB(String key) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status")))
				if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
		} catch (IOException | RuntimeException e) {
			return Double.NaN;
		}
		return Double.NaN;
	}
}
