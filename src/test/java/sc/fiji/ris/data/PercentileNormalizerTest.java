package sc.fiji.ris.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Tests of {@link PercentileNormalizer}. */
class PercentileNormalizerTest {

	/** Reference: sort and interpolate linearly between order statistics (NumPy's default). */
	private static double reference(float[] values, double percentile) {
		float[] s = values.clone();
		Arrays.sort(s);
		double pos = percentile / 100 * (s.length - 1);
		int k = (int) Math.floor(pos);
		double frac = pos - k;
		return k + 1 < s.length ? s[k] + frac * (s[k + 1] - s[k]) : s[k];
	}

	private static float[] shuffled0to100() {
		float[] v = new float[101];
		for (int i = 0; i <= 100; i++) v[i] = i;
		SplittableRandom r = new SplittableRandom(3);
		for (int i = v.length - 1; i > 0; i--) {
			int j = r.nextInt(i + 1);
			float t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		return v;
	}

	@Test
	void knownPercentilesOfHandArray() {
		float[] v = shuffled0to100();
		float[] before = v.clone();
		double[] p = PercentileNormalizer.DEFAULT.percentiles(v);
		assertEquals(1.0, p[0], 1e-9);
		assertEquals(99.8, p[1], 1e-4);
		assertArrayEquals(before, v, "input must not be modified");
		double[] q = new PercentileNormalizer(25, 50).percentiles(new float[] { 10, 0 });
		assertEquals(2.5, q[0], 1e-9);
		assertEquals(5.0, q[1], 1e-9);
	}

	@Test
	void normalizeMapsPercentilesToZeroAndOne() {
		float[] out = new PercentileNormalizer(0, 100).normalize(new float[] { 3, 1, 2, 5 });
		assertArrayEquals(new float[] { 0.5f, 0f, 0.25f, 1f }, out, 1e-6f);
		float[] v = shuffled0to100();
		float[] n = PercentileNormalizer.DEFAULT.normalize(v);
		for (int i = 0; i < v.length; i++) assertEquals((v[i] - 1.0) / 98.8, n[i], 1e-5, "no clipping, linear map");
	}

	@Test
	void aFieldOfNoiseStaysDimWhileAnImageWithObjectsIsStretched() {
		SplittableRandom r = new SplittableRandom(5);
		int w = 100, h = 80;
		float[] noise = new float[w * h];
		for (int i = 0; i < noise.length; i++) noise[i] = (float) (150 + 4 * r.nextGaussian());
		double sigma = PercentileNormalizer.noiseSigma(noise);
		assertEquals(4, sigma, 0.4, "the noise estimate of Gaussian noise");
		float[] n = PercentileNormalizer.DEFAULT.normalize(noise);
		float max = 0;
		for (float v : n) max = Math.max(max, v);
		// without the floor the 99.8th percentile would map to 1
		assertTrue(max < 0.5, "an empty field's noise must not be stretched to full contrast, max " + max);
		// the same noise with bright objects: the percentiles as usual
		float[] objects = noise.clone();
		for (int y = 10; y < 30; y++) for (int x = 10; x < 30; x++) objects[y * w + x] += 800;
		double[] p = PercentileNormalizer.DEFAULT.percentiles(objects);
		float[] m = PercentileNormalizer.DEFAULT.normalize(objects);
		for (int i = 0; i < objects.length; i += 97) assertEquals((objects[i] - p[0]) / (p[1] - p[0]), m[i], 1e-5);
		// smooth shading does not count as noise
		float[] ramp = new float[w * h];
		for (int i = 0; i < ramp.length; i++) ramp[i] = 100 + (i % w) * 0.5f + (i / w);
		assertTrue(PercentileNormalizer.noiseSigma(ramp) < 1, "shading is not noise");
		assertEquals(0, PercentileNormalizer.noiseSigma(new float[] { 1, 5, 2 }), "too few pixels to tell");
	}

	@Test
	void constantImageUsesScaleOne() {
		float[] out = PercentileNormalizer.DEFAULT.normalize(new float[] { 7, 7, 7 });
		assertArrayEquals(new float[] { 0, 0, 0 }, out);
	}

	@Test
	void selectionMatchesSortingOnRandomDataWithTies() {
		SplittableRandom r = new SplittableRandom(11);
		double[][] pairs = { { 1, 99.8 }, { 0, 100 }, { 0, 0.001 }, { 50, 50.5 }, { 2.5, 97.5 } };
		for (int trial = 0; trial < 40; trial++) {
			int n = 1 + r.nextInt(3000);
			int levels = 1 + r.nextInt(trial % 2 == 0 ? 5 : 100000);
			float[] v = new float[n];
			for (int i = 0; i < n; i++) v[i] = r.nextInt(levels) - levels / 3;
			for (double[] pr : pairs) {
				double[] p = new PercentileNormalizer(pr[0], pr[1]).percentiles(v);
				assertEquals(reference(v, pr[0]), p[0], 1e-3, "low percentile, n=" + n);
				assertEquals(reference(v, pr[1]), p[1], 1e-3, "high percentile, n=" + n);
			}
		}
	}

	@Test
	void largeImagesAreSubsampledAccurately() {
		int n = 3_000_000;
		float[] v = new float[n];
		SplittableRandom r = new SplittableRandom(5);
		for (int i = 0; i < n; i++) v[i] = (float) (100 + 20 * r.nextGaussian());
		double[] p = PercentileNormalizer.DEFAULT.percentiles(v);
		assertEquals(reference(v, 1), p[0], 0.5);
		assertEquals(reference(v, 99.8), p[1], 1.0);
	}

	@Test
	void refusesNaNEvenWhereNotSampled() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> PercentileNormalizer.DEFAULT.normalize(new float[] { 1, Float.NaN, 3 }));
		assertEquals("The image contains NaN values: replace them (e.g. Process>Math>Remove NaNs) before segmenting.", e.getMessage());
		// 3M pixels are subsampled with stride 3; index 1 is not in the sample but must still be checked.
		float[] big = new float[3_000_000];
		big[1] = Float.NaN;
		e = assertThrows(IllegalArgumentException.class, () -> PercentileNormalizer.DEFAULT.percentiles(big));
		assertTrue(e.getMessage().contains("NaN"));
		big[1] = Float.POSITIVE_INFINITY;
		e = assertThrows(IllegalArgumentException.class, () -> PercentileNormalizer.DEFAULT.percentiles(big));
		assertTrue(e.getMessage().contains("infinite"));
	}

	@Test
	void refusesBadPercentilesAndEmptyImages() {
		double[][] bad = { { -1, 50 }, { 50, 50 }, { 60, 40 }, { 10, 100.5 }, { Double.NaN, 50 }, { 1, Double.NaN } };
		for (double[] b : bad) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PercentileNormalizer(b[0], b[1]));
			assertTrue(e.getMessage().startsWith("Normalisation percentiles must satisfy 0 <= low < high <= 100"), e.getMessage());
		}
		new PercentileNormalizer(0, 100);
		assertThrows(IllegalArgumentException.class, () -> PercentileNormalizer.DEFAULT.normalize(new float[0]));
	}

	@Test
	void normalizesLabeledImageKeepingLabels() {
		int[] labels = { 0, 1, 1, 0 };
		LabeledImage img = new LabeledImage("a", 2, 2, new float[] { 0, 10, 20, 30 }, labels);
		LabeledImage out = new PercentileNormalizer(0, 100).normalize(img);
		assertEquals("a", out.name());
		assertArrayEquals(new float[] { 0, 1f / 3, 2f / 3, 1 }, out.pixels(), 1e-6f);
		assertTrue(out.labels() == labels);
	}
}
