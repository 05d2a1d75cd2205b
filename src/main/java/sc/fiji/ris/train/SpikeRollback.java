package sc.fiji.ris.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Going back to earlier weights after a loss spike. Weights are taken at a checkpoint once the loss's level is known,
 * and trusted once the loss stayed normal for {@link #TRUST_AFTER} iterations after it; a spike sends the weights back
 * to the last trusted ones. A spike before anything is trusted drops what was taken (it may hold the spike's start).
 */
final class SpikeRollback {

	/** Iterations the loss must stay normal after a checkpoint before its weights are trusted to go back to. */
	static final int TRUST_AFTER = 50;

	/** Spikes in a row, each after going back, after which training stops as diverged. */
	static final int MAX_ROLLBACKS_IN_A_ROW = 5;

	private final boolean enabled;
	private final LossSpikeGuard guard = new LossSpikeGuard();
	private float[][] good, pending;
	private long goodIteration = -1, pendingIteration = -1;
	private int inARow;
	private double level = Double.NaN;

	/** @param enabled false: spikes are neither watched for nor acted on */
	SpikeRollback(boolean enabled) {
		this.enabled = enabled;
	}

	/** The loss's level is measured afresh (after a curriculum stage change). */
	void reset() {
		guard.reset();
	}

	/**
	 * Looks at a logged loss. Returns true when it was a spike and the weights went back to the trusted ones (the
	 * caller then restarts its optimiser), or when it spiked {@link #tooMany()} times in a row after going back (the
	 * weights are then left as they are).
	 */
	boolean onLoss(double loss, long iteration, List<NDArray> parameters) {
		level = guard.level();
		boolean spike = enabled && guard.spike(loss);
		if (spike && good != null) {
			inARow++;
			if (!tooMany()) Gradients.setWeights(parameters, good);
			pending = null;
			return true;
		}
		if (spike) pending = null;
		else if (pending != null && iteration - pendingIteration >= TRUST_AFTER) {
			good = pending;
			goodIteration = pendingIteration;
			pending = null;
			inARow = 0;
		}
		return false;
	}

	/** Whether the loss spiked more than {@link #MAX_ROLLBACKS_IN_A_ROW} times in a row after going back. */
	boolean tooMany() {
		return inARow > MAX_ROLLBACKS_IN_A_ROW;
	}

	int inARow() {
		return inARow;
	}

	/** The iteration of the trusted weights (-1: none). */
	long goodIteration() {
		return goodIteration;
	}

	/** The loss's level before the last loss looked at. */
	double level() {
		return level;
	}

	/** At a checkpoint: takes the weights to trust later, when the level is known and nothing is waiting. */
	void atCheckpoint(long iteration, List<NDArray> parameters) {
		if (enabled && guard.ready() && pending == null) {
			pending = Gradients.weights(parameters);
			pendingIteration = iteration;
		}
	}
}
