package sc.fiji.ris.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import java.util.List;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.loss.RisLoss;
import sc.fiji.ris.model.NonFiniteOutputException;

/**
 * One training step of the network on a batch of windows: the inputs and the loss's labels made from them, the
 * forward pass unrolled for as many steps as the curriculum says, the loss and its backward pass.
 */
final class TrainingStep {

	private TrainingStep() {}

	/**
	 * One forward/backward pass; returns {loss, IoU term, BCE term, mean matched IoU}, or null when the gradient of
	 * {@code parameters} (null: not checked) was not finite, which leaves the gradients zero.
	 */
	static double[] step(Trainer trainer, RisLoss loss, Windows w, int fixedSteps, int maxSteps, List<NDArray> parameters) {
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
			double norm = parameters == null ? Double.NaN : Gradients.gradientNormElseZeroed(parameters);
			if (parameters != null && (Double.isNaN(norm) || !Float.isFinite(total.getFloat()))) {
				if (!Double.isNaN(norm)) Gradients.zeroGradients(parameters);
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

	/** The network's inputs for {@code w}: image, steps and, with context, the window. */
	static NDList inputs(NDManager scope, Windows w, int steps) {
		NDList in = new NDList(scope.create(w.input, new Shape(w.count(), 1, w.inputHeight, w.inputWidth)), scope.create((long) steps));
		if (w.hasContext()) in.add(scope.create(new long[] { w.x, w.y, w.size }));
		return in;
	}

	/** One channel per instance (1..maxN) of each image, 1 inside it. */
	static float[] targets(List<LabeledImage> batch, int maxN, int px) {
		int nAxis = Math.max(maxN, 1);
		float[] gt = new float[batch.size() * nAxis * px];
		for (int i = 0; i < batch.size(); i++) {
			int[] labels = batch.get(i).labels();
			for (int p = 0; p < px; p++)
				if (labels[p] > 0) gt[(i * nAxis + labels[p] - 1) * px + p] = 1f;
		}
		return gt;
	}
}
