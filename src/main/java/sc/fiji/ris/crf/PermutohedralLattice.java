package sc.fiji.ris.crf;

import java.util.Arrays;
import sc.fiji.ris.UserError;

/**
 * Gaussian filtering in a feature space of dimension d = 2..5 with the permutohedral lattice (A. Adams, J. Baek,
 * M. A. Davis, "Fast High-Dimensional Filtering Using the Permutohedral Lattice", Eurographics 2010):
 *
 * <pre>
 *   out_i = sum_j exp(-|f_i - f_j|^2 / 2) in_j          (approximately, and up to a constant factor)
 * </pre>
 *
 * for N points with features f_i (already divided by the kernel widths, so that the kernel has unit width) and
 * values with any number of channels, in O(N (d+1)) per channel instead of O(N^2).
 * <p>
 * How: each feature vector is scaled and lifted onto the hyperplane {x in R^(d+1): sum x = 0}, which the
 * permutohedral lattice tiles with simplices. A point lies in exactly one simplex, found by rounding to the
 * nearest lattice point of remainder 0 and ranking the differences; its d+1 barycentric weights on that
 * simplex's vertices say how much of its value each vertex receives. Vertices live in a hash table keyed by d of
 * their d+1 integer coordinates (the last one follows, as they sum to 0). Filtering is then splat (each point adds
 * its weighted value to its d+1 vertices), blur (along each of the d+1 lattice directions in turn,
 * v' = v + (v_prev + v_next) / 2, a [1/2, 1, 1/2] kernel; missing neighbours count as 0) and slice (each point reads
 * back the weighted sum of its vertices). The scale applied to the features makes the composed blurs match a
 * Gaussian of unit standard deviation; the result is an approximation (the lattice's kernel is only roughly
 * Gaussian and not exactly shift-invariant), good to a few percent once normalised as the dense CRF does,
 * {@code n K(n v)} with {@code n = 1 / sqrt(K 1)}.
 * <p>
 * The lattice is built once for a set of points and can then filter any number of value vectors. Not thread-safe
 * (it keeps its scratch buffers): one lattice per thread.
 */
public final class PermutohedralLattice {

	/** Smallest and largest supported feature dimension. */
	public static final int MIN_DIMENSION = 2, MAX_DIMENSION = 5;

	private final int d;
	private final int points;
	/** Vertex slot (1-based; 0 is the always-zero "missing" slot) of each point's d+1 simplex vertices. */
	private final int[] vertexOf;
	/** The matching barycentric weights. */
	private final float[] weightOf;
	/** Per direction j and vertex v: the slots of its two neighbours along j, at [(j * vertices + v) * 2 + 0/1]. */
	private final int[] neighbours;
	private final int vertices;
	private float[] scratchA = new float[0], scratchB = new float[0];

