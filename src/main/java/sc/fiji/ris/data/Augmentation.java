package sc.fiji.ris.data;

import java.util.SplittableRandom;
import sc.fiji.ris.UserError;

/**
 * Random data augmentation for training crops: the same geometric transform (flips, 90-degree rotations) on
 * pixels and labels, then intensity changes on the pixels only. Meant for percentile-normalised intensities
 * (background near 0, nuclei near 1; see {@link PercentileNormalizer}), which is what the ranges below assume.
 * <p>
 * Intensity changes, in this order, each drawn fresh for every call:
 * <ol>
 * <li>gamma: {@code x -> sign(x) |x|^g}, {@code g = exp(U(-gamma, gamma))}; the sign keeps slightly negative
 * background values (normal after normalisation) defined and monotonic;</li>
 * <li>scale: multiply by {@code exp(U(-intensityScale, intensityScale))};</li>
 * <li>offset: add {@code U(-intensityOffset, intensityOffset)};</li>
 * <li>noise: add Gaussian noise whose standard deviation is drawn from {@code U(0, noiseSigma)}.</li>
 * </ol>
 * A magnitude of 0 switches the corresponding change off. Instances are immutable and thread-safe; use the
 * {@code with...} methods to derive variants of {@link #DEFAULT}.
 */
public final class Augmentation {

	/** Identity: no geometric or intensity change at all. */
	public static final Augmentation NONE = new Augmentation(false, false, 0, 0, 0, 0);

	/** Flips, rotations, intensity scale 0.3, offset 0.1, gamma 0.3, noise sigma up to 0.05. */
	public static final Augmentation DEFAULT = new Augmentation(true, true, 0.3, 0.1, 0.3, 0.05);

	private final boolean flips;
	private final boolean rotations;
	private final double intensityScale;
	private final double intensityOffset;
	private final double gamma;
	private final double noiseSigma;

	private Augmentation(boolean flips, boolean rotations, double intensityScale, double intensityOffset, double gamma,
			double noiseSigma) {
		this.flips = flips;
		this.rotations = rotations;
		this.intensityScale = checkMagnitude("intensity scale", intensityScale);
		this.intensityOffset = checkMagnitude("intensity offset", intensityOffset);
		this.gamma = checkMagnitude("gamma", gamma);
		this.noiseSigma = checkMagnitude("noise sigma", noiseSigma);
	}

