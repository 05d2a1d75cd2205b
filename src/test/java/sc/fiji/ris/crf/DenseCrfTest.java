package sc.fiji.ris.crf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sc.fiji.ris.crf.PermutohedralLatticeTest.assertSentence;

import java.util.Random;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.SyntheticNuclei;
import sc.fiji.ris.infer.Instances;

/**
 * The dense CRF on toy images: mean field recovers the truth from noisy unaries (one object, and two touching objects
 * of different brightness); a perfect segmentation of synthetic nuclei stays almost unchanged, also when a confluent
 * cluster is cut into windows; a pixel only ever takes a label whose grown box it lies in; an instance that the
 * evidence would empty keeps its input mask, one without pixels vanishes from the labels, confidences and soft
 * masks; an empty label image comes back unchanged;
 * results do not depend on thread scheduling; bad input is refused with one sentence.
 */
class DenseCrfTest {

	/** Parameters for the toy images, where intensities are 0 (background) and 0.5..1 (objects). */
	private static final CrfParameters TOY = new CrfParameters(5, 0.2, 1.5, 5, 3, 10, 0.8, 4);

	/** An image with objects of the given truth labels and brightness, plus noise. */
	private static float[] render(int[] truth, float[] brightness, double noise, long seed) {
		Random rnd = new Random(seed);
		float[] img = new float[truth.length];
		for (int i = 0; i < img.length; i++) img[i] = (truth[i] == 0 ? 0 : brightness[truth[i] - 1]) + (float) (noise * rnd.nextGaussian());
		return img;
	}

	/** Label image with axis-aligned rectangles {x0, y0, x1, y1} (inclusive) as labels 1..n. */
	private static int[] rectangles(int w, int h, int[]... rects) {
		int[] labels = new int[w * h];
		for (int k = 0; k < rects.length; k++)
			for (int y = rects[k][1]; y <= rects[k][3]; y++)
				for (int x = rects[k][0]; x <= rects[k][2]; x++) labels[y * w + x] = k + 1;
		return labels;
	}

	/** Whole-image soft masks: for each label, 0.7 on its truth pixels, 0.3 elsewhere, plus uniform noise of +-0.35. */
	private static Instances.SoftMask[] noisyMasks(int[] truth, int w, int h, int n, long seed) {
		Random rnd = new Random(seed);
		Instances.SoftMask[] masks = new Instances.SoftMask[n];
		for (int l = 1; l <= n; l++) {
			float[] v = new float[w * h];
			for (int i = 0; i < v.length; i++) v[i] = (truth[i] == l ? 0.7f : 0.3f) + (float) ((rnd.nextDouble() - 0.5) * 0.7);
			masks[l - 1] = new Instances.SoftMask(0, 0, w, h, v);
		}
		return masks;
	}

	private static float[] ones(int n) {
		float[] c = new float[n];
		java.util.Arrays.fill(c, 1f);
		return c;
	}

	/** Pixels where the soft masks' plain argmax (background if no mask reaches 0.5, else the highest) is wrong. */
	private static int plainErrors(Instances.SoftMask[] masks, int[] truth, int w) {
		int wrong = 0;
		for (int i = 0; i < truth.length; i++) {
			int best = 0;
			float top = 0.5f;
			for (int l = 1; l <= masks.length; l++)
				if (masks[l - 1].values[i] > top) {
					top = masks[l - 1].values[i];
					best = l;
				}
			if (best != truth[i]) wrong++;
		}
		return wrong;
	}

	private static int errors(int[] a, int[] b) {
		int wrong = 0;
		for (int i = 0; i < a.length; i++) if (a[i] != b[i]) wrong++;
		return wrong;
	}

	@Test
	void meanFieldRecoversOneObjectFromNoisyUnaries() {
		int w = 48, h = 40;
		int[] truth = rectangles(w, h, new int[] { 12, 10, 35, 29 });
		float[] img = render(truth, new float[] { 1 }, 0.05, 1);
		Instances.SoftMask[] masks = noisyMasks(truth, w, h, 1, 2);
		Instances in = new Instances(w, h, truth.clone(), ones(1), masks);
		Instances out = new DenseCrf(TOY).refineNormalised(img, in, null);
		assertTrue(plainErrors(masks, truth, w) > 150, "the unaries alone are noisy: " + plainErrors(masks, truth, w));
		assertTrue(errors(out.labels(), truth) <= 5, "wrong pixels after the CRF: " + errors(out.labels(), truth));
		assertEquals(1, out.count());
	}