	/**
	 * Builds the lattice for {@code points} feature vectors.
	 *
	 * @param features row-major, {@code points * dimension} values, each feature already divided by its kernel width
	 * @param dimension the feature dimension d, 2..5
	 * @throws IllegalArgumentException if the dimension is not supported, the array has the wrong length, or a
	 *         feature is not finite
	 */
	public PermutohedralLattice(float[] features, int points, int dimension) {
		if (dimension < MIN_DIMENSION || dimension > MAX_DIMENSION)
			throw new UserError("The permutohedral lattice supports feature dimensions " + MIN_DIMENSION + " to " + MAX_DIMENSION + ", not " + dimension + ".");
		if (points < 0 || features.length != (long) points * dimension)
			throw new UserError("The lattice needs " + dimension + " features per point for " + points + " points, not " + features.length + " values.");
		d = dimension;
		this.points = points;
		int d1 = d + 1;
		vertexOf = new int[points * d1];
		weightOf = new float[points * d1];
		KeyTable table = new KeyTable(d, Math.max(16, points));

		// The lift E (Adams et al., section 3.1): coordinate i of the feature, scaled by
		// sqrt(2/3) (d+1) / sqrt((i+1)(i+2)), enters the elevated vector so that it has zero sum; the factor
		// sqrt(2/3) (d+1) makes the d+1 blurs of variance 1/2 each compose to a unit-variance Gaussian.
		double[] scale = new double[d];
		for (int i = 0; i < d; i++) scale[i] = Math.sqrt(2.0 / 3.0) * d1 / Math.sqrt((i + 1.0) * (i + 2.0));
		double[] elevated = new double[d1];
		int[] nearest = new int[d1];
		int[] rank = new int[d1];
		double[] bary = new double[d + 2];
		int[] key = new int[d];
		int[] lastNearest = new int[d1], lastRank = new int[d1];
		for (int p = 0; p < points; p++) {
			int f0 = p * d;
			double sum = 0;
			for (int i = d; i > 0; i--) {
				float v = features[f0 + i - 1];
				if (!Float.isFinite(v)) throw new UserError("The feature " + (i - 1) + " of point " + p + " is not a finite number (" + v + ").");
				double c = v * scale[i - 1];
				elevated[i] = sum - i * c;
				sum += c;
			}
			elevated[0] = sum;

			// nearest lattice point of remainder 0: every coordinate a multiple of d+1
			int coordinateSum = 0;
			for (int i = 0; i < d1; i++) {
				int r = (int) Math.round(elevated[i] / d1);
				nearest[i] = r * d1;
				coordinateSum += r;
			}
			// rank of each coordinate's offset from that point, 0 for the largest; ties go to the lower index
			Arrays.fill(rank, 0);
			for (int i = 0; i < d; i++)
				for (int j = i + 1; j < d1; j++)
					if (elevated[i] - nearest[i] < elevated[j] - nearest[j]) rank[i]++;
					else rank[j]++;
			// the rounded point may lie off the hyperplane (coordinate sum != 0): shift it back by moving the
			// extreme coordinates by d+1, which cycles their ranks
			for (int i = 0; i < d1; i++) {
				rank[i] += coordinateSum;
				if (rank[i] < 0) {
					rank[i] += d1;
					nearest[i] += d1;
				} else if (rank[i] > d) {
					rank[i] -= d1;
					nearest[i] -= d1;
				}
			}
			// barycentric weights of the simplex's vertices (Adams et al., section 3.2)
			Arrays.fill(bary, 0);
			for (int i = 0; i < d1; i++) {
				double v = (elevated[i] - nearest[i]) / d1;
				bary[d - rank[i]] += v;
				bary[d - rank[i] + 1] -= v;
			}
			bary[0] += 1 + bary[d + 1];

			// vertex k of the simplex: the remainder-0 point plus k along the coordinates ranked < d+1-k, and
			// k - (d+1) along the others. Neighbouring pixels often share a simplex: then the vertices are the same.
			boolean same = p > 0 && Arrays.equals(nearest, lastNearest) && Arrays.equals(rank, lastRank);
			for (int k = 0; k < d1; k++) {
				if (same) vertexOf[p * d1 + k] = vertexOf[(p - 1) * d1 + k];
				else {
					for (int i = 0; i < d; i++) key[i] = nearest[i] + (rank[i] <= d - k ? k : k - d1);
					vertexOf[p * d1 + k] = table.insert(key) + 1;
				}
				weightOf[p * d1 + k] = (float) bary[k];
			}
			if (!same) {
				System.arraycopy(nearest, 0, lastNearest, 0, d1);
				System.arraycopy(rank, 0, lastRank, 0, d1);
			}
		}
		vertices = table.size();

		// Neighbours along direction j differ by (d+1) e_j - (1, ..., 1): -1 in every coordinate but +d in coordinate j,
		// or the opposite; for j = d the d stored coordinates all move by 1 (coordinate d is implied).
		neighbours = new int[d1 * vertices * 2];
		int[] other = new int[d];
		for (int j = 0; j < d1; j++)
			for (int v = 0; v < vertices; v++) {
				for (int s = 0; s < 2; s++) {
					int step = s == 0 ? -1 : 1;
					for (int i = 0; i < d; i++) other[i] = table.key(v, i) + step;
					if (j < d) other[j] = table.key(v, j) - step * d;
					neighbours[(j * vertices + v) * 2 + s] = table.find(other) + 1;
				}
			}
	}

	/** The number of points. */
	public int points() { return points; }

	/** The feature dimension d. */
	public int dimension() { return d; }

	/** The number of lattice vertices touched by the points (at most {@code points * (d+1)}). */
	public int vertices() { return vertices; }

