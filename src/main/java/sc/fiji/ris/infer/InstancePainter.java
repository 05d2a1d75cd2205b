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
}
