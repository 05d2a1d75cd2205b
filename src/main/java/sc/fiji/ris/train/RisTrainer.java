package sc.fiji.ris.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.SyntheticNuclei;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.ImageScores;
import sc.fiji.ris.infer.InstancePainter;
import sc.fiji.ris.infer.Resampling;
import sc.fiji.ris.infer.TileDecoder;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.loss.RisLoss;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.NonFiniteOutputException;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * Trains a RIS network end to end with the curriculum of the paper: stage 1 unrolls 2 steps (the network learns
 * to find two instances, matched to the best two of the n) until validation stops improving; stage 2 unrolls n + 2
 * steps so that it learns every instance and when to stop. Adam with element-wise gradient clipping and each
 * batch's gradient norm limited to a multiple of its running mean ({@link GradientNormLimit}), random crops with
 * augmentation, nuclei cut by the crop border kept as instances.
 *
 * <p>Validation runs on fixed crops of the validation images: in stage 1 the mean soft IoU of the two matched
 * steps, in stage 2 the real metrics after full decoding (F1 at IoU 0.5 decides the best checkpoint). Checkpoints
 * ({@code last.zip}, {@code best.zip}, {@code log.csv}) go to the checkpoint folder; a run can resume from
 * {@code last.zip} (the optimiser's moments start afresh).
 */
public final class RisTrainer {

	private final TrainingOptions options;
	private final ModelConfig baseConfig;
	/** Called after each update with the iteration and the weights (tests disturb the weights through it). */
	java.util.function.BiConsumer<Long, List<NDArray>> afterUpdate;

	/** @param config the architecture for a new network (ignored when resuming or fine-tuning) */
	public RisTrainer(ModelConfig config, TrainingOptions options) {
		options.validate();
		this.options = options;
		this.baseConfig = config;
	}

	/** What a finished run hands back. */
	public static final class Result {
		/** Path of the best checkpoint (by validation F1), or of the last one if stage 2 never validated. */
		public final Path bestCheckpoint;
		public final TrainingLog log;
		public final long iterations;
		public final double seconds;
		public final boolean cancelled;

		Result(Path bestCheckpoint, TrainingLog log, long iterations, double seconds, boolean cancelled) {
			this.bestCheckpoint = bestCheckpoint;
			this.log = log;
			this.iterations = iterations;
			this.seconds = seconds;
			this.cancelled = cancelled;
		}
	}

	/**
	 * Runs the training.
	 *
	 * @param train normalised training images with labels
	 * @param val normalised validation images with labels (may be empty: then the last checkpoint is kept)
	 * @param rows receives each log row as it is made (for a live plot), may be null
	 */
	public Result train(List<LabeledImage> train, List<LabeledImage> val, Progress progress, Consumer<TrainingLog.Row> rows) throws IOException {
		if (train.isEmpty()) throw new UserError("There are no training images.");
		Path dir = options.checkpointDir;
		Files.createDirectories(dir);
		Path last = dir.resolve("last.zip");
		Path best = dir.resolve("best.zip");
		Path logFile = dir.resolve("log.csv");

		RisModel model;
		long iteration = 0;
		int stage = options.curriculum ? 1 : 2;
		double elapsedBefore = 0;
		double bestScore = Double.NEGATIVE_INFINITY;
		TrainingLog log = new TrainingLog();
		if (options.resume != null) {
			model = ModelPackage.load(options.resume);
			ModelConfig.Provenance p = model.config().training;
			iteration = p.iterations;
			elapsedBefore = p.seconds;
			stage = p.stage;
			bestScore = p.validation.getOrDefault("f1@0.5", Double.NEGATIVE_INFINITY);
			Path oldLog = options.resume.resolveSibling("log.csv");
			if (Files.isRegularFile(oldLog)) log = TrainingLog.parse(Files.readString(oldLog));
			progress.status(String.format(Locale.ROOT, "Resuming from %s at iteration %d (stage %d).", options.resume, iteration, stage));
		} else if (options.startFrom != null) {
			model = ModelPackage.load(options.startFrom);
			int inherited = model.config().training.contextMargin;
			model.config().training = new ModelConfig.Provenance();
			model.config().training.contextMargin = inherited;
			stage = 2; // a trained model already knows how to find and stop
			if (model.config().coreHead && model.config().coreMinArea > 0) {
				// the core head was trained on the encoder as it was: its cores would not fit the fine-tuned one
				model.config().coreMinArea = 0;
				progress.status("The model's core head stays as it was and no longer cuts instances: train it again on the fine-tuned model with 'ris train --core-head' (then 'ris tune').");
			}
		} else {
			ModelConfig config = baseConfig.copy();
			config.tileSize = options.crop;
			if (config.tileOverlap >= options.crop / 2)
				throw new UserError("A crop of " + options.crop + " is too small for a new model, whose tiles overlap by "
						+ config.tileOverlap + " pixels: use a crop of at least " + ((2 * config.tileOverlap + 2 + 7) / 8 * 8) + ".");
			model = RisModel.create(config, options.seed);
		}
		ModelConfig config = model.config();
		if (options.resume == null) {
			// the size of the objects this model learns, for the object-diameter option at inference
			double diameter = SetDraw.diameter(train, options.imageSets);
			if (!Double.isNaN(diameter)) config.objectDiameter = Math.round(diameter * 10) / 10.0;
			// how crowded they are, so that the estimate does not take objects as crowded for pieces
			config.sharedOutline = Math.round(sc.fiji.ris.data.InstanceSizes.sharedOutline(train) * 1000) / 1000.0;
		}
		config.training.seed = options.seed;
		config.training.curriculum = options.curriculum ? "2 steps, then n+2 steps" : "none (n+2 steps from the start)";
		config.training.seedWeight = options.seedWeight;
		config.training.borderWeight = options.borderWeight;
		config.training.lambda = options.lambda;
		config.training.minInstanceArea = options.minInstanceArea;
		config.training.scaleAugmentation = options.scaleAugmentation;
		config.training.smallObjectCrops = options.smallObjectCrops;
		config.training.touchingCrops = options.touchingCrops;
		config.training.smallObjectWeight = options.smallObjectWeight;
		// -1: as the model this run continues (a new one has none)
		int margin = options.contextMargin >= 0 ? options.contextMargin : config.training.contextMargin;
		String marginProblem = options.resume != null && margin != config.training.contextMargin
				? "The checkpoint " + options.resume + " was trained with a context margin of " + config.training.contextMargin
						+ ": resume it with that margin (leave out {setting})."
				: margin < 0 || margin > 64 || margin % 16 != 0 ? "The model's training context margin is " + margin + ": it must be 0, 16, 32, 48 or 64." : null;
		if (marginProblem != null) {
			model.close();
			throw options.resume != null && margin != config.training.contextMargin ? new InvalidSetting("context_margin", marginProblem) : new UserError(marginProblem);
		}
		config.training.contextMargin = margin;
		boolean newModel = options.resume == null && options.startFrom == null;
		if (options.inputScale != -1 && !newModel && Math.abs(options.inputScale - config.inputScale) > 1e-9) {
			model.close();
			throw new InvalidSetting("input_scale", "The model " + (options.resume != null ? options.resume : options.startFrom) + " works on images magnified by "
					+ config.inputScale + ": leave out {setting} to go on with it.");
		}
		if (newModel) config.inputScale = options.inputScale == -1 ? 1 : options.inputScale;
		if (config.inputScale != 1) {
			train = magnified(train, config.inputScale);
			val = magnified(val, config.inputScale);
		}
		int crop = options.crop;
		if (crop % 8 != 0) throw new InvalidSetting("crop", "{setting} must be a multiple of 8.");

		SplittableRandom rnd = new SplittableRandom(options.seed ^ (iteration * 0x9E3779B97F4A7C15L));
		// with a context margin, crops are drawn larger and only their centre is a target (see Windows)
		CropSampler sampler = new CropSampler(crop + 2 * margin, Augmentation.DEFAULT, margin > 0 ? 0 : options.minInstanceArea, options.scaleAugmentation);
		CropSampler centre = new CropSampler(crop, Augmentation.NONE, options.minInstanceArea);
		List<LabeledImage> synthetic = syntheticPool(options, crop + 2 * margin);
		// partly annotated images: crops are drawn around their annotated pixels (see AnnotatedRegion)
		int[][] annotated = new int[train.size()][];
		boolean partial = false;
		for (int i = 0; i < train.size(); i++)
			if (AnnotatedRegion.isPartial(train.get(i))) {
				annotated[i] = AnnotatedRegion.annotatedPixels(train.get(i));
				partial = true;
			}
		SetDraw draw = new SetDraw(train.size(), options.imageSets);
		List<int[]> small = options.smallObjectCrops > 0 ? sc.fiji.ris.data.InstanceSizes.smallObjects(train, SMALL_OBJECT_FRACTION) : List.of();
		if (options.smallObjectCrops > 0)
			progress.status(small.isEmpty() ? "The training labels hold no small objects: every crop is drawn at random."
					: small.size() + " small objects in the training labels; " + Math.round(100 * options.smallObjectCrops) + "% of the crops are placed around one of them.");
		List<int[]> touching = options.touchingCrops > 0 ? sc.fiji.ris.data.InstanceSizes.touchingPairs(train) : List.of();
		if (options.touchingCrops > 0)
			progress.status(touching.isEmpty() ? "No two objects touch in the training labels: no crop is placed around a seam."
					: touching.size() + " pairs of touching objects in the training labels; " + Math.round(100 * options.touchingCrops) + "% of the crops are placed around one of their seams.");
		Windows valCrops = Windows.of(validationCrops(val, crop, margin), margin, crop);

		float smallArea = 0;
		if (options.smallObjectWeight != 1f) {
			double d = sc.fiji.ris.data.InstanceSizes.medianDiameter(train);
			smallArea = Double.isNaN(d) ? 0f : (float) (SMALL_OBJECT_FRACTION * Math.PI * d * d / 4);
			progress.status("Objects under " + Math.round(smallArea) + " pixels count " + options.smallObjectWeight + " times in the loss.");
		}
		RisLoss loss = new RisLoss(options.lambda, options.seedWeight, options.borderWeight, smallArea, options.smallObjectWeight);
		float[] learningRate = { options.learningRate };
		Tracker schedule = update -> learningRate[0];
		RestartableOptimizer optimizer = new RestartableOptimizer(() -> Adam.builder().optLearningRateTracker(schedule).optClipGrad(options.clipGradient).build());
		DefaultTrainingConfig tc = new DefaultTrainingConfig(loss).optOptimizer(optimizer);
		LossSpikeGuard guard = new LossSpikeGuard();
		GradientNormLimit normLimit = new GradientNormLimit(options.gradientNormLimit);
		config.training.gradientNormLimit = options.gradientNormLimit;
		// weights to go back to after a loss spike: taken at a checkpoint, trusted once the loss stayed normal after it
		float[][] good = null, pending = null;
		long goodIteration = -1, pendingIteration = -1;
		int rollbacksInARow = 0;
		long start = System.nanoTime();
		double budgetSeconds = options.minutes > 0 ? options.minutes * 60 : Double.POSITIVE_INFINITY;
		long budgetIterations = options.iterations > 0 ? options.iterations : Long.MAX_VALUE;
		boolean cancelled = false;
		int stale = 0;
		double stage1Best = Double.NEGATIVE_INFINITY;
		double sumLoss = 0, sumIou = 0, sumBce = 0, sumMatched = 0;
		int count = 0;
		try (Model djl = Model.newInstance("ris")) {
			djl.setBlock(model.network());
			try (Trainer trainer = djl.newTrainer(tc)) {
				List<NDArray> parameters = new ArrayList<>();
				for (Pair<String, Parameter> p : model.network().getParameters()) {
					p.getValue().getArray().setRequiresGradient(true);
					parameters.add(p.getValue().getArray());
				}
				int skipped = 0, skippedInARow = 0;
				while (true) {
					double seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
					if (iteration >= budgetIterations || seconds >= budgetSeconds) break;
					if (progress.isCancelled()) { cancelled = true; break; }
					if (stage == 1 && (iteration >= options.stage1MaxShare * budgetIterations
							|| seconds >= options.stage1MaxShare * budgetSeconds)) {
						stage = 2;
						guard.reset();
						normLimit.reset();
						progress.status("Curriculum: stage 2 (all instances, n + 2 steps) from iteration " + iteration + ".");
					}
					learningRate[0] = (float) (options.learningRate * learningRateFactor(options.decay,
							Math.max(iteration / (double) budgetIterations, seconds / budgetSeconds)));
					List<LabeledImage> batch = new ArrayList<>(options.batch);
					for (int b = 0; b < options.batch; b++) {
						boolean syn = !synthetic.isEmpty() && rnd.nextDouble() < options.syntheticFraction;
						int index = syn ? -1 : draw.next(rnd);
						LabeledImage src = syn ? synthetic.get(rnd.nextInt(synthetic.size())) : train.get(index);
						// the object lies a quarter of the drawn crop in: inside the target window for context margins up to 48
						// (no draw without such crops, so that older recipes keep their random stream)
						double r = !syn && (!small.isEmpty() || !touching.isEmpty()) ? rnd.nextDouble() : 1;
						if (!small.isEmpty() && r < options.smallObjectCrops) {
							int[] o = small.get(rnd.nextInt(small.size()));
							batch.add(sampler.sampleAround(train.get(o[0]), o[1], o[2], rnd));
						} else if (!touching.isEmpty() && r >= options.smallObjectCrops && r < options.smallObjectCrops + options.touchingCrops) {
							int[] o = touching.get(rnd.nextInt(touching.size()));
							batch.add(sampler.sampleAround(train.get(o[0]), o[1], o[2], rnd));
						} else if (index >= 0 && annotated[index] != null) batch.add(regionCrop(sampler, src, annotated[index], rnd));
						else batch.add(sampler.sampleWithContext(src, margin, rnd));
					}
					if (partial) for (LabeledImage c : batch) AnnotatedRegion.hide(c);
					Windows w = margin > 0 ? Windows.random(batch, centre, margin, rnd) : Windows.of(batch, 0, crop);
					double[] terms = step(trainer, loss, w, stage == 1 ? 2 : -1, config.maxSteps, parameters);
					if (terms == null) {
						// a batch whose gradient is not finite would make every weight NaN: skip it, draw another
						skipped++;
						if (++skippedInARow >= MAX_SKIPPED_IN_A_ROW)
							throw new InvalidSetting("learning_rate", "Training diverged at iteration " + iteration + ": " + skippedInARow
									+ " batches in a row gave an output, loss or gradient that is not finite (no weight was changed by them); resume from " + last
									+ " with a lower {setting}.");
						progress.status(String.format(Locale.ROOT, "iteration %d: a batch gave an output, loss or gradient that is not finite; skipped it (%d so far).",
								iteration, skipped));
						continue;
					}
					skippedInARow = 0;
					double scale = normLimit.scale(terms[4]);
					if (scale < 1) {
						scaleGradients(parameters, scale);
						config.training.limitedBatches++;
					}
					trainer.step();
					iteration++;
					if (afterUpdate != null) afterUpdate.accept(iteration, parameters);
					sumLoss += terms[0]; sumIou += terms[1]; sumBce += terms[2]; sumMatched += terms[3]; count++;

					boolean validate = iteration % options.validateEvery == 0;
					boolean logNow = iteration % 10 == 0 || validate;
					if (logNow) {
						double valScore = Double.NaN, f1 = Double.NaN, meanF1 = Double.NaN;
						seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
						if (validate && !valCrops.isEmpty()) {
							if (stage == 1) {
								valScore = stage1Validation(model, valCrops);
								if (valScore > stage1Best + 1e-3) { stage1Best = valScore; stale = 0; }
								else if (++stale >= options.stage1Patience) {
									stage = 2;
									guard.reset();
									normLimit.reset();
									progress.status("Curriculum: validation stopped improving; stage 2 (n + 2 steps) from iteration " + iteration + ".");
								}
							} else {
								EvaluationResult r = validate(model, valCrops);
								f1 = r.f1(0);
								meanF1 = r.meanF1();
								valScore = f1;
								if (f1 > bestScore) {
									bestScore = f1;
									record(config, iteration, seconds, stage, r);
									ModelPackage.save(model, best);
								}
								if (options.keepCheckpoints) {
									// every validated state: for going back by hand, or for comparing checkpoints
									ModelConfig.Provenance kept = config.copy().training;
									record(config, iteration, seconds, stage, r);
									ModelPackage.save(model, dir.resolve(String.format(Locale.ROOT, "iteration-%07d.zip", iteration)));
									config.training = kept;
								}
							}
						}
						TrainingLog.Row row = new TrainingLog.Row(iteration, stage, sumLoss / count, sumIou / count, sumBce / count,
								sumMatched / count, valScore, f1, meanF1, seconds);
						log.add(row);
						if (rows != null) rows.accept(row);
						sumLoss = sumIou = sumBce = sumMatched = 0;
						count = 0;
						double level = guard.level();
						boolean spike = options.spikeRollback && guard.spike(row.loss);
						if (spike && good != null) {
							// back to weights from before the spike, with fresh optimiser moments (the spike's are in them)
							if (++rollbacksInARow > MAX_ROLLBACKS_IN_A_ROW)
								throw new InvalidSetting("learning_rate", "Training diverged at iteration " + iteration + ": the loss jumped " + rollbacksInARow
										+ " times after going back to the weights of iteration " + goodIteration + "; resume from " + best + " with a lower {setting}.");
							setWeights(parameters, good);
							optimizer.restart();
							normLimit.reset();
							pending = null;
							config.training.rollbacks++;
							progress.status(String.format(Locale.ROOT, "iteration %d: the loss jumped to %.3f (%.1f times its level); back to the weights of iteration %d (%d so far).",
									iteration, row.loss, row.loss / level, goodIteration, config.training.rollbacks));
						} else if (spike) {
							pending = null; // nothing trusted yet to go back to; what was taken just before may hold the spike's start
						} else if (pending != null && iteration - pendingIteration >= TRUST_AFTER) {
							good = pending;
							goodIteration = pendingIteration;
							pending = null;
							rollbacksInARow = 0;
						}
						double fraction = Math.max(iteration / (double) Math.min(budgetIterations, Long.MAX_VALUE / 2),
								seconds / budgetSeconds);
						double eta = fraction > 0 ? seconds / fraction - seconds : Double.NaN;
						progress.progress(Math.round(fraction * 1000), 1000);
						progress.status(String.format(Locale.ROOT, "iteration %d  stage %d  loss %.4f  IoU %.3f%s  ETA %s", iteration, stage,
								row.loss, row.matchedIou, Double.isNaN(f1) ? (Double.isNaN(valScore) ? "" : String.format(Locale.ROOT, "  val IoU %.3f", valScore))
										: String.format(Locale.ROOT, "  val F1 %.3f (best %.3f)", f1, bestScore), formatDuration(eta)));
					}
					if (options.spikeRollback && iteration % options.checkpointEvery == 0 && guard.ready() && pending == null) {
						pending = weights(parameters);
						pendingIteration = iteration;
					}
					if (iteration % options.checkpointEvery == 0) {
						ModelConfig.Provenance p = config.training;
						p.iterations = iteration;
						p.seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
						p.stage = stage;
						if (!finiteWeights(model))
							throw new InvalidSetting("learning_rate", "Training stopped at iteration " + iteration + ": the weights are no longer finite; the last good checkpoint, "
									+ last + ", was kept: resume from it with a lower {setting}.");
						ModelPackage.save(model, last);
						log.writeCsv(logFile);
					}
				}
			}
			double seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
			config.training.iterations = iteration;
			config.training.seconds = seconds;
			config.training.stage = stage;
			if (!finiteWeights(model))
				throw new InvalidSetting("learning_rate", "Training stopped at iteration " + iteration + ": the weights are no longer finite; the last good checkpoint, "
						+ last + ", was kept: resume from it with a lower {setting}.");
			ModelPackage.save(model, last);
			log.writeCsv(logFile);
			if (!Files.isRegularFile(best) || bestScore == Double.NEGATIVE_INFINITY) {
				if (!valCrops.isEmpty() && stage == 2) {
					EvaluationResult r = validate(model, valCrops);
					record(config, iteration, seconds, stage, r);
				}
				ModelPackage.save(model, best);
			}
			return new Result(best, log, iteration, seconds, cancelled);
		} finally {
			model.close();
		}
	}

	/**
	 * Times {@code iterations} training iterations (forward, loss, backward, Adam step) at a fixed number of steps on
	 * synthetic crops, after two warm-up iterations; returns seconds per iteration. For benchmarks only.
	 */
	public static double timeIterations(ModelConfig config, int crop, int batch, int steps, int iterations, long seed) {
		SyntheticNuclei gen = SyntheticNuclei.builder().build();
		CropSampler sampler = new CropSampler(crop, Augmentation.DEFAULT, 16);
		SplittableRandom rnd = new SplittableRandom(seed);
		LabeledImage raw = gen.generate("bench", 2 * crop, 2 * crop, seed);
		LabeledImage src = new LabeledImage(raw.name(), raw.width(), raw.height(), PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels());
		RisLoss loss = new RisLoss(1f, 1f);
		DefaultTrainingConfig tc = new DefaultTrainingConfig(loss).optOptimizer(Adam.builder()
				.optLearningRateTracker(Tracker.fixed(1e-4f)).optClipGrad(5f).build());
		ModelConfig c = config.copy();
		c.tileSize = crop;
		c.maxSteps = steps;
		try (RisModel model = RisModel.create(c, seed); Model djl = Model.newInstance("ris-bench")) {
			djl.setBlock(model.network());
			try (Trainer trainer = djl.newTrainer(tc)) {
				for (Pair<String, Parameter> p : model.network().getParameters()) p.getValue().getArray().setRequiresGradient(true);
				long start = 0;
				for (int i = 0; i < iterations + 2; i++) {
					if (i == 2) start = System.nanoTime();
					List<LabeledImage> b = new ArrayList<>();
					for (int k = 0; k < batch; k++) b.add(sampler.sample(src, rnd));
					step(trainer, loss, Windows.of(b, 0, crop), steps, steps, null);
					trainer.step();
				}
				return (System.nanoTime() - start) / 1e9 / iterations;
			}
		}
	}

	private static void record(ModelConfig config, long iteration, double seconds, int stage, EvaluationResult r) {
		ModelConfig.Provenance p = config.training;
		p.iterations = iteration;
		p.seconds = seconds;
		p.stage = stage;
		p.created = Instant.now().toString();
		p.validation.clear();
		p.validation.put("f1@0.5", r.f1(0));
		p.validation.put("mean_f1", r.meanF1());
		p.validation.put("mean_matched_iou", r.meanMatchedIou());
		p.validation.put("sbd", r.sbd());
		p.validation.put("abs_dic", r.absDic());
	}

	/**
	 * The learning-rate schedule: constant for the first half of the budget, then (with {@code decay}) a cosine down
	 * to 5% of the initial rate at its end.
	 */
	static double learningRateFactor(boolean decay, double fraction) {
		if (!decay || !(fraction > 0.5)) return 1;
		double f = Math.min(1, (fraction - 0.5) / 0.5);
		return 0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * f));
	}

	/**
	 * Training or validation inputs with their targets: each input is the target's square (the window) with, where
	 * {@code left}, {@code top} etc. say so, a margin of context around it that the network encodes but is not asked
	 * to segment. All inputs of one batch have the same shape.
	 */
	static final class Windows {
		final List<LabeledImage> targets;
		final float[] input;
		final int inputWidth, inputHeight, x, y, size;

		private Windows(List<LabeledImage> targets, float[] input, int inputWidth, int inputHeight, int x, int y, int size) {
			this.targets = targets;
			this.input = input;
			this.inputWidth = inputWidth;
			this.inputHeight = inputHeight;
			this.x = x;
			this.y = y;
			this.size = size;
		}

		int count() { return targets.size(); }

		/** Inputs {@code from} (inclusive) to {@code to} (exclusive). */
		Windows part(int from, int to) {
			int n = inputWidth * inputHeight;
			return new Windows(targets.subList(from, to), java.util.Arrays.copyOfRange(input, from * n, to * n), inputWidth, inputHeight, x, y, size);
		}

		boolean isEmpty() { return targets.isEmpty(); }

		boolean hasContext() { return inputWidth != size || inputHeight != size; }

		/** Crops of side {@code size + 2 margin} with context on every side; the targets are their centres. */
		static Windows of(List<LabeledImage> crops, int margin, int size) {
			return cut(crops, new CropSampler(size, Augmentation.NONE, 1), margin, size, true, true, true, true);
		}

		/**
		 * Context on each side with probability {@link #CONTEXT_SIDE} (the same for the whole batch), as tiles get it
		 * from their neighbours in a shared encoding, or not at the edge of the region or the image. Targets are the
		 * centres, relabelled by {@code centre} (and its minimum area).
		 */
		static Windows random(List<LabeledImage> crops, CropSampler centre, int margin, SplittableRandom rnd) {
			return cut(crops, centre, margin, centre.cropSize(), rnd.nextDouble() < CONTEXT_SIDE, rnd.nextDouble() < CONTEXT_SIDE,
					rnd.nextDouble() < CONTEXT_SIDE, rnd.nextDouble() < CONTEXT_SIDE);
		}

		private static Windows cut(List<LabeledImage> crops, CropSampler centre, int margin, int size, boolean left, boolean top, boolean right,
				boolean bottom) {
			List<LabeledImage> targets = new ArrayList<>(crops.size());
			if (margin == 0) {
				float[] x = new float[crops.size() * size * size];
				for (int i = 0; i < crops.size(); i++) System.arraycopy(crops.get(i).pixels(), 0, x, i * size * size, size * size);
				return new Windows(crops, x, size, size, 0, 0, size);
			}
			int x0 = left ? 0 : margin, y0 = top ? 0 : margin;
			int w = size + (left ? margin : 0) + (right ? margin : 0), h = size + (top ? margin : 0) + (bottom ? margin : 0);
			float[] x = new float[crops.size() * w * h];
			for (int i = 0; i < crops.size(); i++) {
				LabeledImage c = crops.get(i);
				targets.add(centre.crop(c, margin, margin));
				for (int row = 0; row < h; row++) System.arraycopy(c.pixels(), (y0 + row) * c.width() + x0, x, (i * h + row) * w, w);
			}
			return new Windows(targets, x, w, h, margin - x0, margin - y0, size);
		}
	}

	/** Iterations the loss must stay normal after a checkpoint before its weights are trusted to go back to. */
	static final int TRUST_AFTER = 50;

	/** Spikes in a row, each after going back, after which training stops as diverged. */
	static final int MAX_ROLLBACKS_IN_A_ROW = 5;

	/** A copy of the weights. */
	static float[][] weights(List<NDArray> parameters) {
		float[][] w = new float[parameters.size()][];
		for (int k = 0; k < w.length; k++) w[k] = parameters.get(k).toFloatArray();
		return w;
	}

	/** Writes weights copied by {@link #weights} back. */
	static void setWeights(List<NDArray> parameters, float[][] w) {
		for (int k = 0; k < w.length; k++) parameters.get(k).set(w[k]);
	}

	/**
	 * An optimiser whose state (Adam's moments) can be dropped: after going back to earlier weights, the moments
	 * gathered during a loss spike would push the weights the same way again.
	 */
	static final class RestartableOptimizer extends ai.djl.training.optimizer.Optimizer {
		private final java.util.function.Supplier<ai.djl.training.optimizer.Optimizer> factory;
		private ai.djl.training.optimizer.Optimizer inner;

		RestartableOptimizer(java.util.function.Supplier<ai.djl.training.optimizer.Optimizer> factory) {
			super(new Builder());
			this.factory = factory;
			this.inner = factory.get();
		}

		@Override
		public void update(String parameterId, NDArray weight, NDArray grad) {
			inner.update(parameterId, weight, grad);
		}

		/** Starts with fresh state (moments, update counts). */
		void restart() {
			inner = factory.get();
		}

		private static final class Builder extends OptimizerBuilder<Builder> {
			@Override
			protected Builder self() {
				return this;
			}
		}
	}

	/** Objects below this fraction of the training objects' median area are small ({@link TrainingOptions#smallObjectCrops}). */
	static final double SMALL_OBJECT_FRACTION = 0.25;

	/** Chance that a training window has context on a given side (with {@link TrainingOptions#contextMargin}). */
	static final double CONTEXT_SIDE = 0.75;

	/** Batches in a row with a gradient that is not finite after which training stops as diverged. */
	static final int MAX_SKIPPED_IN_A_ROW = 20;

	/**
	 * The global L2 norm of the gradients of {@code parameters}. When it is not finite, every gradient is set to zero
	 * and NaN is returned, so that the batch can be skipped without its NaN or infinity reaching the optimizer (Adam
	 * would carry it into every weight).
	 */
	static double gradientNormElseZeroed(List<NDArray> parameters) {
		double squares = 0;
		for (NDArray p : parameters) {
			try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray s = sq.sum()) {
				squares += s.getFloat();
			}
			if (!Double.isFinite(squares)) break;
		}
		if (Double.isFinite(squares)) return Math.sqrt(squares);
		zeroGradients(parameters);
		return Double.NaN;
	}

	/** Whether every weight is finite (checked before a checkpoint replaces the last good one). */
	static boolean finiteWeights(RisModel model) {
		for (Pair<String, Parameter> p : model.network().getParameters())
			if (!NonFiniteOutputException.finite(p.getValue().getArray().toFloatArray())) return false;
		return true;
	}

	/** Sets every gradient of {@code parameters} to zero, with the engine's own zeroing (as after an update). */
	static void zeroGradients(List<NDArray> parameters) {
		// writing zeros through a Java buffer is not safe for gradients
		for (NDArray p : parameters) ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p);
	}

	/** Multiplies every gradient of {@code parameters} by {@code factor}, in place. */
	static void scaleGradients(List<NDArray> parameters, double factor) {
		for (NDArray p : parameters) {
			try (NDArray g = p.getGradient()) {
				g.muli((float) factor);
			}
		}
	}

	/**
	 * One forward/backward pass; returns {loss, IoU term, BCE term, mean matched IoU}, or null when the gradient of
	 * {@code parameters} (null: not checked) was not finite, which leaves the gradients zero.
	 */
	private static double[] step(Trainer trainer, RisLoss loss, Windows w, int fixedSteps, int maxSteps, List<NDArray> parameters) {
		List<LabeledImage> batch = w.targets;
		int crop = w.size;
		int maxN = 0;
		for (LabeledImage c : batch) for (int l : c.labels()) maxN = Math.max(maxN, l);
		// stage 1 (and benchmarks) unroll a fixed number of steps; stage 2 unrolls n + 2 for the fullest crop
		int steps = fixedSteps > 0 ? fixedSteps : Math.min(maxN + 2, maxSteps);
		try (NDManager scope = trainer.getManager().newSubManager(); GradientCollector gc = trainer.newGradientCollector()) {
			NDList labels = lossLabels(scope, batch, crop);
			NDList pred = trainer.forward(inputs(scope, w, steps));
			// a forward pass that is not finite has no loss to learn from (and its gradients would not be finite)
			if (parameters != null && !NonFiniteOutputException.finite(pred)) return null;
			NDList parts = loss.evaluateParts(labels, pred);
			NDArray total = loss.total(parts);
			gc.backward(total);
			double norm = parameters == null ? Double.NaN : gradientNormElseZeroed(parameters);
			if (parameters != null && (Double.isNaN(norm) || !Float.isFinite(total.getFloat()))) {
				if (!Double.isNaN(norm)) zeroGradients(parameters);
				return null;
			}
			NDArray matched = parts.get(2);
			double meanMatched = matched.size() == 0 ? 0 : matched.mean().getFloat();
			return new double[] { total.getFloat(), parts.get(0).getFloat(), parts.get(1).getFloat(), meanMatched, norm };
		}
	}

	/**
	 * The labels {@link RisLoss} takes for {@code crop x crop} targets: one channel per instance, the instance counts
	 * and, when a target is partly annotated, each pixel's weight (0 where it is not annotated).
	 */
	static NDList lossLabels(NDManager scope, List<LabeledImage> targets, int crop) {
		int b = targets.size(), px = crop * crop, maxN = 0;
		int[] counts = new int[b];
		boolean partial = false;
		for (int i = 0; i < b; i++) {
			for (int l : targets.get(i).labels()) {
				counts[i] = Math.max(counts[i], l);
				partial |= l < 0;
			}
			maxN = Math.max(maxN, counts[i]);
		}
		NDList labels = new NDList(scope.create(targets(targets, maxN, px), new Shape(b, Math.max(maxN, 1), crop, crop)), scope.create(counts));
		if (partial) {
			float[] weights = new float[b * px];
			for (int i = 0; i < b; i++) System.arraycopy(AnnotatedRegion.weights(targets.get(i)), 0, weights, i * px, px);
			labels.add(scope.create(weights, new Shape(b, crop, crop)));
		}
		return labels;
	}

	/**
	 * A training crop of a partly annotated image, placed around one of its annotated pixels (drawn uniformly), so
	 * that every crop holds part of the annotated region; its pixels that are not annotated are blanked.
	 *
	 * @param annotated the annotated pixels of {@code source} ({@link AnnotatedRegion#annotatedPixels})
	 */
	static LabeledImage regionCrop(CropSampler sampler, LabeledImage source, int[] annotated, SplittableRandom rnd) {
		int p = annotated[rnd.nextInt(annotated.length)];
		LabeledImage crop = sampler.sampleAround(source, p % source.width(), p / source.width(), rnd);
		AnnotatedRegion.hide(crop);
		return crop;
	}

	/** The network's inputs for {@code w}: image, steps and, with context, the window. */
	private static NDList inputs(NDManager scope, Windows w, int steps) {
		NDList in = new NDList(scope.create(w.input, new Shape(w.count(), 1, w.inputHeight, w.inputWidth)), scope.create((long) steps));
		if (w.hasContext()) in.add(scope.create(new long[] { w.x, w.y, w.size }));
		return in;
	}

	/** One channel per instance (1..maxN) of each image, 1 inside it. */
	private static float[] targets(List<LabeledImage> batch, int maxN, int px) {
		int nAxis = Math.max(maxN, 1);
		float[] gt = new float[batch.size() * nAxis * px];
		for (int i = 0; i < batch.size(); i++) {
			int[] labels = batch.get(i).labels();
			for (int p = 0; p < px; p++)
				if (labels[p] > 0) gt[(i * nAxis + labels[p] - 1) * px + p] = 1f;
		}
		return gt;
	}

	/** Stage-1 validation: mean soft IoU of the two matched steps on the validation crops (no gradients). */
	private static double stage1Validation(RisModel model, Windows crops) {
		RisLoss loss = new RisLoss(1f);
		double sum = 0;
		long n = 0;
		int chunk = 16;
		for (int s = 0; s < crops.count(); s += chunk) {
			Windows part = crops.part(s, Math.min(crops.count(), s + chunk));
			int b = part.count(), px = part.size * part.size, maxN = 1;
			int[] counts = new int[b];
			for (int i = 0; i < b; i++) {
				for (int l : part.targets.get(i).labels()) counts[i] = Math.max(counts[i], l);
				maxN = Math.max(maxN, counts[i]);
			}
			float[] gt = targets(part.targets, maxN, px);
			try (PyTorchRuntime.GradientScope noGradients = PyTorchRuntime.noGradients(); NDManager scope = model.manager().newSubManager()) {
				ParameterStore ps = new ParameterStore(scope, false);
				NDList pred = NonFiniteOutputException.require(model.network().forward(ps, inputs(scope, part, 2), false), "the validation crops");
				NDArray matched = loss.evaluateParts(new NDList(scope.create(gt, new Shape(b, maxN, part.size, part.size)), scope.create(counts)), pred).get(2);
				for (float v : matched.toFloatArray()) { sum += v; n++; }
			}
		}
		return n == 0 ? 0 : sum / n;
	}

	/** Full decoding of the validation crops with the model's thresholds, scored with the real metrics. */
	public static EvaluationResult validate(RisModel model, List<LabeledImage> crops, int crop) {
		return validate(model, Windows.of(crops, 0, crop));
	}

	static EvaluationResult validate(RisModel model, Windows crops) {
		ModelConfig c = model.config();
		TileDecoder decoder = new TileDecoder(model);
		Evaluation evaluation = new Evaluation();
		int chunk = 16, crop = crops.size;
		for (int s = 0; s < crops.count(); s += chunk) {
			Windows part = crops.part(s, Math.min(crops.count(), s + chunk));
			List<List<TileDecoder.Emission>> out = decoder.decodeWindows(part.input, part.count(), part.inputWidth, part.inputHeight, part.x, part.y, crop,
					c.maxSteps, c.minConfidence);
			for (int i = 0; i < part.count(); i++) {
				int[] pred = InstancePainter.paintEmissions(out.get(i), crop, crop, c.maskThreshold, c.minArea, null);
				evaluation.add(ImageScores.compute(part.targets.get(i).name(), pred, part.targets.get(i).labels()));
			}
		}
		return evaluation.result();
	}

	/** Two fixed crops per validation image (top-left and bottom-right corners), labels relabelled per crop. */
	public static List<LabeledImage> validationCrops(List<LabeledImage> val, int crop) {
		return validationCrops(val, crop, 0);
	}

	/**
	 * Two fixed crops of {@code crop + 2 margin} per validation image, at its top-left and bottom-right corners
	 * where the image holds them; in a dimension where it does not, their central windows are at the corners and
	 * their margins blank outside the image (see {@link CropSampler#cropWithContext}).
	 */
	static List<LabeledImage> validationCrops(List<LabeledImage> val, int crop, int margin) {
		int outer = crop + 2 * margin;
		CropSampler sampler = new CropSampler(outer, Augmentation.NONE, margin > 0 ? 0 : 1);
		List<LabeledImage> out = new ArrayList<>();
		for (LabeledImage v : val) {
			int fx = v.width() >= outer ? 0 : -margin, fy = v.height() >= outer ? 0 : -margin;
			int lx = v.width() >= outer ? v.width() - outer : Math.max(0, v.width() - crop) - margin;
			int ly = v.height() >= outer ? v.height() - outer : Math.max(0, v.height() - crop) - margin;
			out.add(sampler.cropWithContext(v, fx, fy, margin));
			out.add(sampler.cropWithContext(v, lx, ly, margin));
		}
		return out;
	}

	/** The images and their labels resampled by {@code factor} (intensities bilinear, labels nearest). */
	public static List<LabeledImage> magnified(List<LabeledImage> images, double factor) {
		List<LabeledImage> out = new ArrayList<>(images.size());
		for (LabeledImage li : images) {
			int w = Math.max(1, (int) Math.round(li.width() * factor)), h = Math.max(1, (int) Math.round(li.height() * factor));
			out.add(new LabeledImage(li.name(), w, h, Resampling.resize(li.pixels(), li.width(), li.height(), w, h),
					li.labels() == null ? null : Resampling.resizeLabels(li.labels(), li.width(), li.height(), w, h)));
		}
		return out;
	}

	private static List<LabeledImage> syntheticPool(TrainingOptions options, int crop) {
		List<LabeledImage> pool = new ArrayList<>();
		if (options.syntheticFraction <= 0) return pool;
		SyntheticNuclei generator = SyntheticNuclei.builder().build();
		int size = Math.max(256, crop);
		for (int i = 0; i < 64; i++) {
			LabeledImage raw = generator.generate("synthetic-" + i, size, size, options.seed * 1000 + i);
			pool.add(new LabeledImage(raw.name(), size, size, PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels()));
		}
		return pool;
	}

	static String formatDuration(double seconds) {
		if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "?";
		long s = Math.round(seconds);
		return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
				: String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
	}
}
