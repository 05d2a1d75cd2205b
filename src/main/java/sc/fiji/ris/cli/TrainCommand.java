package sc.fiji.ris.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.LossCurvePlot;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.TrainingSet;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.train.CoreTrainer;
import sc.fiji.ris.train.RisTrainer;
import sc.fiji.ris.train.TrainingOptions;

/** {@code ris train}: trains a model on image/label folders and writes the model package, log and loss curve. */
final class TrainCommand {

	static final String HELP = String.join("\n",
			"Usage: ris train --images DIR --labels DIR --output MODEL.zip (--iterations N | --minutes M) [options]",
			"",
			"  --images DIR          training images (TIFF/PNG, 8/16/32-bit, one plane each); give --images and",
			"                        --labels again for another set: each set then gives an equal share of the",
			"                        crops, whatever its number of images",
			"  --labels DIR          label images with the same names (0 = background, 1..n = instances)",
			"  --regions DIR         masks of the annotated regions of partly annotated images, with the same",
			"                        names (nonzero = annotated: every object there is labelled); training",
			"                        learns only inside them, so that unlabelled objects outside are not taken",
			"                        as background; an image without a mask is annotated everywhere (once per",
			"                        --images, in the same order)",
			"  --val-images DIR      validation images (recommended: the best checkpoint is chosen on them); may",
			"                        be repeated with --val-labels, as --images",
			"  --val-labels DIR      validation labels",
			"  --output FILE         the model package to write (.zip); its log (_training.csv) and loss curve",
			"                        (_loss.png) go next to it",
			"  --iterations N        stop after N iterations",
			"  --minutes M           stop after M minutes",
			"  --crop N              training crop size, a multiple of 8, at least 88 for a new model (default 96)",
			"  --batch N             crops per iteration (default 4)",
			"  --synthetic F         fraction of crops from synthetic nuclei, 0..1 (default 0)",
			"  --scale-augmentation S",
			"                        magnify each training crop by a random factor between 1/S and S (1..4), so",
			"                        that the model sees nuclei of more sizes (default 1: none)",
			"  --input-scale S       magnify the training images by S (0.5..2) before cropping; the model then",
			"                        magnifies every image it segments by S, at S squared the time (default 1;",
			"                        resuming or fine-tuning keeps the model's own)",
			"  --context-margin N    encode each crop with N more pixels of the image on each side (on each",
			"                        side with a chance of 3 in 4) and segment the crop, as tiles sharing one",
			"                        encoding are segmented (0, 16, 32, 48 or 64; default: as the model given",
			"                        to --resume or --start-from, 0 for a new model)",
			"  --learning-rate X     Adam learning rate (default 0.001)",
			"  --gradient-norm-limit F",
			"                        scale each batch's gradient down to F times the running mean of the",
			"                        gradient's global norm when it is larger (F >= 1, or 0 for no limit;",
			"                        default 2)",
			"  --no-spike-rollback   keep going after a loss spike (default: go back to the weights of a recent",
			"                        checkpoint, with fresh optimiser moments, when the loss of 10 iterations",
			"                        jumps above 3 times its level)",
			"  --keep-checkpoints    keep every checkpoint validated in stage 2 in the checkpoint folder",
			"                        (iteration-NNNNNNN.zip; resume from any of them)",
			"  --constant-lr         keep the learning rate constant (default: cosine decay to 5% over the",
			"                        second half of the budget)",
			"  --lambda X            weight of the confidence loss (default 1)",
			"  --min-instance-area N objects with fewer pixels inside a training crop are background there, not",
			"                        targets (default 16; smaller: the model learns to find smaller objects)",
			"  --small-object-crops F",
			"                        fraction of the crops from the training images placed around an object",
			"                        smaller than a quarter of the median object, 0..1 (default 0: all at",
			"                        random); the model sees rare small objects more often",
			"  --touching-crops F    fraction of the crops from the training images placed around the seam",
			"                        between two touching objects, 0..1 (default 0); with --small-object-crops",
			"                        at most 1 in all",
			"  --small-object-weight X",
			"                        how many times an object smaller than a quarter of the median object",
			"                        counts in the loss (default 1 = as any other)",
			"  --hidden N            ConvLSTM hidden channels of a new network (default 12)",
			"  --encoder-channels L  encoder channels at full, 1/2, 1/4 and 1/8 resolution of a new network",
			"                        (default 8,16,24,32); three numbers: no 1/8 scale (a shallower encoder)",
			"  --mask-channels N     channels of the mask and foreground heads of a new network (default 8)",
			"  --no-curriculum       train on n+2 steps from the start",
			"  --no-feedback         do not feed the union of emitted masks back to the ConvLSTM",
			"  --no-context          no coarse (1/16) and global view for the second ConvLSTM layer",
			"  --no-seed-attention   no seed (softmax over the tile) for the mask head to delineate",
			"  --no-foreground-head  full-resolution masks at every step instead of 1/2-resolution masks",
			"                        cut by a full-resolution foreground head (slower)",
			"  --seed-weight X       weight of the seed loss, which tells each step's seed to point at its",
			"                        matched instance (default 1; 0 = the paper's loss only)",
			"  --border-weight X     extra weight of the seams between touching objects in the soft IoU, so",
			"                        that masks stop at the seam (default 0 = off)",
			"  --resume FILE         continue from a checkpoint (last.zip of the checkpoint folder)",
			"  --start-from FILE     fine-tune an existing model instead of starting from scratch ('bundled':",
			"                        the model inside the jar)",
"  --core-head           with --start-from: train only a new core head on the model, whose other",
			"                        weights stay as they are (its instances do not change); the segmenter",
			"                        then cuts instances that hold two objects' cores (default crop 96,",
			"                        batch 8; choose its thresholds with 'ris tune --core-min-areas')",
			"  --core-channels N     with --core-head: channels of the core head's convolutions (default 16)",
			"  --checkpoints DIR     checkpoint folder (default: MODEL.zip's name + '.checkpoints')",
			"  --validate-every N    iterations between validations (default 100)",
			"  --seed S              random seed (default 42)",
			"  --threads N           PyTorch threads (default: all cores)");

