package sc.fiji.ris.infer;

import java.util.Arrays;
import sc.fiji.ris.UserError;

/**
 * The instances found in one 2D plane: a label image (row-major, 0 = background, labels consecutive 1..n), the
 * confidence of each instance and, optionally, its soft mask (for the dense CRF).
 */
public final class Instances {

	/** The soft mask of one instance over its bounding box. */
	public static final class SoftMask {
		public final int x0, y0, width, height;
		/** Row-major values in [0, 1] over the box. */
		public final float[] values;

		public SoftMask(int x0, int y0, int width, int height, float[] values) {
			if (values.length != width * height) throw new UserError("A soft mask of " + width + "x" + height + " needs " + width * height + " values.");
			this.x0 = x0;
			this.y0 = y0;
			this.width = width;
			this.height = height;
			this.values = values;
		}

		/** Value at image coordinates (x, y); 0 outside the box. */
		public float at(int x, int y) {
			int u = x - x0, v = y - y0;
			return u < 0 || v < 0 || u >= width || v >= height ? 0f : values[v * width + u];
		}
	}

	private final int width;
	private final int height;
	private final int[] labels;
	private final float[] confidences;
	private final SoftMask[] softMasks;

	/**
	 * @param labels row-major labels 0..n, consecutive
	 * @param confidences confidence of label l at index l - 1
	 * @param softMasks soft mask of label l at index l - 1, or null when not kept
	 */
	public Instances(int width, int height, int[] labels, float[] confidences, SoftMask[] softMasks) {
		if (labels.length != width * height) throw new UserError("The label image has " + labels.length + " pixels, expected " + width * height + ".");
		int max = 0;
		for (int l : labels) max = Math.max(max, l);
		if (max != confidences.length) throw new UserError("There are " + max + " labels but " + confidences.length + " confidences.");
		if (softMasks != null && softMasks.length != confidences.length) throw new UserError("There must be one soft mask per instance.");
		this.width = width;
		this.height = height;
		this.labels = labels;
		this.confidences = confidences;
		this.softMasks = softMasks;
	}

	/** No instance at all. */
	public static Instances empty(int width, int height) {
		return new Instances(width, height, new int[width * height], new float[0], new SoftMask[0]);
	}

	public int width() { return width; }
	public int height() { return height; }
	/** Number of instances n. */
	public int count() { return confidences.length; }
	/** Row-major labels; the array itself. */
	public int[] labels() { return labels; }
	/** Confidence of label {@code l} (1-based). */
	public float confidence(int l) { return confidences[l - 1]; }
	/** All confidences, label l at index l - 1 (a copy). */
	public float[] confidences() { return Arrays.copyOf(confidences, confidences.length); }
	/** Whether soft masks were kept. */
	public boolean hasSoftMasks() { return softMasks != null; }
	/** Soft mask of label {@code l} (1-based), or null when not kept. */
	public SoftMask softMask(int l) { return softMasks == null ? null : softMasks[l - 1]; }
}
