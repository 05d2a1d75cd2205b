package sc.fiji.ris.infer;

import java.util.List;
import java.util.function.BiConsumer;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.PercentileNormalizer;

/**
 * The network's part of a pass: the plane resampled and normalised as the model was trained, then every tile of its
 * grid decoded batch by batch, each tile's emissions handed on, and the tiles' foreground and core maps pasted into
 * planes. Keeps no state between calls.
 */
final class TileLoop {

	private final SegmenterSettings settings;
	private final PercentileNormalizer normalizer;
	private final Decoder decoder;

	TileLoop(SegmenterSettings settings, PercentileNormalizer normalizer, Decoder decoder) {
		this.settings = settings;
		this.normalizer = normalizer;
		this.decoder = decoder;
	}

	/** The plane resampled by {@code sc} (its new size into {@code size}) and normalised; adds the time to {@code s}. */
	float[] normalised(float[] pixels, int[] size, double sc, SegmentStats s) {
		long t0 = System.nanoTime();
		if (sc != 1) {
			int sw = Math.max(1, (int) Math.round(size[0] * sc)), sh = Math.max(1, (int) Math.round(size[1] * sc));
			pixels = Resampling.resize(pixels, size[0], size[1], sw, sh);
			size[0] = sw;
			size[1] = sh;
		}
		float[] out = normalizer.normalize(pixels);
		s.normaliseNanos += System.nanoTime() - t0;
		return out;
	}

	/**
	 * Runs the decoder over every tile of the grid, batch by batch, and hands each tile's emissions to {@code sink};
	 * returns the plane's foreground (when the fill uses it) and core probabilities (when {@code keepCores}),
	 * each pixel from the tile that owns it (null where the network has none).
	 */
	float[][] decodeTiles(float[] img, TileGrid grid, double minConfidence, boolean keepCores, Progress progress, SegmentStats s, BiConsumer<Integer, List<TileDecoder.Emission>> sink) {
		int nTiles = grid.count(), batch = grid.batch(settings.batchSize);
		s.tiles += nTiles;
		float[] fg = null, cores = null;
		for (int first = 0; first < nTiles && !progress.isCancelled(); first += batch) {
			int last = Math.min(nTiles, first + batch);
			long t0 = System.nanoTime();
			TileBatch b = decoder.decode(img, grid.width, grid.height, grid.xs(first, last), grid.ys(first, last), settings.tile, settings.maxSteps,
					minConfidence, progress::isCancelled);
			long t1 = System.nanoTime();
			s.networkNanos += t1 - t0;
			for (int k = first; k < last; k++) {
				List<TileDecoder.Emission> em = b.emissions(k - first);
				s.steps += em.size() + 1;
				sink.accept(k, em);
				float[] f = settings.fillArea > 0 ? b.foreground(k - first) : null;
				if (f != null) grid.paste(f, k, fg = fg != null ? fg : new float[grid.width * grid.height]);
				float[] c = keepCores ? b.cores(k - first) : null;
				if (c != null) grid.paste(c, k, cores = cores != null ? cores : new float[grid.width * grid.height]);
			}
			s.stitchNanos += System.nanoTime() - t1;
			progress.progress(last, nTiles);
		}
		return new float[][] { fg, cores };
	}
}
