package sc.fiji.ris.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.Progress;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.InstanceSizes;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/**
 * Where a training run starts: the model (a new one, a checkpoint resumed, or a model fine-tuned), the counters it
 * goes on from, its provenance filled in from the options, and the training pairs at the scale its network learns
 * them. A new or fine-tuned model takes its object size from its training pairs (a fine-tuned one then segments the
 * user's images at their own size). It holds the model from the moment it is acquired: a setting refused afterwards closes it, and so does
 * {@link #close()}.
 */
final class TrainingStart implements AutoCloseable {

	final RisModel model;
	long iteration;
	/** Curriculum stage: 1 (two steps) or 2 (n + 2 steps). */
	int stage;
	/** Seconds trained before this run (resumed). */
	double elapsedBefore;
	/** The validation F1 of the best checkpoint so far. */
	double bestScore = Double.NEGATIVE_INFINITY;
	TrainingLog log = new TrainingLog();
	/** A fine-tuned model's core cuts, restored once its core head is trained again (0: none to train). */
	int coreCuts;
	/** Context margin of the training windows, in pixels. */
	int margin;
	/** The pairs as the network learns them (resampled where the model or the fine-tuning says so). */
	List<LabeledImage> train, val;

	private TrainingStart(RisModel model) {
		this.model = model;
	}

	/** @param baseConfig the architecture of a new model (ignored when resuming or fine-tuning) */
	static TrainingStart of(ModelConfig baseConfig, TrainingOptions options, List<LabeledImage> train, List<LabeledImage> val, Progress progress)
			throws IOException {
		TrainingStart s = new TrainingStart(acquire(baseConfig, options));
		try {
			s.setUp(options, train, val, progress);
			return s;
		} catch (RuntimeException | IOException e) {
			s.close();
			throw e;
		}
	}

	private static RisModel acquire(ModelConfig baseConfig, TrainingOptions options) throws IOException {
		if (options.resume != null) return ModelPackage.load(options.resume);
		if (options.startFrom != null) return ModelPackage.load(options.startFrom);
		ModelConfig config = baseConfig.copy();
		config.tileSize = options.crop;
		if (config.tileOverlap >= options.crop / 2)
			throw new UserError("A crop of " + options.crop + " is too small for a new model, whose tiles overlap by " + config.tileOverlap
					+ " pixels: use a crop of at least " + ((2 * config.tileOverlap + 2 + 7) / 8 * 8) + ".");
		return RisModel.create(config, options.seed);
	}

	private void setUp(TrainingOptions options, List<LabeledImage> trainPairs, List<LabeledImage> valPairs, Progress progress) throws IOException {
		ModelConfig config = model.config();
		train = trainPairs;
		val = valPairs;
		stage = options.curriculum ? 1 : 2;
		if (options.resume != null) {
			ModelConfig.Provenance p = config.training;
			iteration = p.iterations;
			elapsedBefore = p.seconds;
			stage = p.stage;
			bestScore = p.validation.getOrDefault("f1@0.5", Double.NEGATIVE_INFINITY);
			Path oldLog = options.resume.resolveSibling("log.csv");
			if (Files.isRegularFile(oldLog)) log = TrainingLog.parse(Files.readString(oldLog));
			progress.status(String.format(Locale.ROOT, "Resuming from %s at iteration %d (stage %d).", options.resume, iteration, stage));
		} else if (options.startFrom != null) {
			int inherited = config.training.contextMargin;
			config.training = new ModelConfig.Provenance();
			config.training.contextMargin = inherited;
			stage = 2; // a trained model already knows how to find and stop
			if (config.coreHead && config.coreMinArea > 0) {
				// the core head was trained on the encoder as it was: it is trained again on the fine-tuned one at the
				// end, and cuts nothing until then (a run stopped before keeps a model without cuts)
				coreCuts = config.coreMinArea;
				config.coreMinArea = 0;
			}
		}
		if (options.resume == null) {
			// the size of the objects this model learns, for the object-diameter option at inference
			double diameter = SetDraw.diameter(train, options.imageSets);
			if (!Double.isNaN(diameter)) config.objectDiameter = Math.round(diameter * 10) / 10.0;
			// how crowded they are, so that the estimate does not take objects as crowded for pieces
			config.sharedOutline = Math.round(InstanceSizes.sharedOutline(train) * 1000) / 1000.0;
		}
		ModelConfig.Provenance p = config.training;
		p.seed = options.seed;
		p.curriculum = options.curriculum ? "2 steps, then n+2 steps" : "none (n+2 steps from the start)";
		p.seedWeight = options.seedWeight;
		p.borderWeight = options.borderWeight;
		p.lambda = options.lambda;
		p.minInstanceArea = options.minInstanceArea;
		p.scaleAugmentation = options.scaleAugmentation;
		p.smallObjectCrops = options.smallObjectCrops;
		p.touchingCrops = options.touchingCrops;
		p.smallObjectWeight = options.smallObjectWeight;
		p.gradientNormLimit = options.gradientNormLimit;
		margin = contextMargin(config, options);
		p.contextMargin = margin;
		boolean newModel = options.resume == null && options.startFrom == null;
		if (options.inputScale != -1 && !newModel && Math.abs(options.inputScale - config.inputScale) > 1e-9)
			throw new InvalidSetting("input_scale", "The model " + (options.resume != null ? options.resume : options.startFrom) + " works on images magnified by "
					+ config.inputScale + ": leave out {setting} to go on with it.");
		if (newModel) config.inputScale = options.inputScale == -1 ? 1 : options.inputScale;
		if (config.inputScale != 1) {
			train = RisTrainer.magnified(train, config.inputScale);
			val = RisTrainer.magnified(val, config.inputScale);
		}
		if (options.crop % 8 != 0) throw new InvalidSetting("crop", "{setting} must be a multiple of 8.");
	}

	/** The context margin of the run: the option's, or (-1) the one the model was trained with. */
	private static int contextMargin(ModelConfig config, TrainingOptions options) {
		int margin = options.contextMargin >= 0 ? options.contextMargin : config.training.contextMargin;
		if (options.resume != null && margin != config.training.contextMargin)
			throw new InvalidSetting("context_margin", "The checkpoint " + options.resume + " was trained with a context margin of "
					+ config.training.contextMargin + ": resume it with that margin (leave out {setting}).");
		if (margin < 0 || margin > 64 || margin % 16 != 0)
			throw new UserError("The model's training context margin is " + margin + ": it must be 0, 16, 32, 48 or 64.");
		return margin;
	}

	@Override
	public void close() {
		model.close();
	}
}
