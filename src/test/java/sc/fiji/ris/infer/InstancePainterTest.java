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
}
