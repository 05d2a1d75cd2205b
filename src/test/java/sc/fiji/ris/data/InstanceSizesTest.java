package sc.fiji.ris.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Tests of {@link InstanceSizes}: the median diameter and the shared outline of annotated objects. */
class InstanceSizesTest {

	private static LabeledImage image(int w, int h, int... labels) {
		return new LabeledImage("t", w, h, new float[w * h], labels);
	}

	/** Two 2x2 squares side by side: each shares 2 of its 8 outline edges. */
	private static final LabeledImage PAIR = image(6, 4,
			0, 0, 0, 0, 0, 0,
			0, 1, 1, 2, 2, 0,
			0, 1, 1, 2, 2, 0,
			0, 0, 0, 0, 0, 0);
	/** One 2x2 square alone. */
	private static final LabeledImage ALONE = image(4, 4,
			0, 0, 0, 0,
			0, 1, 1, 0,
			0, 1, 1, 0,
			0, 0, 0, 0);

	@Test
	void outlinesSharedByTouchingObjectsArePooledOverTheImages() {
		assertArrayEquals(new long[] { 12, 2 }, InstanceSizes.outlineEdges(PAIR.labels(), 6, 4));
		assertEquals(0.25, InstanceSizes.sharedOutline(List.of(PAIR)), 1e-12);
		assertEquals(0, InstanceSizes.sharedOutline(List.of(ALONE)), 0);
		// pooled: 4 shared edge sides of 24 outline edge sides, not the mean of the two images' fractions
		assertEquals(4.0 / 24, InstanceSizes.sharedOutline(List.of(PAIR, ALONE)), 1e-12);
		assertEquals(0, InstanceSizes.sharedOutline(List.of(image(2, 2, 0, 0, 0, 0))), 0, "no objects");
	}

	@Test
	void theImagesEdgeIsNoOutline() {
		// two columns at the image's edge: only the sides inside the image are outline
		LabeledImage corner = image(3, 2,
				1, 2, 0,
				1, 2, 0);
		assertArrayEquals(new long[] { 2, 2 }, InstanceSizes.outlineEdges(corner.labels(), 3, 2));
		assertEquals(4.0 / 6, InstanceSizes.sharedOutline(List.of(corner)), 1e-12);
	}

	@Test
	void theMedianDiameterIsThatOfTheMedianObjectsArea() {
		double d = InstanceSizes.medianDiameter(List.of(PAIR, ALONE));
		assertEquals(Math.sqrt(16 / Math.PI), d, 1e-12);
		assertTrue(Double.isNaN(InstanceSizes.medianDiameter(List.of(image(2, 2, 0, 0, 0, 0)))));
	}
}
