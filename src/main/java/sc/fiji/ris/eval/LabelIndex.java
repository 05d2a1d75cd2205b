package sc.fiji.ris.eval;

import java.util.Arrays;
import sc.fiji.ris.UserError;

/**
 * A label image relabelled to dense instance indices 0..count-1 (in order of first appearance), with
 * the pixel count of each instance. Background (label 0) becomes -1.
 * <p>
 * Labels may be any non-negative {@code int}, so the ids are mapped through a small open-addressing hash
 * table rather than an array indexed by label: a label of 2<sup>31</sup>-1 costs nothing extra.
 */
final class LabelIndex {

	/** Per pixel: the dense index of its instance, or -1 for background. */
	final int[] dense;
	/** Number of instances. */
	final int count;
	/** Pixel count of each instance, indexed by dense index (length may exceed {@link #count}). */
	final int[] sizes;

	private LabelIndex(int[] dense, int count, int[] sizes) {
		this.dense = dense;
		this.count = count;
		this.sizes = sizes;
	}

	/**
	 * Relabels in one pass over the pixels.
	 *
	 * @param labels row-major labels, 0 = background
	 * @param what "prediction" or "ground truth", for the error message
	 * @throws IllegalArgumentException on a negative label
	 */
	static LabelIndex of(int[] labels, String what) {
		final int[] dense = new int[labels.length];
		// Keys are labels (> 0, so 0 marks a free slot), values dense indices; capacity is a power of two.
		int[] keys = new int[64];
		int[] values = new int[64];
		int[] sizes = new int[16];
		int count = 0;
		int lastLabel = 0;
		int lastIndex = -1;
		for (int i = 0; i < labels.length; i++) {
			final int label = labels[i];
			if (label == 0) {
				dense[i] = -1;
				continue;
			}
			if (label != lastLabel) {
				if (label < 0)
					throw new UserError("The " + what + " has a negative label " + label + " at pixel " + i + ".");
				// Neighbouring pixels mostly share a label, so the hash lookup is skipped for runs.
				final int mask = keys.length - 1;
				int slot = hash(label) & mask;
				while (keys[slot] != 0 && keys[slot] != label) slot = (slot + 1) & mask;
				if (keys[slot] == 0) {
					keys[slot] = label;
					values[slot] = count;
					if (count == sizes.length) sizes = Arrays.copyOf(sizes, 2 * count);
					count++;
					// Keep the load factor at most 1/2 so that probe sequences stay short.
					if (2 * count > keys.length) {
						final int[][] grown = grow(keys, values);
						keys = grown[0];
						values = grown[1];
					}
					lastIndex = count - 1;
				} else {
					lastIndex = values[slot];
				}
				lastLabel = label;
			}
			dense[i] = lastIndex;
			sizes[lastIndex]++;
		}
		return new LabelIndex(dense, count, sizes);
	}

	private static int hash(int label) {
		// Fibonacci hashing spreads consecutive ids over the table; the high bits are the best mixed.
		final int h = label * 0x9E3779B9;
		return h ^ (h >>> 16);
	}

	private static int[][] grow(int[] keys, int[] values) {
		final int[] newKeys = new int[2 * keys.length];
		final int[] newValues = new int[2 * keys.length];
		final int mask = newKeys.length - 1;
		for (int s = 0; s < keys.length; s++) {
			if (keys[s] == 0) continue;
			int slot = hash(keys[s]) & mask;
			while (newKeys[slot] != 0) slot = (slot + 1) & mask;
			newKeys[slot] = keys[s];
			newValues[slot] = values[s];
		}
		return new int[][] { newKeys, newValues };
	}
}
