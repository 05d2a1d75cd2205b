package sc.fiji.ris.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import sc.fiji.ris.UserError;
import sc.fiji.ris.model.NonFiniteOutputException;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.model.RisNetwork;

/**
 * Decodes a batch of normalised square tiles together, step by step: every step emits one soft mask and one
 * confidence per tile still running; a tile stops at its first step whose confidence is below the threshold (that
 * step's mask is discarded, as in RIS) or at the step limit. Tiles that stopped are dropped from the batch, so the
 * cost follows the number of objects, not the worst tile. Native memory is scoped: one manager per batch, one per
 * step. With a foreground head, each step's half-resolution mask is grown by a few cells
 * ({@link sc.fiji.ris.model.ModelConfig#maskGrowth}), upsampled bilinearly and
 * limited by the tile's foreground probability (the minimum of the two), so that outlines follow the
 * full-resolution foreground; the mask as predicted (upsampled) is the emission's priority where masks overlap.
 *
 * <p>Stateless: each call returns the tiles' foreground and cores with their emissions ({@link TileBatch}).
 */
public final class TileDecoder implements Decoder {

	/** One emitted instance: its soft mask (row-major, tile-sized) and its confidence. */
	public static final class Emission {
		/** The soft mask that is thresholded. */
		public final float[] mask;
		/** Where masks overlap, the higher priority wins; null: the earlier emission wins. */
		public final float[] priority;
		public final float confidence;

		public Emission(float[] mask, float confidence) {
			this(mask, null, confidence);
		}

		public Emission(float[] mask, float[] priority, float confidence) {
			this.mask = mask;
			this.priority = priority;
			this.confidence = confidence;
		}
	}

	private final RisModel model;
	private final boolean shareEncoder;
	/** Pixels of the image around a batch's region that its shared encoding includes. */
	private final int regionMargin;

	/** A decoder that encodes every tile on its own, as in training (see {@link #TileDecoder(RisModel, boolean)}). */
	public TileDecoder(RisModel model) {
		this(model, false);
	}

	/**
	 * @param shareEncoder whether tiles of one image given with their origins share one encoding of the region they
	 *        cover (less work on the overlaps, a little less accurate) rather than being encoded one by one as in
	 *        training
	 */
	public TileDecoder(RisModel model, boolean shareEncoder) {
		this(model, shareEncoder, -1);
	}

	/**
	 * @param regionMargin pixels of the image around the region of a batch of tiles that the shared encoding also
	 *        encodes, so that the tiles at the region's edge have context too; -1: the context margin the model was
	 *        trained with ({@code training.contextMargin}, 0 for models trained without)
	 */
	public TileDecoder(RisModel model, boolean shareEncoder, int regionMargin) {
		this.model = model;
		this.shareEncoder = shareEncoder;
		this.regionMargin = regionMargin >= 0 ? regionMargin : model == null ? 0 : model.config().training.contextMargin;
	}

	/**
	 * @param tiles row-major normalised tiles of {@code size x size} pixels
	 * @param maxSteps most steps per tile
	 * @param minConfidence a step below this confidence stops its tile
	 * @param cancelled polled once per step; when true, decoding ends early with what was emitted
	 * @return the emissions of every tile, in emission order, with the tiles' foreground and cores
	 */
	@Override
	public TileBatch decode(List<float[]> tiles, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled) {
		int n = tiles.size();
		if (n == 0) return new TileBatch(empty(0));
		int px = size * size;
		float[] flat = new float[n * px];
		for (int i = 0; i < n; i++) {
			if (tiles.get(i).length != px) throw new UserError("Tile " + i + " has " + tiles.get(i).length + " pixels, expected " + px + ".");
			System.arraycopy(tiles.get(i), 0, flat, i * px, px);
		}
		return run(n, size, maxSteps, minConfidence, cancelled, (net, ps, scope) -> net.encode(ps, scope.create(flat, new Shape(n, 1, size, size)), false));
	}

