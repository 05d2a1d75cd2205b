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
import sc.fiji.ris.data.InstanceSizes;
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
import sc.fiji.ris.infer.SizePolicy;
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
		boolean cancelled = false;
		long start = System.nanoTime();
		int coreCuts;
		double networkShare;
		long iteration;
		TrainingLog log;
		double elapsedBefore;
		try (TrainingStart run = TrainingStart.of(baseConfig, options, train, val, progress)) {
			RisModel model = run.model;
			ModelConfig config = model.config();
			iteration = run.iteration;
			int stage = run.stage, margin = run.margin, crop = options.crop;
			double bestScore = run.bestScore;
			elapsedBefore = run.elapsedBefore;
			log = run.log;
			coreCuts = run.coreCuts;
			train = run.train;
			val = run.val;

			SplittableRandom rnd = new SplittableRandom(options.seed ^ (iteration * 0x9E3779B97F4A7C15L));
			CropMix mix = new CropMix(train, options, margin, progress);
			Windows valCrops = Windows.of(CropValidation.validationCrops(val, crop, margin), margin, crop);
			RisLoss loss = loss(train, progress);
			float[] learningRate = { options.learningRate };
			Tracker schedule = update -> learningRate[0];
			RestartableOptimizer optimizer = new RestartableOptimizer(() -> Adam.builder().optLearningRateTracker(schedule).optClipGrad(options.clipGradient).build());
			DefaultTrainingConfig tc = new DefaultTrainingConfig(loss).optOptimizer(optimizer);
			SpikeRollback rollback = new SpikeRollback(options.spikeRollback);
			GradientNormLimit normLimit = new GradientNormLimit(options.gradientNormLimit);
			// with a core head to train again, it gets the last share of the budget
			networkShare = coreCuts > 0 ? 1 - CORE_SHARE : 1;
			double budgetSeconds = options.minutes > 0 ? options.minutes * 60 * networkShare : Double.POSITIVE_INFINITY;
			long budgetIterations = options.iterations > 0 ? Math.max(1, Math.round(options.iterations * networkShare)) : Long.MAX_VALUE;
			Progress networkProgress = Progress.share(progress, 0, networkShare);
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
							rollback.reset();
							normLimit.reset();
							progress.status("Curriculum: stage 2 (all instances, n + 2 steps) from iteration " + iteration + ".");
						}
						learningRate[0] = (float) (options.learningRate * learningRateFactor(options.decay,
								Math.max(iteration / (double) budgetIterations, seconds / budgetSeconds)));
						double[] terms = TrainingStep.step(trainer, loss, mix.next(rnd), stage == 1 ? 2 : -1, config.maxSteps, parameters);
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
							Gradients.scaleGradients(parameters, scale);
							config.training.limitedBatches++;
						}
						trainer.step();
						iteration++;
						if (afterUpdate != null) afterUpdate.accept(iteration, parameters);
						sumLoss += terms[0]; sumIou += terms[1]; sumBce += terms[2]; sumMatched += terms[3]; count++;

						boolean validate = iteration % options.validateEvery == 0;
						if (iteration % 10 == 0 || validate) {
							double valScore = Double.NaN, f1 = Double.NaN, meanF1 = Double.NaN;
							seconds = elapsedBefore + (System.nanoTime() - start) / 1e9;
							if (validate && !valCrops.isEmpty()) {
								if (stage == 1) {
									valScore = CropValidation.stage1Validation(model, valCrops);
									if (valScore > stage1Best + 1e-3) { stage1Best = valScore; stale = 0; }
									else if (++stale >= options.stage1Patience) {
										stage = 2;
										rollback.reset();
										normLimit.reset();
										progress.status("Curriculum: validation stopped improving; stage 2 (n + 2 steps) from iteration " + iteration + ".");
									}
								} else {
									EvaluationResult r = CropValidation.validate(model, valCrops);
									f1 = r.f1(0);
									meanF1 = r.meanF1();
									valScore = f1;
									if (f1 > bestScore) {
										bestScore = f1;
										CropValidation.record(config, iteration, seconds, stage, r);
										ModelPackage.save(model, best);
									}
									if (options.keepCheckpoints) {
										// every validated state: for going back by hand, or for comparing checkpoints
										ModelConfig.Provenance kept = config.copy().training;
										CropValidation.record(config, iteration, seconds, stage, r);
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
							if (rollback.onLoss(row.loss, iteration, parameters)) {
								// back to weights from before the spike, with fresh optimiser moments (the spike's are in them)
								if (rollback.tooMany())
									throw new InvalidSetting("learning_rate", "Training diverged at iteration " + iteration + ": the loss jumped " + rollback.inARow()
											+ " times after going back to the weights of iteration " + rollback.goodIteration() + "; resume from " + best + " with a lower {setting}.");
								optimizer.restart();
								normLimit.reset();
								config.training.rollbacks++;
								progress.status(String.format(Locale.ROOT, "iteration %d: the loss jumped to %.3f (%.1f times its level); back to the weights of iteration %d (%d so far).",
										iteration, row.loss, row.loss / rollback.level(), rollback.goodIteration(), config.training.rollbacks));
							}
							double fraction = Math.max(iteration / (double) Math.min(budgetIterations, Long.MAX_VALUE / 2), seconds / budgetSeconds);
							double eta = fraction > 0 ? seconds / fraction - seconds : Double.NaN;
							networkProgress.progress(Math.round(fraction * 1000), 1000);
							progress.status(String.format(Locale.ROOT, "iteration %d  stage %d  loss %.4f  IoU %.3f%s  ETA %s", iteration, stage,
									row.loss, row.matchedIou, Double.isNaN(f1) ? (Double.isNaN(valScore) ? "" : String.format(Locale.ROOT, "  val IoU %.3f", valScore))
											: String.format(Locale.ROOT, "  val F1 %.3f (best %.3f)", f1, bestScore), formatDuration(eta)));
						}
						if (iteration % options.checkpointEvery == 0) {
							rollback.atCheckpoint(iteration, parameters);
							saveLast(model, iteration, elapsedBefore + (System.nanoTime() - start) / 1e9, stage, last, log, logFile);
						}
					}
				}
			}
			saveLast(model, iteration, elapsedBefore + (System.nanoTime() - start) / 1e9, stage, last, log, logFile);
			if (!Files.isRegularFile(best) || bestScore == Double.NEGATIVE_INFINITY) {
				if (!valCrops.isEmpty() && stage == 2)
					CropValidation.record(config, iteration, config.training.seconds, stage, CropValidation.validate(model, valCrops));
				ModelPackage.save(model, best);
			}
		}
		if (coreCuts > 0 && !cancelled) cancelled = retrainCoreHead(best, coreCuts, train, val, Progress.share(progress, networkShare, 1));
		else if (coreCuts > 0)
			progress.status("Stopped before the core head was trained again: the model cuts no instances at their cores; fine-tune it again to get them back.");
		return new Result(best, log, iteration, elapsedBefore + (System.nanoTime() - start) / 1e9, cancelled);
	}

	/** The loss of the options, with small objects weighted as they say. */
	private RisLoss loss(List<LabeledImage> train, Progress progress) {
		float smallArea = 0;
		if (options.smallObjectWeight != 1f) {
			double d = InstanceSizes.medianDiameter(train);
			smallArea = Double.isNaN(d) ? 0f : (float) (CropMix.SMALL_OBJECT_FRACTION * Math.PI * d * d / 4);
			progress.status("Objects under " + Math.round(smallArea) + " pixels count " + options.smallObjectWeight + " times in the loss.");
		}
		return new RisLoss(options.lambda, options.seedWeight, options.borderWeight, smallArea, options.smallObjectWeight);
	}

	/**
	 * Saves the model as the last checkpoint with its counters, and the log beside it; refuses weights that are no
	 * longer finite (the last good checkpoint stays).
	 */
	private static void saveLast(RisModel model, long iteration, double seconds, int stage, Path last, TrainingLog log, Path logFile) throws IOException {
		ModelConfig.Provenance p = model.config().training;
		p.iterations = iteration;
		p.seconds = seconds;
		p.stage = stage;
		if (!Gradients.finiteWeights(model))
			throw new InvalidSetting("learning_rate", "Training stopped at iteration " + iteration + ": the weights are no longer finite; the last good checkpoint, "
					+ last + ", was kept: resume from it with a lower {setting}.");
		ModelPackage.save(model, last);
		log.writeCsv(logFile);
	}

	/**
	 * Trains the core head of the fine-tuned model at {@code checkpoint} again, from its weights, for the rest of
	 * the budget on the same pairs (its other weights stay as they are), and gives it back its core cuts
	 * ({@code coreMinArea}); returns whether it was cancelled (it keeps its best weights so far).
	 */
	private boolean retrainCoreHead(Path checkpoint, int coreMinArea, List<LabeledImage> train, List<LabeledImage> val, Progress progress) throws IOException {
		CoreTrainer.Options c = new CoreTrainer.Options();
		c.minutes = options.minutes > 0 ? options.minutes * CORE_SHARE : 0;
		c.iterations = options.iterations > 0 ? Math.max(1, Math.round(options.iterations * CORE_SHARE)) : 0;
		c.seed = options.seed;
		c.decay = options.decay;
		c.imageSets = options.imageSets;
		c.scaleAugmentation = options.scaleAugmentation;
		progress.status("Training the core head again on the fine-tuned network, for cutting touching nuclei apart.");
		try (RisModel model = ModelPackage.load(checkpoint)) {
			CoreTrainer.Result r = CoreTrainer.train(model, train, val, c, progress);
			ModelConfig.Provenance p = model.config().training;
			p.coreIterations = r.iterations;
			p.coreSeconds = Math.round(r.seconds * 10) / 10.0;
			p.seconds += r.seconds;
			model.config().coreMinArea = coreMinArea;
			ModelPackage.save(model, checkpoint);
			return r.cancelled;
		}
	}

	/** The share of a fine-tuning's budget that trains the core head again (see {@link #retrainCoreHead}). */
	static final double CORE_SHARE = 0.2;

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
					TrainingStep.step(trainer, loss, Windows.of(b, 0, crop), steps, steps, null);
					trainer.step();
				}
				return (System.nanoTime() - start) / 1e9 / iterations;
			}
		}
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

	/** Batches in a row with a gradient that is not finite after which training stops as diverged. */
	static final int MAX_SKIPPED_IN_A_ROW = 20;

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

	static String formatDuration(double seconds) {
		if (Double.isNaN(seconds) || Double.isInfinite(seconds)) return "?";
		long s = Math.round(seconds);
		return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
				: String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
	}
}
