package sc.fiji.ris.data;

/**
 * Gaussian blurs of a float image in place: an exact separable one for the point spread function of synthetic
 * images, and a fast approximate one for their wide out-of-focus halo.
 */
final class ImageBlur {

	private ImageBlur() {}

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
	static void boxBlurGaussian(float[] img, int w, int h, double sigma) {
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
}