	private TrainCommand() {}

	static int[] encoderChannels(String list) {
		String[] parts = list.split(",");
		int[] c = new int[parts.length];
		try {
			for (int i = 0; i < parts.length; i++) c[i] = Integer.parseInt(parts[i].trim());
		} catch (NumberFormatException e) {
			c = new int[0];
		}
		if (c.length < 3 || c.length > 4 || java.util.Arrays.stream(c).anyMatch(v -> v < 1 || v > 1024))
			throw new Args.UsageException("--encoder-channels takes three or four numbers from 1 to 1024 separated by commas (e.g. 16,32,48,64), not '" + list + "'.");
		return c;
	}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Args a = new Args("train", args, 1,
				Set.of("--images", "--labels", "--regions", "--val-images", "--val-labels", "--output", "--iterations", "--minutes", "--crop", "--batch",
						"--synthetic", "--scale-augmentation", "--input-scale", "--context-margin", "--learning-rate", "--gradient-norm-limit", "--lambda", "--min-instance-area", "--small-object-crops", "--touching-crops", "--small-object-weight", "--seed-weight", "--border-weight", "--hidden", "--encoder-channels", "--mask-channels", "--resume", "--start-from", "--checkpoints", "--validate-every", "--seed", "--threads", "--core-channels"),
				Set.of("--help", "--core-head", "--keep-checkpoints", "--no-spike-rollback", "--constant-lr", "--no-curriculum", "--no-feedback", "--no-context", "--no-seed-attention", "--no-foreground-head",
						"--context", "--seed-attention")); // the last two are the defaults, accepted for older command lines
		if (a.has("--help")) { out.println(HELP); return 0; }
		if (!a.positional().isEmpty()) throw new Args.UsageException("'ris train' takes no file arguments ('" + a.positional().get(0) + "'): use --images and --labels.");
		a.required("--images");
		a.required("--labels");
		List<String> imageDirs = a.all("--images"), labelDirs = a.all("--labels");
		List<String> valImageDirs = a.all("--val-images"), valLabelDirs = a.all("--val-labels");
		List<String> regionDirs = a.all("--regions");
		if (!regionDirs.isEmpty() && regionDirs.size() != imageDirs.size())
			throw new Args.UsageException("Give one --regions folder for each --images folder, or none (" + imageDirs.size() + " --images, " + regionDirs.size() + " --regions).");
		if (!regionDirs.isEmpty() && a.has("--core-head"))
			throw new Args.UsageException("--regions is for training the network; the core head (--core-head) learns from completely labelled images.");
		if (imageDirs.size() != labelDirs.size())
			throw new Args.UsageException("Give one --labels folder for each --images folder (" + imageDirs.size() + " --images, " + labelDirs.size() + " --labels).");
		if (valImageDirs.size() != valLabelDirs.size())
			throw new Args.UsageException("Give one --val-labels folder for each --val-images folder (" + valImageDirs.size() + " --val-images, "
					+ valLabelDirs.size() + " --val-labels).");
		Path output = Path.of(a.required("--output"));
		if (!output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip"))
			throw new Args.UsageException("--output must name a .zip file, not " + output + ".");
		if (Files.isDirectory(output)) throw new Args.UsageException("--output " + output + " is a folder: give a .zip file name.");
		if (a.has("--val-images") != a.has("--val-labels")) throw new Args.UsageException("Give both --val-images and --val-labels, or neither.");

		TrainingOptions o = new TrainingOptions();
		o.iterations = a.longValue("--iterations", 0, 1);
		o.minutes = a.real("--minutes", 0, 0.01, 1e6);
		o.crop = a.integer("--crop", 96, 32, 1024);
		o.batch = a.integer("--batch", 4, 1, 256);
		o.syntheticFraction = a.real("--synthetic", 0, 0, 1);
		o.scaleAugmentation = a.real("--scale-augmentation", 1, 1, 4);
		o.inputScale = a.has("--input-scale") ? a.real("--input-scale", 1, 0.5, 2) : -1;
		o.contextMargin = a.integer("--context-margin", -1, 0, 64);
		o.learningRate = (float) a.real("--learning-rate", 1e-3, 1e-7, 1);
		o.gradientNormLimit = a.real("--gradient-norm-limit", 2, 0, 1000);
		o.lambda = (float) a.real("--lambda", 1, 0, 100);
		o.seedWeight = (float) a.real("--seed-weight", 1, 0, 100);
		o.borderWeight = (float) a.real("--border-weight", 0, 0, 100);
		o.minInstanceArea = a.integer("--min-instance-area", 16, 1, 10_000);
		o.smallObjectCrops = a.real("--small-object-crops", 0, 0, 1);
		o.touchingCrops = a.real("--touching-crops", 0, 0, 1);
		o.smallObjectWeight = (float) a.real("--small-object-weight", 1, 1, 100);
		o.validateEvery = a.integer("--validate-every", 100, 1, Integer.MAX_VALUE);
		o.checkpointEvery = o.validateEvery;
		o.keepCheckpoints = a.has("--keep-checkpoints");
		o.spikeRollback = !a.has("--no-spike-rollback");
		o.seed = a.longValue("--seed", 42, 0);
		o.curriculum = !a.has("--no-curriculum");
		o.decay = !a.has("--constant-lr");
		o.resume = a.path("--resume");
		o.startFrom = "bundled".equals(a.get("--start-from", null)) ? ModelPackage.bundledCopy() : a.path("--start-from");
		String stem = output.getFileName().toString().replaceFirst("(?i)\\.zip$", "");
		Path parent = output.toAbsolutePath().getParent();
		o.checkpointDir = a.has("--checkpoints") ? a.path("--checkpoints") : parent.resolve(stem + ".checkpoints");
		try {
			o.validate();
		} catch (IllegalArgumentException e) {
			String sentence = FailureSentences.sentence(e, InvalidSetting::flag);
			throw new Args.UsageException(sentence != null ? sentence : e.getMessage());
		}
		ModelConfig config = new ModelConfig();
		config.hiddenChannels = a.integer("--hidden", config.hiddenChannels, 1, 512);
		config.maskChannels = a.integer("--mask-channels", config.maskChannels, 1, 512);
		if (a.has("--encoder-channels")) config.encoderChannels = encoderChannels(a.get("--encoder-channels", ""));
		config.feedbackUnion = !a.has("--no-feedback");
		config.coarseContext = !a.has("--no-context");
		config.seedAttention = !a.has("--no-seed-attention");
		config.foregroundHead = !a.has("--no-foreground-head");
		config.tileSize = o.crop;
		if (o.resume == null && o.startFrom == null && config.tileOverlap >= o.crop / 2) {
			int least = (2 * config.tileOverlap + 2 + 7) / 8 * 8;
			throw new Args.UsageException("--crop " + o.crop + " is too small for a new model, whose tiles overlap by " + config.tileOverlap
					+ " pixels: give --crop " + least + " or more.");
		}
		int threads = a.integer("--threads", 0, 0, 1024);
		for (Path p : new Path[] { o.resume, o.startFrom })
			if (p != null && !Files.isRegularFile(p)) throw new UserError("The model file " + p + " does not exist.");
		if (o.resume != null) config = ModelPackage.readConfig(o.resume);
		else if (o.startFrom != null) config = ModelPackage.readConfig(o.startFrom);

		if (a.has("--core-channels") && !a.has("--core-head")) throw new Args.UsageException("--core-channels applies only with --core-head.");
		if (a.has("--core-head") && o.startFrom == null)
			throw new Args.UsageException("--core-head trains a core head on a trained model: give the model with --start-from.");
		PercentileNormalizer normalizer = new PercentileNormalizer(config.normLowPercentile, config.normHighPercentile);
		List<LabeledImage> train = new ArrayList<>();
		int[] sets = new int[0];
		for (int i = 0; i < imageDirs.size(); i++) {
			List<ImagePairs.Pair> pairs = ImagePairs.pair(Path.of(imageDirs.get(i)), Path.of(labelDirs.get(i)), "--images", "--labels");
			List<LabeledImage> set = regionDirs.isEmpty() ? read(pairs, normalizer, "--labels", out)
					: readWithRegions(pairs, Path.of(regionDirs.get(i)), normalizer, out);
			sets = java.util.Arrays.copyOf(sets, sets.length + set.size());
			java.util.Arrays.fill(sets, train.size(), sets.length, i);
			train.addAll(set);
		}
		if (imageDirs.size() > 1) o.imageSets = sets;
		List<LabeledImage> val = new ArrayList<>();
		for (int i = 0; i < valImageDirs.size(); i++)
			val.addAll(read(ImagePairs.pair(Path.of(valImageDirs.get(i)), Path.of(valLabelDirs.get(i)), "--val-images", "--val-labels"), normalizer, "--val-labels", out));
		sc.fiji.ris.model.PyTorchRuntime.start(threads); // after the data checks: a bad file is reported without loading PyTorch
		Progress progress = new ConsoleProgress(out);
		if (a.has("--core-head")) {
			out.printf(Locale.ROOT, "Training a core head on %s with %d images (%d validation)%n", o.startFrom, train.size(), val.size());
			return trainCoreHead(a, o, train, val, output, progress, out);
		}
		out.printf(Locale.ROOT, "Training on %d images%s (%d validation), checkpoints in %s%n", train.size(),
				imageDirs.size() > 1 ? " in " + imageDirs.size() + " sets, an equal share of the crops from each" : "", val.size(), o.checkpointDir);

		RisTrainer.Result result = new RisTrainer(config, o).train(train, val, progress, null);
		try (RisModel best = ModelPackage.load(result.bestCheckpoint)) {
			ModelConfig.Provenance p = best.config().training;
			p.trainingData = absolute(imageDirs) + (regionDirs.isEmpty() ? "" : " (annotated regions in " + absolute(regionDirs) + ")");
			p.validationData = absolute(valImageDirs);
			ModelPackage.save(best, output);
		}
		Path csv = parent.resolve(stem + "_training.csv");
		result.log.writeCsv(csv);
		Path png = parent.resolve(stem + "_loss.png");
		LossCurvePlot.write(result.log, png);
		out.printf(Locale.ROOT, "%s after %d iterations (%.1f min): wrote %s, %s and %s%n", result.cancelled ? "Stopped" : "Done",
				result.iterations, result.seconds / 60, output, csv.getFileName(), png.getFileName());
		return 0;
	}

