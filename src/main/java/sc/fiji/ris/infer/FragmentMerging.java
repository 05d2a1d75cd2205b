package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins two touching instances that together make one convex object of a nucleus' size: a nucleus the decoder
 * emitted in two parts (two steps, or an instance and a piece of unclaimed foreground). A pair is joined when
 * <ul>
 * <li>they share a border of at least {@link #MIN_SHARED_BORDER} pixel edges,</li>
 * <li>together they are at most {@link #MAX_SIZE_FACTOR} times the median instance area of the plane, and</li>
 * <li>their union's solidity (area over the area of its convex hull, on pixel corners) is at least the given
 * value: two halves of an ellipse qualify, two touching nuclei leave concave notches where they meet.</li>
 * </ul>
 * Pairs are taken in order of decreasing shared border, each instance joins at most once per call. The joined
 * instance keeps the lower label's place, the higher confidence of the two, and the pixel-wise maximum of their soft
 * masks. Labels stay consecutive in the order of the kept instances.
 */
public final class FragmentMerging {

	/** Smallest shared border (4-neighbour pixel edges) of a pair that can be joined. */
	static final int MIN_SHARED_BORDER = 6;
	/** Largest union, as a multiple of the plane's median instance area. */
	static final double MAX_SIZE_FACTOR = 2.0;

	private FragmentMerging() {}

	/**
	 * @param minSolidity in (0, 1]; 0 or less returns {@code in} unchanged
	 * @return the instances with the qualifying pairs joined ({@code in} itself when none qualify)
	 */
	public static Instances merge(Instances in, double minSolidity) {
		int n = in.count();
		if (minSolidity <= 0 || n < 2) return in;
		int w = in.width(), h = in.height();
		int[] labels = in.labels();
		int[] area = new int[n + 1];
		// per label and row: leftmost and rightmost column (the convex hull only needs those)
		int[] y0 = new int[n + 1], y1 = new int[n + 1];
		Arrays.fill(y0, Integer.MAX_VALUE);
		Arrays.fill(y1, -1);
		Map<Long, Integer> shared = new HashMap<>();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int a = labels[y * w + x];
				if (a == 0) continue;
				area[a]++;
				y0[a] = Math.min(y0[a], y);
				y1[a] = Math.max(y1[a], y);
				if (x + 1 < w) countShared(shared, a, labels[y * w + x + 1]);
				if (y + 1 < h) countShared(shared, a, labels[(y + 1) * w + x]);
			}
		int[][] left = new int[n + 1][], right = new int[n + 1][];
		for (int l = 1; l <= n; l++) {
			if (area[l] == 0) continue;
			left[l] = new int[y1[l] - y0[l] + 1];
			right[l] = new int[y1[l] - y0[l] + 1];
			Arrays.fill(left[l], Integer.MAX_VALUE);
			Arrays.fill(right[l], -1);
		}
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int a = labels[y * w + x];
				if (a == 0) continue;
				int r = y - y0[a];
				left[a][r] = Math.min(left[a][r], x);
				right[a][r] = Math.max(right[a][r], x);
			}
		int[] sorted = new int[n];
		int m = 0;
		for (int l = 1; l <= n; l++) if (area[l] > 0) sorted[m++] = area[l];
		if (m < 2) return in;
		Arrays.sort(sorted, 0, m);
		double median = m % 2 == 1 ? sorted[m / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);

		List<long[]> pairs = new ArrayList<>();
		for (Map.Entry<Long, Integer> e : shared.entrySet())
			if (e.getValue() >= MIN_SHARED_BORDER) pairs.add(new long[] { e.getKey(), e.getValue() });
		pairs.sort((p, q) -> p[1] != q[1] ? Long.compare(q[1], p[1]) : Long.compare(p[0], q[0]));
		int[] into = new int[n + 1];
		for (int l = 0; l <= n; l++) into[l] = l;
		boolean[] used = new boolean[n + 1];
		int joined = 0;
		for (long[] p : pairs) {
			int a = (int) (p[0] >>> 32), b = (int) p[0];
			if (used[a] || used[b] || area[a] + area[b] > MAX_SIZE_FACTOR * median) continue;
			double hull = hullArea(new int[] { a, b }, y0, left, right);
			if ((area[a] + area[b]) / hull < minSolidity) continue;
			used[a] = used[b] = true;
			into[b] = a;
			joined++;
		}
		if (joined == 0) return in;
		// consecutive labels in the order of the kept (lower) labels
		int[] newLabel = new int[n + 1];
		int next = 0;
		for (int l = 1; l <= n; l++) if (into[l] == l) newLabel[l] = ++next;
		int[] out = new int[labels.length];
		for (int i = 0; i < labels.length; i++) out[i] = labels[i] == 0 ? 0 : newLabel[into[labels[i]]];
		float[] conf = new float[next];
		Instances.SoftMask[] soft = in.hasSoftMasks() ? new Instances.SoftMask[next] : null;
		for (int l = 1; l <= n; l++) {
			int k = newLabel[into[l]] - 1;
			conf[k] = Math.max(conf[k], in.confidence(l));
			if (soft != null) soft[k] = union(soft[k], in.softMask(l));
		}
		return new Instances(w, h, out, conf, soft);
	}

	private static void countShared(Map<Long, Integer> shared, int a, int b) {
		if (b == 0 || b == a) return;
		long key = ((long) Math.min(a, b) << 32) | Math.max(a, b);
		shared.merge(key, 1, Integer::sum);
	}

	/** Area of the convex hull of the pixel squares of the given labels (the corners of each row's end pixels). */
	static double hullArea(int[] which, int[] y0, int[][] left, int[][] right) {
		int count = 0;
		for (int l : which) count += 4 * left[l].length;
		long[] xs = new long[count], ys = new long[count];
		int k = 0;
		for (int l : which)
			for (int r = 0; r < left[l].length; r++) {
				if (right[l][r] < 0) continue;
				int y = y0[l] + r;
				xs[k] = left[l][r]; ys[k++] = y;
				xs[k] = left[l][r]; ys[k++] = y + 1;
				xs[k] = right[l][r] + 1; ys[k++] = y;
				xs[k] = right[l][r] + 1; ys[k++] = y + 1;
			}
		Integer[] order = new Integer[k];
		for (int i = 0; i < k; i++) order[i] = i;
		Arrays.sort(order, (i, j) -> xs[i] != xs[j] ? Long.compare(xs[i], xs[j]) : Long.compare(ys[i], ys[j]));
		int[] hull = new int[2 * k + 1];
		int t = 0;
		for (int i = 0; i < k; i++) { // lower hull
			while (t >= 2 && cross(xs, ys, hull[t - 2], hull[t - 1], order[i]) <= 0) t--;
			hull[t++] = order[i];
		}
		for (int i = k - 2, lower = t + 1; i >= 0; i--) { // upper hull
			while (t >= lower && cross(xs, ys, hull[t - 2], hull[t - 1], order[i]) <= 0) t--;
			hull[t++] = order[i];
		}
		double twice = 0;
		for (int i = 0; i + 1 < t; i++) twice += xs[hull[i]] * ys[hull[i + 1]] - xs[hull[i + 1]] * ys[hull[i]];
		return Math.abs(twice) / 2;
	}

	private static long cross(long[] xs, long[] ys, int o, int a, int b) {
		return (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
	}

	/** The pixel-wise maximum of two soft masks over the box covering both; either may be null. */
	private static Instances.SoftMask union(Instances.SoftMask a, Instances.SoftMask b) {
		if (a == null) return b;
		if (b == null) return a;
		int x0 = Math.min(a.x0, b.x0), y0 = Math.min(a.y0, b.y0);
		int x1 = Math.max(a.x0 + a.width, b.x0 + b.width), y1 = Math.max(a.y0 + a.height, b.y0 + b.height);
		int bw = x1 - x0, bh = y1 - y0;
		float[] v = new float[bw * bh];
		for (int y = 0; y < bh; y++)
			for (int x = 0; x < bw; x++) v[y * bw + x] = Math.max(a.at(x0 + x, y0 + y), b.at(x0 + x, y0 + y));
		return new Instances.SoftMask(x0, y0, bw, bh, v);
	}
}