	@Test
	void meanFieldSeparatesTwoTouchingObjects() {
		int w = 56, h = 40;
		int[] truth = rectangles(w, h, new int[] { 8, 8, 27, 31 }, new int[] { 28, 12, 47, 27 });
		float[] img = render(truth, new float[] { 0.5f, 1f }, 0.04, 3);
		Instances.SoftMask[] masks = noisyMasks(truth, w, h, 2, 4);
		Instances out = new DenseCrf(TOY).refineNormalised(img, new Instances(w, h, truth.clone(), ones(2), masks), null);
		assertTrue(plainErrors(masks, truth, w) > 300, "the unaries alone are noisy: " + plainErrors(masks, truth, w));
		assertTrue(errors(out.labels(), truth) <= 10, "wrong pixels after the CRF: " + errors(out.labels(), truth));
		assertEquals(2, out.count());
	}

	/** Intersection over union of each truth label with the same label of {@code labels}. */
	private static double[] ious(int[] truth, int[] labels, int n) {
		double[] inter = new double[n + 1], union = new double[n + 1];
		for (int i = 0; i < truth.length; i++) {
			if (truth[i] != 0 && truth[i] == labels[i]) inter[truth[i]]++;
			if (truth[i] != 0) union[truth[i]]++;
			if (labels[i] != 0 && labels[i] != truth[i]) union[labels[i]]++;
		}
		double[] iou = new double[n];
		for (int l = 1; l <= n; l++) iou[l - 1] = inter[l] / union[l];
		return iou;
	}

	@Test
	void aPerfectSegmentationStaysAlmostUnchanged() {
		for (long seed = 1; seed <= 3; seed++) {
			LabeledImage s = SyntheticNuclei.DEFAULT.generate("t", 200, 160, seed);
			Instances truth = DenseCrf.fromLabels(s.labels(), 200, 160);
			Instances out = new DenseCrf().refine(s.pixels(), s.labels(), 200, 160);
			assertEquals(truth.count(), out.count(), "no instance lost or gained");
			double[] iou = ious(truth.labels(), out.labels(), truth.count());
			double mean = java.util.Arrays.stream(iou).average().orElse(1), min = java.util.Arrays.stream(iou).min().orElse(1);
			// small dim nuclei with blurred edges may lose a rim of a pixel or two
			assertTrue(mean > 0.95 && min > 0.75, "seed " + seed + ": mean IoU with the truth " + mean + ", lowest " + min);
		}
	}

	@Test
	void aConfluentClusterIsCutIntoWindowsAndStaysUnchanged() {
		// 12 x 10 touching squares of alternating brightness: one group, too large for one solve
		int w = 180, h = 150, side = 14;
		int[] truth = new int[w * h];
		float[] bright = new float[120];
		for (int gy = 0; gy < 10; gy++)
			for (int gx = 0; gx < 12; gx++) {
				int l = gy * 12 + gx + 1;
				bright[l - 1] = (gx + gy) % 2 == 0 ? 1f : 0.55f;
				for (int y = 0; y < side; y++)
					for (int x = 0; x < side; x++) truth[(5 + gy * side + y) * w + 5 + gx * side + x] = l;
			}
		float[] img = render(truth, bright, 0.03, 5);
		DenseCrf.Stats stats = new DenseCrf.Stats();
		Instances out = new DenseCrf(TOY).refineNormalised(img, new Instances(w, h, truth.clone(), ones(120), null), stats);
		assertTrue(stats.windows >= 4, "windows: " + stats.windows);
		assertTrue(stats.maxLabels < 121, "each window carries only the instances near it: " + stats.maxLabels);
		assertEquals(120, out.count());
		assertTrue(errors(out.labels(), truth) < truth.length / 200, "changed pixels: " + errors(out.labels(), truth));
	}

