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
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.model.RisNetwork;

/**
 * Decodes a batch of normalised square tiles together, step by step: every step emits one soft mask and one
 * confidence per tile still running; a tile stops at its first step whose confidence is below the threshold (that
 * step's mask is discarded, as in RIS) or at the step limit. Tiles that stopped are dropped from the batch, so the
 * cost follows the number of objects, not the worst tile. Native memory is scoped: one manager per batch, one per
 * step.
 */
public final class TileDecoder implements Decoder {

	/** One emitted instance: its soft mask (row-major, tile-sized) and its confidence. */
	public static final class Emission {
		public final float[] mask;
		public final float confidence;

		public Emission(float[] mask, float confidence) {
			this.mask = mask;
			this.confidence = confidence;
		}
	}

	private final RisModel model;

	public TileDecoder(RisModel model) {
		this.model = model;
	}

	/**
	 * @param tiles row-major normalised tiles of {@code size x size} pixels
	 * @param maxSteps most steps per tile
	 * @param minConfidence a step below this confidence stops its tile
	 * @param cancelled polled once per step; when true, decoding ends early with what was emitted
	 * @return the emissions of every tile, in emission order
	 */
	@Override
	public List<List<Emission>> decode(List<float[]> tiles, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled) {
		int n = tiles.size();
		List<List<Emission>> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) out.add(new ArrayList<>());
		if (n == 0) return out;
		RisNetwork net = model.network();
		int px = size * size;
		try (NDManager batch = model.manager().newSubManager()) {
			ParameterStore ps = new ParameterStore(batch, false);
			float[] flat = new float[n * px];
			for (int i = 0; i < n; i++) {
				if (tiles.get(i).length != px) throw new IllegalArgumentException("Tile " + i + " has " + tiles.get(i).length + " pixels, expected " + px + ".");
				System.arraycopy(tiles.get(i), 0, flat, i * px, px);
			}
			RisNetwork.State state;
			try (NDManager encodeScope = batch.newSubManager()) {
				NDArray x = encodeScope.create(flat, new Shape(n, 1, size, size));
				state = net.encode(ps, x, false);
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
					int keep = 0;
					for (float c : conf) if (c >= minConfidence) keep++;
					if (keep == 0) { active = new int[0]; break; }
					float[] masks = o.get(0).toFloatArray();
					int[] next = new int[keep];
					long[] index = new long[keep];
					int k = 0;
					for (int j = 0; j < active.length; j++) {
						if (conf[j] < minConfidence) continue;
						float[] m = new float[px];
						System.arraycopy(masks, j * px, m, 0, px);
						out.get(active[j]).add(new Emission(m, conf[j]));
						next[k] = active[j];
						index[k++] = j;
					}
					if (keep < active.length) state = state.select(stepScope.create(index));
					state.attachAll(batch);
					active = next;
				}
			}
		}
		return out;
	}
}
