package sc.fiji.ris.data;

import java.util.SplittableRandom;
import sc.fiji.ris.UserError;

/**
 * Generator of synthetic fluorescence images of nuclei with exact instance labels, for pre-training, tests and
 * demos without real annotated data. The defaults imitate BBBC039 (Hoechst-stained U2OS nuclei, 696x520, 12-bit):
 * equivalent diameters 22-35 px, about 120 nuclei per 696x520 field, background about 150 and nuclei about 450
 * grey levels above it, 12-bit saturation.
 * <p>
 * What it models, in the order it is applied:
 * <ol>
 * <li>Shapes: ellipses of random size, orientation and aspect ratio whose radius is modulated by low-frequency
 * harmonics (orders 2-5), so outlines are irregular but smooth; a few small, round, very bright nuclei (like mitotic
 * or apoptotic ones).</li>
 * <li>Layout: most nuclei are scattered without overlap (nuclei may be cut by the image border), a fraction
 * ({@link Builder#clusterFraction}) is placed against an already placed one so that they overlap slightly and
 * touch. Overlapping pixels go to the nucleus whose centre is relatively closer (smaller normalised radius), which
 * gives a natural shared boundary; afterwards only the largest 4-connected piece of each nucleus is kept and nuclei
 * under {@link Builder#minArea} pixels are dropped. Labels are then renumbered 1..n in raster order, and every label
 * is one 4-connected region.</li>
 * <li>Intensities: per-nucleus brightness (log-normal), a slightly darker rim, smooth chromatin-like texture.</li>
 * <li>Optics: Gaussian point spread function (separable blur) plus a faint wide halo of out-of-focus light.</li>
 * <li>Background: a smooth level with random linear and quadratic gradients.</li>
 * <li>Camera: shot noise (variance proportional to the signal, Gaussian approximation of Poisson), Gaussian read
 * noise, rounding and clamping to {@code [0, maxValue]}.</li>
 * </ol>
 * Only pixels of the final labels are rendered as nucleus, so dropped pieces and nuclei leave no unlabelled bright
 * spots. Everything random comes from the seed: the same configuration, size and seed give identical images.
 * Instances are immutable and thread-safe.
 */
public final class SyntheticNuclei {

	/** The BBBC039-like default configuration. */
	public static final SyntheticNuclei DEFAULT = builder().build();

	/** A private copy of the builder's settings, never changed. */
	private final SyntheticParameters settings;

	private SyntheticNuclei(SyntheticParameters settings) {
		this.settings = settings;
	}

	/** @return a builder holding the BBBC039-like defaults */
	public static Builder builder() {
		return new Builder(new SyntheticParameters());
	}

	/** @return a builder holding this configuration, to derive a variant */
	public Builder toBuilder() {
		return new Builder(settings.copy());
	}

	/**
	 * Generates one image with its labels.
	 *
	 * @param name   name of the returned image
	 * @param width  width in pixels, {@code >= 1}
	 * @param height height in pixels, {@code >= 1}
	 * @param seed   seed of all randomness
	 * @return raw (not normalised) intensities in {@code [0, maxValue]} and labels 1..n (0 = background)
	 */
	public LabeledImage generate(String name, int width, int height, long seed) {
		return generate(name, width, height, new SplittableRandom(seed));
	}

	/**
	 * Generates one image with its labels, drawing from a given random generator (e.g. one split off a training
	 * run's generator).
	 *
	 * @param name   name of the returned image
	 * @param width  width in pixels, {@code >= 1}
	 * @param height height in pixels, {@code >= 1}
	 * @param rnd    source of all randomness (advanced by this call)
	 * @return raw (not normalised) intensities in {@code [0, maxValue]} and labels 1..n (0 = background)
	 */
	public LabeledImage generate(String name, int width, int height, SplittableRandom rnd) {
		if (width < 1 || height < 1) throw new UserError("Synthetic images need a size of at least 1x1, got " + width + "x" + height + ".");
		int w = width;
		int h = height;
		int[] labels = new int[w * h];
		float[] depth = new float[w * h];
		SyntheticNucleus[] placed = NucleusLayout.place(settings, labels, depth, w, h, rnd);
		SyntheticNucleus[] byLabel = LabelCleanUp.cleanUp(labels, w, h, placed, settings.minArea);
		float[] pixels = FluorescenceRenderer.render(settings, labels, depth, byLabel, w, h, rnd);
		return new LabeledImage(name, w, h, pixels, labels);
	}

