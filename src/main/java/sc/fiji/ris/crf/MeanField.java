package sc.fiji.ris.crf;

import java.util.Arrays;

/**
 * Mean-field inference of the dense CRF on one window of the image (Kr&auml;henb&uuml;hl and Koltun, NIPS 2011,
 * algorithm 1), over the window's active pixels and L labels (0 = background):
 *
 * <pre>
 *   Q_i(l) = exp(-U_i(l)) / Z_i
 *   repeat: Q_i(l) = exp(-U_i(l) + w1 n_i (K_a (n Q(l)))_i + w2 m_i (K_s (m Q(l)))_i) / Z_i
 * </pre>
 *
 * where K_a is the appearance kernel (features x / theta_alpha, y / theta_alpha, I / theta_beta; permutohedral
 * lattice), K_s the smoothness kernel (x / theta_gamma, y / theta_gamma; exact separable Gaussian), and
 * n = 1 / sqrt(K_a 1), m = 1 / sqrt(K_s 1) their symmetric normalisations over the active pixels. With the Potts
 * model, adding each label's own message is the same as subtracting the messages of all other labels, up to a
 * per-pixel constant that the normalisation Z_i removes. A label with an infinite unary at a pixel gets Q = 0 there,
 * whatever the messages: that is how a pixel is kept from taking a label whose region it is not in.
 */
final class MeanField {

	/** Where the time went, summed over the threads. */
	long appearanceNanos, smoothnessNanos;

	private final CrfParameters p;

	MeanField(CrfParameters p) {
		this.p = p;
	}

