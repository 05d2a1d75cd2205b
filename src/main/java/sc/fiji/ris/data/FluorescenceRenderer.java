package sc.fiji.ris.data;

import java.util.SplittableRandom;

/**
 * Renders the intensities of a synthetic image from its final labels: the light of the nuclei, the point spread
 * function, the uneven background and the camera's noise, in that order, as {@link SyntheticNuclei} describes them.
 * Only pixels of the final labels are rendered as nucleus, so dropped pieces and nuclei leave no bright spots
 * without a label.
 */
final class FluorescenceRenderer {

	/** Grid spacings (px) of the two octaves of texture noise: coarse chromatin domains and fine speckle. */
	private static final int TEXTURE_COARSE = 7;
	private static final int TEXTURE_FINE = 2;

	/** Width of the out-of-focus halo relative to the in-focus point spread function. */
	private static final double HALO_SIGMA = 8;

	private FluorescenceRenderer() {}

	/**
	 * Renders one image.
	 *
	 * @param cfg     settings of the generator
	 * @param labels  final labels 1..n, 0 for background
	 * @param depth   normalised radius of each labelled pixel in its nucleus (0 at the centre, 1 on the outline)
	 * @param byLabel the nucleus of each label, index = label
	 * @param w       width of the image
	 * @param h       height of the image
	 * @param rnd     source of the random draws
	 * @return the intensities, row by row, rounded and in {@code [0, maxValue]}
	 */
	static float[] render(SyntheticParameters cfg, int[] labels, float[] depth, SyntheticNucleus[] byLabel, int w, int h, SplittableRandom rnd) {
		float[] image = nuclei(labels, depth, byLabel, w, h, rnd);
		blur(cfg, image, w, h);
		addBackgroundAndNoise(cfg, image, w, h, rnd);
		return image;
	}

	/** The light emitted by the nuclei, 0 outside them. */
	private static float[] nuclei(int[] labels, float[] depth, SyntheticNucleus[] byLabel, int w, int h, SplittableRandom rnd) {
		float[] object = new float[w * h];
		// Texture: two octaves of smooth noise, only evaluated inside nuclei.
		ValueNoise coarse = new ValueNoise(w, h, TEXTURE_COARSE, rnd);
		ValueNoise fine = new ValueNoise(w, h, TEXTURE_FINE, rnd);
		for (int y = 0, i = 0; y < h; y++) {
			for (int x = 0; x < w; x++, i++) {
				int lab = labels[i];
				if (lab == 0) continue;
				SyntheticNucleus nu = byLabel[lab];
				float d = depth[i];
				// Thinner chromatin at the rim: a shallow dome, which also makes seams of touching nuclei darker.
				double v = nu.brightness * (1 - 0.2 * d * d) * (1 + nu.textureAmplitude * (0.6 * coarse.at(x, y) + fine.at(x, y)));
				object[i] = (float) Math.max(0, v);
			}
		}
		return object;
	}

	/** Applies the point spread function in place. */
	private static void blur(SyntheticParameters cfg, float[] object, int w, int h) {
		if (cfg.halo > 0) {
			// PSF = (1 - halo) * narrow Gaussian + halo * wide Gaussian (out-of-focus light).
			float[] wide = object.clone();
			ImageBlur.boxBlurGaussian(wide, w, h, HALO_SIGMA * Math.max(1, cfg.blurSigma));
			ImageBlur.gaussianBlur(object, w, h, cfg.blurSigma);
			float keep = (float) (1 - cfg.halo);
			float add = (float) cfg.halo;
			for (int i = 0; i < object.length; i++) object[i] = keep * object[i] + add * wide[i];
		} else {
			ImageBlur.gaussianBlur(object, w, h, cfg.blurSigma);
		}
	}

	/** Adds the uneven background, then the camera's noise, rounding and clamping, in place. */
	private static void addBackgroundAndNoise(SyntheticParameters cfg, float[] image, int w, int h, SplittableRandom rnd) {
		// Background: level with random linear and quadratic gradients, in fractions of the level.
		double level = cfg.background * Math.exp(0.1 * (2 * rnd.nextDouble() - 1));
		double gx = cfg.unevenBackground * (2 * rnd.nextDouble() - 1);
		double gy = cfg.unevenBackground * (2 * rnd.nextDouble() - 1);
		double gq = cfg.unevenBackground * (2 * rnd.nextDouble() - 1);
		double qx = rnd.nextDouble();
		double qy = rnd.nextDouble();
		double read2 = cfg.readNoise * cfg.readNoise;
		float max = (float) cfg.maxValue;
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
				double noisy = signal + Math.sqrt(signal * cfg.gain + read2) * rnd.nextGaussian();
				image[i] = Math.min(max, Math.max(0f, (float) Math.rint(noisy)));
			}
		}
	}
}
