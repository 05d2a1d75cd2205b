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

	/** BBBC039's field of view, the unit of the default density. */
	private static final double REFERENCE_AREA = 696.0 * 520.0;

	/** Grid spacings (px) of the two octaves of texture noise: coarse chromatin domains and fine speckle. */
	private static final int TEXTURE_COARSE = 7;
	private static final int TEXTURE_FINE = 2;

	/** Width of the out-of-focus halo relative to the in-focus point spread function. */
	private static final double HALO_SIGMA = 8;

	private final double minDiameter;
	private final double maxDiameter;
	private final int minCount;
	private final int maxCount;
	private final double minDensity;
	private final double maxDensity;
	private final double clusterFraction;
	private final double maxAspect;
	private final double irregularity;
	private final double brightFraction;
	private final int minArea;
	private final double background;
	private final double foreground;
	private final double brightnessSpread;
	private final double texture;
	private final double blurSigma;
	private final double halo;
	private final double unevenBackground;
	private final double gain;
	private final double readNoise;
	private final double maxValue;

	private SyntheticNuclei(Builder b) {
		minDiameter = b.minDiameter;
		maxDiameter = b.maxDiameter;
		minCount = b.minCount;
		maxCount = b.maxCount;
		minDensity = b.minDensity;
		maxDensity = b.maxDensity;
		clusterFraction = b.clusterFraction;
		maxAspect = b.maxAspect;
		irregularity = b.irregularity;
		brightFraction = b.brightFraction;
		minArea = b.minArea;
		background = b.background;
		foreground = b.foreground;
		brightnessSpread = b.brightnessSpread;
		texture = b.texture;
		blurSigma = b.blurSigma;
		halo = b.halo;
		unevenBackground = b.unevenBackground;
		gain = b.gain;
		readNoise = b.readNoise;
		maxValue = b.maxValue;
	}

	/** @return a builder holding the BBBC039-like defaults */
	public static Builder builder() {
		return new Builder();
	}

	/** @return a builder holding this configuration, to derive a variant */
	public Builder toBuilder() {
		Builder b = new Builder();
		b.minDiameter = minDiameter;
		b.maxDiameter = maxDiameter;
		b.minCount = minCount;
		b.maxCount = maxCount;
		b.minDensity = minDensity;
		b.maxDensity = maxDensity;
		b.clusterFraction = clusterFraction;
		b.maxAspect = maxAspect;
		b.irregularity = irregularity;
		b.brightFraction = brightFraction;
		b.minArea = minArea;
		b.background = background;
		b.foreground = foreground;
		b.brightnessSpread = brightnessSpread;
		b.texture = texture;
		b.blurSigma = blurSigma;
		b.halo = halo;
		b.unevenBackground = unevenBackground;
		b.gain = gain;
		b.readNoise = readNoise;
		b.maxValue = maxValue;
		return b;
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
		Nucleus[] nuclei = place(labels, depth, w, h, rnd);
		int n = cleanUp(labels, w, h, nuclei);
		// Map the final labels back to the nuclei that made them.
		Nucleus[] byLabel = new Nucleus[n + 1];
		for (Nucleus nu : nuclei) if (nu != null && nu.label > 0) byLabel[nu.label] = nu;
		float[] pixels = render(labels, depth, byLabel, w, h, rnd);
		return new LabeledImage(name, w, h, pixels, labels);
	}

	// ---------------------------------------------------------------------------------------------------------
	// Shapes and placement

	/** One nucleus: geometry, then appearance; {@code label} is its final label, 0 if dropped. */
	private static final class Nucleus {
		double cx, cy;
		final double a, b, cos, sin;
		/** Cosine and sine coefficients of the radial harmonics of orders 2..5. */
		final double[] hc = new double[4], hs = new double[4];
		/** Largest value the harmonic term can take, to bound the rasterised box. */
		final double hMax;
		final double brightness, textureAmplitude;
		int label;

		Nucleus(SyntheticNuclei cfg, SplittableRandom rnd, double imageForeground) {
			boolean bright = rnd.nextDouble() < cfg.brightFraction;
			double d = cfg.minDiameter + rnd.nextDouble() * (cfg.maxDiameter - cfg.minDiameter);
			// Shifted half-normal log aspect: most nuclei oval (median about 1.4), a few strongly elongated.
			double aspect = Math.min(cfg.maxAspect, Math.exp(0.1 + Math.abs(0.35 * rnd.nextGaussian())));
			double irr = cfg.irregularity;
			double bri = imageForeground * Math.exp(cfg.brightnessSpread * rnd.nextGaussian());
			double tex = cfg.texture * (0.5 + rnd.nextDouble());
			if (bright) {
				// Condensed chromatin: small, round, smooth and much brighter.
				d *= 0.55 + 0.25 * rnd.nextDouble();
				aspect = 1 + 0.5 * (aspect - 1);
				irr *= 0.5;
				bri *= 1.8 + 1.2 * rnd.nextDouble();
				tex *= 0.5;
			}
			a = 0.5 * d * Math.sqrt(aspect);
			b = 0.5 * d / Math.sqrt(aspect);
			double angle = rnd.nextDouble() * Math.PI;
			cos = Math.cos(angle);
			sin = Math.sin(angle);
			double sum = 0;
			for (int k = 0; k < 4; k++) {
				// Amplitude falling quickly with the order keeps outlines smooth rather than bumpy.
				double s = irr * 4.0 / ((k + 2) * (k + 2));
				hc[k] = s * rnd.nextGaussian();
				hs[k] = s * rnd.nextGaussian();
				sum += Math.hypot(hc[k], hs[k]);
			}
			if (sum > 0.5) {
				// Keep 1 + h well above 0 so the shape stays star-shaped and compact.
				for (int k = 0; k < 4; k++) {
					hc[k] *= 0.5 / sum;
					hs[k] *= 0.5 / sum;
				}
				sum = 0.5;
			}
			hMax = sum;
			brightness = bri;
			textureAmplitude = tex;
		}

		/** Harmonic modulation at the direction with unit vector (c1, s1) in the ellipse's normalised frame. */
		double harmonics(double c1, double s1) {
			// cos/sin of k*theta by the angle-addition recurrence: no trigonometric calls per pixel.
			double ck = c1 * c1 - s1 * s1;
			double sk = 2 * s1 * c1;
			double v = 0;
			for (int k = 0; k < 4; k++) {
				v += hc[k] * ck + hs[k] * sk;
				double c = ck * c1 - sk * s1;
				sk = sk * c1 + ck * s1;
				ck = c;
			}
			return v;
		}

		/** Distance from the centre to the outline along the image direction {@code phi}. */
		double radius(double phi) {
			double dx = Math.cos(phi);
			double dy = Math.sin(phi);
			double p = (dx * cos + dy * sin) / a;
			double q = (-dx * sin + dy * cos) / b;
			double r = Math.sqrt(p * p + q * q);
			return (1 + harmonics(p / r, q / r)) / r;
		}

		/** Half-size of a box that surely contains the nucleus. */
		int extent() {
			return (int) Math.ceil(a * (1 + hMax)) + 1;
		}

		/**
		 * Normalised radius of pixel (x, y): 0 at the centre, 1 on the outline, above 1 outside. Used both to test
		 * membership and to split overlaps between nuclei.
		 */
		double depth(int x, int y) {
			double dx = x - cx;
			double dy = y - cy;
			double p = (dx * cos + dy * sin) / a;
			double q = (-dx * sin + dy * cos) / b;
			double r2 = p * p + q * q;
			double lim = 1 + hMax;
			if (r2 > lim * lim) return Double.POSITIVE_INFINITY;
			double r = Math.sqrt(r2);
			if (r < 1e-9) return 0;
			return r / (1 + harmonics(p / r, q / r));
		}
	}

	private int nucleusCount(int w, int h, SplittableRandom rnd) {
		if (minCount >= 0) return minCount + rnd.nextInt(maxCount - minCount + 1);
		double density = minDensity + rnd.nextDouble() * (maxDensity - minDensity);
		double expected = density * w * h / REFERENCE_AREA;
		// Random rounding keeps the expected count right for small images.
		int count = (int) Math.floor(expected);
		if (rnd.nextDouble() < expected - count) count++;
		return count;
	}

	/**
	 * Places nuclei one by one, writing each accepted one into the label and depth maps. Returns the nuclei in
	 * placement order (their index + 1 is their provisional label), null entries for those that found no room.
	 */
	private Nucleus[] place(int[] labels, float[] depth, int w, int h, SplittableRandom rnd) {
		int count = nucleusCount(w, h, rnd);
		double imageForeground = foreground * Math.exp(0.2 * (2 * rnd.nextDouble() - 1));
		Nucleus[] nuclei = new Nucleus[count];
		int[] placed = new int[count];
		int placedCount = 0;
		float[] cand = new float[0];
		for (int i = 0; i < count; i++) {
			Nucleus nu = new Nucleus(this, rnd, imageForeground);
			int e = nu.extent();
			int side = 2 * e + 1;
			if (cand.length < side * side) cand = new float[side * side];
			boolean cluster = placedCount > 0 && rnd.nextDouble() < clusterFraction;
			int attempts = cluster ? 12 : 25;
			for (int attempt = 0; attempt < attempts; attempt++) {
				if (cluster) {
					Nucleus parent = nuclei[placed[rnd.nextInt(placedCount)]];
					double phi = rnd.nextDouble() * 2 * Math.PI;
					// Slightly closer than touching outlines: the overlap is split, leaving a shared boundary.
					double dist = (parent.radius(phi) + nu.radius(phi + Math.PI)) * (0.8 + 0.15 * rnd.nextDouble());
					nu.cx = parent.cx + dist * Math.cos(phi);
					nu.cy = parent.cy + dist * Math.sin(phi);
				} else {
					// Centres may lie a little outside, so that nuclei are cut by the border as in real fields.
					double margin = 0.3 * (nu.a + nu.b);
					nu.cx = -margin + rnd.nextDouble() * (w + 2 * margin);
					nu.cy = -margin + rnd.nextDouble() * (h + 2 * margin);
				}
				int x0 = (int) Math.round(nu.cx) - e;
				int y0 = (int) Math.round(nu.cy) - e;
				int area = 0;
				int overlap = 0;
				for (int j = 0; j < side; j++) {
					int y = y0 + j;
					for (int k = 0; k < side; k++) {
						int x = x0 + k;
						float d = Float.POSITIVE_INFINITY;
						if (y >= 0 && y < h && x >= 0 && x < w) {
							double dd = nu.depth(x, y);
							if (dd <= 1) {
								d = (float) dd;
								area++;
								if (labels[y * w + x] != 0) overlap++;
							}
						}
						cand[j * side + k] = d;
					}
				}
				// Scattered nuclei must not overlap anything; clustered ones may overlap their neighbours a little
				// (the overlap is split, so each loses roughly half of it).
				if (area < Math.max(1, minArea) || (cluster ? overlap > 0.35 * area : overlap > 0)) continue;
				int id = i + 1;
				for (int j = 0; j < side; j++) {
					int y = y0 + j;
					if (y < 0 || y >= h) continue;
					for (int k = 0; k < side; k++) {
						float d = cand[j * side + k];
						if (d > 1) continue;
						int idx = y * w + x0 + k;
						if (labels[idx] == 0 || d < depth[idx]) {
							labels[idx] = id;
							depth[idx] = d;
						}
					}
				}
				nuclei[i] = nu;
				placed[placedCount++] = i;
				break;
			}
		}
		return nuclei;
	}

	/**
	 * Keeps the largest 4-connected piece of every provisional label, drops labels under the minimum area and
	 * renumbers the rest 1..n in raster order. Sets {@code label} of each nucleus (0 if dropped).
	 *
	 * @return n
	 */
	private int cleanUp(int[] labels, int w, int h, Nucleus[] nuclei) {
		int size = w * h;
		int provisional = nuclei.length;
		// Flood fill every component, remembering the largest per label.
		int[] component = new int[size];
		int[] queue = new int[size];
		int[] bestComponent = new int[provisional + 1];
		int[] bestArea = new int[provisional + 1];
		int components = 0;
		for (int start = 0; start < size; start++) {
			int lab = labels[start];
			if (lab == 0 || component[start] != 0) continue;
			int id = ++components;
			int head = 0;
			int tail = 0;
			queue[tail++] = start;
			component[start] = id;
			while (head < tail) {
				int p = queue[head++];
				int x = p % w;
				if (x > 0 && labels[p - 1] == lab && component[p - 1] == 0) { component[p - 1] = id; queue[tail++] = p - 1; }
				if (x < w - 1 && labels[p + 1] == lab && component[p + 1] == 0) { component[p + 1] = id; queue[tail++] = p + 1; }
				if (p >= w && labels[p - w] == lab && component[p - w] == 0) { component[p - w] = id; queue[tail++] = p - w; }
				if (p + w < size && labels[p + w] == lab && component[p + w] == 0) { component[p + w] = id; queue[tail++] = p + w; }
			}
			if (tail > bestArea[lab]) {
				bestArea[lab] = tail;
				bestComponent[lab] = id;
			}
		}
		int[] newLabel = new int[provisional + 1];
		int n = 0;
		for (int i = 0; i < size; i++) {
			int lab = labels[i];
			if (lab == 0) continue;
			if (component[i] != bestComponent[lab] || bestArea[lab] < minArea) {
				labels[i] = 0;
				continue;
			}
			if (newLabel[lab] == 0) {
				newLabel[lab] = ++n;
				nuclei[lab - 1].label = n;
			}
			labels[i] = newLabel[lab];
		}
		return n;
	}

	// ---------------------------------------------------------------------------------------------------------
	// Rendering

	private float[] render(int[] labels, float[] depth, Nucleus[] byLabel, int w, int h, SplittableRandom rnd) {
		int size = w * h;
		float[] object = new float[size];
		// Texture: two octaves of smooth noise, only evaluated inside nuclei.
		NoiseGrid coarse = new NoiseGrid(w, h, TEXTURE_COARSE, rnd);
		NoiseGrid fine = new NoiseGrid(w, h, TEXTURE_FINE, rnd);
		for (int y = 0, i = 0; y < h; y++) {
			for (int x = 0; x < w; x++, i++) {
				int lab = labels[i];
				if (lab == 0) continue;
				Nucleus nu = byLabel[lab];
				float d = depth[i];
				// Thinner chromatin at the rim: a shallow dome, which also makes seams of touching nuclei darker.
				double v = nu.brightness * (1 - 0.2 * d * d) * (1 + nu.textureAmplitude * (0.6 * coarse.at(x, y) + fine.at(x, y)));
				object[i] = (float) Math.max(0, v);
			}
		}
		float[] image;
		if (halo > 0) {
			// PSF = (1 - halo) * narrow Gaussian + halo * wide Gaussian (out-of-focus light).
			float[] wide = object.clone();
			boxBlurGaussian(wide, w, h, HALO_SIGMA * Math.max(1, blurSigma));
			gaussianBlur(object, w, h, blurSigma);
			float keep = (float) (1 - halo);
			float add = (float) halo;
			for (int i = 0; i < size; i++) object[i] = keep * object[i] + add * wide[i];
		} else {
			gaussianBlur(object, w, h, blurSigma);
		}
		image = object;
		// Background: level with random linear and quadratic gradients, in fractions of the level.
		double level = background * Math.exp(0.1 * (2 * rnd.nextDouble() - 1));
		double gx = unevenBackground * (2 * rnd.nextDouble() - 1);
		double gy = unevenBackground * (2 * rnd.nextDouble() - 1);
		double gq = unevenBackground * (2 * rnd.nextDouble() - 1);
		double qx = rnd.nextDouble();
		double qy = rnd.nextDouble();
		double read2 = readNoise * readNoise;
		float max = (float) maxValue;
		double[] rowTerm = new double[w];
		for (int x = 0; x < w; x++) {
			double u = (x + 0.5) / w;
			rowTerm[x] = gx * (u - 0.5) + gq * (u - qx) * (u - qx);
		}
		for (int y = 0, i = 0; y < h; y++) {
			double v = (y + 0.5) / h;
			double colTerm = gy * (v - 0.5) + gq * (v - qy) * (v - qy);
			for (int x = 0; x < w; x++, i++) {
				double bg = level * Math.max(0.3, 1 + rowTerm[x] + colTerm);
				double signal = bg + image[i];
				double noisy = signal + Math.sqrt(signal * gain + read2) * rnd.nextGaussian();
				image[i] = Math.min(max, Math.max(0f, (float) Math.rint(noisy)));
			}
		}
		return image;
	}

	/** Value noise: Gaussian values on a coarse grid, bilinearly interpolated; about unit variance at grid nodes. */
	private static final class NoiseGrid {
		private final int spacing, gw;
		private final float[] values;

		NoiseGrid(int w, int h, int spacing, SplittableRandom rnd) {
			this.spacing = spacing;
			gw = w / spacing + 2;
			int gh = h / spacing + 2;
			values = new float[gw * gh];
			// Random offsets of the grid would only shift the pattern; values alone are enough.
			for (int i = 0; i < values.length; i++) values[i] = (float) rnd.nextGaussian();
		}

		double at(int x, int y) {
			int gx = x / spacing;
			int gy = y / spacing;
			double fx = (x - gx * spacing) / (double) spacing;
			double fy = (y - gy * spacing) / (double) spacing;
			// Smoothstep weights hide the grid better than plain linear ones.
			fx = fx * fx * (3 - 2 * fx);
			fy = fy * fy * (3 - 2 * fy);
			int i = gy * gw + gx;
			double top = values[i] + fx * (values[i + 1] - values[i]);
			double bottom = values[i + gw] + fx * (values[i + gw + 1] - values[i + gw]);
			return top + fy * (bottom - top);
		}
	}

	/** In-place separable Gaussian blur with mirrored borders; no-op for {@code sigma <= 0}. */
	static void gaussianBlur(float[] img, int w, int h, double sigma) {
		if (sigma <= 0) return;
		int r = Math.max(1, (int) Math.ceil(3 * sigma));
		float[] k = new float[r + 1];
		double sum = 0;
		for (int j = 0; j <= r; j++) {
			k[j] = (float) Math.exp(-0.5 * j * j / (sigma * sigma));
			sum += j == 0 ? k[j] : 2 * k[j];
		}
		for (int j = 0; j <= r; j++) k[j] /= sum;
		// Horizontal pass through a padded copy of each row, exploiting the kernel's symmetry.
		float[] row = new float[w + 2 * r];
		for (int y = 0; y < h; y++) {
			int o = y * w;
			for (int x = -r; x < w + r; x++) row[x + r] = img[o + CropSampler.reflect(x, w)];
			for (int x = 0; x < w; x++) {
				int c = x + r;
				float s = k[0] * row[c];
				for (int j = 1; j <= r; j++) s += k[j] * (row[c - j] + row[c + j]);
				img[o + x] = s;
			}
		}
		// Vertical pass row by row, so the inner loop runs along memory.
		float[] src = img.clone();
		for (int y = 0; y < h; y++) {
			int o = y * w;
			for (int x = 0; x < w; x++) img[o + x] = k[0] * src[o + x];
			for (int j = 1; j <= r; j++) {
				int a = CropSampler.reflect(y - j, h) * w;
				int b = CropSampler.reflect(y + j, h) * w;
				float kj = k[j];
				for (int x = 0; x < w; x++) img[o + x] += kj * (src[a + x] + src[b + x]);
			}
		}
	}

	/**
	 * In-place approximate Gaussian blur by three box filters per axis (cost independent of sigma), with clamped
	 * borders; good enough for the smooth out-of-focus halo.
	 */
	private static void boxBlurGaussian(float[] img, int w, int h, double sigma) {
		// Three passes of a box of width 2r+1 have variance 3 * ((2r+1)^2 - 1) / 12.
		int r = Math.max(1, (int) Math.round((Math.sqrt(4 * sigma * sigma + 1) - 1) / 2));
		float[] tmp = new float[Math.max(w, h) + 2 * r + 1];
		for (int pass = 0; pass < 3; pass++) {
			for (int y = 0; y < h; y++) boxLine(img, y * w, 1, w, r, tmp);
			for (int x = 0; x < w; x++) boxLine(img, x, w, h, r, tmp);
		}
	}

	/** Running-sum box filter of one line of {@code n} values starting at {@code off} with step {@code step}. */
	private static void boxLine(float[] img, int off, int step, int n, int r, float[] tmp) {
		// Prefix sums of the line padded by clamping, then window differences.
		double acc = 0;
		tmp[0] = 0;
		for (int i = 0; i < n + 2 * r; i++) {
			int src = Math.min(n - 1, Math.max(0, i - r));
			acc += img[off + src * step];
			tmp[i + 1] = (float) acc;
		}
		float inv = 1f / (2 * r + 1);
		for (int i = 0; i < n; i++) img[off + i * step] = (tmp[i + 2 * r + 1] - tmp[i]) * inv;
	}

	@Override
	public String toString() {
		String amount = minCount >= 0 ? "count=" + minCount + ".." + maxCount : "perField696x520=" + minDensity + ".." + maxDensity;
		return "SyntheticNuclei[diameter=" + minDiameter + ".." + maxDiameter + ", " + amount + ", clusterFraction="
				+ clusterFraction + ", maxAspect=" + maxAspect + ", irregularity=" + irregularity + ", brightFraction="
				+ brightFraction + ", minArea=" + minArea + ", background=" + background + ", foreground=" + foreground
				+ ", brightnessSpread=" + brightnessSpread + ", texture=" + texture + ", blurSigma=" + blurSigma
				+ ", halo=" + halo + ", unevenBackground=" + unevenBackground + ", gain=" + gain + ", readNoise="
				+ readNoise + ", maxValue=" + maxValue + "]";
	}

	/**
	 * Mutable builder of {@link SyntheticNuclei}; starts from the BBBC039-like defaults. Every setter validates its
	 * arguments and returns the builder.
	 */
	public static final class Builder {
		private double minDiameter = 22;
		private double maxDiameter = 35;
		private int minCount = -1;
		private int maxCount = -1;
		private double minDensity = 90;
		private double maxDensity = 150;
		private double clusterFraction = 0.2;
		private double maxAspect = 2.5;
		private double irregularity = 0.05;
		private double brightFraction = 0.03;
		private int minArea = 30;
		private double background = 150;
		private double foreground = 450;
		private double brightnessSpread = 0.3;
		private double texture = 0.18;
		private double blurSigma = 0.9;
		private double halo = 0.06;
		private double unevenBackground = 0.3;
		private double gain = 0.12;
		private double readNoise = 3;
		private double maxValue = 4095;

		private Builder() {
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
			minDiameter = min;
			maxDiameter = max;
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
			minCount = min;
			maxCount = max;
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
			minDensity = minPerField;
			maxDensity = maxPerField;
			minCount = -1;
			maxCount = -1;
			return this;
		}

		/**
		 * Fraction of nuclei placed against an already placed one so that they touch; default 0.2.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder clusterFraction(double fraction) {
			clusterFraction = unit("cluster fraction", fraction);
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
			maxAspect = aspect;
			return this;
		}

		/**
		 * Strength of the outline's radial harmonics (relative radius change of the lowest order); default 0.05.
		 *
		 * @param amount {@code >= 0}, 0 for pure ellipses
		 * @return this builder
		 */
		public Builder irregularity(double amount) {
			irregularity = nonNegative("irregularity", amount);
			return this;
		}

		/**
		 * Fraction of small, round, very bright nuclei (mitotic or apoptotic look); default 0.03.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder brightFraction(double fraction) {
			brightFraction = unit("bright fraction", fraction);
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
			minArea = pixels;
			return this;
		}

		/**
		 * Mean background level in grey values; default 150.
		 *
		 * @param level {@code >= 0}
		 * @return this builder
		 */
		public Builder background(double level) {
			background = nonNegative("background", level);
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
			foreground = level;
			return this;
		}

		/**
		 * Standard deviation of the log brightness between nuclei; default 0.3.
		 *
		 * @param sigma {@code >= 0}
		 * @return this builder
		 */
		public Builder brightnessSpread(double sigma) {
			brightnessSpread = nonNegative("brightness spread", sigma);
			return this;
		}

		/**
		 * Typical relative amplitude of the texture inside nuclei; default 0.18.
		 *
		 * @param amplitude {@code >= 0}
		 * @return this builder
		 */
		public Builder texture(double amplitude) {
			texture = nonNegative("texture", amplitude);
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
			blurSigma = sigma;
			return this;
		}

		/**
		 * Fraction of nuclear light spread into a wide out-of-focus halo; default 0.06.
		 *
		 * @param fraction in [0, 1]
		 * @return this builder
		 */
		public Builder halo(double fraction) {
			halo = unit("halo", fraction);
			return this;
		}

		/**
		 * Strength of the background's random linear and quadratic gradients, relative to its level; default 0.3.
		 *
		 * @param amount {@code >= 0}
		 * @return this builder
		 */
		public Builder unevenBackground(double amount) {
			unevenBackground = nonNegative("uneven background", amount);
			return this;
		}

		/**
		 * Shot noise: grey values per detected photon, so the noise variance is {@code gain * signal}; default 0.12.
		 *
		 * @param greyPerPhoton {@code >= 0}, 0 for no shot noise
		 * @return this builder
		 */
		public Builder gain(double greyPerPhoton) {
			gain = nonNegative("gain", greyPerPhoton);
			return this;
		}

		/**
		 * Standard deviation of the Gaussian read noise in grey values; default 3.
		 *
		 * @param sigma {@code >= 0}
		 * @return this builder
		 */
		public Builder readNoise(double sigma) {
			readNoise = nonNegative("read noise", sigma);
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
			maxValue = value;
			return this;
		}

		/** @return the immutable configuration */
		public SyntheticNuclei build() {
			return new SyntheticNuclei(this);
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
