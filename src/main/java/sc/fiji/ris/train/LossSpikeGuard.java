package sc.fiji.ris.train;

/**
 * Tells a loss spike from the loss's ordinary noise. Now and then a run's loss jumps to several times its level
 * within a few iterations (on BBBC039, from about 0.45 to 2.4 in 20 iterations) and the run needs thousands of
 * iterations to recover, if it does; the runs without such a spike made the better models. The trainer feeds this
 * guard the mean loss of each logged group of iterations; a spike is a group whose loss is non-finite or more than
 * {@link #FACTOR} times the smoothed level of the groups before it. The level is learnt afresh (over
 * {@link #WARM_UP} groups) after {@link #reset}, since the loss changes scale when the curriculum changes stage.
 */
final class LossSpikeGuard {

	/** A group's loss above this multiple of the level is a spike. */
	static final double FACTOR = 3;
	/** Groups that set the level before any can be a spike. */
	static final int WARM_UP = 20;
	/** Weight of each new group in the smoothed level. */
	static final double SMOOTHING = 0.05;

	private int groups;
	private double level;

	/**
	 * @param groupLoss the mean loss of the latest group of iterations
	 * @return whether it is a spike; a spike does not move the level
	 */
	boolean spike(double groupLoss) {
		if (!Double.isFinite(groupLoss)) return true;
		if (groups < WARM_UP) {
			level = (level * groups + groupLoss) / (groups + 1);
			groups++;
			return false;
		}
		if (groupLoss > FACTOR * level) return true;
		level += SMOOTHING * (groupLoss - level);
		groups++;
		return false;
	}

	/** Whether the level is known, i.e. a spike can be told. */
	boolean ready() {
		return groups >= WARM_UP;
	}

	/** The smoothed loss level (NaN before the first group). */
	double level() {
		return groups == 0 ? Double.NaN : level;
	}

	/** Forgets the level (after a change of stage). */
	void reset() {
		groups = 0;
		level = 0;
	}
}
