package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sc.fiji.ris.UserError;

/**
 * Test-time augmentation by flips: a plane is segmented as it is and mirrored (left-right, top-bottom, both), the
 * mirrored results are flipped back, and the views are fused instance by instance.
 *
 * <p>Two instances of different views are the same object when their IoU exceeds 0.5 (within one view instances do
 * not overlap, so an instance has at most one such partner per view). An object is kept when at least
 * {@code minVotes} views found it; its pixels are those that at least half of its instances cover, and where two
 * objects claim a pixel, the one found by more views has it. Its confidence is the mean of its instances', and its
 * soft mask (when every view kept them) their mean. Fusing averages away what one view alone gets wrong: a nucleus
 * emitted in two parts, a stray fragment, an outline drawn a pixel off.
 */
public final class FlipFusion {

	/** No flip, left-right, top-bottom, both: the views {@link SegmenterOptions#flipVotes} fuses. */
	public static final int NONE = 0, HORIZONTAL = 1, VERTICAL = 2, BOTH = 3;

	private FlipFusion() {}

	/** A copy of a row-major plane mirrored by {@code flip} (self-inverse). */
	public static float[] flip(float[] px, int w, int h, int flip) {
		float[] out = new float[px.length];
		for (int y = 0; y < h; y++) {
			int sy = (flip & VERTICAL) != 0 ? h - 1 - y : y;
			for (int x = 0; x < w; x++) out[y * w + x] = px[sy * w + ((flip & HORIZONTAL) != 0 ? w - 1 - x : x)];
		}
		return out;
	}

