package sc.fiji.ris.spark;

import java.util.List;
import java.util.function.BooleanSupplier;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.infer.Decoder;
import sc.fiji.ris.infer.Resampling;
import sc.fiji.ris.infer.TileBatch;
import sc.fiji.ris.infer.TileDecoder;

/**
 * A decoder for one block of a mosaic that feeds the network the block normalised as the whole image is, instead of
 * as the block alone: the segmenter normalises what it is given by that image's own percentiles, which for a block
 * (an empty corner of a slide, say) differ from the whole image's, so that the blocks of one image would be seen at
 * different contrasts. With the whole image's offset and scale, a block's pixels reach the network as they would in
 * the unsplit run (at another object size, the block is resampled as the segmenter resamples it).
 */
final class FixedNormalisation implements Decoder {

	private final TileDecoder inner;
	private final float[] raw;
	private final int width, height;
	private final float offset, scale;
	private float[] current;
	private int currentWidth, currentHeight;

	/**
	 * @param raw the block's raw intensities, {@code width x height}, row-major
	 * @param offset the whole image's normalisation offset ({@link #parameters})
	 * @param scale the whole image's normalisation scale
	 */
	FixedNormalisation(TileDecoder inner, float[] raw, int width, int height, float offset, float scale) {
		this.inner = inner;
		this.raw = raw;
		this.width = width;
		this.height = height;
		this.offset = offset;
		this.scale = scale;
	}

	/**
	 * The offset and scale with which {@code normalizer} normalises {@code pixels}: {@code (x - offset) * scale}, as
	 * {@link PercentileNormalizer#normalize(float[])} computes them.
	 */
	static float[] parameters(PercentileNormalizer normalizer, float[] pixels) {
		double[] p = normalizer.percentiles(pixels);
		double range = Math.max(p[1] - p[0], PercentileNormalizer.MIN_RELATIVE_RANGE * Math.max(Math.abs(p[0]), Math.abs(p[1])));
		range = Math.max(range, PercentileNormalizer.MIN_RANGE_IN_NOISE_SIGMAS * PercentileNormalizer.noiseSigma(pixels));
		return new float[] { (float) p[0], (float) (range > 0 ? 1.0 / range : 1.0) };
	}

	/** {@code (x - offset) * scale} of every pixel. */
	static float[] apply(float[] pixels, float offset, float scale) {
		float[] out = new float[pixels.length];
		for (int i = 0; i < out.length; i++) out[i] = (pixels[i] - offset) * scale;
		return out;
	}

	private float[] normalised(int w, int h) {
		if (current == null || currentWidth != w || currentHeight != h) {
			current = apply(w == width && h == height ? raw : Resampling.resize(raw, width, height, w, h), offset, scale);
			currentWidth = w;
			currentHeight = h;
		}
		return current;
	}

	@Override
	public TileBatch decode(List<float[]> tiles, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled) {
		return inner.decode(tiles, size, maxSteps, minConfidence, cancelled);
	}

	/** Decodes the tiles of the block as normalised with the whole image's parameters (the {@code image} given is the block's own). */
	@Override
	public TileBatch decode(float[] image, int w, int h, int[] x, int[] y, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled) {
		return inner.decode(normalised(w, h), w, h, x, y, size, maxSteps, minConfidence, cancelled);
	}
}
