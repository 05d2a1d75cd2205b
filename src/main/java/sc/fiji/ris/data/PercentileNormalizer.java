package sc.fiji.ris.data;

import sc.fiji.ris.UserError;

/**
 * Percentile normalisation of intensities, {@code (x - p_low) / (p_high - p_low)}, as used for fluorescence images
 * whose absolute scale (exposure, bit depth, gain) varies between microscopes: after it, background sits near 0 and
 * bright nuclei near 1 whatever the acquisition. Values are not clipped, so saturated or very dark pixels keep their
 * order.
 * <p>
 * Percentiles use linear interpolation between order statistics (the same definition as NumPy's default). Images
 * up to {@value #MAX_EXACT_SAMPLES} pixels get exact percentiles; larger ones are estimated from every k-th pixel
 * in memory order (about {@value #MAX_EXACT_SAMPLES} values), which is deterministic and, for the smooth
 * intensity distributions of microscopy images, very close to the exact value. The selection is O(n), not a full
 * sort. Instances are
 * immutable and thread-safe.
 */
public final class PercentileNormalizer {

	/** Largest number of values whose order statistics are computed; above it the image is subsampled. */
	public static final int MAX_EXACT_SAMPLES = 1 << 20;

	/** The usual choice for fluorescent nuclei: 1st and 99.8th percentile. */
	/** The smallest range between the percentiles, relative to the intensity level (see {@link #normalize}). */
	public static final double MIN_RELATIVE_RANGE = 0.05;
	/**
	 * The smallest range between the percentiles, in units of the pixel noise (see {@link #noiseSigma}): images of
	 * nuclei span 100 to 540 noise sigmas between their 1st and 99.8th percentiles (the 147 non-empty BBBC039
	 * training and validation images), empty fields 8 to 11 (the other three); 25 keeps the first as they are and
	 * keeps an empty field's noise to about a third of the range a nucleus spans.
	 */
	public static final double MIN_RANGE_IN_NOISE_SIGMAS = 25;
	/** Fewest pixels for which {@link #noiseSigma} estimates the noise. */
	public static final int MIN_NOISE_PIXELS = 256;

	public static final PercentileNormalizer DEFAULT = new PercentileNormalizer(1, 99.8);

	private static final String NAN_MESSAGE = "The image contains NaN values: replace them (e.g. Process>Math>Remove NaNs) before segmenting.";
	private static final String INFINITE_MESSAGE = "The image contains infinite values: replace them with finite numbers before segmenting.";

	private final double lowPercentile;
	private final double highPercentile;