	/**
	 * Decodes the same {@code size} window at ({@code x}, {@code y}) of each of {@code n} images of
	 * {@code width x height} pixels (one after the other in {@code images}): the images are encoded whole, so that
	 * the windows see their context (see {@link RisNetwork#window}).
	 */
	public List<List<Emission>> decodeWindows(float[] images, int n, int width, int height, int x, int y, int size, int maxSteps, double minConfidence) {
		if (n == 0) return empty(0);
		if (images.length != n * width * height) throw new UserError("Expected " + n * width * height + " pixels, got " + images.length + ".");
		if (x == 0 && y == 0 && width == size && height == size)
			return run(n, size, maxSteps, minConfidence, null, (net, ps, scope) -> net.encode(ps, scope.create(images, new Shape(n, 1, height, width)), false))
					.emissions();
		return run(n, size, maxSteps, minConfidence, null,
				(net, ps, scope) -> net.window(net.encode(ps, scope.create(images, new Shape(n, 1, height, width)), false), x, y, size)).emissions();
	}

	/**
	 * Encodes the region the tiles cover once (when their offsets in it are multiples of the ConvLSTM's stride and
	 * this decoder shares the encoder), cuts every tile's initial state out of it and decodes the tiles together.
	 */
	@Override
	public TileBatch decode(float[] image, int width, int height, int[] x, int[] y, int size, int maxSteps, double minConfidence,
			BooleanSupplier cancelled) {
		int n = x.length;
		if (n == 0) return new TileBatch(empty(0));
		int rx0 = Integer.MAX_VALUE, ry0 = Integer.MAX_VALUE, rx1 = 0, ry1 = 0;
		for (int k = 0; k < n; k++) {
			rx0 = Math.min(rx0, x[k]);
			ry0 = Math.min(ry0, y[k]);
			rx1 = Math.max(rx1, x[k] + size);
			ry1 = Math.max(ry1, y[k] + size);
		}
		int r = sc.fiji.ris.model.ModelConfig.RECURRENT_STRIDE;
		boolean aligned = true;
		for (int k = 0; k < n; k++) aligned &= (x[k] - rx0) % r == 0 && (y[k] - ry0) % r == 0;
		if (!shareEncoder || !aligned) return Decoder.super.decode(image, width, height, x, y, size, maxSteps, minConfidence, cancelled);
		if (regionMargin > 0) {
			// context around the region, inside the image, keeping the tiles' offsets on the recurrent grid
			rx0 -= Math.min(regionMargin, rx0) / r * r;
			ry0 -= Math.min(regionMargin, ry0) / r * r;
			rx1 = Math.max(rx1, Math.min(width, rx1 + regionMargin));
			ry1 = Math.max(ry1, Math.min(height, ry1 + regionMargin));
		}
		int rw = (rx1 - rx0 + 15) / 16 * 16, rh = (ry1 - ry0 + 15) / 16 * 16;
		// the encoder takes multiples of 16: the extra pixels come from the image left of and above the region where
		// there is image; beyond the image's right and bottom edges the region mirrors the image, as training crops
		// do, since a blank there makes an edge that is not in the image (which the network reads as the border of an
		// object in a field without nuclei, whose background is not near 0 after normalisation)
		rx0 -= Math.min(rw - (rx1 - rx0), rx0) / r * r;
		ry0 -= Math.min(rh - (ry1 - ry0), ry0) / r * r;
		float[] region = Decoder.cut(image, width, height, rx0, ry0, rw, rh);
		int[] ox = new int[n], oy = new int[n];
		for (int k = 0; k < n; k++) {
			ox[k] = x[k] - rx0;
			oy[k] = y[k] - ry0;
		}
		return run(n, size, maxSteps, minConfidence, cancelled,
				(net, ps, scope) -> net.tiles(net.encode(ps, scope.create(region, new Shape(1, 1, rh, rw)), false), ox, oy, size));
	}

