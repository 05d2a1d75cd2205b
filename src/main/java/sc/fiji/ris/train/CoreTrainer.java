package sc.fiji.ris.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.Progress;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * Trains a core head on a trained network whose other weights stay as they are: the network's instances, and so the
 * thresholds chosen for them, do not change; the core head only tells the segmenter where an instance holds two
 * objects. The target is each object's inner half (see {@link #coreTargets}) at 1/2 resolution (the fraction of each
 * 2x2 cell inside it); the loss is the mean per-pixel binary cross-entropy, minimised by Adam with the learning rate
 * of the network's training (constant, then a cosine decay over the second half of the budget). The kept weights are those with the lowest
 * loss on the validation crops (or the last ones, without validation images).
 */
public final class CoreTrainer {

	/** What to train for how long. */
	public static final class Options {
		public int crop = 96;
		public int batch = 8;
		public double minutes = 20;
		public long iterations = 0;
		public float learningRate = 2e-3f;
		public int validateEvery = 100;
		public long seed = 42;
		/** Cosine decay of the learning rate over the second half of the budget (false: constant). */
		public boolean decay = true;
		/** The set of each training image, or null for one set (see {@link TrainingOptions#imageSets}). */
		public int[] imageSets;
		/** Crops are magnified by a factor drawn log-uniformly from [1 / this, this] (see {@link TrainingOptions#scaleAugmentation}). */
		public double scaleAugmentation = 1;
	}

	/** The model with the best weights, and how training went. */
	public static final class Result {
		public final RisModel model;
		public final long iterations;
		public final double seconds;
		public final double bestValidationLoss;
		public final boolean cancelled;

		Result(RisModel model, long iterations, double seconds, double bestValidationLoss, boolean cancelled) {
			this.model = model;
			this.iterations = iterations;
			this.seconds = seconds;
			this.bestValidationLoss = bestValidationLoss;
			this.cancelled = cancelled;
		}
	}

	private CoreTrainer() {}

	/**
	 * A copy of {@code base} with a new, freshly initialised core head (replacing any it had); every other weight is
	 * copied. The caller closes the copy.
	 */
	public static RisModel withCoreHead(RisModel base, long seed) {
		return withCoreHead(base, seed, 16);
	}

	/** As {@link #withCoreHead(RisModel, long)}, with {@code channels} in the core head's convolutions. */
	public static RisModel withCoreHead(RisModel base, long seed, int channels) {
		ModelConfig config = base.config().copy();
		config.coreHead = true;
		config.coreChannels = channels;
		RisModel out = RisModel.create(config, seed);
		Map<String, NDArray> source = new HashMap<>();
		for (Pair<String, Parameter> p : base.network().getParameters()) source.put(p.getKey(), p.getValue().getArray());
		java.util.Set<String> core = coreParameterNames(out);
		for (Pair<String, Parameter> p : out.network().getParameters()) {
			if (core.contains(p.getKey())) continue;
			NDArray from = source.get(p.getKey());
			if (from == null || !from.getShape().equals(p.getValue().getArray().getShape())) {
				out.close();
				throw new IllegalStateException("The model has no weights for " + p.getKey() + " of the shape the core head's network needs.");
			}
			p.getValue().getArray().set(from.toFloatArray());
		}
		return out;
	}

	private static java.util.Set<String> coreParameterNames(RisModel model) {
		java.util.Set<String> names = new java.util.HashSet<>();
		for (Block b : model.network().coreBlocks())
			for (Pair<String, Parameter> p : b.getParameters()) names.add(p.getValue().getId());
		java.util.Set<String> keys = new java.util.HashSet<>();
		for (Pair<String, Parameter> p : model.network().getParameters())
			if (names.contains(p.getValue().getId())) keys.add(p.getKey());
		return keys;
	}

