package sc.fiji.ris.infer;

import java.util.Arrays;
import java.util.List;

/**
 * Turns the soft masks of one tile into a label image the way RIS paints: instances in emission order, each
 * pixel to the first instance whose mask reaches the threshold (the earlier, more confident instance wins
 * overlaps). Each instance then keeps only its largest 4-connected piece, and instances smaller than the minimum
 * area are dropped. Labels are consecutive 1..n in emission order of the kept instances.
 */
public final class InstancePainter {

	private InstancePainter() {}

	/**
	 * @param masks soft masks in emission order, each {@code width * height}
	 * @param keptIndex if not null, filled with the index in {@code masks} of each output label (label l at
	 *        position l - 1); must have room for {@code masks.size()} entries
	 * @return the label image and, via {@code keptIndex}, which emission each label came from
	 */
	public static int[] paint(List<float[]> masks, int width, int height, double threshold, int minArea, int[] keptIndex) {
		return paint(masks, null, width, height, threshold, minArea, keptIndex);
	}

	/**
	 * Paints a tile's emissions: their masks, with their priorities where the decoder gave them (networks with a
	 * foreground head), else in emission order.
	 */
	public static int[] paintEmissions(List<TileDecoder.Emission> emissions, int width, int height, double threshold, int minArea, int[] keptIndex) {
		List<float[]> masks = new java.util.ArrayList<>(emissions.size());
		List<float[]> priorities = emissions.isEmpty() || emissions.get(0).priority == null ? null : new java.util.ArrayList<>(emissions.size());
		for (TileDecoder.Emission e : emissions) {
			masks.add(e.mask);
			if (priorities != null) priorities.add(e.priority);
		}
		return paint(masks, priorities, width, height, threshold, minArea, keptIndex);
	}

	/**
	 * As {@link #paint(List, int, int, double, int, int[])}, but where several masks reach the threshold at a pixel,
	 * the one with the highest priority there wins (the earlier on ties); {@code priorities} null: the earlier wins.
	 * Networks with a foreground head give each emission a reach (its mask, grown and limited by the foreground) and
	 * a priority (its mask as predicted), so that touching nuclei share their border by who claims it more.
	 */
	public static int[] paint(List<float[]> masks, List<float[]> priorities, int width, int height, double threshold, int minArea, int[] keptIndex) {
		int px = width * height;
		int[] raw = new int[px];
		float[] best = priorities == null ? null : new float[px];
		for (int i = 0; i < masks.size(); i++) {
			float[] m = masks.get(i);
			int label = i + 1;
			if (best == null) {
				for (int p = 0; p < px; p++)
					if (raw[p] == 0 && m[p] >= threshold) raw[p] = label;
			} else {
				float[] q = priorities.get(i);
				for (int p = 0; p < px; p++)
					if (m[p] >= threshold && (raw[p] == 0 || q[p] > best[p])) {
						raw[p] = label;
						best[p] = q[p];
					}
			}
		}
		return largestPieces(raw, width, height, masks.size(), minArea, keptIndex);
	}

	/**
	 * Keeps, for every label 1..count of {@code raw}, its largest 4-connected piece if that has at least
	 * {@code minArea} pixels; relabels consecutively in label order.
	 */
	public static int[] largestPieces(int[] raw, int width, int height, int count, int minArea, int[] keptIndex) {
		int px = width * height;
		int[] component = new int[px];
		Arrays.fill(component, -1);
		int[] bestComponent = new int[count + 1];
		int[] bestSize = new int[count + 1];
		Arrays.fill(bestComponent, -1);
		int[] stack = new int[px];
		int components = 0;
		for (int p = 0; p < px; p++) {
			int l = raw[p];
			if (l == 0 || component[p] >= 0) continue;
			int id = components++;
			int top = 0, size = 0;
			stack[top++] = p;
			component[p] = id;
			while (top > 0) {
				int q = stack[--top];
				size++;
				int x = q % width, y = q / width;
				if (x > 0 && raw[q - 1] == l && component[q - 1] < 0) { component[q - 1] = id; stack[top++] = q - 1; }
				if (x < width - 1 && raw[q + 1] == l && component[q + 1] < 0) { component[q + 1] = id; stack[top++] = q + 1; }
				if (y > 0 && raw[q - width] == l && component[q - width] < 0) { component[q - width] = id; stack[top++] = q - width; }
				if (y < height - 1 && raw[q + width] == l && component[q + width] < 0) { component[q + width] = id; stack[top++] = q + width; }
			}
			if (size > bestSize[l]) { bestSize[l] = size; bestComponent[l] = id; }
		}
		int[] newLabel = new int[count + 1];
		int next = 0;
		for (int l = 1; l <= count; l++)
			if (bestComponent[l] >= 0 && bestSize[l] >= minArea) {
				newLabel[l] = ++next;
				if (keptIndex != null) keptIndex[next - 1] = l - 1;
			}
		int[] out = new int[px];
		for (int p = 0; p < px; p++) {
			int l = raw[p];
			if (l != 0 && component[p] == bestComponent[l]) out[p] = newLabel[l];
		}
		return out;
	}

	/**
	 * Fills the holes of instances: each 4-connected piece of background that does not touch the image's border,
	 * borders exactly one instance and is no larger than that instance joins it (a nucleus has no holes; a dim spot
	 * inside one falls below the mask threshold). Background between two instances, or open to the border, stays.
	 *
	 * @return a new label image; {@code labels} is not changed
	 */
	public static int[] fillHoles(int[] labels, int width, int height) {
		int px = width * height;
		int[] out = labels.clone();
		int count = 0;
		for (int l : labels) count = Math.max(count, l);
		int[] area = new int[count + 1];
		for (int l : labels) area[l]++;
		boolean[] seen = new boolean[px];
		int[] piece = new int[px];
		for (int p = 0; p < px; p++) {
			if (labels[p] != 0 || seen[p]) continue;
			int size = 0, owner = 0;
			boolean open = false;
			piece[size++] = p;
			seen[p] = true;
			for (int i = 0; i < size; i++) {
				int q = piece[i], x = q % width, y = q / width;
				if (x == 0 || y == 0 || x == width - 1 || y == height - 1) open = true;
				for (int k = 0; k < 4; k++) {
					int r = k == 0 ? (x > 0 ? q - 1 : -1) : k == 1 ? (x < width - 1 ? q + 1 : -1) : k == 2 ? (y > 0 ? q - width : -1) : (y < height - 1 ? q + width : -1);
					if (r < 0) continue;
					int l = labels[r];
					if (l == 0) {
						if (!seen[r]) { seen[r] = true; piece[size++] = r; }
					} else if (owner == 0) owner = l;
					else if (owner != l) owner = -1;
				}
			}
			if (!open && owner > 0 && size <= area[owner])
				for (int i = 0; i < size; i++) out[piece[i]] = owner;
		}
		return out;
	}
}
