package sc.fiji.ris.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Partly annotated images on tiny arrays: outside the region labels say "not annotated", crops keep that (also in
 * their padding), an instance cut by the region's edge keeps its inside part, and hiding blanks exactly the pixels
 * that are not annotated.
 */
class AnnotatedRegionTest {

	private static final int N = LabeledImage.NOT_ANNOTATED;

	/** 4x3: instance 5 in columns 1-2 of rows 0-1 (cut by a region of columns 0-1), instance 7 at (3, 2). */
	private static LabeledImage image() {
		float[] px = new float[12];
		for (int i = 0; i < 12; i++) px[i] = i + 1;
		int[] labels = { 0, 5, 5, 0, //
				0, 5, 5, 0, //
				0, 0, 0, 7 };
		return new LabeledImage("tiny", 4, 3, px, labels);
	}

	@Test
	void outsideTheRegionNothingIsAnnotatedAndACutInstanceKeepsItsInsidePart() {
		LabeledImage r = AnnotatedRegion.restrict(image(), AnnotatedRegion.rectangle(4, 3, 0, 0, 2, 3));
		assertArrayEquals(new int[] { 0, 5, N, N, 0, 5, N, N, 0, 0, N, N }, r.labels());
		assertTrue(AnnotatedRegion.isPartial(r));
		assertArrayEquals(new int[] { 0, 1, 4, 5, 8, 9 }, AnnotatedRegion.annotatedPixels(r));
		LabeledImage whole = image();
		assertSame(whole, AnnotatedRegion.restrict(whole, AnnotatedRegion.rectangle(4, 3, -5, -5, 50, 50)), "a region that covers the image changes nothing");
		assertThrows(IllegalArgumentException.class, () -> AnnotatedRegion.restrict(image(), new boolean[12]));
	}

	@Test
	void cropsKeepWhatIsNotAnnotatedAlsoInTheirPadding() {
		LabeledImage r = AnnotatedRegion.restrict(image(), AnnotatedRegion.rectangle(4, 3, 0, 0, 2, 3));
		// a 5x5 crop at (-1, -1): one column and row of padding on the left and top, more on the right and bottom
		LabeledImage c = new CropSampler(5, Augmentation.NONE, 1).crop(r, -1, -1);
		assertArrayEquals(new int[] { N, N, N, N, N, //
				N, 0, 1, N, N, //
				N, 0, 1, N, N, //
				N, 0, 0, N, N, //
				N, N, N, N, N }, c.labels(), "instance 5 renumbered 1, the padding of a partly annotated image not annotated");
		LabeledImage plain = new CropSampler(5, Augmentation.NONE, 1).crop(image(), -1, -1);
		assertEquals(0, plain.labels()[0], "the padding of a fully annotated image stays background, as before");
		assertTrue(AnnotatedRegion.hide(c));
		for (int i = 0; i < 25; i++) {
			assertEquals(c.labels()[i] < 0, c.pixels()[i] == 0, "pixel " + i + " is blank exactly where it is not annotated");
			assertEquals(c.labels()[i] < 0 ? 0f : 1f, AnnotatedRegion.weights(c)[i]);
		}
		assertFalse(AnnotatedRegion.hide(plain), "nothing to hide in a fully annotated crop");
	}

	@Test
	void sizesAndOutlinesIgnoreWhatIsNotAnnotated() {
		LabeledImage r = AnnotatedRegion.restrict(image(), AnnotatedRegion.rectangle(4, 3, 0, 0, 2, 3));
		assertEquals(Math.sqrt(4 * 2 / Math.PI), InstanceSizes.medianDiameter(List.of(r)), 1e-9, "instance 5 has 2 annotated pixels");
		assertEquals(1, InstanceSizes.smallObjects(List.of(r), 2).size());
		// instance 5's annotated pixels have outline edges to background on the left and bottom only: 2 + 1
		assertArrayEquals(new long[] { 3, 0 }, InstanceSizes.outlineEdges(r.labels(), 4, 3));
	}
}
