package sc.fiji.ris.train;

import sc.fiji.ris.UserError;

/**
 * Limits the global norm of each batch's gradient to a multiple of its running mean, so that one unusual batch
 * moves the weights (and Adam's moments) no more than a few ordinary ones do. A fixed limit would need a scale per
 * network and per stage of training; this one follows the norm as it changes. The mean is learnt over
 * {@link #WARM_UP} batches first (nothing is limited then), and afterwards each batch adds its norm, as limited, with
 * weight {@link #SMOOTHING}, so that a run of large gradients raises the limit only slowly.
 */
final class GradientNormLimit {

	/** Batches that set the mean before any is limited. */
	static final int WARM_UP = 50;
	/** Weight of each new batch in the running mean. */
	static final double SMOOTHING = 0.01;

	private final double factor;
	private int batches;
	private double mean;

	/** @param factor the limit as a multiple of the running mean; 0 turns limiting off */
	GradientNormLimit(double factor) {
		if (!(factor == 0 || factor >= 1)) throw new UserError("The gradient norm limit must be 0 (no limit) or at least 1, not " + factor + ".");
		this.factor = factor;
	}

	boolean enabled() {
		return factor > 0;
	}

	/**
	 * @param norm the global L2 norm of a batch's gradient (finite)
	 * @return the factor to multiply the gradient by: 1, or less when the norm is above the limit
	 */
	double scale(double norm) {
		if (!enabled() || !Double.isFinite(norm)) return 1;
		if (batches < WARM_UP) {
			mean = (mean * batches + norm) / (batches + 1);
			batches++;
			return 1;
		}
		double limit = factor * mean;
		double scale = norm > limit ? limit / norm : 1;
		mean += SMOOTHING * (Math.min(norm, limit) - mean);
		batches++;
		return scale;
	}

	/** The running mean of the norms (NaN before the first batch). */
	double mean() {
		return batches == 0 ? Double.NaN : mean;
	}

	/** Forgets the mean (after a change of stage, or going back to earlier weights). */
	void reset() {
		batches = 0;
		mean = 0;
	}
}
