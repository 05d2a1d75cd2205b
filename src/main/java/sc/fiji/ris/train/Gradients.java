package sc.fiji.ris.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import sc.fiji.ris.model.NonFiniteOutputException;
import sc.fiji.ris.model.RisModel;

/** The weights and gradients of a training run, as plain arrays and in place: copies, checks, scaling, zeroing. */
final class Gradients {

	private Gradients() {}

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
}
