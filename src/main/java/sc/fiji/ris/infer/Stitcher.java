package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * Stitches the instances of the tiles of one plane into one label image. Each tile's emissions are painted
 * ({@link InstancePainter}) and become candidates in three tiers: (0) whole instances whose centroid lies in the part
 * of the plane their tile owns ({@link TileGrid}); (1) whole instances another tile owns, which stand in for objects
 * their owner missed (on the 50 BBBC039 val images these add about one nucleus per image); (2) owned instances that
 * touch an edge of their tile inside the plane, for objects larger than the overlap. With an overlap of at least the
 * largest object, an object lies whole inside the tile that owns its centroid, away from its border.
 *
 * <p>Candidates are painted tier by tier, each in order of confidence. One whose pixels are already more than half
 * taken by a single earlier instance is a duplicate and is dropped; one of tier 1 or 2 is also dropped if more than
 * {@link #FALLBACK_OVERLAP} of its pixels are taken. Otherwise it takes the free pixels. Each instance finally keeps
 * its largest 4-connected piece if that reaches the minimum area.
 */
final class Stitcher {

	/**
	 * A fallback instance (tier 1 or 2) is kept only if at most this fraction of its pixels is already taken: it
	 * stands in for an object no better view found, not for a second opinion on one.
	 */
	static final double FALLBACK_OVERLAP = 0.3;

	/** Extra pixels around an instance's box that its soft mask keeps, so that a CRF can move the boundary. */
	private static final int SOFT_MARGIN = 4;

	private record Candidate(float confidence, int[] pixels, Instances.SoftMask soft, int tier) {}

	private final TileGrid grid;
	private final double maskThreshold;
	private final boolean keepSoftMasks;
	private final List<Candidate> candidates = new ArrayList<>();

	Stitcher(TileGrid grid, double maskThreshold, boolean keepSoftMasks) {
		this.grid = grid;
		this.maskThreshold = maskThreshold;
		this.keepSoftMasks = keepSoftMasks;
	}

	/** Adds the instances of tile {@code k}, painted from its emissions. */
	void add(int k, List<TileDecoder.Emission> em) {
		if (em.isEmpty()) return;
		int tile = grid.tile, width = grid.width, height = grid.height, x0 = grid.x(k), y0 = grid.y(k);
		int[] ownX = grid.ownX(k), ownY = grid.ownY(k);
		int[] kept = new int[em.size()];
		int[] labels = InstancePainter.paintEmissions(em, tile, tile, maskThreshold, 1, kept);
		int n = 0;
		for (int l : labels) n = Math.max(n, l);
		if (n == 0) return;
		long[] sx = new long[n + 1], sy = new long[n + 1];
		int[] area = new int[n + 1];
		int[] bx0 = new int[n + 1], by0 = new int[n + 1], bx1 = new int[n + 1], by1 = new int[n + 1];
		Arrays.fill(bx0, Integer.MAX_VALUE);
		Arrays.fill(by0, Integer.MAX_VALUE);
		Arrays.fill(bx1, -1);
		Arrays.fill(by1, -1);
		for (int y = 0; y < tile; y++)
			for (int x = 0; x < tile; x++) {
				int l = labels[y * tile + x];
				if (l == 0) continue;
				area[l]++;
				sx[l] += x;
				sy[l] += y;
				bx0[l] = Math.min(bx0[l], x); bx1[l] = Math.max(bx1[l], x);
				by0[l] = Math.min(by0[l], y); by1[l] = Math.max(by1[l], y);
			}
		for (int l = 1; l <= n; l++) {
			double cx = x0 + sx[l] / (double) area[l], cy = y0 + sy[l] / (double) area[l];
			boolean owned = cx >= ownX[0] && cx < ownX[1] && cy >= ownY[0] && cy < ownY[1];
			boolean truncated = (bx0[l] == 0 && x0 > 0) || (by0[l] == 0 && y0 > 0) || (bx1[l] == tile - 1 && x0 + tile < width)
					|| (by1[l] == tile - 1 && y0 + tile < height);
			if (truncated && !owned) continue;
			int tier = truncated ? 2 : owned ? 0 : 1;
			int[] pix = new int[area[l]];
			int c = 0;
			for (int y = by0[l]; y <= by1[l]; y++)
				for (int x = bx0[l]; x <= bx1[l]; x++)
					if (labels[y * tile + x] == l && x0 + x < width && y0 + y < height) pix[c++] = (y0 + y) * width + x0 + x;
			if (c == 0) continue;
			if (c < pix.length) pix = Arrays.copyOf(pix, c);
			TileDecoder.Emission e = em.get(kept[l - 1]);
			Instances.SoftMask soft = null;
			if (keepSoftMasks) {
				int ux0 = Math.max(0, bx0[l] - SOFT_MARGIN), uy0 = Math.max(0, by0[l] - SOFT_MARGIN);
				int ux1 = Math.min(Math.min(tile, width - x0) - 1, bx1[l] + SOFT_MARGIN), uy1 = Math.min(Math.min(tile, height - y0) - 1, by1[l] + SOFT_MARGIN);
				int bw = ux1 - ux0 + 1, bh = uy1 - uy0 + 1;
				float[] v = new float[bw * bh];
				for (int y = 0; y < bh; y++) System.arraycopy(e.mask, (uy0 + y) * tile + ux0, v, y * bw, bw);
				soft = new Instances.SoftMask(x0 + ux0, y0 + uy0, bw, bh, v);
			}
			candidates.add(new Candidate(e.confidence, pix, soft, tier));
		}
	}

	/** The stitched instances of every tile added, each its largest piece of at least {@code minArea} pixels. */
	Instances instances(int minArea) {
		int width = grid.width, height = grid.height;
		List<Candidate> sorted = new ArrayList<>(candidates);
		sorted.sort((a, b) -> a.tier != b.tier ? Integer.compare(a.tier, b.tier) : Float.compare(b.confidence, a.confidence));
		int[] raw = new int[width * height];
		List<Candidate> painted = new ArrayList<>();
		for (Candidate c : sorted) {
			// duplicate test: most of its pixels already belong to one earlier instance
			int bestOwner = 0, bestCount = 0;
			HashMap<Integer, Integer> owners = new HashMap<>();
			for (int p : c.pixels) {
				int o = raw[p];
				if (o == 0) continue;
				int cnt = owners.merge(o, 1, Integer::sum);
				if (cnt > bestCount) { bestCount = cnt; bestOwner = o; }
			}
			if (bestOwner != 0 && bestCount * 2 > c.pixels.length) continue;
			if (c.tier > 0) {
				int taken = 0;
				for (int p : c.pixels) if (raw[p] != 0) taken++;
				if (taken > FALLBACK_OVERLAP * c.pixels.length) continue;
			}
			int label = painted.size() + 1;
			painted.add(c);
			for (int p : c.pixels) if (raw[p] == 0) raw[p] = label;
		}
		int[] kept = new int[painted.size()];
		int[] labels = InstancePainter.largestPieces(raw, width, height, painted.size(), minArea, kept);
		int n = 0;
		for (int l : labels) n = Math.max(n, l);
		float[] conf = new float[n];
		Instances.SoftMask[] soft = keepSoftMasks ? new Instances.SoftMask[n] : null;
		for (int l = 1; l <= n; l++) {
			Candidate c = painted.get(kept[l - 1]);
			conf[l - 1] = c.confidence;
			if (soft != null) soft[l - 1] = c.soft;
		}
		return new Instances(width, height, labels, conf, soft);
	}
}