	/** Instances mirrored by {@code flip}, soft masks included (self-inverse); labels and confidences keep their order. */
	public static Instances flip(Instances in, int flip) {
		if (flip == NONE) return in;
		int w = in.width(), h = in.height();
		int[] src = in.labels(), labels = new int[src.length];
		for (int y = 0; y < h; y++) {
			int sy = (flip & VERTICAL) != 0 ? h - 1 - y : y;
			for (int x = 0; x < w; x++) labels[y * w + x] = src[sy * w + ((flip & HORIZONTAL) != 0 ? w - 1 - x : x)];
		}
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[in.count()];
			for (int l = 1; l <= in.count(); l++) {
				Instances.SoftMask m = in.softMask(l);
				int x0 = (flip & HORIZONTAL) != 0 ? w - m.x0 - m.width : m.x0;
				int y0 = (flip & VERTICAL) != 0 ? h - m.y0 - m.height : m.y0;
				soft[l - 1] = new Instances.SoftMask(x0, y0, m.width, m.height, flip(m.values, m.width, m.height, flip));
			}
		}
		return new Instances(w, h, labels, in.confidences(), soft);
	}

	/**
	 * Fuses views of one plane, all in the plane's orientation.
	 *
	 * @param views the views; the first one's instance order comes first in the result
	 * @param minVotes how many views must have found an object, 1..views
	 * @param minArea fused objects with fewer pixels are dropped
	 */
	public static Instances fuse(List<Instances> views, int minVotes, int minArea) {
		int k = views.size();
		if (k == 0) throw new UserError("There is no view to fuse.");
		if (minVotes < 1 || minVotes > k) throw new UserError("The votes needed must lie in [1, " + k + "], not " + minVotes + ".");
		int w = views.get(0).width(), h = views.get(0).height(), size = w * h;
		int[] offset = new int[k + 1];
		for (int v = 0; v < k; v++) {
			if (views.get(v).width() != w || views.get(v).height() != h) throw new UserError("The views differ in size.");
			offset[v + 1] = offset[v] + views.get(v).count();
		}
		int total = offset[k];
		int[] area = new int[total];
		for (int v = 0; v < k; v++) for (int l : views.get(v).labels()) if (l > 0) area[offset[v] + l - 1]++;
		// the same object in two views: IoU > 0.5
		int[] parent = new int[total];
		for (int i = 0; i < total; i++) parent[i] = i;
		for (int a = 0; a < k; a++)
			for (int b = a + 1; b < k; b++) {
				int[] la = views.get(a).labels(), lb = views.get(b).labels();
				Map<Long, Integer> overlap = new HashMap<>();
				for (int i = 0; i < size; i++)
					if (la[i] > 0 && lb[i] > 0) overlap.merge(((long) la[i] << 32) | lb[i], 1, Integer::sum);
				for (Map.Entry<Long, Integer> e : overlap.entrySet()) {
					int ia = offset[a] + (int) (e.getKey() >>> 32) - 1, ib = offset[b] + (int) (long) e.getKey() - 1;
					int inter = e.getValue();
					if (inter * 2 > area[ia] + area[ib] - inter) union(parent, ia, ib);
				}
			}
		int[] root = new int[total], members = new int[total], viewMask = new int[total];
		for (int i = 0; i < total; i++) root[i] = find(parent, i);
		for (int v = 0; v < k; v++)
			for (int i = offset[v]; i < offset[v + 1]; i++) {
				members[root[i]]++;
				viewMask[root[i]] |= 1 << Math.min(v, 30);
			}
		// each pixel goes to the kept object most of whose instances cover it and that more views found
		int[] owner = new int[size];
		Arrays.fill(owner, -1);
		int[] seen = new int[k], count = new int[k];
		for (int i = 0; i < size; i++) {
			int n = 0;
			for (int v = 0; v < k; v++) {
				int l = views.get(v).labels()[i];
				if (l == 0) continue;
				int r = root[offset[v] + l - 1];
				int j = 0;
				while (j < n && seen[j] != r) j++;
				if (j == n) { seen[n] = r; count[n++] = 0; }
				count[j]++;
			}
			int best = -1;
			for (int j = 0; j < n; j++) {
				int r = seen[j];
				if (Integer.bitCount(viewMask[r]) < minVotes || count[j] * 2 < members[r]) continue;
				if (best < 0 || members[r] > members[best] || (members[r] == members[best] && r < best)) best = r;
			}
			owner[i] = best;
		}
		int[] fusedArea = new int[total];
		for (int o : owner) if (o >= 0) fusedArea[o]++;
		// labels in the order of each object's first instance (view 0's order first)
		int[] newLabel = new int[total];
		List<Integer> kept = new ArrayList<>();
		for (int i = 0; i < total; i++) {
			int r = root[i];
			if (newLabel[r] == 0 && fusedArea[r] >= Math.max(1, minArea)) {
				kept.add(r);
				newLabel[r] = kept.size();
			}
		}
		int[] labels = new int[size];
		for (int i = 0; i < size; i++) labels[i] = owner[i] >= 0 ? newLabel[owner[i]] : 0;
		float[] conf = new float[kept.size()];
		for (int v = 0; v < k; v++)
			for (int l = 1; l <= views.get(v).count(); l++) {
				int r = root[offset[v] + l - 1];
				if (newLabel[r] > 0) conf[newLabel[r] - 1] += views.get(v).confidence(l) / members[r];
			}
		boolean soft = views.stream().allMatch(Instances::hasSoftMasks);
		Instances.SoftMask[] masks = soft ? softMasks(views, offset, root, members, newLabel, kept.size()) : null;
		return HoleFilling.apply(new Instances(w, h, labels, conf, masks));
	}

	/** The mean of each kept object's soft masks over the union of their boxes. */
	private static Instances.SoftMask[] softMasks(List<Instances> views, int[] offset, int[] root, int[] members, int[] newLabel, int n) {
		int[][] box = new int[n][];
		for (int v = 0; v < views.size(); v++)
			for (int l = 1; l <= views.get(v).count(); l++) {
				int t = newLabel[root[offset[v] + l - 1]] - 1;
				if (t < 0) continue;
				Instances.SoftMask m = views.get(v).softMask(l);
				int[] b = box[t];
				if (b == null) box[t] = new int[] { m.x0, m.y0, m.x0 + m.width, m.y0 + m.height };
				else {
					b[0] = Math.min(b[0], m.x0);
					b[1] = Math.min(b[1], m.y0);
					b[2] = Math.max(b[2], m.x0 + m.width);
					b[3] = Math.max(b[3], m.y0 + m.height);
				}
			}
		float[][] sum = new float[n][];
		for (int t = 0; t < n; t++) sum[t] = new float[(box[t][2] - box[t][0]) * (box[t][3] - box[t][1])];
		for (int v = 0; v < views.size(); v++)
			for (int l = 1; l <= views.get(v).count(); l++) {
				int r = root[offset[v] + l - 1], t = newLabel[r] - 1;
				if (t < 0) continue;
				Instances.SoftMask m = views.get(v).softMask(l);
				int bw = box[t][2] - box[t][0];
				for (int y = 0; y < m.height; y++)
					for (int x = 0; x < m.width; x++)
						sum[t][(m.y0 + y - box[t][1]) * bw + m.x0 + x - box[t][0]] += m.values[y * m.width + x] / members[r];
			}
		Instances.SoftMask[] out = new Instances.SoftMask[n];
		for (int t = 0; t < n; t++) out[t] = new Instances.SoftMask(box[t][0], box[t][1], box[t][2] - box[t][0], box[t][3] - box[t][1], sum[t]);
		return out;
	}

	private static int find(int[] parent, int i) {
		while (parent[i] != i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	}

	private static void union(int[] parent, int a, int b) {
		int ra = find(parent, a), rb = find(parent, b);
		if (ra != rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
	}
}
