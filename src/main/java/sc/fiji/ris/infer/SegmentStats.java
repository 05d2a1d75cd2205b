package sc.fiji.ris.infer;

import java.util.List;
import java.util.Locale;

/** Where the time of the last call went, and how much work it was. */
public final class SegmentStats {
	public long normaliseNanos, networkNanos, stitchNanos;
	public int tiles, steps;
	/** Passes over the image: more than 1 when the object diameter was estimated and the image segmented again. */
	public int passes = 1;
	/** The object diameter the last pass assumed, in image pixels (the model's own unless rescaled). */
	public double objectDiameter;
	/** The median diameter of the instances of the last pass, in image pixels; NaN when none was measured. */
	public double measuredDiameter = Double.NaN;
	/** Views fused by test-time augmentation (1: none). */
	public int views = 1;
	/** Network pixels per image pixel of the kept pass. */
	double scale = 1;
	/** Whether the kept pass is at another size than the first (a later pass may be tried and not kept). */
	public boolean resized;
	/** One sentence when the size estimate's second pass was rejected (the first pass is kept); null otherwise. */
	public String warning;

	/**
	 * Says which planes were segmented again at another object diameter, for a log line: null when none was;
	 * "at an object diameter of D px" for a single plane (or every plane at one size); otherwise "in K of N planes, at
	 * object diameters A-B px" (or "at object diameter D px" when those K planes share one size).
	 */
	public static String resegmented(List<SegmentStats> planes) {
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		int k = 0;
		for (SegmentStats s : planes) {
			if (!s.resized) continue;
			k++;
			lo = Math.min(lo, s.objectDiameter);
			hi = Math.max(hi, s.objectDiameter);
		}
		if (k == 0) return null;
		if (planes.size() == 1 || (k == planes.size() && hi - lo < 0.05))
			return String.format(Locale.ROOT, "at an object diameter of %.1f px", lo);
		return String.format(Locale.ROOT, "in %d of %d planes, at object diameter%s %s px", k, planes.size(), hi - lo < 0.05 ? "" : "s",
				hi - lo < 0.05 ? String.format(Locale.ROOT, "%.1f", lo) : String.format(Locale.ROOT, "%.1f-%.1f", lo, hi));
	}
}