	/**
	 * Solves one window.
	 *
	 * @param x0 left of the window in the image
	 * @param y0 top of the window in the image
	 * @param width window width
	 * @param height window height
	 * @param active window-local indices ({@code y * width + x}) of the pixels that take part, ascending
	 * @param labels L, the number of labels including background
	 * @param boxes for each instance label t = 1..L-1, its box in window coordinates at [4 (t-1) ..]: x0, y0, x1, y1
	 *        (inclusive); all of its pixels must be active, and the label must be disallowed (infinite unary) outside it
	 * @param unary {@code active.length * labels} energies, +infinity where a label is not allowed; background must be
	 *        allowed everywhere
	 * @param intensities the whole image's normalised intensities, row-major
	 * @param imageWidth the image's width
	 * @return the most probable label of each active pixel
	 */
	int[] solve(int x0, int y0, int width, int height, int[] active, int labels, int[] boxes, float[] unary, float[] intensities, int imageWidth) {
		int n = active.length, L = labels, T = L - 1;
		float[] q = new float[n * L];
		softmax(unary, null, q, n, L);
		boolean appearance = p.appearanceWeight() > 0 && p.iterations() > 0, smoothness = p.smoothnessWeight() > 0 && p.iterations() > 0;
		// Only the instance channels are filtered: as sum_l Q_i(l) = 1 at every active pixel and the filters are linear,
		// the background's message is n K(n 1) - sum_t n K(n Q(t)), and the first term is computed once.
		float[] message = new float[n * L];

		PermutohedralLattice lattice = null;
		float[] normA = null, totalA = null, inA = null, outA = null;
		if (appearance) {
			long t0 = System.nanoTime();
			float[] f = new float[n * 3];
			float sa = (float) (1 / p.spatialWidth()), sb = (float) (1 / p.intensityWidth());
			for (int i = 0; i < n; i++) {
				int x = active[i] % width, y = active[i] / width;
				f[3 * i] = (x0 + x) * sa;
				f[3 * i + 1] = (y0 + y) * sa;
				f[3 * i + 2] = intensities[(y0 + y) * imageWidth + x0 + x] * sb;
			}
			lattice = new PermutohedralLattice(f, n, 3);
			float[] ones = new float[n], k = new float[n];
			Arrays.fill(ones, 1f);
			lattice.filter(ones, k, 1);
			normA = new float[n];
			// every point reaches at least itself, so K 1 > 0; the floor only guards against rounding
			for (int i = 0; i < n; i++) normA[i] = (float) (1 / Math.sqrt(Math.max(k[i], 1e-20f)));
			totalA = new float[n];
			lattice.filter(normA, totalA, 1);
			for (int i = 0; i < n; i++) totalA[i] *= normA[i];
			inA = new float[n * T];
			outA = new float[n * T];
			appearanceNanos += System.nanoTime() - t0;
		}

		GaussianBlur blur = null;
		float[] normS = null, totalS = null, box = null;
		int[] slot = null;
		if (smoothness) {
			long t0 = System.nanoTime();
			blur = new GaussianBlur(p.smoothnessWidth());
			slot = new int[width * height];
			Arrays.fill(slot, -1);
			for (int i = 0; i < n; i++) slot[active[i]] = i;
			float[] grid = new float[width * height];
			for (int i : active) grid[i] = 1;
			blur.filter(grid, width, height, 1);
			normS = new float[n];
			for (int i = 0; i < n; i++) normS[i] = (float) (1 / Math.sqrt(grid[active[i]]));
			Arrays.fill(grid, 0f);
			for (int i = 0; i < n; i++) grid[active[i]] = normS[i];
			blur.filter(grid, width, height, 1);
			totalS = new float[n];
			for (int i = 0; i < n; i++) totalS[i] = normS[i] * grid[active[i]];
			int largest = 0;
			for (int t = 0; t < T; t++) largest = Math.max(largest, (boxes[4 * t + 2] - boxes[4 * t] + 1) * (boxes[4 * t + 3] - boxes[4 * t + 1] + 1));
			box = new float[largest];
			smoothnessNanos += System.nanoTime() - t0;
		}

		float wA = (float) p.appearanceWeight(), wS = (float) p.smoothnessWeight();
		for (int it = 0; it < p.iterations(); it++) {
			// the appearance pass assigns every message; without it they start from 0
			if (!appearance) Arrays.fill(message, 0f);
			else {
				long t0 = System.nanoTime();
				for (int i = 0; i < n; i++) {
					float s = normA[i];
					for (int t = 0, o = i * L + 1, o2 = i * T; t < T; t++) inA[o2 + t] = s * q[o + t];
				}
				lattice.filter(inA, outA, T);
				for (int i = 0; i < n; i++) {
					float s = wA * normA[i], sum = 0;
					for (int t = 0, o = i * L + 1, o2 = i * T; t < T; t++) {
						float v = s * outA[o2 + t];
						message[o + t] = v;
						sum += v;
					}
					message[i * L] = wA * totalA[i] - sum;
				}
				appearanceNanos += System.nanoTime() - t0;
			}
			if (smoothness) {
				long t0 = System.nanoTime();
				// each instance's channel is zero outside its box, and only needed inside it: filter the box alone
				for (int t = 0; t < T; t++) {
					int bx0 = boxes[4 * t], by0 = boxes[4 * t + 1], bw = boxes[4 * t + 2] - bx0 + 1, bh = boxes[4 * t + 3] - by0 + 1;
					for (int y = 0, j = 0; y < bh; y++)
						for (int x = 0, g = (by0 + y) * width + bx0; x < bw; x++, j++, g++) {
							int i = slot[g];
							box[j] = normS[i] * q[i * L + 1 + t];
						}
					blur.filter(box, bw, bh, 1);
					for (int y = 0, j = 0; y < bh; y++)
						for (int x = 0, g = (by0 + y) * width + bx0; x < bw; x++, j++, g++) {
							int i = slot[g];
							float v = wS * normS[i] * box[j];
							message[i * L + 1 + t] += v;
							message[i * L] -= v;
						}
				}
				for (int i = 0; i < n; i++) message[i * L] += wS * totalS[i];
				smoothnessNanos += System.nanoTime() - t0;
			}
			softmax(unary, message, q, n, L);
		}

		int[] best = new int[n];
		for (int i = 0; i < n; i++) {
			int o = i * L, b = 0;
			for (int l = 1; l < L; l++) if (q[o + l] > q[o + b]) b = l;
			best[i] = b;
		}
		return best;
	}

	/** q = softmax(-U + message) per pixel (a null message counts as 0); labels with an infinite unary get 0. */
	private static void softmax(float[] unary, float[] message, float[] q, int n, int L) {
		for (int i = 0; i < n; i++) {
			int o = i * L;
			float max = Float.NEGATIVE_INFINITY;
			int top = 0;
			for (int l = 0; l < L; l++) {
				float v = -unary[o + l];
				if (message != null) v += message[o + l];
				q[o + l] = v;
				if (v > max) {
					max = v;
					top = l;
				}
			}
			// the top label's term is exp(0) = 1, and a forbidden label's is 0: no exp needed for either
			float sum = 1;
			for (int l = 0; l < L; l++) {
				if (l == top) continue;
				float v = q[o + l];
				float e = v == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(v - max);
				q[o + l] = e;
				sum += e;
			}
			q[o + top] = 1;
			float inv = 1 / sum;
			for (int l = 0; l < L; l++) q[o + l] *= inv;
		}
	}
}
