package sc.fiji.ris.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import sc.fiji.ris.UserError;
import sc.fiji.ris.infer.Instances;

/**
 * Cuts an image too large for one task into blocks and stitches their instances back, with the rule the tiles of
 * {@link sc.fiji.ris.infer.Segmenter} use: the image is split into a grid of equal <em>cores</em> of at most the block
 * size, which partition it; each block is its core grown by a margin on every side (inside the image). An instance
 * belongs to the block whose core holds its centroid, so that an object no wider than the margin lies whole inside
 * the block that keeps it, away from the block's edge; instances found whole by two blocks near a seam are removed
 * when stitching (an instance more than half of whose pixels an earlier, more confident one took is a duplicate).
 */
final class MosaicBlocks {

	private MosaicBlocks() {}

	/** One block: its extent in the image and its core. */
	record Block(int index, int x0, int y0, int width, int height, int coreX0, int coreY0, int coreX1, int coreY1) implements Serializable {
		boolean ownsCentroid(double cx, double cy) {
			return cx >= coreX0 && cx < coreX1 && cy >= coreY0 && cy < coreY1;
		}
	}

	/** The blocks of a {@code width x height} image, row by row. */
	static List<Block> plan(int width, int height, int blockSize, int margin) {
		int nx = (width + blockSize - 1) / blockSize, ny = (height + blockSize - 1) / blockSize;
		List<Block> out = new ArrayList<>();
		for (int j = 0; j < ny; j++) {
			int cy0 = (int) ((long) j * height / ny), cy1 = (int) ((long) (j + 1) * height / ny);
			for (int i = 0; i < nx; i++) {
				int cx0 = (int) ((long) i * width / nx), cx1 = (int) ((long) (i + 1) * width / nx);
				int x0 = Math.max(0, cx0 - margin), y0 = Math.max(0, cy0 - margin);
				int x1 = Math.min(width, cx1 + margin), y1 = Math.min(height, cy1 + margin);
				out.add(new Block(out.size(), x0, y0, x1 - x0, y1 - y0, cx0, cy0, cx1, cy1));
			}
		}
		return out;
	}

	/**
	 * One instance of a block, in image coordinates: its bounding box and the pixels it covers in that box (one bit
	 * each, row-major), as a block task hands it to the stitching task.
	 */
	record Piece(float confidence, int block, int x0, int y0, int width, int height, long[] bits, double centroidX, double centroidY) implements Serializable {
		boolean covers(int x, int y) {
			int i = (y - y0) * width + (x - x0);
			return (bits[i >>> 6] & (1L << (i & 63))) != 0;
		}

		int area() {
			int n = 0;
			for (long b : bits) n += Long.bitCount(b);
			return n;
		}
	}

	/** The instances of a segmented block whose centroid its core holds, as pieces in image coordinates. */
	static List<Piece> owned(Instances inst, Block b) {
		int w = inst.width(), h = inst.height(), n = inst.count();
		if (w != b.width() || h != b.height()) throw new UserError("The block's instances are " + w + "x" + h + ", expected " + b.width() + "x" + b.height() + ".");
		int[] labels = inst.labels();
		int[] minX = new int[n + 1], minY = new int[n + 1], maxX = new int[n + 1], maxY = new int[n + 1];
		long[] area = new long[n + 1];
		double[] sx = new double[n + 1], sy = new double[n + 1];
		java.util.Arrays.fill(minX, Integer.MAX_VALUE);
		java.util.Arrays.fill(minY, Integer.MAX_VALUE);
		for (int y = 0, i = 0; y < h; y++)
			for (int x = 0; x < w; x++, i++) {
				int l = labels[i];
				if (l == 0) continue;
				area[l]++;
				sx[l] += x;
				sy[l] += y;
				minX[l] = Math.min(minX[l], x);
				maxX[l] = Math.max(maxX[l], x);
				minY[l] = Math.min(minY[l], y);
				maxY[l] = Math.max(maxY[l], y);
			}
		List<Piece> out = new ArrayList<>();
		for (int l = 1; l <= n; l++) {
			if (area[l] == 0) continue;
			double cx = b.x0() + sx[l] / area[l], cy = b.y0() + sy[l] / area[l];
			if (!b.ownsCentroid(cx, cy)) continue;
			int pw = maxX[l] - minX[l] + 1, ph = maxY[l] - minY[l] + 1;
			long[] bits = new long[(pw * ph + 63) >>> 6];
			for (int y = 0; y < ph; y++)
				for (int x = 0; x < pw; x++)
					if (labels[(minY[l] + y) * w + minX[l] + x] == l) {
						int k = y * pw + x;
						bits[k >>> 6] |= 1L << (k & 63);
					}
			out.add(new Piece(inst.confidence(l), b.index(), b.x0() + minX[l], b.y0() + minY[l], pw, ph, bits, cx, cy));
		}
		return out;
	}

	/**
	 * Paints the pieces of all blocks into one label image, most confident first (ties by position, so that the
	 * result does not depend on the order the blocks arrive in): a piece more than half of whose pixels are taken is a
	 * duplicate of an earlier one and dropped, any other takes its free pixels. Labels are 1..n in painting order.
	 */
	static Instances stitch(List<Piece> pieces, int width, int height) {
		List<Piece> order = new ArrayList<>(pieces);
		order.sort(Comparator.comparingDouble((Piece p) -> -p.confidence()).thenComparingDouble(Piece::centroidY).thenComparingDouble(Piece::centroidX)
				.thenComparingInt(Piece::block));
		int[] labels = new int[Math.multiplyExact(width, height)];
		List<Float> conf = new ArrayList<>();
		for (Piece p : order) {
			int taken = 0, area = 0;
			for (int y = 0; y < p.height(); y++)
				for (int x = 0; x < p.width(); x++)
					if (p.covers(p.x0() + x, p.y0() + y)) {
						area++;
						if (labels[(p.y0() + y) * width + p.x0() + x] != 0) taken++;
					}
			if (area == 0 || 2 * taken > area) continue;
			int label = conf.size() + 1;
			conf.add(p.confidence());
			for (int y = 0; y < p.height(); y++)
				for (int x = 0; x < p.width(); x++) {
					int i = (p.y0() + y) * width + p.x0() + x;
					if (labels[i] == 0 && p.covers(p.x0() + x, p.y0() + y)) labels[i] = label;
				}
		}
		float[] c = new float[conf.size()];
		for (int i = 0; i < c.length; i++) c[i] = conf.get(i);
		return new Instances(width, height, labels, c, null);
	}
}