	/**
	 * Trains the core head of {@code model} (which must have one) in place on random crops of {@code train}.
	 *
	 * @param val validation images (two fixed crops each), may be empty
	 */
	public static Result train(RisModel model, List<LabeledImage> train, List<LabeledImage> val, Options o, Progress progress) {
		if (!model.config().coreHead) throw new UserError("The model has no core head to train.");
		if (train.isEmpty()) throw new UserError("There are no training images.");
		if (o.crop % 16 != 0) throw new UserError("The crop for the core head must be a multiple of 16, not " + o.crop + ".");
		if (progress == null) progress = Progress.NONE;
		Engine engine = PyTorchRuntime.start(0); // the engine the model's weights live in (started with them)
		List<Parameter> params = new ArrayList<>();
		for (Block b : model.network().coreBlocks())
			for (Pair<String, Parameter> p : b.getParameters()) {
				p.getValue().getArray().setRequiresGradient(true);
				params.add(p.getValue());
			}
		float[] rate = { o.learningRate };
		Tracker schedule = update -> rate[0];
		Optimizer adam = Adam.builder().optLearningRateTracker(schedule).build();
		SplittableRandom rnd = new SplittableRandom(o.seed);
		CropSampler sampler = new CropSampler(o.crop, Augmentation.DEFAULT, 1, o.scaleAugmentation);
		SetDraw draw = new SetDraw(train.size(), o.imageSets);
		List<LabeledImage> valCrops = CropValidation.validationCrops(val, o.crop);
		float[][] best = null;
		double bestLoss = Double.POSITIVE_INFINITY;
		long start = System.nanoTime();
		double budget = o.minutes > 0 ? o.minutes * 60 : Double.POSITIVE_INFINITY;
		long maxIterations = o.iterations > 0 ? o.iterations : Long.MAX_VALUE;
		long iteration = 0;
		double sum = 0;
		int count = 0;
		boolean cancelled = false;
		while (iteration < maxIterations && (System.nanoTime() - start) / 1e9 < budget) {
			if (progress.isCancelled()) { cancelled = true; break; }
			// as the network's training: constant, then a cosine decay to 5% over the second half of the budget
			double used = Math.max(iteration / (double) maxIterations, (System.nanoTime() - start) / 1e9 / budget);
			rate[0] = (float) (o.learningRate * RisTrainer.learningRateFactor(o.decay, used));
			List<LabeledImage> batch = new ArrayList<>(o.batch);
			for (int b = 0; b < o.batch; b++) batch.add(sampler.sample(train.get(draw.next(rnd)), rnd));
			try (NDManager scope = model.manager().newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
				NDArray loss = loss(model, scope, batch, o.crop, true);
				gc.backward(loss);
				sum += loss.getFloat();
				count++;
			}
			for (Parameter p : params) {
				NDArray w = p.getArray();
				NDArray g = w.getGradient();
				adam.update(p.getId(), w, g);
				g.subi(g);
			}
			iteration++;
			boolean validate = iteration % o.validateEvery == 0;
			if (validate) {
				progress.progress(Math.round(1000 * Math.min(1, Math.max(iteration / (double) maxIterations, (System.nanoTime() - start) / 1e9 / budget))), 1000);
				double v = valCrops.isEmpty() ? sum / count : validationLoss(model, valCrops, o.crop);
				if (v < bestLoss) {
					bestLoss = v;
					best = weights(params);
				}
				progress.status(String.format(Locale.ROOT, "core head: iteration %d, training loss %.4f, %s loss %.4f (best %.4f), %.1f min",
						iteration, sum / count, valCrops.isEmpty() ? "training" : "validation", v, bestLoss, (System.nanoTime() - start) / 6e10));
				sum = 0;
				count = 0;
			}
		}
		double v = valCrops.isEmpty() ? (count > 0 ? sum / count : Double.POSITIVE_INFINITY) : validationLoss(model, valCrops, o.crop);
		if (v < bestLoss || best == null) bestLoss = v;
		else for (int k = 0; k < params.size(); k++) params.get(k).getArray().set(best[k]);
		for (Parameter p : params) p.getArray().setRequiresGradient(false);
		return new Result(model, iteration, (System.nanoTime() - start) / 1e9, bestLoss, cancelled);
	}

	private static float[][] weights(List<Parameter> params) {
		float[][] w = new float[params.size()][];
		for (int k = 0; k < w.length; k++) w[k] = params.get(k).getArray().toFloatArray();
		return w;
	}

	/** Mean core loss over the crops (no gradients). */
	static double validationLoss(RisModel model, List<LabeledImage> crops, int crop) {
		double sum = 0;
		int n = 0;
		for (int s = 0; s < crops.size(); s += 16) {
			List<LabeledImage> part = crops.subList(s, Math.min(crops.size(), s + 16));
			try (PyTorchRuntime.GradientScope noGradients = PyTorchRuntime.noGradients(); NDManager scope = model.manager().newSubManager()) {
				sum += loss(model, scope, part, crop, false).getFloat() * part.size();
				n += part.size();
			}
		}
		return n == 0 ? Double.NaN : sum / n;
	}

