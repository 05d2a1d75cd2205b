package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Joining two touching parts of one convex nucleus, and not two touching nuclei. */
class FragmentMergingTest {

	private static final int W = 80, H = 40;

	/** Paints label l on the ellipse (cx, cy, rx, ry) where {@code x < cut} (label l) or {@code x >= cut} (label l + 1). */
	private static void ellipse(int[] labels, int cx, int cy, int rx, int ry, int cut, int l) {
		for (int y = 0; y < H; y++)
			for (int x = 0; x < W; x++) {
				double u = (x - cx) / (double) rx, v = (y - cy) / (double) ry;
				if (u * u + v * v <= 1) labels[y * W + x] = x < cut ? l : l + 1;
			}
	}

	private static void box(int[] labels, int x0, int y0, int x1, int y1, int l) {
		for (int y = y0; y < y1; y++)
			for (int x = x0; x < x1; x++) labels[y * W + x] = l;
	}

	private static int count(int[] labels, int l) {
		int c = 0;
		for (int v : labels) if (v == l) c++;
		return c;
	}

	@Test
	void twoHalvesOfAnEllipseBecomeOne() {
		int[] labels = new int[W * H];
		ellipse(labels, 20, 20, 14, 9, 17, 1); // labels 1 and 2, cut off-centre
		ellipse(labels, 60, 20, 12, 10, 100, 3); // label 3, whole (another nucleus, for the median)
		Instances in = new Instances(W, H, labels, new float[] { 0.6f, 0.9f, 0.8f }, null);
		Instances out = FragmentMerging.merge(in, 0.9);
		assertEquals(2, out.count());
		assertEquals(count(labels, 1) + count(labels, 2), count(out.labels(), 1), "the two halves are label 1");
		assertEquals(count(labels, 3), count(out.labels(), 2), "the other nucleus follows as label 2");
		assertEquals(0.9f, out.confidence(1), "the higher confidence");
		assertEquals(0.8f, out.confidence(2));
		assertSame(in, FragmentMerging.merge(in, 0), "0: never join");
	}

	@Test
	void anLShapedPairIsJoinedOnlyBelowItsSolidity() {
		int[] labels = new int[W * H];
		box(labels, 10, 10, 20, 22, 1); // 10 x 12
		box(labels, 20, 14, 30, 24, 2); // 10 x 10, sharing 8 pixel edges with the first
		box(labels, 50, 10, 61, 21, 3); // an unrelated square of 121 pixels
		Instances in = new Instances(W, H, labels, new float[] { 0.9f, 0.9f, 0.9f }, null);
		// union 220 pixels, convex hull 250: solidity 0.88
		assertSame(in, FragmentMerging.merge(in, 0.9));
		assertEquals(2, FragmentMerging.merge(in, 0.85).count());
	}

	@Test
	void aPairFarLargerThanTheMedianNucleusStaysApart() {
		int[] labels = new int[W * H];
		ellipse(labels, 20, 20, 18, 12, 20, 1); // two halves of a large ellipse, about 680 pixels together
		for (int k = 0; k < 3; k++) box(labels, 45 + 11 * k, 5, 53 + 11 * k, 13, 3 + k); // three 64-pixel squares
		Instances in = new Instances(W, H, labels, new float[] { 0.9f, 0.9f, 0.9f, 0.9f, 0.9f }, null);
		assertSame(in, FragmentMerging.merge(in, 0.9), "more than twice the median instance");
	}

	@Test
	void theHullOfARectangleIsTheRectangle() {
		int[] labels = new int[W * H];
		box(labels, 3, 4, 13, 9, 1);
		int[] y0 = { 0, 4 };
		int[][] left = { null, { 3, 3, 3, 3, 3 } }, right = { null, { 12, 12, 12, 12, 12 } };
		assertEquals(50, FragmentMerging.hullArea(new int[] { 1 }, y0, left, right), 1e-9);
		assertTrue(count(labels, 1) == 50);
	}
}