	@Override
	public String toString() {
		return "SyntheticNuclei[" + settings + "]";
	}

	/**
	 * Mutable builder of {@link SyntheticNuclei}; starts from the BBBC039-like defaults. Every setter validates its
	 * arguments and returns the builder.
	 */
	public static final class Builder {

		/** The settings being built; {@link #build} copies them. */
		private final SyntheticParameters settings;

		private Builder(SyntheticParameters settings) {
			this.settings = settings;
		}

		/**
		 * Range of equivalent diameters ({@code sqrt(4 area / pi)}), drawn uniformly; default 22-35 px.
		 *
		 * @param min smallest diameter in pixels, {@code >= 2}
		 * @param max largest diameter in pixels, {@code >= min}
		 * @return this builder
		 */
		public Builder diameter(double min, double max) {
			if (!(min >= 2 && max >= min && max < 10000)) throw new UserError("Nucleus diameters must satisfy 2 <= min <= max, got " + min + " and " + max + ".");
			settings.minDiameter = min;
			settings.maxDiameter = max;
			return this;
		}

		/**
		 * Fixed range for the number of nuclei tried per image, whatever its size (drawn uniformly); replaces any
		 * {@link #density}. Nuclei that find no room or end up tiny are dropped, so images may hold fewer.
		 *
		 * @param min smallest number, {@code >= 0}
		 * @param max largest number, {@code >= min}
		 * @return this builder
		 */
		public Builder count(int min, int max) {
			if (min < 0 || max < min) throw new UserError("Nucleus counts must satisfy 0 <= min <= max, got " + min + " and " + max + ".");
			settings.minCount = min;
			settings.maxCount = max;
			return this;
		}

		/**
		 * Number of nuclei tried per 696x520 pixels (BBBC039's field), drawn uniformly and scaled to the image's
		 * area; replaces any {@link #count}. Default 90-150, which leaves about 120 nuclei per field.
		 *
		 * @param minPerField smallest density, {@code >= 0}
		 * @param maxPerField largest density, {@code >= minPerField}
		 * @return this builder
		 */
		public Builder density(double minPerField, double maxPerField) {
			if (!(minPerField >= 0 && maxPerField >= minPerField && maxPerField < 1e6)) throw new UserError("Nucleus densities must satisfy 0 <= min <= max, got " + minPerField + " and " + maxPerField + ".");
			settings.minDensity = minPerField;
			settings.maxDensity = maxPerField;
			settings.minCount = -1;
			settings.maxCount = -1;
			return this;
		}

		/**
		 * Fraction of nuclei placed against an already placed one so that they touch; default 0.2.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder clusterFraction(double fraction) {
			settings.clusterFraction = unit("cluster fraction", fraction);
			return this;
		}

		/**
		 * Largest ratio of major to minor axis; default 2.5 (the median nucleus has about 1.4).
		 *
		 * @param aspect {@code >= 1}
		 * @return this builder
		 */
		public Builder maxAspect(double aspect) {
			if (!(aspect >= 1 && aspect < 100)) throw new UserError("The maximum aspect ratio must be at least 1, got " + aspect + ".");
			settings.maxAspect = aspect;
			return this;
		}

		/**
		 * Strength of the outline's radial harmonics (relative radius change of the lowest order); default 0.05.
		 *
		 * @param amount {@code >= 0}, 0 for pure ellipses
		 * @return this builder
		 */
		public Builder irregularity(double amount) {
			settings.irregularity = nonNegative("irregularity", amount);
			return this;
		}

		/**
		 * Fraction of small, round, very bright nuclei (mitotic or apoptotic look); default 0.03.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder brightFraction(double fraction) {
			settings.brightFraction = unit("bright fraction", fraction);
			return this;
		}

		/**
		 * Nuclei left with fewer pixels (after overlaps and the image border) are removed; default 30.
		 *
		 * @param pixels {@code >= 1}
		 * @return this builder
		 */
		public Builder minArea(int pixels) {
			if (pixels < 1) throw new UserError("The minimum nucleus area must be at least 1 pixel, got " + pixels + ".");
			settings.minArea = pixels;
			return this;
		}