	/** The mean binary cross-entropy between the core logits of the crops and their half-resolution core targets. */
	private static NDArray loss(RisModel model, NDManager scope, List<LabeledImage> batch, int crop, boolean training) {
		int b = batch.size(), half = crop / 2;
		float[] input = new float[b * crop * crop];
		float[] target = new float[b * half * half];
		// partly annotated crops (label -1 where not annotated): the loss counts only the annotated share of each cell
		float[] annotated = null;
		for (int i = 0; i < b; i++) {
			LabeledImage im = batch.get(i);
			System.arraycopy(im.pixels(), 0, input, i * crop * crop, crop * crop);
			int[] labels = im.labels();
			if (java.util.Arrays.stream(labels).anyMatch(l -> l < 0)) {
				if (annotated == null) java.util.Arrays.fill(annotated = new float[b * half * half], 1f);
				float[] inside = new float[labels.length];
				for (int p = 0; p < labels.length; p++) inside[p] = labels[p] < 0 ? 0f : 1f;
				System.arraycopy(halved(inside, crop, crop), 0, annotated, i * half * half, half * half);
				labels = java.util.Arrays.stream(labels).map(l -> Math.max(l, 0)).toArray();
			}
			float[] t = halved(coreTargets(labels, crop, crop), crop, crop);
			System.arraycopy(t, 0, target, i * half * half, half * half);
		}
		ParameterStore ps = new ParameterStore(scope, false);
		NDArray z = model.network().coreLogits(ps, scope.create(input, new Shape(b, 1, crop, crop)), training);
		NDArray y = scope.create(target, new Shape(b, 1, half, half)).toType(z.getDataType(), false);
		NDArray bce = z.maximum(0).sub(z.mul(y)).add(z.abs().neg().exp().add(1).log());
		if (annotated == null) return bce.mean();
		NDArray w = scope.create(annotated, new Shape(b, 1, half, half)).toType(z.getDataType(), false);
		return bce.mul(w).sum().div(w.sum().maximum(1f));
	}

	/** The mean of each 2x2 cell (w and h even). */
	static float[] halved(float[] a, int w, int h) {
		int hw = w / 2, hh = h / 2;
		float[] out = new float[hw * hh];
		for (int y = 0; y < hh; y++)
			for (int x = 0; x < hw; x++) {
				int p = 2 * y * w + 2 * x;
				out[y * hw + x] = (a[p] + a[p + 1] + a[p + w] + a[p + w + 1]) / 4f;
			}
		return out;
	}

	/** Chamfer weight of a diagonal step (a 4-neighbour step weighs 1). */
	private static final float DIAGONAL = 1.4142135f;

	/**
	 * 1 on each object's core, 0 elsewhere. A pixel's depth is its chamfer distance, inside its own object, to the
	 * object's outline: a pixel with a 4-neighbour of another label (background or another object) has depth 1. The
	 * image's edge is no outline (a crop cuts objects there). The core of an object with greatest depth D is its
	 * pixels of depth at least D / 2 + 1/2, and at least its deepest pixels: touching objects have cores apart by
	 * about the sum of their half-depths.
	 */
	public static float[] coreTargets(int[] labels, int w, int h) {
		float inf = Float.POSITIVE_INFINITY;
		float[] d = new float[w * h];
		for (int p = 0; p < w * h; p++) {
			int l = labels[p];
			if (l == 0) continue;
			int x = p % w, y = p / w;
			boolean edge = x > 0 && labels[p - 1] != l || x < w - 1 && labels[p + 1] != l || y > 0 && labels[p - w] != l || y < h - 1 && labels[p + w] != l;
			d[p] = edge ? 1 : inf;
		}
		// forward pass: from the left and from above
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int p = y * w + x, l = labels[p];
				if (l == 0) continue;
				float v = d[p];
				if (x > 0 && labels[p - 1] == l) v = Math.min(v, d[p - 1] + 1);
				if (y > 0) {
					if (labels[p - w] == l) v = Math.min(v, d[p - w] + 1);
					if (x > 0 && labels[p - w - 1] == l) v = Math.min(v, d[p - w - 1] + DIAGONAL);
					if (x < w - 1 && labels[p - w + 1] == l) v = Math.min(v, d[p - w + 1] + DIAGONAL);
				}
				d[p] = v;
			}
		// backward pass: from the right and from below
		for (int y = h - 1; y >= 0; y--)
			for (int x = w - 1; x >= 0; x--) {
				int p = y * w + x, l = labels[p];
				if (l == 0) continue;
				float v = d[p];
				if (x < w - 1 && labels[p + 1] == l) v = Math.min(v, d[p + 1] + 1);
				if (y < h - 1) {
					if (labels[p + w] == l) v = Math.min(v, d[p + w] + 1);
					if (x < w - 1 && labels[p + w + 1] == l) v = Math.min(v, d[p + w + 1] + DIAGONAL);
					if (x > 0 && labels[p + w - 1] == l) v = Math.min(v, d[p + w - 1] + DIAGONAL);
				}
				d[p] = v;
			}
		int max = 0;
		for (int l : labels) max = Math.max(max, l);
		float[] deepest = new float[max + 1];
		for (int p = 0; p < w * h; p++)
			if (labels[p] != 0 && d[p] != inf) deepest[labels[p]] = Math.max(deepest[labels[p]], d[p]);
		float[] out = new float[w * h];
		for (int p = 0; p < w * h; p++) {
			int l = labels[p];
			if (l == 0) continue;
			// an object that touches no outline inside the image (it fills the crop) has no known depth: all core
			float dl = deepest[l];
			out[p] = dl == 0 || d[p] == inf || d[p] >= Math.min(dl, dl / 2 + 0.5f) ? 1f : 0f;
		}
		return out;
	}
}
