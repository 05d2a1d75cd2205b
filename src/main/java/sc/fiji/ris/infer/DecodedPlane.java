package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * Every tile's emissions of one plane, decoded once ({@link Segmenter#decodeAll}), so that thresholds can be tried
 * without the network ({@link Segmenter#assemble}). Memory grows with the plane: for tuning on validation images,
 * not for production use.
 */
public final class DecodedPlane {

	final TileGrid grid;
	/** The plane's own size; differs from the grid's when the plane was resampled for the network. */
	final int imageWidth, imageHeight;
	/** How it was decoded: network pixels per image pixel, minimum confidence and fill area. */
	final double scale, minConfidence;
	final int fillArea;
	final List<List<TileDecoder.Emission>> emissions = new ArrayList<>();
	/** The plane's foreground probability (each pixel from the tile that owns it), or null. */
	float[] foreground;
	/** The plane's core probability (each pixel from the tile that owns it), or null without a core head. */
	float[] cores;

	DecodedPlane(TileGrid grid, int imageWidth, int imageHeight, double scale, double minConfidence, int fillArea) {
		this.grid = grid;
		this.imageWidth = imageWidth;
		this.imageHeight = imageHeight;
		this.scale = scale;
		this.minConfidence = minConfidence;
		this.fillArea = fillArea;
	}

	/** Whether the plane was resampled for the network. */
	boolean resampled() {
		return imageWidth != grid.width || imageHeight != grid.height;
	}

	/** The decoder steps the tiles take at {@code minConfidence}, as {@link SegmentStats#steps} counts them. */
	long steps(double minConfidence) {
		long n = 0;
		for (List<TileDecoder.Emission> em : emissions) n += emitted(em, minConfidence) + 1;
		return n;
	}

	/** The emissions before the first one below {@code minConfidence}: where decoding at that threshold stops. */
	static int emitted(List<TileDecoder.Emission> em, double minConfidence) {
		int k = 0;
		while (k < em.size() && em.get(k).confidence >= minConfidence) k++;
		return k;
	}
}
