package sc.fiji.ris.data;

import java.util.SplittableRandom;

/**
 * Places the nuclei of one synthetic image, one by one, and writes each accepted one into a provisional label map
 * and a depth map (the normalised radius of {@link SyntheticNucleus#depth}). Most nuclei are scattered without
 * overlap, and their centres may lie a little outside so that nuclei are cut by the image border; a fraction
 * ({@code clusterFraction}) is placed against an already placed one so that they overlap slightly and touch.
 * Overlapping pixels go to the nucleus whose centre is relatively closer (smaller depth), which gives a natural
 * shared boundary. A nucleus that finds no room within a number of attempts is left out.
 */
final class NucleusLayout {

	/** BBBC039's field of view, the unit of the default density. */
	private static final double REFERENCE_AREA = 696.0 * 520.0;

	private final SyntheticParameters cfg;
	private final int[] labels;
	private final float[] depth;
	private final int w, h;

	/** Depths of the last rasterised candidate in its box, row by row; infinite outside the nucleus. */
	private float[] cand = new float[0];
	/** Side and top left corner of that box in the image. */
	private int side, x0, y0;

	private NucleusLayout(SyntheticParameters cfg, int[] labels, float[] depth, int w, int h) {
		this.cfg = cfg;
		this.labels = labels;
		this.depth = depth;
		this.w = w;
		this.h = h;
	}

	/**
	 * Places the nuclei of one image.
	 *
	 * @param cfg    settings of the generator
	 * @param labels provisional labels, all 0 on entry: the index + 1 of the nucleus that owns each pixel
	 * @param depth  depth of each labelled pixel in the nucleus that owns it
	 * @param w      width of the image
	 * @param h      height of the image
	 * @param rnd    source of the random draws
	 * @return the nuclei in placement order (their index + 1 is their provisional label), null entries for those
	 *         that found no room
	 */
	static SyntheticNucleus[] place(SyntheticParameters cfg, int[] labels, float[] depth, int w, int h, SplittableRandom rnd) {
		return new NucleusLayout(cfg, labels, depth, w, h).place(rnd);
	}

	private SyntheticNucleus[] place(SplittableRandom rnd) {
		int count = nucleusCount(rnd);
		double imageForeground = cfg.foreground * Math.exp(0.2 * (2 * rnd.nextDouble() - 1));
		SyntheticNucleus[] nuclei = new SyntheticNucleus[count];
		int[] placed = new int[count];
		int placedCount = 0;
		for (int i = 0; i < count; i++) {
			SyntheticNucleus nu = new SyntheticNucleus(cfg, rnd, imageForeground);
			boolean cluster = placedCount > 0 && rnd.nextDouble() < cfg.clusterFraction;
			int attempts = cluster ? 12 : 25;
			for (int attempt = 0; attempt < attempts; attempt++) {
				if (cluster) touch(nu, nuclei[placed[rnd.nextInt(placedCount)]], rnd);
				else scatter(nu, rnd);
				if (!fits(nu, cluster)) continue;
				paint(i + 1);
				nuclei[i] = nu;
				placed[placedCount++] = i;
				break;
			}
		}
		return nuclei;
	}

	/** The number of nuclei to try: from the fixed count range, or from the density scaled to the image's area. */
	private int nucleusCount(SplittableRandom rnd) {
		if (cfg.minCount >= 0) return cfg.minCount + rnd.nextInt(cfg.maxCount - cfg.minCount + 1);
		double density = cfg.minDensity + rnd.nextDouble() * (cfg.maxDensity - cfg.minDensity);
		double expected = density * w * h / REFERENCE_AREA;
		// Random rounding keeps the expected count right for small images.
		int count = (int) Math.floor(expected);
		if (rnd.nextDouble() < expected - count) count++;
		return count;
	}

	/** Moves the nucleus against {@code parent}, in a random direction. */
	private static void touch(SyntheticNucleus nu, SyntheticNucleus parent, SplittableRandom rnd) {
		double phi = rnd.nextDouble() * 2 * Math.PI;
		// Slightly closer than touching outlines: the overlap is split, leaving a shared boundary.
		double dist = (parent.radius(phi) + nu.radius(phi + Math.PI)) * (0.8 + 0.15 * rnd.nextDouble());
		nu.cx = parent.cx + dist * Math.cos(phi);
		nu.cy = parent.cy + dist * Math.sin(phi);
	}

	/** Moves the nucleus to a random position in the image or a little outside it. */
	private void scatter(SyntheticNucleus nu, SplittableRandom rnd) {
		// Centres may lie a little outside, so that nuclei are cut by the border as in real fields.
		double margin = 0.3 * (nu.a + nu.b);
		nu.cx = -margin + rnd.nextDouble() * (w + 2 * margin);
		nu.cy = -margin + rnd.nextDouble() * (h + 2 * margin);
	}

	/**
	 * Rasterises the nucleus at its current position into {@link #cand} and says whether it may stay there: it needs
	 * at least the minimum area inside the image, and it must not overlap the nuclei placed so far, or when it is
	 * clustered only by a little (the overlap is split, so each loses roughly half of it).
	 */
	private boolean fits(SyntheticNucleus nu, boolean cluster) {
		int e = nu.extent();
		side = 2 * e + 1;
		if (cand.length < side * side) cand = new float[side * side];
		x0 = (int) Math.round(nu.cx) - e;
		y0 = (int) Math.round(nu.cy) - e;
		int area = 0;
		int overlap = 0;
		for (int j = 0; j < side; j++) {
			int y = y0 + j;
			for (int k = 0; k < side; k++) {
				int x = x0 + k;
				float d = Float.POSITIVE_INFINITY;
				if (y >= 0 && y < h && x >= 0 && x < w) {
					double dd = nu.depth(x, y);
					if (dd <= 1) {
						d = (float) dd;
						area++;
						if (labels[y * w + x] != 0) overlap++;
					}
				}
				cand[j * side + k] = d;
			}
		}
		return area >= Math.max(1, cfg.minArea) && (cluster ? overlap <= 0.35 * area : overlap <= 0);
	}

	/** Writes the last rasterised candidate as label {@code id} wherever it is free or closer to its centre. */
	private void paint(int id) {
		for (int j = 0; j < side; j++) {
			int y = y0 + j;
			if (y < 0 || y >= h) continue;
			for (int k = 0; k < side; k++) {
				float d = cand[j * side + k];
				if (d > 1) continue;
				int idx = y * w + x0 + k;
				if (labels[idx] == 0 || d < depth[idx]) {
					labels[idx] = id;
					depth[idx] = d;
				}
			}
		}
	}
}
