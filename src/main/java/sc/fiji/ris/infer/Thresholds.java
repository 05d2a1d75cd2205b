package sc.fiji.ris.infer;

import java.util.Locale;
import sc.fiji.ris.UserError;

/**
 * The decision thresholds of one segmentation, as the model was tuned with them ({@code ris tune}): when a tile's
 * decoding stops, where a soft mask ends, and which post-processing steps act how strongly. Checked on creation.
 *
 * @param minConfidence a tile's decoding stops at its first emission below this confidence, in [0, 1]
 * @param maskThreshold the soft-mask threshold, in (0, 1)
 * @param minArea smallest instance, in pixels
 * @param mergeSolidity two touching parts of one nucleus are joined above this solidity ({@link FragmentMerging}),
 *        in [0, 1]; 0: never
 * @param spotMinArea smallest spot that becomes an instance ({@link ForegroundFill}); 0: none
 * @param spotMinForeground the mean foreground probability a spot needs, in [0.5, 1]
 * @param coreMinArea an instance holding several cores of at least this many pixels is cut at them
 *        ({@link CoreSplit}); 0: never
 * @param coreThreshold the core probability that counts a pixel as core, in (0, 1)
 */
public record Thresholds(double minConfidence, double maskThreshold, int minArea, double mergeSolidity, int spotMinArea,
		double spotMinForeground, int coreMinArea, double coreThreshold) {

	public Thresholds {
		if (!(mergeSolidity >= 0 && mergeSolidity <= 1)) throw new UserError("The merge solidity must lie in [0, 1] (0 = never join), not " + mergeSolidity + ".");
		if (!(spotMinForeground >= 0.5 && spotMinForeground <= 1))
			throw new UserError("The least mean foreground of a spot must lie in [0.5, 1], not " + spotMinForeground + ".");
		if (!(coreThreshold > 0 && coreThreshold < 1)) throw new UserError("The core threshold must lie in (0, 1), not " + coreThreshold + ".");
		if (!(minConfidence >= 0 && minConfidence <= 1)) throw new UserError("The minimum confidence must lie in [0, 1], not " + minConfidence + ".");
		if (!(maskThreshold > 0 && maskThreshold < 1)) throw new UserError("The mask threshold must lie in (0, 1), not " + maskThreshold + ".");
	}

	/** The same thresholds with another minimum confidence, mask threshold, minimum area and merge solidity. */
	public Thresholds with(double minConfidence, double maskThreshold, int minArea, double mergeSolidity) {
		return new Thresholds(minConfidence, maskThreshold, minArea, mergeSolidity, spotMinArea, spotMinForeground, coreMinArea, coreThreshold);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "minimum confidence %.2f, mask threshold %.2f, minimum area %d, merge solidity %.2f", minConfidence,
				maskThreshold, minArea, mergeSolidity);
	}
}
