package sc.fiji.ris.data;

import java.util.SplittableRandom;

/**
 * Value noise: Gaussian values on a coarse grid, bilinearly interpolated with smoothstep weights; about unit
 * variance at grid nodes. Two of them at different spacings make the chromatin-like texture of synthetic nuclei.
 */
final class ValueNoise {

	private final int spacing, gw;
	private final float[] values;

	/**
	 * Draws the grid values for an image.
	 *
	 * @param w       width of the image
	 * @param h       height of the image
	 * @param spacing distance between grid nodes in pixels
	 * @param rnd     source of the grid values
	 */
	ValueNoise(int w, int h, int spacing, SplittableRandom rnd) {
		this.spacing = spacing;
		gw = w / spacing + 2;
		int gh = h / spacing + 2;
		values = new float[gw * gh];
		// Random offsets of the grid would only shift the pattern; values alone are enough.
		for (int i = 0; i < values.length; i++) values[i] = (float) rnd.nextGaussian();
	}

	/** @return the noise at pixel (x, y) of the image */
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