	private static int trainCoreHead(Args a, TrainingOptions o, List<LabeledImage> train, List<LabeledImage> val, Path output, Progress progress,
			PrintStream out) throws IOException {
		CoreTrainer.Options c = new CoreTrainer.Options();
		c.crop = a.integer("--crop", 96, 32, 1024);
		if (c.crop % 16 != 0) throw new Args.UsageException("--crop must be a multiple of 16 for --core-head, not " + c.crop + ".");
		c.batch = a.integer("--batch", 8, 1, 256);
		c.minutes = o.minutes;
		c.iterations = o.iterations;
		c.seed = o.seed;
		c.validateEvery = o.validateEvery;
		c.decay = o.decay;
		c.imageSets = o.imageSets;
		c.scaleAugmentation = o.scaleAugmentation;
		if (a.has("--learning-rate")) c.learningRate = o.learningRate;
		try (RisModel base = ModelPackage.load(o.startFrom); RisModel model = CoreTrainer.withCoreHead(base, o.seed, a.integer("--core-channels", 16, 1, 512))) {
			if (model.config().inputScale != 1) {
				train = RisTrainer.magnified(train, model.config().inputScale);
				val = RisTrainer.magnified(val, model.config().inputScale);
			}
			CoreTrainer.Result r = CoreTrainer.train(model, train, val, c, progress);
			ModelConfig.Provenance p = model.config().training;
			p.coreIterations = r.iterations;
			p.coreSeconds = Math.round(r.seconds * 10) / 10.0;
			p.validation.put("core_loss", r.bestValidationLoss);
			ModelPackage.save(model, output);
			out.printf(Locale.ROOT, "%s after %d iterations (%.1f min), core loss %.4f: wrote %s%n", r.cancelled ? "Stopped" : "Done", r.iterations,
					r.seconds / 60, r.bestValidationLoss, output);
		}
		return 0;
	}