	private static double checkMagnitude(String what, double value) {
		if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
			throw new UserError("The augmentation " + what + " must be a finite number >= 0, got " + value + ".");
		}
		return value;
	}

	/** @return whether random horizontal and vertical flips (each with probability 1/2) are applied */
	public boolean flips() {
		return flips;
	}

	/** @return whether random rotations by a multiple of 90 degrees are applied */
	public boolean rotations() {
		return rotations;
	}

	/** @return the bound {@code a} of the log intensity factor {@code U(-a, a)} */
	public double intensityScale() {
		return intensityScale;
	}

	/** @return the bound {@code b} of the additive offset {@code U(-b, b)} */
	public double intensityOffset() {
		return intensityOffset;
	}

	/** @return the bound {@code c} of the log gamma {@code U(-c, c)} */
	public double gamma() {
		return gamma;
	}

	/** @return the largest standard deviation of the added Gaussian noise */
	public double noiseSigma() {
		return noiseSigma;
	}

	/**
	 * @param enabled whether to flip randomly
	 * @return a copy with flips switched on or off
	 */
	public Augmentation withFlips(boolean enabled) {
		return new Augmentation(enabled, rotations, intensityScale, intensityOffset, gamma, noiseSigma);
	}

	/**
	 * @param enabled whether to rotate by random multiples of 90 degrees
	 * @return a copy with rotations switched on or off
	 */
	public Augmentation withRotations(boolean enabled) {
		return new Augmentation(flips, enabled, intensityScale, intensityOffset, gamma, noiseSigma);
	}

	/**
	 * @param a bound of the log intensity factor, {@code >= 0}
	 * @return a copy with that intensity scale range
	 */
	public Augmentation withIntensityScale(double a) {
		return new Augmentation(flips, rotations, a, intensityOffset, gamma, noiseSigma);
	}

	/**
	 * @param b bound of the additive offset, {@code >= 0}
	 * @return a copy with that offset range
	 */
	public Augmentation withIntensityOffset(double b) {
		return new Augmentation(flips, rotations, intensityScale, b, gamma, noiseSigma);
	}

	/**
	 * @param c bound of the log gamma, {@code >= 0}
	 * @return a copy with that gamma range
	 */
	public Augmentation withGamma(double c) {
		return new Augmentation(flips, rotations, intensityScale, intensityOffset, c, noiseSigma);
	}

	/**
	 * @param sigma largest standard deviation of the added noise, {@code >= 0}
	 * @return a copy with that noise range
	 */
	public Augmentation withNoiseSigma(double sigma) {
		return new Augmentation(flips, rotations, intensityScale, intensityOffset, gamma, sigma);
	}

	/**
	 * Applies one random draw of this augmentation. Labels, if present, undergo the same geometric transform as the
	 * pixels and keep their values. For a non-square image only 180-degree rotations are drawn, since a 90-degree
	 * one would change its shape.
	 *
	 * @param image the image; not modified
	 * @param rnd   source of randomness (advanced by this call)
	 * @return a new image with the same name and size (the input itself if this is {@link #NONE}-like)
	 */
	public LabeledImage apply(LabeledImage image, SplittableRandom rnd) {
		int w = image.width();
		int h = image.height();
		// Draw in a fixed order so that results only depend on the random stream.
		boolean flipX = flips && rnd.nextBoolean();
		boolean flipY = flips && rnd.nextBoolean();
		int quarterTurns = rotations ? (w == h ? rnd.nextInt(4) : 2 * rnd.nextInt(2)) : 0;
		double g = gamma > 0 ? Math.exp(uniform(rnd, gamma)) : 1;
		double scale = intensityScale > 0 ? Math.exp(uniform(rnd, intensityScale)) : 1;
		double offset = intensityOffset > 0 ? uniform(rnd, intensityOffset) : 0;
		double sigma = noiseSigma > 0 ? rnd.nextDouble() * noiseSigma : 0;
		if (!flipX && !flipY && quarterTurns == 0 && g == 1 && scale == 1 && offset == 0 && sigma == 0) return image;

		float[] src = image.pixels();
		int[] srcLabels = image.labels();
		float[] pixels = new float[src.length];
		int[] labels = srcLabels == null ? null : new int[srcLabels.length];
		transform(src, srcLabels, pixels, labels, w, h, flipX, flipY, quarterTurns);
		changeIntensities(pixels, g, scale, offset, sigma, rnd);
		return new LabeledImage(image.name(), w, h, pixels, labels);
	}

	private static double uniform(SplittableRandom rnd, double bound) {
		return (2 * rnd.nextDouble() - 1) * bound;
	}

	/**
	 * Output pixel (x, y) reads input pixel (x', y') with x' and y' affine in x and y, so the whole transform is
	 * one pass with index arithmetic. Rotation is applied first, then the flips.
	 */
	private static void transform(float[] src, int[] srcLabels, float[] dst, int[] dstLabels, int w, int h,
			boolean flipX, boolean flipY, int quarterTurns) {
		// Input coordinates as sx = sx0 + x*sxx + y*sxy, sy = sy0 + x*syx + y*syy, for output x, y.
		int sx0, sxx, sxy, sy0, syx, syy;
		// The output has the same size as the input (quarter turns only happen for squares, where w == h).
		switch (quarterTurns) {
		case 1: // counter-clockwise: out(x, y) = in(w-1-y, x)
			sx0 = w - 1; sxx = 0; sxy = -1; sy0 = 0; syx = 1; syy = 0;
			break;
		case 2:
			sx0 = w - 1; sxx = -1; sxy = 0; sy0 = h - 1; syx = 0; syy = -1;
			break;
		case 3: // clockwise: out(x, y) = in(y, h-1-x)
			sx0 = 0; sxx = 0; sxy = 1; sy0 = h - 1; syx = -1; syy = 0;
			break;
		default:
			sx0 = 0; sxx = 1; sxy = 0; sy0 = 0; syx = 0; syy = 1;
		}
		// A flip of the output replaces x by w-1-x (or y by h-1-y) in the expressions above.
		if (flipX) {
			sx0 += sxx * (w - 1);
			sy0 += syx * (w - 1);
			sxx = -sxx;
			syx = -syx;
		}
		if (flipY) {
			sx0 += sxy * (h - 1);
			sy0 += syy * (h - 1);
			sxy = -sxy;
			syy = -syy;
		}
		// Linear index of the input: base + x*dx + y*dy.
		int base = sy0 * w + sx0;
		int dx = syx * w + sxx;
		int dy = syy * w + sxy;
		for (int y = 0, o = 0; y < h; y++) {
			int s = base + y * dy;
			for (int x = 0; x < w; x++, o++, s += dx) {
				dst[o] = src[s];
				if (dstLabels != null) dstLabels[o] = srcLabels[s];
			}
		}
	}

	private static void changeIntensities(float[] p, double g, double scale, double offset, double sigma,
			SplittableRandom rnd) {
		if (g != 1) {
			for (int i = 0; i < p.length; i++) {
				double v = p[i];
				p[i] = (float) (v >= 0 ? Math.pow(v, g) : -Math.pow(-v, g));
			}
		}
		if (scale != 1 || offset != 0) {
			float s = (float) scale;
			float o = (float) offset;
			for (int i = 0; i < p.length; i++) p[i] = p[i] * s + o;
		}
		if (sigma > 0) {
			for (int i = 0; i < p.length; i++) p[i] += (float) (sigma * rnd.nextGaussian());
		}
	}

	@Override
	public String toString() {
		return "Augmentation[flips=" + flips + ", rotations=" + rotations + ", intensityScale=" + intensityScale
				+ ", intensityOffset=" + intensityOffset + ", gamma=" + gamma + ", noiseSigma=" + noiseSigma + "]";
	}
}
