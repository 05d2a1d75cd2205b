package sc.fiji.ris.infer;

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
}