	@Test
	void labelsNeverAppearFromNothing() {
		// two bright discs, only the first labelled; its soft mask claims the whole image, the second disc included
		int w = 80, h = 40;
		int[] truth = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				if (Math.hypot(x - 20, y - 20) < 10) truth[y * w + x] = 1;
				if (Math.hypot(x - 60, y - 20) < 10) truth[y * w + x] = 2;
			}
		float[] img = render(truth, new float[] { 1, 1 }, 0.02, 6);
		int[] labels = new int[w * h];
		for (int i = 0; i < labels.length; i++) labels[i] = truth[i] == 1 ? 1 : 0;
		float[] everywhere = new float[w * h];
		java.util.Arrays.fill(everywhere, 0.99f);
		Instances in = new Instances(w, h, labels, ones(1), new Instances.SoftMask[] { new Instances.SoftMask(0, 0, w, h, everywhere) });
		int m = TOY.margin(), x0 = w, y0 = h, x1 = 0, y1 = 0;
		for (int i = 0; i < labels.length; i++)
			if (labels[i] == 1) {
				x0 = Math.min(x0, i % w);
				x1 = Math.max(x1, i % w);
				y0 = Math.min(y0, i / w);
				y1 = Math.max(y1, i / w);
			}
		Instances out = new DenseCrf(TOY).refineNormalised(img, in, null);
		int grown = 0;
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				if (out.labels()[y * w + x] != 0) {
					assertTrue(x >= x0 - m && x <= x1 + m && y >= y0 - m && y <= y1 + m, "label at " + x + "," + y + " outside its grown box");
					if (labels[y * w + x] == 0) grown++;
				}
		assertTrue(grown > 0, "the instance did grow into its margin (its soft mask asks for it), just not further");
		assertEquals(1, out.count());
	}

	@Test
	void everyPixelKeepsToTheGrownBoxOfItsInstance() {
		Random rnd = new Random(7);
		for (int trial = 0; trial < 5; trial++) {
			int w = 64, h = 48;
			int[][] rects = new int[6][];
			for (int k = 0; k < rects.length; k++) {
				int x0 = rnd.nextInt(w - 12), y0 = rnd.nextInt(h - 12);
				rects[k] = new int[] { x0, y0, x0 + 4 + rnd.nextInt(8), y0 + 4 + rnd.nextInt(8) };
			}
			int[] labels = rectangles(w, h, rects);
			Instances in = DenseCrf.fromLabels(labels, w, h);
			int n = in.count();
			float[] conf = new float[n];
			for (int l = 1; l <= n; l++) conf[l - 1] = l / 100f; // identifies each instance in the output
			in = new Instances(w, h, in.labels(), conf, null);
			int[] bx0 = new int[n + 1], by0 = new int[n + 1], bx1 = new int[n + 1], by1 = new int[n + 1];
			java.util.Arrays.fill(bx0, Integer.MAX_VALUE);
			java.util.Arrays.fill(by0, Integer.MAX_VALUE);
			for (int i = 0; i < labels.length; i++) {
				int l = in.labels()[i];
				if (l == 0) continue;
				bx0[l] = Math.min(bx0[l], i % w);
				bx1[l] = Math.max(bx1[l], i % w);
				by0[l] = Math.min(by0[l], i / w);
				by1[l] = Math.max(by1[l], i / w);
			}
			float[] img = new float[w * h];
			for (int i = 0; i < img.length; i++) img[i] = rnd.nextFloat(); // intensities that say nothing: pixels move freely
			CrfParameters p = TOY.withAppearanceWeight(20).withMargin(3);
			Instances out = new DenseCrf(p).refineNormalised(img, in, null);
			for (int i = 0; i < img.length; i++) {
				int l = out.labels()[i];
				if (l == 0) continue;
				int orig = Math.round(out.confidence(l) * 100);
				int x = i % w, y = i / w;
				assertTrue(x >= bx0[orig] - 3 && x <= bx1[orig] + 3 && y >= by0[orig] - 3 && y <= by1[orig] + 3,
						"trial " + trial + ": pixel " + x + "," + y + " of instance " + orig + " lies outside its grown box");
			}
		}
	}

	@Test
	void anInstanceTheSolveWouldEmptyKeepsItsInputMask() {
		int w = 72, h = 30;
		int[] truth = rectangles(w, h, new int[] { 4, 8, 19, 21 }, new int[] { 28, 8, 43, 21 }, new int[] { 52, 8, 67, 21 });
		// the middle object is not in the image, and its soft mask says so: the solve takes all of its pixels
		int[] shown = truth.clone();
		for (int i = 0; i < shown.length; i++) if (shown[i] == 2) shown[i] = 0;
		float[] img = render(shown, new float[] { 1, 1, 1 }, 0.02, 8);
		Instances.SoftMask[] masks = new Instances.SoftMask[3];
		for (int l = 1; l <= 3; l++) {
			float[] v = new float[w * h];
			for (int i = 0; i < v.length; i++) v[i] = l == 2 ? 0.01f : truth[i] == l ? 0.95f : 0.05f;
			masks[l - 1] = new Instances.SoftMask(0, 0, w, h, v);
		}
		int[] raw = truth.clone();
		for (int i = 0; i < raw.length; i++) if (raw[i] == 2) raw[i] = i % 3 == 0 ? 1 : 0; // what such a solve leaves
		DenseCrf.keepGutted(truth, raw, 3);
		assertArrayEquals(truth, raw, "the emptied instance has its input pixels back, also those a neighbour took");
		Instances in = new Instances(w, h, truth.clone(), new float[] { 0.9f, 0.8f, 0.7f }, masks);
		Instances out = new DenseCrf(TOY).refineNormalised(img, in, null);
		assertEquals(3, out.count());
		assertArrayEquals(new float[] { 0.9f, 0.8f, 0.7f }, out.confidences());
		for (int i = 0; i < truth.length; i++) assertEquals(truth[i] == 2, out.labels()[i] == 2, "the middle instance as it came in");
		assertTrue(errors(out.labels(), truth) <= 4, "changed pixels: " + errors(out.labels(), truth));
	}

	@Test
	void anInstanceWithoutPixelsIsRemovedCleanly() {
		int w = 72, h = 30;
		int[] truth = rectangles(w, h, new int[] { 4, 8, 19, 21 }, new int[] { 52, 8, 67, 21 });
		for (int i = 0; i < truth.length; i++) if (truth[i] == 2) truth[i] = 3; // label 2 has no pixels
		float[] img = render(truth, new float[] { 1, 1, 1 }, 0.02, 8);
		Instances.SoftMask[] masks = new Instances.SoftMask[3];
		for (int l = 1; l <= 3; l++) {
			float[] v = new float[w * h];
			for (int i = 0; i < v.length; i++) v[i] = truth[i] == l ? 0.95f : 0.05f;
			masks[l - 1] = new Instances.SoftMask(0, 0, w, h, v);
		}
		Instances out = new DenseCrf(TOY).refineNormalised(img, new Instances(w, h, truth.clone(), new float[] { 0.9f, 0.8f, 0.7f }, masks), null);
		assertEquals(2, out.count());
		assertArrayEquals(new float[] { 0.9f, 0.7f }, out.confidences());
		assertSame(masks[0], out.softMask(1));
		assertSame(masks[2], out.softMask(2));
		int[] expected = truth.clone();
		for (int i = 0; i < expected.length; i++) if (expected[i] == 3) expected[i] = 2;
		assertTrue(errors(out.labels(), expected) <= 4, "changed pixels: " + errors(out.labels(), expected));
		for (int l : out.labels()) assertTrue(l >= 0 && l <= 2);
	}

	@Test
	void anEmptyLabelImageComesBackUnchanged() {
		float[] img = render(new int[30 * 20], new float[0], 0.1, 9);
		Instances out = new DenseCrf().refine(img, new int[30 * 20], 30, 20);
		assertEquals(0, out.count());
		assertArrayEquals(new int[30 * 20], out.labels());
		Instances empty = Instances.empty(30, 20);
		assertSame(empty, new DenseCrf().refine(img, empty));
	}

	@Test
	void labelsFromElsewhereNeedNotBeConsecutive() {
		int w = 40, h = 20;
		int[] labels = rectangles(w, h, new int[] { 2, 2, 12, 12 }, new int[] { 20, 4, 30, 14 });
		for (int i = 0; i < labels.length; i++) if (labels[i] == 1) labels[i] = 70000;
		float[] img = new float[w * h];
		for (int i = 0; i < img.length; i++) img[i] = labels[i] == 0 ? 100 : 1000;
		Instances out = new DenseCrf().refine(img, labels, w, h);
		assertEquals(2, out.count());
		assertEquals(2, out.labels()[2 * w + 2], "70000 comes after 2");
		assertEquals(1, out.labels()[4 * w + 20]);
	}

	@Test
	void resultsDoNotDependOnThreadScheduling() {
		LabeledImage s = SyntheticNuclei.DEFAULT.generate("t", 256, 200, 11);
		int[] a = new DenseCrf().refine(s.pixels(), s.labels(), 256, 200).labels();
		for (int k = 0; k < 3; k++) assertArrayEquals(a, new DenseCrf().refine(s.pixels(), s.labels(), 256, 200).labels());
	}

	@Test
	void refusesBadInput() {
		DenseCrf crf = new DenseCrf();
		assertSentence(assertThrows(IllegalArgumentException.class, () -> crf.refine(new float[20], new int[21], 5, 4)), "same size");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> crf.refine(new float[19], new int[20], 5, 4)), "same size");
		int[] negative = new int[20];
		negative[7] = -3;
		assertSentence(assertThrows(IllegalArgumentException.class, () -> crf.refine(new float[20], negative, 5, 4)), "x=2, y=1");
		CrfParameters d = CrfParameters.DEFAULTS;
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withSpatialWidth(0)), "spatial width");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withIntensityWidth(Double.NaN)), "intensity width");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withSmoothnessWidth(50)), "smoothness width");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withAppearanceWeight(-1)), "appearance weight");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withSmoothnessWeight(1000)), "smoothness weight");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withIterations(-1)), "iterations");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withLabelConfidence(1)), "label confidence");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withLabelConfidence(0.5)), "label confidence");
		assertSentence(assertThrows(IllegalArgumentException.class, () -> d.withMargin(101)), "margin");
		float[] nan = new float[20];
		nan[3] = Float.NaN;
		int[] one = new int[20];
		one[5] = 1;
		assertSentence(assertThrows(IllegalArgumentException.class, () -> crf.refine(nan, one, 5, 4)), "NaN");
	}
}