	/**
	 * Creates a normaliser mapping the given percentiles to 0 and 1.
	 *
	 * @param lowPercentile  percentile mapped to 0, in [0, 100)
	 * @param highPercentile percentile mapped to 1, in (lowPercentile, 100]
	 * @throws IllegalArgumentException unless {@code 0 <= lowPercentile < highPercentile <= 100}
	 */
	public PercentileNormalizer(double lowPercentile, double highPercentile) {
		// Written so that NaN arguments fail too.
		if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
			throw new UserError("Normalisation percentiles must satisfy 0 <= low < high <= 100, got low "
					+ lowPercentile + " and high " + highPercentile + ".");
		}
		this.lowPercentile = lowPercentile;
		this.highPercentile = highPercentile;
	}

	/** @return the percentile mapped to 0 */
	public double lowPercentile() {
		return lowPercentile;
	}

	/** @return the percentile mapped to 1 */
	public double highPercentile() {
		return highPercentile;
	}

	/**
	 * Computes the two percentiles of an image.
	 *
	 * @param pixels intensities (any order, typically row-major); not modified
	 * @return {@code {p_low, p_high}}
	 * @throws IllegalArgumentException if {@code pixels} is empty, or contains NaN or infinite values
	 */
	public double[] percentiles(float[] pixels) {
		if (pixels.length == 0) throw new UserError("Cannot normalise an empty image.");
		float[] sample = finiteSample(pixels);
		int n = sample.length;
		// Order statistics needed for linear interpolation: floor(pos) and the next one.
		double posLow = lowPercentile / 100.0 * (n - 1);
		double posHigh = highPercentile / 100.0 * (n - 1);
		int kLow = (int) Math.floor(posLow);
		int kHigh = (int) Math.floor(posHigh);
		// Select the high one first over everything, then the low one within the part below it, so the second
		// selection is cheaper and does not undo the first.
		select(sample, 0, n - 1, kHigh);
		double high = interpolate(sample, kHigh, posHigh - kHigh, n);
		if (kLow < kHigh) select(sample, 0, kHigh - 1, kLow);
		double low = interpolate(sample, kLow, posLow - kLow, n);
		return new double[] { low, high };
	}

	/**
	 * Normalises an image: {@code (x - p_low) / r} without clipping, where {@code r = p_high - p_low} but at least
	 * {@link #MIN_RELATIVE_RANGE} times {@code max(|p_low|, |p_high|)} and at least
	 * {@link #MIN_RANGE_IN_NOISE_SIGMAS} times the pixel noise, so that a field without nuclei (only noise and
	 * shading) stays dim instead of being stretched to full contrast, which a network reads as objects. If that is 0
	 * too (an all-zero image) the scale is taken as 1, so that a blank image maps to zeros instead of infinities.
	 *
	 * @param pixels intensities; not modified
	 * @return a new array of the same length
	 * @throws IllegalArgumentException if {@code pixels} is empty, or contains NaN or infinite values
	 */
	public float[] normalize(float[] pixels) {
		double[] p = percentiles(pixels);
		// an image without signal (a flat field: a few grey levels of noise) must not be stretched into full-contrast
		// noise, which a network reads as objects: the range is at least 5% of the intensity level
		double range = Math.max(p[1] - p[0], MIN_RELATIVE_RANGE * Math.max(Math.abs(p[0]), Math.abs(p[1])));
		range = Math.max(range, MIN_RANGE_IN_NOISE_SIGMAS * noiseSigma(pixels));
		float offset = (float) p[0];
		float scale = (float) (range > 0 ? 1.0 / range : 1.0);
		float[] out = new float[pixels.length];
		for (int i = 0; i < out.length; i++) out[i] = (pixels[i] - offset) * scale;
		return out;
	}

	/**
	 * A robust estimate of the pixel noise: the median absolute difference of neighbours in memory order (along
	 * rows), times 1.4826 / sqrt(2), which is the standard deviation for Gaussian noise and ignores smooth shading
	 * and the few pixels at object edges. Large images are estimated from about {@value #MAX_EXACT_SAMPLES} pairs.
	 *
	 * @param pixels finite intensities; not modified
	 * @return the noise's standard deviation; 0 for images without noise and for fewer than
	 *         {@value #MIN_NOISE_PIXELS} pixels (too few for the estimate)
	 */
	public static double noiseSigma(float[] pixels) {
		int n = pixels.length - 1;
		if (pixels.length < MIN_NOISE_PIXELS) return 0;
		int stride = (int) ((n + (long) MAX_EXACT_SAMPLES - 1) / MAX_EXACT_SAMPLES);
		float[] d = new float[(n + stride - 1) / stride];
		for (int i = 0, k = 0; i < n; i += stride) d[k++] = Math.abs(pixels[i + 1] - pixels[i]);
		int mid = d.length / 2;
		select(d, 0, d.length - 1, mid);
		return 1.4826 / Math.sqrt(2) * d[mid];
	}

	/**
	 * Normalises the intensities of an image and keeps its name, size and labels (the label array is shared, not
	 * copied).
	 *
	 * @param image the image to normalise; not modified
	 * @return a new image with normalised pixels
	 * @throws IllegalArgumentException if the image contains NaN or infinite values
	 */
	public LabeledImage normalize(LabeledImage image) {
		return new LabeledImage(image.name(), image.width(), image.height(), normalize(image.pixels()), image.labels());
	}

	@Override
	public String toString() {
		return "PercentileNormalizer[" + lowPercentile + ", " + highPercentile + "]";
	}

	/**
	 * Copies the pixels (or every k-th one for large images) while checking every pixel for NaN and infinity, so
	 * the image is read once.
	 */
	private static float[] finiteSample(float[] pixels) {
		int n = pixels.length;
		int stride = (int) ((n + (long) MAX_EXACT_SAMPLES - 1) / MAX_EXACT_SAMPLES);
		int m = (n + stride - 1) / stride;
		float[] sample = new float[m];
		boolean bad = false;
		if (stride == 1) {
			for (int i = 0; i < n; i++) {
				float v = pixels[i];
				// One comparison catches NaN (all comparisons false) and both infinities.
				bad |= !(Math.abs(v) <= Float.MAX_VALUE);
				sample[i] = v;
			}
		} else {
			for (int i = 0, k = 0; i < n; i += stride, k++) {
				sample[k] = pixels[i];
				int end = Math.min(n, i + stride);
				for (int j = i; j < end; j++) bad |= !(Math.abs(pixels[j]) <= Float.MAX_VALUE);
			}
		}
		if (bad) {
			// Rare path: find out which kind of bad value it is to give the right advice.
			for (float v : pixels) if (Float.isNaN(v)) throw new UserError(NAN_MESSAGE);
			throw new UserError(INFINITE_MESSAGE);
		}
		return sample;
	}

	/** Value at fractional position {@code k + frac} of the sorted array, with {@code a[k]} already selected. */
	private static double interpolate(float[] a, int k, double frac, int n) {
		double v = a[k];
		if (frac <= 0 || k + 1 >= n) return v;
		// After selection everything right of k is >= a[k]; the next order statistic is their minimum.
		float next = Float.POSITIVE_INFINITY;
		for (int i = k + 1; i < n; i++) if (a[i] < next) next = a[i];
		return v + frac * (next - v);
	}

	/**
	 * Rearranges {@code a[lo..hi]} so that {@code a[k]} holds the value it would have if sorted, smaller-or-equal
	 * values left of it and greater-or-equal values right of it. Quickselect with median-of-three pivots and a Hoare
	 * partition (which splits runs of equal values evenly, common in integer-valued microscopy data); falls back to
	 * sorting if it recurses suspiciously deep, so the worst case stays O(n log n).
	 */
	private static void select(float[] a, int lo, int hi, int k) {
		int budget = 2 * (32 - Integer.numberOfLeadingZeros(hi - lo + 1)) + 8;
		while (hi - lo > 16) {
			if (budget-- == 0) {
				java.util.Arrays.sort(a, lo, hi + 1);
				return;
			}
			int mid = (lo + hi) >>> 1;
			if (a[mid] < a[lo]) swap(a, mid, lo);
			if (a[hi] < a[lo]) swap(a, hi, lo);
			if (a[hi] < a[mid]) swap(a, hi, mid);
			float pivot = a[mid];
			int i = lo - 1;
			int j = hi + 1;
			while (true) {
				do i++; while (a[i] < pivot);
				do j--; while (a[j] > pivot);
				if (i >= j) break;
				swap(a, i, j);
			}
			// Now a[lo..j] <= pivot <= a[j+1..hi].
			if (k <= j) hi = j;
			else lo = j + 1;
		}
		// Small range: insertion sort is cheapest.
		for (int i = lo + 1; i <= hi; i++) {
			float v = a[i];
			int j = i - 1;
			while (j >= lo && a[j] > v) {
				a[j + 1] = a[j];
				j--;
			}
			a[j + 1] = v;
		}
	}

	private static void swap(float[] a, int i, int j) {
		float t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}
