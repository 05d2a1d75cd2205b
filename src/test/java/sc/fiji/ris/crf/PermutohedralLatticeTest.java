package sc.fiji.ris.crf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The lattice against the exact brute-force filter on small random images, normalised as the dense CRF uses it
 * ({@code n K(n v)}, {@code n = 1 / sqrt(K 1)}): a spatial Gaussian (d = 2), the bilateral appearance kernel
 * (x, y, intensity; d = 3) and feature dimensions 4 and 5 all agree to within a few percent (relative L2 error); the
 * exact separable Gaussian of the smoothness kernel agrees to float precision; bad input is refused with one
 * sentence.
 */
class PermutohedralLatticeTest {

	/** Features (x, y) / spatial plus the given extra channels / their width, point-major. */
	private static float[] features(int w, int h, double spatial, float[][] extra, double extraWidth) {
		int d = 2 + extra.length, n = w * h;
		float[] f = new float[n * d];
		for (int i = 0; i < n; i++) {
			f[i * d] = (float) ((i % w) / spatial);
			f[i * d + 1] = (float) ((i / w) / spatial);
			for (int k = 0; k < extra.length; k++) f[i * d + 2 + k] = (float) (extra[k][i] / extraWidth);
		}
		return f;
	}

	/** A smooth random image in [0, 1] with a few edges: a blurred random field plus two steps. */
	private static float[] image(int w, int h, Random rnd) {
		float[] v = new float[w * h];
		double ax = rnd.nextDouble() * 0.3, ay = rnd.nextDouble() * 0.3, cx = w * (0.3 + 0.4 * rnd.nextDouble()), cy = h * (0.3 + 0.4 * rnd.nextDouble());
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				double s = 0.3 * Math.sin(ax * x + ay * y) + (Math.hypot(x - cx, y - cy) < w / 4.0 ? 0.5 : 0) + (x > 0.8 * w ? 0.2 : 0);
				v[y * w + x] = (float) (0.2 + s + 0.05 * rnd.nextGaussian());
			}
		return v;
	}

	private static float[] randomValues(int n, int channels, Random rnd) {
		float[] v = new float[n * channels];
		for (int i = 0; i < v.length; i++) v[i] = rnd.nextFloat();
		return v;
	}

	/** The normalised filter n K(n v) with the lattice. */
	private static double[] lattice(float[] f, int n, int d, float[] v, int channels) {
		PermutohedralLattice lat = new PermutohedralLattice(f, n, d);
		float[] ones = new float[n], k1 = new float[n];
		Arrays.fill(ones, 1);
		lat.filter(ones, k1, 1);
		float[] nv = new float[n * channels], out = new float[n * channels];
		for (int i = 0; i < n; i++)
			for (int c = 0; c < channels; c++) nv[i * channels + c] = (float) (v[i * channels + c] / Math.sqrt(k1[i]));
		lat.filter(nv, out, channels);
		double[] r = new double[n * channels];
		for (int i = 0; i < n; i++)
			for (int c = 0; c < channels; c++) r[i * channels + c] = out[i * channels + c] / Math.sqrt(k1[i]);
		return r;
	}

	/** The normalised filter n K(n v) with the exact Gaussian exp(-|f_i - f_j|^2 / 2), O(n^2). */
	private static double[] exact(float[] f, int n, int d, float[] v, int channels) {
		double[] k = new double[n * n];
		double[] k1 = new double[n];
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++) {
				double s = 0;
				for (int a = 0; a < d; a++) {
					double t = f[i * d + a] - f[j * d + a];
					s += t * t;
				}
				k[i * n + j] = Math.exp(-s / 2);
				k1[i] += k[i * n + j];
			}
		double[] r = new double[n * channels];
		for (int i = 0; i < n; i++)
			for (int c = 0; c < channels; c++) {
				double s = 0;
				for (int j = 0; j < n; j++) s += k[i * n + j] * v[j * channels + c] / Math.sqrt(k1[j]);
				r[i * channels + c] = s / Math.sqrt(k1[i]);
			}
		return r;
	}

	private static double relativeError(double[] approx, double[] exact) {
		double num = 0, den = 0;
		for (int i = 0; i < exact.length; i++) {
			num += (approx[i] - exact[i]) * (approx[i] - exact[i]);
			den += exact[i] * exact[i];
		}
		return Math.sqrt(num / den);
	}

	private static double error(int w, int h, double spatial, float[][] extra, double extraWidth, int channels, long seed) {
		Random rnd = new Random(seed);
		int n = w * h, d = 2 + extra.length;
		float[] f = features(w, h, spatial, extra, extraWidth);
		float[] v = randomValues(n, channels, rnd);
		return relativeError(lattice(f, n, d, v, channels), exact(f, n, d, v, channels));
	}

	@Test
	void spatialGaussianMatchesTheExactFilter() {
		for (double theta : new double[] { 1.5, 3, 6 }) {
			double e = error(28, 22, theta, new float[0][], 1, 3, 11);
			assertTrue(e < 0.03, "theta " + theta + ": relative error " + e);
		}
	}

	@Test
	void bilateralFilterMatchesTheExactFilter() {
		Random rnd = new Random(5);
		for (int k = 0; k < 3; k++) {
			float[] img = image(30, 24, rnd);
			for (double[] theta : new double[][] { { 3, 0.1 }, { 6, 0.2 }, { 10, 0.3 } }) {
				double e = error(30, 24, theta[0], new float[][] { img }, theta[1], 3, 100 + k);
				assertTrue(e < 0.05, "image " + k + ", theta_alpha " + theta[0] + ", theta_beta " + theta[1] + ": relative error " + e);
			}
		}
	}

	@Test
	void higherDimensionsMatchTheExactFilter() {
		Random rnd = new Random(9);
		float[] a = image(24, 20, rnd), b = image(24, 20, rnd), c = image(24, 20, rnd);
		double e4 = error(24, 20, 4, new float[][] { a, b }, 0.3, 2, 1);
		assertTrue(e4 < 0.05, "d = 4: relative error " + e4);
		double e5 = error(24, 20, 4, new float[][] { a, b, c }, 0.3, 2, 2);
		assertTrue(e5 < 0.06, "d = 5: relative error " + e5);
	}

	@Test
	void sameInputGivesTheSameOutput() {
		float[] f = features(16, 12, 2, new float[][] { image(16, 12, new Random(3)) }, 0.2);
		float[] v = randomValues(16 * 12, 2, new Random(4));
		assertTrue(Arrays.equals(lattice(f, 192, 3, v, 2), lattice(f, 192, 3, v, 2)));
	}

	@Test
	void verticesAreFewerForWiderKernels() {
		int narrow = new PermutohedralLattice(features(30, 30, 1, new float[0][], 1), 900, 2).vertices();
		int wide = new PermutohedralLattice(features(30, 30, 5, new float[0][], 1), 900, 2).vertices();
		assertTrue(wide < narrow / 4, narrow + " vs " + wide);
		assertTrue(narrow <= 900 * 3);
	}

	@Test
	void separableGaussianIsExact() {
		int w = 17, h = 13, c = 2;
		double sigma = 1.7;
		float[] v = randomValues(w * h, c, new Random(8));
		float[] g = v.clone();
		GaussianBlur blur = new GaussianBlur(sigma);
		blur.filter(g, w, h, c);
		int r = blur.radius();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				for (int k = 0; k < c; k++) {
					double s = 0;
					for (int v2 = 0; v2 < h; v2++)
						for (int u = 0; u < w; u++)
							if (Math.abs(u - x) <= r && Math.abs(v2 - y) <= r)
								s += Math.exp(-((u - x) * (u - x) + (v2 - y) * (v2 - y)) / (2 * sigma * sigma)) * v[(v2 * w + u) * c + k];
					assertEquals(s, g[(y * w + x) * c + k], 1e-4 * s);
				}
	}

	@Test
	void refusesBadInput() {
		assertSentence(assertThrows(IllegalArgumentException.class, () -> new PermutohedralLattice(new float[6], 1, 6)), "dimension");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> new PermutohedralLattice(new float[7], 3, 2)), "3 points");
		float[] f = new float[6];
		f[3] = Float.NaN;
		assertSentence(assertThrows(IllegalArgumentException.class, () -> new PermutohedralLattice(f, 3, 2)), "finite");
		PermutohedralLattice lat = new PermutohedralLattice(new float[6], 3, 2);
		assertSentence(assertThrows(IllegalArgumentException.class, () -> lat.filter(new float[6], new float[5], 2)), "3 points");
	}

	static void assertSentence(Exception e, String fragment) {
		String m = e.getMessage();
		assertTrue(m.endsWith("."), m);
		assertFalse(m.contains("\n"), m);
		assertTrue(m.contains(fragment), m + " should mention " + fragment);
	}
}