		/**
		 * Mean background level in grey values; default 150.
		 *
		 * @param level {@code >= 0}
		 * @return this builder
		 */
		public Builder background(double level) {
			settings.background = nonNegative("background", level);
			return this;
		}

		/**
		 * Median brightness of nuclei above the background, in grey values; default 450.
		 *
		 * @param level {@code > 0}
		 * @return this builder
		 */
		public Builder foreground(double level) {
			if (!(level > 0 && level < Double.POSITIVE_INFINITY)) throw new UserError("The nucleus brightness must be a positive number, got " + level + ".");
			settings.foreground = level;
			return this;
		}

		/**
		 * Standard deviation of the log brightness between nuclei; default 0.3.
		 *
		 * @param sigma {@code >= 0}
		 * @return this builder
		 */
		public Builder brightnessSpread(double sigma) {
			settings.brightnessSpread = nonNegative("brightness spread", sigma);
			return this;
		}

		/**
		 * Typical relative amplitude of the texture inside nuclei; default 0.18.
		 *
		 * @param amplitude {@code >= 0}
		 * @return this builder
		 */
		public Builder texture(double amplitude) {
			settings.texture = nonNegative("texture", amplitude);
			return this;
		}

		/**
		 * Standard deviation of the Gaussian point spread function in pixels; default 0.9.
		 *
		 * @param sigma {@code >= 0}, 0 for no blur
		 * @return this builder
		 */
		public Builder blurSigma(double sigma) {
			if (!(sigma >= 0 && sigma <= 50)) throw new UserError("The blur sigma must be between 0 and 50 pixels, got " + sigma + ".");
			settings.blurSigma = sigma;
			return this;
		}

		/**
		 * Fraction of nuclear light spread into a wide out-of-focus halo; default 0.06.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder halo(double fraction) {
			settings.halo = unit("halo", fraction);
			return this;
		}

		/**
		 * Strength of the background's random linear and quadratic gradients, relative to its level; default 0.3.
		 *
		 * @param amount {@code >= 0}
		 * @return this builder
		 */
		public Builder unevenBackground(double amount) {
			settings.unevenBackground = nonNegative("uneven background", amount);
			return this;
		}

		/**
		 * Shot noise: grey values per detected photon, so the noise variance is {@code gain * signal}; default 0.12.
		 *
		 * @param greyPerPhoton {@code >= 0}, 0 for no shot noise
		 * @return this builder
		 */
		public Builder gain(double greyPerPhoton) {
			settings.gain = nonNegative("gain", greyPerPhoton);
			return this;
		}

		/**
		 * Standard deviation of the Gaussian read noise in grey values; default 3.
		 *
		 * @param sigma {@code >= 0}
		 * @return this builder
		 */
		public Builder readNoise(double sigma) {
			settings.readNoise = nonNegative("read noise", sigma);
			return this;
		}

		/**
		 * Saturation level; values are rounded and clamped to {@code [0, maxValue]}; default 4095 (12 bit).
		 *
		 * @param value {@code >= 1}
		 * @return this builder
		 */
		public Builder maxValue(double value) {
			if (!(value >= 1 && value < Double.POSITIVE_INFINITY)) throw new UserError("The maximum value must be a finite number >= 1, got " + value + ".");
			settings.maxValue = value;
			return this;
		}

		/** @return the immutable configuration */
		public SyntheticNuclei build() {
			return new SyntheticNuclei(settings.copy());
		}

		private static double nonNegative(String what, double v) {
			if (!(v >= 0 && v < Double.POSITIVE_INFINITY)) throw new UserError("The " + what + " must be a finite number >= 0, got " + v + ".");
			return v;
		}

		private static double unit(String what, double v) {
			if (!(v >= 0 && v <= 1)) throw new UserError("The " + what + " must be between 0 and 1, got " + v + ".");
			return v;
		}
	}
}
