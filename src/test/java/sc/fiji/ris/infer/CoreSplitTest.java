package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Cutting instances at their cores ({@link Segmenter#splitAtCores}), worked by hand on tiny label images. */
class CoreSplitTest {

	private static int[] parse(String... rows) {
		int w = rows[0].length();
		int[] a = new int[w * rows.length];
		for (int y = 0; y < rows.length; y++)
			for (int x = 0; x < w; x++) {
				char c = rows[y].charAt(x);
				a[y * w + x] = c == '.' ? 0 : c - '0';
			}
		return a;
	}

	private static float[] cores(String... rows) {
		int[] c = parse(rows);
		float[] f = new float[c.length];
		for (int i = 0; i < c.length; i++) f[i] = c[i] == 0 ? 0.1f : 0.9f;
		return f;
	}

	@Test
	void anInstanceWithTwoCoresIsCutBetweenThemAndOneWithOneCoreStays() {
		int w = 10;
		int[] labels = parse(
				"1111111.22",
				"1111111.22",
				"1111111.22");
		float[] cores = cores(
				"11...11...",
				"11...1...1",
				"..........");
		Instances in = new Instances(w, 3, labels, new float[] { 0.8f, 0.7f }, null);
		Instances out = CoreSplit.apply(in, cores, 0.5, 2);
		// instance 1: a core of 4 at the left and one of 3 at the right; each pixel goes to the nearer core along the
		// instance (ties to the core met first in scan order, the left one); instance 2's core has 1 pixel: no cut.
		// The right piece comes right after the left one; instance 2 moves up to label 3.
		assertArrayEquals(parse(
				"1111222.33",
				"1111222.33",
				"1111222.33"), out.labels());
		assertArrayEquals(new float[] { 0.8f, 0.8f, 0.7f }, out.confidences());
	}

	@Test
	void coresBelowTheThresholdOrTheAreaDoNotCount() {
		int[] labels = parse("11111", "11111");
		float[] cores = cores("1...1", "1...1");
		Instances in = new Instances(5, 2, labels, new float[] { 0.9f }, null);
		assertSame(in, CoreSplit.apply(in, cores, 0.5, 3), "cores of 2 pixels, 3 needed");
		assertSame(in, CoreSplit.apply(in, cores, 0.95, 2), "no pixel reaches 0.95");
		assertSame(in, CoreSplit.apply(in, null, 0.5, 1), "no core head");
		assertSame(in, CoreSplit.apply(in, cores, 0.5, 0), "cutting off");
		// the middle column is as near to either core: it goes to the one met first (the left one)
		assertArrayEquals(parse("11122", "11122"), CoreSplit.apply(in, cores, 0.5, 2).labels());
	}

	@Test
	void corePixelsOfAnotherInstanceDoNotJoinACoreAndSoftMasksLoseTheOtherPieces() {
		// instance 1 and 2 touch; the core at columns 2-3 straddles them: its part in 1 and its part in 2 are separate
		int[] labels = parse("1122", "1122");
		float[] cores = cores("1111", "1..1");
		float[] soft = new float[8];
		java.util.Arrays.fill(soft, 0.6f);
		Instances.SoftMask[] masks = { new Instances.SoftMask(0, 0, 4, 2, soft.clone()), new Instances.SoftMask(0, 0, 4, 2, soft.clone()) };
		Instances in = new Instances(4, 2, labels, new float[] { 0.9f, 0.8f }, masks);
		Instances out = CoreSplit.apply(in, cores, 0.5, 1);
		assertArrayEquals(parse("1122", "1122"), out.labels(), "each instance holds one core");
		int[] cut = parse("1111", "1111");
		Instances one = new Instances(4, 2, cut, new float[] { 0.9f }, new Instances.SoftMask[] { new Instances.SoftMask(0, 0, 4, 2, soft.clone()) });
		Instances two = CoreSplit.apply(one, cores("1..1", "1..1"), 0.5, 1);
		assertArrayEquals(parse("1122", "1122"), two.labels());
		assertArrayEquals(new float[] { 0.6f, 0.6f, 0, 0, 0.6f, 0.6f, 0, 0 }, two.softMask(1).values);
		assertArrayEquals(new float[] { 0, 0, 0.6f, 0.6f, 0, 0, 0.6f, 0.6f }, two.softMask(2).values);
		assertEquals(2, two.count());
	}

	@Test
	void measuringWithoutGrownPixelsLeavesOutAPieceMadeOnlyOfThemAndKeepsTheOrder() {
		int[] labels = parse("1122.33");
		boolean[] grown = { false, false, true, true, false, false, false };
		Instances in = new Instances(7, 1, labels, new float[] { 0.9f, 0.8f, 0.7f }, null);
		Instances m = MeasuredInstances.withoutPixels(in, grown);
		assertArrayEquals(parse("11...22"), m.labels());
		assertArrayEquals(new float[] { 0.9f, 0.7f }, m.confidences());
	}
}
