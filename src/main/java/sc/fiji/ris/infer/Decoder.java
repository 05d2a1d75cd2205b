package sc.fiji.ris.infer;

import java.util.List;
import java.util.function.BooleanSupplier;

/** What decodes a batch of tiles into instances; {@link TileDecoder} runs the network, tests plug in oracles. */
@FunctionalInterface
public interface Decoder {

	/**
	 * @param tiles row-major normalised tiles of {@code size x size} pixels
	 * @param maxSteps most steps per tile
	 * @param minConfidence a step below this confidence stops its tile
	 * @param cancelled polled once per step, may be null
	 * @return the emissions of every tile, in emission order, with the tiles' foreground and cores where the decoder has them
	 */
	TileBatch decode(List<float[]> tiles, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled);

	/**
	 * Decodes the tiles of one image whose origins are given; a decoder may encode the region they cover once
	 * instead of each tile on its own. By default the tiles are cut out (mirroring the image where a tile
	 * reaches past it) and decoded with {@link #decode}.
	 *
	 * @param image row-major normalised image of {@code width x height} pixels
	 * @param x tile origins (left), one per tile
	 * @param y tile origins (top), one per tile
	 */
	default TileBatch decode(float[] image, int width, int height, int[] x, int[] y, int size, int maxSteps, double minConfidence,
			BooleanSupplier cancelled) {
		List<float[]> tiles = new java.util.ArrayList<>(x.length);
		for (int k = 0; k < x.length; k++) tiles.add(cut(image, width, height, x[k], y[k], size));
		return decode(tiles, size, maxSteps, minConfidence, cancelled);
	}

	/**
	 * The {@code size x size} tile at (x0, y0). Where it reaches past the image's right or bottom edge (an image
	 * smaller than a tile), the tile mirrors the image, as training crops do: a blank there would make an edge that
	 * is not in the image, which the network can read as the border of an object.
	 */
	static float[] cut(float[] img, int width, int height, int x0, int y0, int size) {
		return cut(img, width, height, x0, y0, size, size);
	}

	/** The {@code w x h} rectangle at (x0, y0) inside the image, mirroring it past its right and bottom edges. */
	static float[] cut(float[] img, int width, int height, int x0, int y0, int w, int h) {
		float[] t = new float[w * h];
		int inside = Math.max(0, Math.min(w, width - x0));
		for (int y = 0; y < h; y++) {
			int row = sc.fiji.ris.data.CropSampler.reflect(y0 + y, height) * width;
			System.arraycopy(img, row + x0, t, y * w, inside);
			for (int x = inside; x < w; x++) t[y * w + x] = img[row + sc.fiji.ris.data.CropSampler.reflect(x0 + x, width)];
		}
		return t;
	}
}
