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
	void smallObjectsAreThoseBelowAFractionOfTheMedianAreaEachAtOneOfItsPixels() {
		// areas 9 (labels 1, 2, 3), 1 (label 4) and 2 (label 5, two pixels whose centroid lies between them)
		LabeledImage im = image(12, 5,
				1, 1, 1, 0, 2, 2, 2, 0, 3, 3, 3, 0,
				1, 1, 1, 0, 2, 2, 2, 0, 3, 3, 3, 0,
				1, 1, 1, 0, 2, 2, 2, 0, 3, 3, 3, 0,
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				4, 0, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0);
		// with ALONE's square (area 4) the median area is 6.5: areas 1 and 2 lie below half of it, 4 and 9 do not
		List<int[]> small = InstanceSizes.smallObjects(List.of(ALONE, im), 0.5);
		assertEquals(2, small.size());
		for (int[] o : small) {
			assertEquals(1, o[0], "both are in the second image");
			assertTrue(im.labels()[o[2] * 12 + o[1]] >= 4, "a pixel of the object: " + o[1] + "," + o[2]);
		}
		assertEquals(0, InstanceSizes.smallObjects(List.of(PAIR), 0.5).size(), "objects of one size are none of them small");
		assertEquals(0, InstanceSizes.smallObjects(List.of(image(2, 2, 0, 0, 0, 0)), 0.5).size(), "no objects");
	}

	@Test
	void eachSeamBetweenTouchingObjectsGivesOnePointOnItsLowerLabelledSide() {
		// 1 and 2 share a 3-pixel seam; two pixels of 2 touch 3, (2, 2) and (3, 1); 4 touches 3 only diagonally; 5 is alone
		LabeledImage im = image(8, 5,
				1, 1, 2, 2, 0, 0, 0, 5,
				1, 1, 2, 2, 0, 0, 0, 0,
				1, 1, 2, 3, 3, 0, 0, 0,
				0, 0, 0, 3, 3, 0, 0, 0,
				0, 0, 0, 0, 0, 4, 0, 0);
		List<int[]> pairs = InstanceSizes.touchingPairs(List.of(ALONE, im));
		assertEquals(2, pairs.size());
		for (int[] p : pairs) assertEquals(1, p[0], "both seams are in the second image");
		assertArrayEquals(new int[] { 1, 1, 1 }, pairs.get(0), "the middle of the 1-2 seam, on label 1's side");
		assertArrayEquals(new int[] { 1, 3, 1 }, pairs.get(1), "of two pixels as near the mean, the first in row order");
		assertEquals(1, InstanceSizes.touchingPairs(List.of(PAIR)).size());
		// (4, 1) touches 2 on its right and above (and 3 below): one seam pixel of four, whose mean x is 2.5, so (2, 1)
		// is as near as (3, 1) and comes first; counted twice, the mean would be 2.8 and (3, 1) the nearest
		LabeledImage twoSides = image(6, 3,
				0, 0, 0, 0, 2, 2,
				0, 1, 1, 1, 1, 2,
				0, 2, 2, 2, 3, 0);
		assertArrayEquals(new int[] { 0, 2, 1 }, InstanceSizes.touchingPairs(List.of(twoSides)).get(0));
		assertEquals(0, InstanceSizes.touchingPairs(List.of(image(2, 2, 0, 0, 0, 0))).size(), "no objects");
	}

	@Test
	void theMedianDiameterIsThatOfTheMedianObjectsArea() {
		double d = InstanceSizes.medianDiameter(List.of(PAIR, ALONE));
		assertEquals(Math.sqrt(16 / Math.PI), d, 1e-12);
		assertTrue(Double.isNaN(InstanceSizes.medianDiameter(List.of(image(2, 2, 0, 0, 0, 0)))));
	}
}