	/** Folders as the provenance records them: absolute, separated by {@code ;}. */
	private static String absolute(List<String> dirs) {
		return String.join(";", dirs.stream().map(d -> Path.of(d).toAbsolutePath().normalize().toString()).toList());
	}

	/** Reads the pairs and restricts each to its region mask in {@code regions}, if it has one. */
	private static List<LabeledImage> readWithRegions(List<ImagePairs.Pair> pairs, Path regions, PercentileNormalizer normalizer, PrintStream log) {
		if (!Files.isDirectory(regions)) throw new UserError("--regions " + regions + " is not a folder.");
		int[] masked = { 0 };
		List<LabeledImage> set = TrainingSet.read(pairs, p -> {
			LabeledImage li = ImageFiles.readPair(p, normalizer);
			Path mask = ImageFiles.regionMask(regions, p);
			if (mask == null) return li;
			masked[0]++;
			return AnnotatedRegion.restrict(li, ImageFiles.readRegion(mask, li.width(), li.height(), p.image));
		}, "--labels", w -> log.println("Warning: " + w));
		log.printf(Locale.ROOT, "%d of %d images have an annotated region in %s%s%n", masked[0], pairs.size(), regions,
				masked[0] < pairs.size() ? "; the others are annotated everywhere" : "");
		return set;
	}

	private static List<LabeledImage> read(List<ImagePairs.Pair> pairs, PercentileNormalizer normalizer, String option, PrintStream log) {
		return TrainingSet.read(pairs, p -> ImageFiles.readPair(p, normalizer), option, w -> log.println("Warning: " + w));
	}
}
