package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Post-processing step: the pieces of confident foreground (the network's foreground head) that no instance took
 * become instances of their own. A piece is a 4-connected component of foreground >= 0.5 outside every instance; it
 * becomes an instance when it has at least half a typical nucleus' pixels ({@link #FILL_FRACTION}) and something of
 * it survives {@link #FILL_EROSIONS} erosions (it is not a thin rim along other instances): nuclei that every tile
 * missed. Smaller pieces are <em>spots</em>, taken when they reach the spot area, have the least mean foreground and
 * touch no instance (4-neighbours): small objects on their own, not slivers along a nucleus. On the 50 BBBC039 val
 * images the fill finds about two more nuclei per image.
 *
 * <p>A piece's confidence is its mean foreground probability; its soft mask (when the instances keep theirs) is the
 * foreground over its box, grown by 4 pixels. Spots come last, as the highest labels, so that the object-size
 * estimate can leave them out.
 */
final class ForegroundFill {

	/** Smallest piece of unclaimed foreground that becomes an instance, as a fraction of a typical nucleus' area. */
	static final double FILL_FRACTION = 0.5;
	/** Something of such a piece must survive this many 4-neighbour erosions (it is not a thin rim). */
	static final int FILL_EROSIONS = 3;

	private ForegroundFill() {}

	/** The instances with the pieces added, and how many of the added ones are spots (the highest labels). */
	record Result(Instances instances, int spots) {}

	/** The smallest piece that becomes an instance for objects of {@code diameter} pixels: {@link #FILL_FRACTION} of a disk. */
	static int minPieceArea(double diameter) {
		return (int) Math.round(FILL_FRACTION * Math.PI / 4 * diameter * diameter);
	}

	/** A piece of unclaimed foreground: its pixels, mean foreground and box. */
	private record Piece(int[] members, float meanForeground, int bx0, int by0, int bx1, int by1) {}

	/** Paints a piece as label {@code n + 1} with its confidence (and soft mask when {@code soft} is not null); returns n + 1. */
	private static int addPiece(Piece piece, int n, int[] labels, List<Float> conf, List<Instances.SoftMask> soft, float[] fg, int w, int h) {
		n++;
		for (int p : piece.members()) labels[p] = n;
		conf.add(piece.meanForeground());
		if (soft != null) {
			int ux0 = Math.max(0, piece.bx0() - 4), uy0 = Math.max(0, piece.by0() - 4), ux1 = Math.min(w - 1, piece.bx1() + 4), uy1 = Math.min(h - 1, piece.by1() + 4);
			int sw = ux1 - ux0 + 1, sh = uy1 - uy0 + 1;
			float[] v = new float[sw * sh];
			for (int y = 0; y < sh; y++) System.arraycopy(fg, (uy0 + y) * w + ux0, v, y * sw, sw);
			soft.add(new Instances.SoftMask(ux0, uy0, sw, sh, v));
		}
		return n;
	}

	/**
	 * Adds the pieces of foreground no instance took: those of at least {@code minPieceArea} pixels of which
	 * something survives {@code erode} erosions, and the spots of at least {@code spotMinArea} pixels (0: none) and
	 * mean foreground {@code spotMinForeground} that touch no instance. Returns {@code in} itself when none is added.
	 */
	static Result apply(Instances in, float[] fg, int minPieceArea, int erode, boolean softMasks, int spotMinArea, double spotMinForeground) {
		int w = in.width(), h = in.height();
		int[] labels = in.labels().clone();
		int n = in.count();
		List<Float> conf = new ArrayList<>();
		for (float c : in.confidences()) conf.add(c);
		softMasks &= in.hasSoftMasks();
		List<Instances.SoftMask> soft = new ArrayList<>();
		if (softMasks) for (int l = 1; l <= n; l++) soft.add(in.softMask(l));
		int[] comp = new int[w * h];
		int[] stack = new int[w * h];
		List<Piece> spots = new ArrayList<>();
		int id = 0;
		for (int start = 0; start < w * h; start++) {
			if (comp[start] != 0 || labels[start] != 0 || fg[start] < 0.5f) continue;
			id++;
			int sp = 0, count = 0;
			boolean touches = false;
			stack[sp++] = start;
			comp[start] = id;
			int[] members = new int[64];
			double sum = 0;
			int bx0 = w, by0 = h, bx1 = -1, by1 = -1;
			while (sp > 0) {
				int p = stack[--sp];
				if (count == members.length) members = Arrays.copyOf(members, 2 * count);
				members[count++] = p;
				sum += fg[p];
				int x = p % w, y = p / w;
				bx0 = Math.min(bx0, x); bx1 = Math.max(bx1, x); by0 = Math.min(by0, y); by1 = Math.max(by1, y);
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 };
				for (int q : nb) {
					if (q < 0) continue;
					if (labels[q] != 0) touches = true;
					else if (comp[q] == 0 && fg[q] >= 0.5f) { comp[q] = id; stack[sp++] = q; }
				}
			}
			boolean spot = spotMinArea > 0 && count >= spotMinArea && !touches && sum / count >= spotMinForeground;
			if (count < minPieceArea && !spot) continue;
			boolean core = false;
			if (count >= minPieceArea) {
				// erosion inside the piece's box
				int bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
				boolean[] m = new boolean[bw * bh];
				for (int i = 0; i < count; i++) m[(members[i] / w - by0) * bw + members[i] % w - bx0] = true;
				for (int e = 0; e < erode; e++) {
					boolean[] next = new boolean[bw * bh];
					for (int y = 1; y < bh - 1; y++)
						for (int x = 1; x < bw - 1; x++) {
							int i = y * bw + x;
							next[i] = m[i] && m[i - 1] && m[i + 1] && m[i - bw] && m[i + bw];
						}
					m = next;
				}
				for (boolean b : m) core |= b;
			}
			if (!core && !spot) continue;
			Piece piece = new Piece(Arrays.copyOf(members, count), (float) (sum / count), bx0, by0, bx1, by1);
			if (core) n = addPiece(piece, n, labels, conf, softMasks ? soft : null, fg, w, h);
			else spots.add(piece);
		}
		// spots last, so that they are the highest labels (the object-diameter estimate leaves them out)
		for (Piece piece : spots) n = addPiece(piece, n, labels, conf, softMasks ? soft : null, fg, w, h);
		if (n == in.count()) return new Result(in, 0);
		float[] c = new float[n];
		for (int i = 0; i < n; i++) c[i] = conf.get(i);
		return new Result(new Instances(w, h, labels, c, softMasks ? soft.toArray(new Instances.SoftMask[0]) : null), spots.size());
	}
}
