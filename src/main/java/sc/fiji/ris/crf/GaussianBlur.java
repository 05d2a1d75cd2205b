package sc.fiji.ris.crf;

/**
 * The exact spatial Gaussian {@code out(x, y) = sum exp(-((x-u)^2 + (y-v)^2) / 2 sigma^2) in(u, v)} over a rectangle
 * of interleaved channels, as two 1D passes (the kernel is separable), truncated at 3 sigma, with zero outside the
 * rectangle. The dense CRF's smoothness kernel has only positions as features (d = 2), so this costs
 * O(N sigma) per channel without the lattice's approximation. Not thread-safe (scratch buffer): one per thread.
 */
final class GaussianBlur {

	private final float[] kernel;
	private final int radius;
	private float[] scratch = new float[0];

	GaussianBlur(double sigma) {
		radius = Math.max(1, (int) Math.ceil(3 * sigma));
		kernel = new float[radius + 1];
		for (int k = 0; k <= radius; k++) kernel[k] = (float) Math.exp(-k * k / (2 * sigma * sigma));
	}

	int radius() { return radius; }

	/**
	 * Filters {@code grid} (row-major, {@code width * height} positions of {@code channels} values each) in place.
	 */
	void filter(float[] grid, int width, int height, int channels) {
		int size = width * height * channels;
		if (scratch.length < size) scratch = new float[size];
		float[] tmp = scratch;
		int r = radius, row = width * channels;
		// along x, into tmp, one tap at a time over the whole row: contiguous loops that the JIT vectorises
		for (int y = 0; y < height; y++) {
			int o = y * row;
			float w0 = kernel[0];
			for (int i = 0; i < row; i++) tmp[o + i] = w0 * grid[o + i];
			for (int k = 1; k <= r && k < width; k++) {
				float w = kernel[k];
				int shift = k * channels;
				for (int i = shift; i < row; i++) tmp[o + i] += w * grid[o + i - shift];
				for (int i = 0; i < row - shift; i++) tmp[o + i] += w * grid[o + i + shift];
			}
		}
		// along y, whole rows at a time (contiguous, so the inner loop vectorises), back into grid
		for (int y = 0; y < height; y++) {
			int o = y * row;
			float w0 = kernel[0];
			for (int i = 0; i < row; i++) grid[o + i] = w0 * tmp[o + i];
			for (int k = 1; k <= r; k++) {
				float w = kernel[k];
				if (y - k >= 0) {
					int s = o - k * row;
					for (int i = 0; i < row; i++) grid[o + i] += w * tmp[s + i];
				}
				if (y + k < height) {
					int s = o + k * row;
					for (int i = 0; i < row; i++) grid[o + i] += w * tmp[s + i];
				}
			}
		}
	}
}
