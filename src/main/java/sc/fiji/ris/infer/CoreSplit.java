package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * Post-processing step, for networks with a core head: an instance that holds several cores is cut into one
 * instance per core (touching nuclei that one emission took together).
 */
final class CoreSplit {

	private CoreSplit() {}

	/**
	 * Cuts each instance that holds several cores into one instance per core. A core is a 4-connected piece of the
	 * instance's pixels whose core probability is at least {@code threshold}, of at least {@code minCoreArea} pixels;
	 * each pixel of a cut instance goes to the core it is nearest to along paths inside the instance (4-neighbours;
	 * ties to the core reached first in scan order). The piece of the first core takes the instance's place, the others
	 * come right after it (the labels after them move up), with the instance's confidence and its soft mask without
	 * the other pieces' pixels. Pixels no core reaches (parts of the instance not connected to any core) stay with the
	 * first core. Returns {@code in} itself when nothing is cut (or {@code cores} is null or {@code minCoreArea} is 0).
	 */
	static Instances apply(Instances in, float[] cores, double threshold, int minCoreArea) {
		if (cores == null || minCoreArea <= 0 || in.count() == 0) return in;
		int w = in.width(), h = in.height(), n = in.count();
		int[] labels = in.labels();
		int[] comp = new int[w * h];
		int[] stack = new int[w * h];
		List<int[]> pieces = new ArrayList<>(); // {label, area}
		for (int start = 0; start < w * h; start++) {
			int l = labels[start];
			if (l == 0 || comp[start] != 0 || cores[start] < threshold) continue;
			int id = pieces.size() + 1, sp = 0, area = 0;
			comp[start] = id;
			stack[sp++] = start;
			while (sp > 0) {
				int p = stack[--sp];
				area++;
				int x = p % w;
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
				for (int q : nb)
					if (q >= 0 && comp[q] == 0 && labels[q] == l && cores[q] >= threshold) {
						comp[q] = id;
						stack[sp++] = q;
					}
			}
			pieces.add(new int[] { l, area });
		}
		// the cores that count, per instance, in scan order
		int[] coresOf = new int[n + 1];
		for (int[] pc : pieces) if (pc[1] >= minCoreArea) coresOf[pc[0]]++;
		boolean any = false;
		for (int l = 1; l <= n; l++) any |= coresOf[l] >= 2;
		if (!any) return in;
		int[] out = labels.clone();
		int[] newLabel = new int[pieces.size() + 1]; // core id -> the label its piece gets (0: no core of a cut instance)
		boolean[] seen = new boolean[n + 1];
		int next = n;
		List<Integer> parentOf = new ArrayList<>(); // parent label of each new label n + 1 ...
		for (int id = 1; id <= pieces.size(); id++) {
			int[] pc = pieces.get(id - 1);
			if (coresOf[pc[0]] < 2 || pc[1] < minCoreArea) continue;
			if (!seen[pc[0]]) {
				seen[pc[0]] = true;
				newLabel[id] = pc[0];
			} else {
				newLabel[id] = ++next;
				parentOf.add(pc[0]);
			}
		}
		// breadth-first from every counted core of a cut instance at once, inside the instance
		final int unset = -1;
		for (int p = 0; p < w * h; p++) if (labels[p] != 0 && coresOf[labels[p]] >= 2) out[p] = unset;
		int[] queue = new int[w * h];
		int head = 0, tail = 0;
		for (int p = 0; p < w * h; p++)
			if (comp[p] != 0 && newLabel[comp[p]] != 0) {
				out[p] = newLabel[comp[p]];
				queue[tail++] = p;
			}
		while (head < tail) {
			int p = queue[head++], x = p % w;
			int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
			for (int q : nb)
				if (q >= 0 && out[q] == unset && labels[q] == labels[p]) {
					out[q] = out[p];
					queue[tail++] = q;
				}
		}
		for (int p = 0; p < w * h; p++) if (out[p] == unset) out[p] = labels[p];
		// each cut instance's new pieces right after it, so that the order of the instances holds (spots stay last)
		int[] order = new int[next + 1]; // label as numbered above -> final label
		int[] parentOfLabel = new int[next + 1];
		for (int l = 1; l <= n; l++) parentOfLabel[l] = l;
		for (int k = 0; k < parentOf.size(); k++) parentOfLabel[n + 1 + k] = parentOf.get(k);
		int given = 0;
		for (int l = 1; l <= n; l++) {
			order[l] = ++given;
			for (int k = 0; k < parentOf.size(); k++) if (parentOf.get(k) == l) order[n + 1 + k] = ++given;
		}
		for (int p = 0; p < w * h; p++) out[p] = order[out[p]];
		float[] conf = new float[next];
		for (int l = 1; l <= next; l++) conf[order[l] - 1] = in.confidence(parentOfLabel[l]);
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[next];
			for (int l = 1; l <= next; l++) {
				int parent = parentOfLabel[l], fin = order[l];
				Instances.SoftMask m = in.softMask(parent);
				if (coresOf[parent] < 2 || m == null) {
					soft[fin - 1] = m;
					continue;
				}
				float[] v = m.values.clone();
				for (int y = 0; y < m.height; y++)
					for (int x = 0; x < m.width; x++) {
						int ix = m.x0 + x, iy = m.y0 + y;
						if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
						int p = iy * w + ix;
						if (labels[p] == parent && out[p] != fin) v[y * m.width + x] = 0f;
					}
				soft[fin - 1] = new Instances.SoftMask(m.x0, m.y0, m.width, m.height, v);
			}
		}
		return new Instances(w, h, out, conf, soft);
	}
}
