package sc.fiji.ris.infer;

import java.util.List;

/**
 * What decoding a batch of tiles gives: every tile's emissions and, for networks with those heads, the tiles'
 * foreground and core probabilities. Immutable; the maps are read through copies.
 */
public final class TileBatch {

	private final List<List<TileDecoder.Emission>> emissions;
	/** The foreground probabilities of the tiles, one after the other ({@code size x size} each), or null. */
	private final float[] foreground;
	/** The core probabilities of the tiles at half resolution, one after the other, or null. */
	private final float[] halfCores;
	private final int size;

	/** Emissions only: a decoder without foreground or core head. */
	public TileBatch(List<List<TileDecoder.Emission>> emissions) {
		this(emissions, null, null, 0);
	}

	/**
	 * @param foreground the tiles' foreground probabilities ({@code size x size}, row-major, one tile after the
	 *        other), or null
	 * @param halfCores the tiles' core probabilities at half resolution ({@code size/2 x size/2} each), or null
	 * @param size the tiles' side
	 */
	public TileBatch(List<List<TileDecoder.Emission>> emissions, float[] foreground, float[] halfCores, int size) {
		this.emissions = emissions;
		this.foreground = foreground;
		this.halfCores = halfCores;
		this.size = size;
	}

	/** The number of tiles. */
	public int tiles() { return emissions.size(); }

	/** Every tile's emissions, in emission order. */
	public List<List<TileDecoder.Emission>> emissions() { return emissions; }

	/** Tile {@code k}'s emissions, in emission order. */
	public List<TileDecoder.Emission> emissions(int k) { return emissions.get(k); }

	/** Tile {@code k}'s foreground probability ({@code size x size}, row-major); null without a foreground head. */
	public float[] foreground(int k) {
		if (foreground == null) return null;
		int px = size * size;
		float[] f = new float[px];
		System.arraycopy(foreground, k * px, f, 0, px);
		return f;
	}

	/**
	 * Tile {@code k}'s core probability ({@code size x size}, row-major; the network's half-resolution cores
	 * repeated); null without a core head.
	 */
	public float[] cores(int k) {
		if (halfCores == null) return null;
		int half = size / 2, hp = half * half;
		float[] c = new float[size * size];
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) c[y * size + x] = halfCores[k * hp + (y / 2) * half + x / 2];
		return c;
	}
}