	private interface Encoding {
		RisNetwork.State encode(RisNetwork net, ParameterStore ps, NDManager scope);
	}

	private static List<List<Emission>> empty(int n) {
		List<List<Emission>> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) out.add(new ArrayList<>());
		return out;
	}

	private TileBatch run(int n, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled, Encoding encoding) {
		List<List<Emission>> out = empty(n);
		RisNetwork net = model.network();
		int growth = model.config().maskGrowth;
		int px = size * size;
		try (PyTorchRuntime.GradientScope noGradients = PyTorchRuntime.noGradients(); NDManager batch = model.manager().newSubManager()) {
			ParameterStore ps = new ParameterStore(batch, false);
			RisNetwork.State state;
			float[] foreground = null, core = null;
			try (NDManager encodeScope = batch.newSubManager()) {
				state = encoding.encode(net, ps, encodeScope);
				if (state.foreground() != null) foreground = Activation.sigmoid(state.foreground()).toFloatArray();
				core = state.core() == null ? null : Activation.sigmoid(state.core()).toFloatArray();
				if (foreground != null && !NonFiniteOutputException.finite(foreground) || core != null && !NonFiniteOutputException.finite(core))
					throw new NonFiniteOutputException("the foreground of a batch of tiles");
				state.attachAll(batch);
			}
			int[] active = new int[n];
			for (int i = 0; i < n; i++) active[i] = i;
			for (int t = 0; t < maxSteps && active.length > 0; t++) {
				if (cancelled != null && cancelled.getAsBoolean()) break;
				try (NDManager stepScope = batch.newSubManager()) {
					state.attachAll(stepScope);
					NDList o = net.step(ps, state, false);
					float[] conf = Activation.sigmoid(o.get(1)).toFloatArray();
					// a NaN confidence would read as "stop": the tile would end without its instances
					if (!NonFiniteOutputException.finite(conf)) throw new NonFiniteOutputException("the confidences of a batch of tiles");
					int keep = 0;
					for (float c : conf) if (c >= minConfidence) keep++;
					if (keep == 0) { active = new int[0]; break; }
					float[] masks = o.get(0).toFloatArray();
					if (!NonFiniteOutputException.finite(masks)) throw new NonFiniteOutputException("the masks of a batch of tiles");
					int side = (int) o.get(0).getShape().get(2);
					int[] next = new int[keep];
					long[] index = new long[keep];
					int k = 0;
					for (int j = 0; j < active.length; j++) {
						if (conf[j] < minConfidence) continue;
						float[] m, priority = null;
						if (side == size) {
							m = new float[px];
							System.arraycopy(masks, j * px, m, 0, px);
						} else {
							float[] g = grown(masks, j * side * side, side, growth);
							int[] box = support(g, side, NEGLIGIBLE);
							m = upsample(g, 0, side, size, box);
							priority = upsample(masks, j * side * side, side, size, box);
						}
						if (foreground != null) {
							int f = active[j] * px;
							for (int p = 0; p < px; p++) m[p] = Math.min(m[p], foreground[f + p]);
						}
						out.get(active[j]).add(new Emission(m, priority, conf[j]));
						next[k] = active[j];
						index[k++] = j;
					}
					if (keep < active.length) state = state.select(stepScope.create(index));
					state.attachAll(batch);
					active = next;
				}
			}
			return new TileBatch(out, foreground, core, size);
		}
	}

	/**
	 * The {@code side x side} mask at {@code offset} grown by {@code cells} cells (3x3 maximum filters): at full
	 * resolution, by twice as many pixels, so that the foreground, not the coarse mask, draws the outline. The masks
	 * are trained against the fraction of each cell an instance covers, and cells on an outline end up low.
	 */
	static float[] grown(float[] src, int offset, int side, int cells) {
		if (cells <= 0) {
			float[] copy = new float[side * side];
			System.arraycopy(src, offset, copy, 0, copy.length);
			return copy;
		}
		float[] g = grow(src, offset, side);
		for (int i = 1; i < cells; i++) g = grow(g, 0, side);
		return g;
	}

	/** A 3x3 maximum filter of the {@code side x side} mask at {@code offset}. */
	static float[] grow(float[] src, int offset, int side) {
		float[] rows = new float[side * side], out = new float[side * side];
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				int i = offset + y * side + x;
				float v = src[i];
				if (x > 0) v = Math.max(v, src[i - 1]);
				if (x < side - 1) v = Math.max(v, src[i + 1]);
				rows[y * side + x] = v;
			}
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				int i = y * side + x;
				float v = rows[i];
				if (y > 0) v = Math.max(v, rows[i - side]);
				if (y < side - 1) v = Math.max(v, rows[i + side]);
				out[i] = v;
			}
		return out;
	}

	/**
	 * Mask values below this are taken as zero when a step's mask is brought to full resolution: only the part of the
	 * tile around the cells at or above it is interpolated (a nucleus covers a small part of a tile), the rest stays 0.
	 */
	static final float NEGLIGIBLE = 1e-3f;

	/**
	 * The bounding box {@code {x0, y0, x1, y1}} (inclusive) of the cells of the {@code side x side} mask that reach
	 * {@code floor}, or null when none does.
	 */
	static int[] support(float[] mask, int side, float floor) {
		int x0 = side, y0 = side, x1 = -1, y1 = -1;
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				if (mask[y * side + x] >= floor) {
					x0 = Math.min(x0, x);
					x1 = Math.max(x1, x);
					y0 = Math.min(y0, y);
					y1 = Math.max(y1, y);
				}
		return x1 < 0 ? null : new int[] { x0, y0, x1, y1 };
	}

	/**
	 * Bilinear upsampling of the {@code side x side} mask starting at {@code offset} in {@code src} to
	 * {@code size x size} (pixel centres aligned, edges clamped).
	 */
	static float[] upsample(float[] src, int offset, int side, int size) {
		return upsample(src, offset, side, size, new int[] { 0, 0, side - 1, side - 1 });
	}

	/**
	 * As {@link #upsample(float[], int, int, int)}, but only the output pixels that interpolate from a cell inside
	 * {@code box} (see {@link #support}) are computed; the others are 0 (null box: all 0).
	 */
	static float[] upsample(float[] src, int offset, int side, int size, int[] box) {
		float[] out = new float[size * size];
		if (box == null) return out;
		double f = side / (double) size;
		int[] x0 = new int[size];
		float[] ax = new float[size];
		int xs = size, xe = 0;
		for (int x = 0; x < size; x++) {
			double sx = Math.max(0, Math.min(side - 1, (x + 0.5) * f - 0.5));
			x0[x] = Math.min(side - 2, (int) sx);
			ax[x] = (float) (sx - x0[x]);
			if (x0[x] + 1 >= box[0] && x0[x] <= box[2]) {
				xs = Math.min(xs, x);
				xe = x + 1;
			}
		}
		for (int y = 0; y < size; y++) {
			double sy = Math.max(0, Math.min(side - 1, (y + 0.5) * f - 0.5));
			int y0 = Math.min(side - 2, (int) sy);
			if (y0 + 1 < box[1] || y0 > box[3]) continue;
			float ay = (float) (sy - y0);
			int r0 = offset + y0 * side, r1 = r0 + side;
			for (int x = xs; x < xe; x++) {
				int i = x0[x];
				float a = ax[x];
				float top = src[r0 + i] + a * (src[r0 + i + 1] - src[r0 + i]);
				float bottom = src[r1 + i] + a * (src[r1 + i + 1] - src[r1 + i]);
				out[y * size + x] = top + ay * (bottom - top);
			}
		}
		return out;
	}
}
