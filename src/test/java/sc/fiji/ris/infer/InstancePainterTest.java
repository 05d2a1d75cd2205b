package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Painting soft masks into labels: emission order, priorities, largest pieces, minimum area. */
class InstancePainterTest {

	@Test
	void withoutPrioritiesTheEarlierMaskWinsAndWithPrioritiesTheStrongerClaim() {
		// a 6x1 strip: mask A covers pixels 0..3, mask B pixels 2..5; A claims 2 weakly, B claims 3 weakly
		float[] a = { 1, 1, 1, 1, 0, 0 }, b = { 0, 0, 1, 1, 1, 1 };
		float[] pa = { 0.9f, 0.9f, 0.8f, 0.2f, 0, 0 }, pb = { 0, 0, 0.3f, 0.7f, 0.9f, 0.9f };
		assertArrayEquals(new int[] { 1, 1, 1, 1, 2, 2 }, InstancePainter.paint(List.of(a, b), 6, 1, 0.5, 1, null));
		assertArrayEquals(new int[] { 1, 1, 1, 2, 2, 2 }, InstancePainter.paint(List.of(a, b), List.of(pa, pb), 6, 1, 0.5, 1, null));
		// equal claims (pixels 2 and 3): the earlier emission keeps the pixel
		float[] same = { 0, 0, 0.8f, 0.2f, 0.9f, 0.9f };
		assertArrayEquals(new int[] { 1, 1, 1, 1, 2, 2 }, InstancePainter.paint(List.of(a, b), List.of(pa, same), 6, 1, 0.5, 1, null));
	}

	@Test
	void eachInstanceKeepsItsLargestPieceAboveTheMinimumArea() {
		// mask A: pixels 0,1 and 4 (two pieces); mask B: pixel 6 only
		float[] a = { 1, 1, 0, 0, 1, 0, 0 }, b = { 0, 0, 0, 0, 0, 0, 1 };
		int[] kept = new int[2];
		assertArrayEquals(new int[] { 1, 1, 0, 0, 0, 0, 0 }, InstancePainter.paint(List.of(a, b), 7, 1, 0.5, 2, kept));
		assertEquals(0, kept[0]);
	}

	/** Parses rows of digits (one label per character) into a row-major label image. */
	private static int[] grid(String... rows) {
		int w = rows[0].length();
		int[] out = new int[w * rows.length];
		for (int y = 0; y < rows.length; y++)
			for (int x = 0; x < w; x++) out[y * w + x] = rows[y].charAt(x) - '0';
		return out;
	}

	@Test
	void holesInsideOneInstanceAreFilled() {
		int[] in = grid(
				"0000000",
				"0111110",
				"0100010",
				"0101010",
				"0111110",
				"0000000");
		int[] want = grid(
				"0000000",
				"0111110",
				"0111110",
				"0111110",
				"0111110",
				"0000000");
		int[] before = in.clone();
		assertArrayEquals(want, InstancePainter.fillHoles(in, 7, 6));
		assertArrayEquals(before, in, "the input is not changed");
	}

	@Test
	void gapsBetweenInstancesOpenGapsAndLargeEnclosuresStay() {
		// a gap enclosed by two instances, a notch open to the border, and a ring around more background than itself
		int[] twoOwners = grid(
				"11122",
				"10022",
				"11122");
		assertArrayEquals(twoOwners, InstancePainter.fillHoles(twoOwners, 5, 3));
		int[] open = grid(
				"1101",
				"1001",
				"1111");
		assertArrayEquals(open, InstancePainter.fillHoles(open, 4, 3));
		int[] ring = new int[12 * 12];
		for (int y = 0; y < 12; y++)
			for (int x = 0; x < 12; x++) ring[y * 12 + x] = x == 0 || y == 0 || x == 11 || y == 11 ? 1 : 0;
		// 44 ring pixels around 100 background pixels: a hole larger than its instance is not a hole
		assertArrayEquals(ring, InstancePainter.fillHoles(ring, 12, 12));
	}
}
