package sc.fiji.ris.imagej;

import ij.process.LUT;

/**
 * A Glasbey-like lookup table for label images: background black, then 255 colours chosen greedily to be far
 * apart from each other in RGB space (computed once, deterministic), so that touching labels look different.
 */
public final class Glasbey {

	private static LUT lut;

	private Glasbey() {}

	/** The lookup table (a new copy each call, as ImageJ may modify it). */
	public static synchronized LUT lut() {
		if (lut == null) lut = build();
		return (LUT) lut.clone();
	}

	private static LUT build() {
		byte[] r = new byte[256], g = new byte[256], b = new byte[256];
		// candidates: a 16x16x16 grid of colours, skipping very dark ones (they vanish on the black background)
		int[] cand = new int[4096];
		int nc = 0;
		for (int i = 0; i < 16; i++)
			for (int j = 0; j < 16; j++)
				for (int k = 0; k < 16; k++) {
					int cr = i * 17, cg = j * 17, cb = k * 17;
					if (cr + cg + cb < 150) continue;
					cand[nc++] = (cr << 16) | (cg << 8) | cb;
				}
		double[] dist = new double[nc];
		java.util.Arrays.fill(dist, Double.MAX_VALUE);
		int prev = 0; // black background
		for (int l = 1; l < 256; l++) {
			int best = -1;
			double bestD = -1;
			for (int c = 0; c < nc; c++) {
				dist[c] = Math.min(dist[c], d2(cand[c], prev));
				if (dist[c] > bestD) { bestD = dist[c]; best = c; }
			}
			prev = cand[best];
			r[l] = (byte) (prev >> 16);
			g[l] = (byte) (prev >> 8);
			b[l] = (byte) prev;
		}
		return new LUT(r, g, b);
	}

	private static double d2(int a, int b) {
		int dr = ((a >> 16) & 255) - ((b >> 16) & 255), dg = ((a >> 8) & 255) - ((b >> 8) & 255), db = (a & 255) - (b & 255);
		return dr * dr + dg * dg + db * db;
	}
}
