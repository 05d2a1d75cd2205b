package sc.fiji.ris.data;

import java.util.Arrays;

/**
 * Turns the provisional label map of {@link NucleusLayout} into final labels: overlaps can cut a nucleus into
 * pieces, so only the largest 4-connected piece of each nucleus is kept, nuclei left with fewer than the minimum
 * area are dropped, and the rest are renumbered 1..n in raster order. Afterwards every label is one 4-connected
 * region.
 */
final class LabelCleanUp {

	private LabelCleanUp() {}

	/**
	 * Cleans up the labels in place.
	 *
	 * @param labels  provisional labels: the index + 1 of the nucleus that owns each pixel, 0 for background
	 * @param w       width of the image
	 * @param h       height of the image
	 * @param nuclei  the nuclei in placement order, null for those that were not placed
	 * @param minArea smallest number of pixels a nucleus must keep
	 * @return the nucleus of each final label 1..n, index = label (index 0 is null)
	 */
	static SyntheticNucleus[] cleanUp(int[] labels, int w, int h, SyntheticNucleus[] nuclei, int minArea) {
		int size = w * h;
		int provisional = nuclei.length;
		// Flood fill every component, remembering the largest per label.
		int[] component = new int[size];
		int[] queue = new int[size];
		int[] bestComponent = new int[provisional + 1];
		int[] bestArea = new int[provisional + 1];
		int components = 0;
		for (int start = 0; start < size; start++) {
			int lab = labels[start];
			if (lab == 0 || component[start] != 0) continue;
			int id = ++components;
			int head = 0;
			int tail = 0;
			queue[tail++] = start;
			component[start] = id;
			while (head < tail) {
				int p = queue[head++];
				int x = p % w;
				if (x > 0 && labels[p - 1] == lab && component[p - 1] == 0) { component[p - 1] = id; queue[tail++] = p - 1; }
				if (x < w - 1 && labels[p + 1] == lab && component[p + 1] == 0) { component[p + 1] = id; queue[tail++] = p + 1; }
				if (p >= w && labels[p - w] == lab && component[p - w] == 0) { component[p - w] = id; queue[tail++] = p - w; }
				if (p + w < size && labels[p + w] == lab && component[p + w] == 0) { component[p + w] = id; queue[tail++] = p + w; }
			}
			if (tail > bestArea[lab]) {
				bestArea[lab] = tail;
				bestComponent[lab] = id;
			}
		}
		int[] newLabel = new int[provisional + 1];
		SyntheticNucleus[] byLabel = new SyntheticNucleus[provisional + 1];
		int n = 0;
		for (int i = 0; i < size; i++) {
			int lab = labels[i];
			if (lab == 0) continue;
			if (component[i] != bestComponent[lab] || bestArea[lab] < minArea) {
				labels[i] = 0;
				continue;
			}
			if (newLabel[lab] == 0) {
				newLabel[lab] = ++n;
				byLabel[n] = nuclei[lab - 1];
			}
			labels[i] = newLabel[lab];
		}
		return Arrays.copyOf(byLabel, n + 1);
	}
}