	/**
	 * Filters {@code channels} values per point with the lattice's Gaussian: {@code out_i = K(in)_i} up to a constant
	 * factor.
	 *
	 * @param in point-major values, {@code points * channels}
	 * @param out receives the filtered values, {@code points * channels}; may not be {@code in}
	 */
	public void filter(float[] in, float[] out, int channels) {
		if (in.length != points * channels || out.length != points * channels)
			throw new UserError("The lattice filters " + points + " points of " + channels + " channels, not arrays of " + in.length + " and " + out.length + " values.");
		if (in == out) throw new UserError("The lattice filter cannot work in place.");
		int d1 = d + 1;
		int size = (vertices + 1) * channels;
		if (scratchA.length < size) {
			scratchA = new float[size];
			scratchB = new float[size];
		}
		float[] a = scratchA, b = scratchB;
		Arrays.fill(a, 0, size, 0f);
		// slot 0 stays zero throughout: a missing neighbour contributes nothing
		Arrays.fill(b, 0, channels, 0f);

		if (channels == 1) {
			// the common case (one instance per group): no channel loop
			for (int p = 0, o = 0; p < points; p++) {
				float v = in[p];
				for (int k = 0; k < d1; k++, o++) a[vertexOf[o]] += weightOf[o] * v;
			}
		} else {
			for (int p = 0, o = 0; p < points; p++) {
				int src = p * channels;
				for (int k = 0; k < d1; k++, o++) {
					int dst = vertexOf[o] * channels;
					float w = weightOf[o];
					for (int c = 0; c < channels; c++) a[dst + c] += w * in[src + c];
				}
			}
		}
		for (int j = 0; j < d1; j++) {
			int base = j * vertices * 2;
			for (int v = 0; v < vertices; v++) {
				int self = (v + 1) * channels;
				int n1 = neighbours[base + 2 * v] * channels, n2 = neighbours[base + 2 * v + 1] * channels;
				for (int c = 0; c < channels; c++) b[self + c] = a[self + c] + 0.5f * (a[n1 + c] + a[n2 + c]);
			}
			float[] t = a;
			a = b;
			b = t;
		}
		if (channels == 1) {
			for (int p = 0, o = 0; p < points; p++) {
				float v = 0;
				for (int k = 0; k < d1; k++, o++) v += weightOf[o] * a[vertexOf[o]];
				out[p] = v;
			}
		} else {
			for (int p = 0, o = 0; p < points; p++) {
				int dst = p * channels;
				for (int c = 0; c < channels; c++) out[dst + c] = 0f;
				for (int k = 0; k < d1; k++, o++) {
					int src = vertexOf[o] * channels;
					float w = weightOf[o];
					for (int c = 0; c < channels; c++) out[dst + c] += w * a[src + c];
				}
			}
		}
	}

	/**
	 * Open-addressing hash table of lattice vertices keyed by d integer coordinates; vertex ids are given in order of
	 * insertion.
	 */
	private static final class KeyTable {
		private final int d;
		private int[] slots; // vertex id, or -1 for empty
		private int[] keys; // d coordinates per vertex id
		private int size;

		KeyTable(int d, int expected) {
			this.d = d;
			int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
			slots = new int[capacity];
			Arrays.fill(slots, -1);
			keys = new int[expected * d];
		}

		int size() { return size; }

		int key(int vertex, int i) { return keys[vertex * d + i]; }

		private int hash(int[] key) {
			int h = 0;
			for (int i = 0; i < d; i++) h = (h + key[i]) * 0x9E3779B1;
			return h ^ (h >>> 15);
		}

		private boolean matches(int vertex, int[] key) {
			int o = vertex * d;
			for (int i = 0; i < d; i++) if (keys[o + i] != key[i]) return false;
			return true;
		}

		/** The id of the vertex with this key, or -1. */
		int find(int[] key) {
			int mask = slots.length - 1;
			for (int s = hash(key) & mask;; s = (s + 1) & mask) {
				int v = slots[s];
				if (v < 0) return -1;
				if (matches(v, key)) return v;
			}
		}

		/** The id of the vertex with this key, created if new. */
		int insert(int[] key) {
			int mask = slots.length - 1;
			int s = hash(key) & mask;
			for (;; s = (s + 1) & mask) {
				int v = slots[s];
				if (v < 0) break;
				if (matches(v, key)) return v;
			}
			if ((size + 1) * d > keys.length) keys = Arrays.copyOf(keys, Math.max(keys.length * 2, (size + 1) * d));
			System.arraycopy(key, 0, keys, size * d, d);
			slots[s] = size;
			int id = size++;
			if (size * 2 > slots.length) rehash();
			return id;
		}

		private void rehash() {
			int[] bigger = new int[slots.length * 2];
			Arrays.fill(bigger, -1);
			int mask = bigger.length - 1;
			int[] k = new int[d];
			for (int v = 0; v < size; v++) {
				System.arraycopy(keys, v * d, k, 0, d);
				int s = hash(k) & mask;
				while (bigger[s] >= 0) s = (s + 1) & mask;
				bigger[s] = v;
			}
			slots = bigger;
		}
	}
}
