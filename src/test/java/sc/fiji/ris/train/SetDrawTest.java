package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.data.LabeledImage;

/** Training images drawn by set: each set an equal share, whatever its number of images. */
class SetDrawTest {

	@Test
	void eachSetGivesAnEqualShareAndEachOfItsImagesAnEqualShareOfThat() {
		// 2 images in set 0, 8 in set 1, interleaved
		int[] sets = { 1, 0, 1, 1, 1, 0, 1, 1, 1, 1 };
		SetDraw draw = new SetDraw(sets.length, sets);
		assertEquals(2, draw.sets());
		int[] hits = new int[sets.length];
		SplittableRandom rnd = new SplittableRandom(3);
		int n = 200_000;
		for (int i = 0; i < n; i++) hits[draw.next(rnd)]++;
		for (int i = 0; i < sets.length; i++) {
			double expected = sets[i] == 0 ? 0.25 : 0.0625;
			assertEquals(expected, hits[i] / (double) n, 0.005, "image " + i);
		}
	}

	@Test
	void oneSetDrawsAsBefore() {
		SetDraw draw = new SetDraw(7, null);
		SplittableRandom a = new SplittableRandom(11), b = new SplittableRandom(11);
		for (int i = 0; i < 1000; i++) assertEquals(b.nextInt(7), draw.next(a), "the random stream of one-set recipes");
	}

	@Test
	void setsThatDoNotFitTheImagesAreRefused() {
		assertThrows(IllegalArgumentException.class, () -> new SetDraw(3, new int[] { 0, 1 }));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SetDraw(3, new int[] { 0, 2, 2 }));
		assertTrue(e.getMessage().contains("set 2 holds no image"), e.getMessage());
	}

	/** An image holding disks of one diameter on a grid. */
	private static LabeledImage disks(int diameter) {
		int size = 120;
		int[] labels = new int[size * size];
		int l = 0;
		for (int cy = diameter; cy + diameter / 2 < size; cy += 2 * diameter)
			for (int cx = diameter; cx + diameter / 2 < size; cx += 2 * diameter) {
				l++;
				for (int y = 0; y < size; y++)
					for (int x = 0; x < size; x++)
						if ((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= diameter * diameter / 4.0) labels[y * size + x] = l;
			}
		return new LabeledImage("disks" + diameter, size, size, new float[size * size], labels);
	}

	@Test
	void theModelsDiameterIsTheGeometricMeanOfTheSetsMedians() {
		List<LabeledImage> train = new ArrayList<>(List.of(disks(10), disks(10), disks(10), disks(40)));
		double d10 = SetDraw.diameter(train.subList(0, 1), null), d40 = SetDraw.diameter(train.subList(3, 4), null);
		assertEquals(10, d10, 0.5);
		assertEquals(40, d40, 1);
		// one set: the median over all objects (here the small disks' many objects)
		assertEquals(d10, SetDraw.diameter(train, null), 1e-9);
		// two sets, the small disks and the large: between them, whatever the number of images or objects
		assertEquals(Math.sqrt(d10 * d40), SetDraw.diameter(train, new int[] { 0, 0, 0, 1 }), 1e-9);
	}
}
