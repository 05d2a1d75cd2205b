package sc.fiji.ris.infer;

import sc.fiji.ris.model.ModelConfig;

/**
 * The tiles of one plane: square tiles of the model's size whose origins lie on the ConvLSTM's stride, spread evenly
 * so that neighbours overlap by at least the overlap, and the part of the plane each tile <em>owns</em> (what lies
 * nearer to its centre than to any other tile's; the owned parts partition the plane). Tiles are numbered row by
 * row; batches hold whole rows where a row fits, so that a batch covers a compact region.
 */
final class TileGrid {

	/** Tile origins are multiples of this (the ConvLSTM's stride), so that tiles can share one encoding of a region. */
	static final int ALIGN = ModelConfig.RECURRENT_STRIDE;

	final int width, height, tile, overlap;
	private final int[] xs, ys;
	private final int[][] ownX, ownY;

	TileGrid(int width, int height, int tile, int overlap) {
		this.width = width;
		this.height = height;
		this.tile = tile;
		this.overlap = overlap;
		xs = origins(width, tile, overlap);
		ys = origins(height, tile, overlap);
		ownX = owned(xs, width, tile);
		ownY = owned(ys, height, tile);
	}

	/** The number of tiles. */
	int count() { return xs.length * ys.length; }

	/** The left edge of tile {@code k}. */
	int x(int k) { return xs[k % xs.length]; }

	/** The top edge of tile {@code k}. */
	int y(int k) { return ys[k / xs.length]; }

	/** The columns [start, end) tile {@code k} owns. */
	int[] ownX(int k) { return ownX[k % xs.length]; }

	/** The rows [start, end) tile {@code k} owns. */
	int[] ownY(int k) { return ownY[k / xs.length]; }

	/**
	 * Tiles per batch for a batch size: whole rows of tiles when a row fits (so that a batch covers a compact region
	 * the decoder can encode at once), else the batch size.
	 */
	int batch(int batchSize) {
		int row = xs.length;
		return row <= batchSize ? Math.max(1, Math.round(batchSize / (float) row)) * row : batchSize;
	}

	/** The left edges of tiles {@code first} to {@code last - 1}. */
	int[] xs(int first, int last) {
		int[] x = new int[last - first];
		for (int k = first; k < last; k++) x[k - first] = x(k);
		return x;
	}

	/** The top edges of tiles {@code first} to {@code last - 1}. */
	int[] ys(int first, int last) {
		int[] y = new int[last - first];
		for (int k = first; k < last; k++) y[k - first] = y(k);
		return y;
	}

	/** Copies the part of tile {@code k}'s map ({@code tile x tile}) that the tile owns into the plane's map. */
	void paste(float[] tileMap, int k, float[] plane) {
		int x0 = x(k), y0 = y(k);
		int[] ox = ownX(k), oy = ownY(k);
		for (int y = oy[0]; y < oy[1]; y++)
			for (int x = ox[0]; x < ox[1]; x++) {
				int u = x - x0, v = y - y0;
				if (u >= 0 && v >= 0 && u < tile && v < tile) plane[y * width + x] = tileMap[v * tile + u];
			}
	}

	/** Tile origins along one axis of length {@code length}: evenly spread, overlapping by at least the overlap. */
	static int[] origins(int length, int tile, int overlap) {
		if (length <= tile) return new int[] { 0 };
		// the spacing leaves room for rounding the origins to ALIGN
		int span = (length - tile + ALIGN - 1) / ALIGN * ALIGN; // the last tile may end up to ALIGN - 1 pixels outside
		int n = (int) Math.ceil((span + tile - overlap - ALIGN) / (double) (tile - overlap - ALIGN));
		n = Math.max(n, 2);
		int[] o = new int[n];
		for (int i = 0; i < n; i++) o[i] = (int) Math.round(i * span / (double) (n - 1) / ALIGN) * ALIGN;
		return o;
	}

	/** Owned interval [start, end) of each tile along one axis. */
	static int[][] owned(int[] origins, int length, int tile) {
		int n = origins.length;
		int[][] r = new int[n][2];
		for (int i = 0; i < n; i++) {
			r[i][0] = i == 0 ? 0 : (origins[i - 1] + tile + origins[i]) / 2;
			r[i][1] = i == n - 1 ? length : (origins[i] + tile + origins[i + 1]) / 2;
		}
		return r;
	}
}
