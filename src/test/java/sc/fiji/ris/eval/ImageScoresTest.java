package sc.fiji.ris.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImageScoresTest {

	private static final double EPS = 1e-12;

	/*
	 * The main hand-made 8x8 case. Ground truth:
	 *   g1 = 3x3 block, rows 0-2, cols 0-2: 9 px
	 *   g2 = 2x2 block, rows 4-5, cols 4-5: 4 px
	 *   g3 = row 7, cols 0-3: 4 px (nothing predicted there)
	 */
	static final int[] GT = {
		1, 1, 1, 0, 0, 0, 0, 0,
		1, 1, 1, 0, 0, 0, 0, 0,
		1, 1, 1, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 2, 2, 0, 0,
		0, 0, 0, 0, 2, 2, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		3, 3, 3, 3, 0, 0, 0, 0,
	};

	/*
	 * Prediction:
	 *   p1 = rows 0-1 of g1: 6 px, inside g1.   IoU(p1,g1) = 6/9 = 2/3, Dice = 12/15 = 0.8
	 *   p4 = row 2 of g1: 3 px, inside g1.      IoU(p4,g1) = 3/9 = 1/3, Dice = 6/12 = 0.5
	 *   p2 = g2 plus (4,6): 5 px.               IoU(p2,g2) = 4/5 = 0.8, Dice = 8/9
	 *   p3 = row 7, cols 6-7: 2 px, overlaps nothing.
	 */
	static final int[] PRED = {
		1, 1, 1, 0, 0, 0, 0, 0,
		1, 1, 1, 0, 0, 0, 0, 0,
		4, 4, 4, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 2, 2, 2, 0,
		0, 0, 0, 0, 2, 2, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 3, 3,
	};

	@Test
	void handCountedEightByEight() {
		final ImageScores s = ImageScores.compute("a", PRED, GT);
		assertEquals("a", s.name());
		assertEquals(4, s.numPredictions());
		assertEquals(3, s.numGroundTruths());
		// Matched at 0.5: p2-g2 (0.8) and p1-g1 (2/3); p4-g1 (1/3) is too low.
		assertArrayEquals(new double[] { 0.8, 2.0 / 3 }, s.matchedIous(), EPS);
		assertEquals(0.8 + 2.0 / 3, s.matchedIouSum(), EPS);
		// tau 0.5..0.65: both pairs; 0.7..0.8: only the 0.8 pair (0.8 >= 0.8 counts); 0.85, 0.9: none.
		final int[] tp = { 2, 2, 2, 2, 1, 1, 1, 0, 0 };
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			assertEquals(tp[k], s.tp(k), "tp at " + k);
			assertEquals(4 - tp[k], s.fp(k), "fp at " + k);
			assertEquals(3 - tp[k], s.fn(k), "fn at " + k);
		}
		// BestDice(P,G) = (0.8 [p1] + 0.5 [p4] + 8/9 [p2] + 0 [p3]) / 4
		assertEquals((0.8 + 0.5 + 8.0 / 9) / 4, s.bestDicePredToGt(), EPS);
		// BestDice(G,P) = (0.8 [g1: max(0.8, 0.5)] + 8/9 [g2] + 0 [g3]) / 3
		assertEquals((0.8 + 8.0 / 9) / 3, s.bestDiceGtToPred(), EPS);
		// SBD = the smaller: 0.5472... < 0.5630...
		assertEquals((0.8 + 0.5 + 8.0 / 9) / 4, s.sbd(), EPS);
		assertEquals(1, s.dic());
		// Coverage: g1 -> 2/3, g2 -> 0.8, g3 -> 0. MUCov = (2/3 + 0.8) / 3; MWCov = (9*2/3 + 4*0.8 + 4*0) / 17
		assertTrue(s.hasCoverage());
		assertEquals((2.0 / 3 + 0.8) / 3, s.mucov(), EPS);
		assertEquals(9.2 / 17, s.mwcov(), EPS);
		// p3 and g3 overlap nothing.
		assertEquals(1, s.fpZeroIou());
		assertEquals(1, s.fnZeroIou());
	}

	@Test
	void nonConsecutiveAndLargeIdsScoreTheSame() {
		// Same images, ids remapped: gt 1->65535, 2->7, 3->1000000; pred 1->2, 2->40000, 3->MAX, 4->1.
		final int[] gt = remap(GT, new int[] { 0, 65535, 7, 1_000_000 });
		final int[] pred = remap(PRED, new int[] { 0, 2, 40000, Integer.MAX_VALUE, 1 });
		assertSame(ImageScores.compute("a", PRED, GT), ImageScores.compute("b", pred, gt));
	}

	@Test
	void sortedContingencyPathScoresTheSame() {
		// A dense table limit of 0 forces the sort-based overlap count used for thousands of instances.
		assertSame(ImageScores.compute("a", PRED, GT), ImageScores.compute("a", PRED, GT, 0));
	}

	@Test
	void emptyPrediction() {
		final int[] gt = {
			0, 5, 5, 0,
			0, 5, 5, 0,
			9, 0, 0, 0,
			9, 0, 0, 0,
		};
		final ImageScores s = ImageScores.compute("e", new int[16], gt);
		assertEquals(0, s.numPredictions());
		assertEquals(2, s.numGroundTruths());
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			assertEquals(0, s.tp(k));
			assertEquals(0, s.fp(k));
			assertEquals(2, s.fn(k));
		}
		// One side empty: BestDice 0 both ways, SBD 0.
		assertEquals(0, s.bestDicePredToGt());
		assertEquals(0, s.bestDiceGtToPred());
		assertEquals(0, s.sbd());
		assertEquals(-2, s.dic());
		assertTrue(s.hasCoverage());
		assertEquals(0, s.mucov());
		assertEquals(0, s.mwcov());
		assertEquals(0, s.fpZeroIou());
		assertEquals(2, s.fnZeroIou());
		assertEquals(0, s.matchedIous().length);
	}

	@Test
	void emptyGroundTruth() {
		final int[] pred = {
			3, 3, 0, 0,
			0, 0, 0, 0,
			0, 0, 0, 8,
			0, 0, 8, 8,
		};
		final ImageScores s = ImageScores.compute("e", pred, new int[16]);
		assertEquals(2, s.numPredictions());
		assertEquals(0, s.numGroundTruths());
		assertEquals(0, s.tp(0));
		assertEquals(2, s.fp(0));
		assertEquals(0, s.fn(0));
		assertEquals(0, s.sbd());
		assertEquals(2, s.dic());
		// Coverage undefined without ground truth.
		assertFalse(s.hasCoverage());
		assertEquals(0, s.mucov());
		assertEquals(0, s.mwcov());
		assertEquals(2, s.fpZeroIou());
		assertEquals(0, s.fnZeroIou());
	}

	@Test
	void bothEmpty() {
		final ImageScores s = ImageScores.compute("e", new int[9], new int[9]);
		assertEquals(0, s.tp(0));
		assertEquals(0, s.fp(0));
		assertEquals(0, s.fn(0));
		// BestDice of two empty sets is 1 by definition.
		assertEquals(1, s.bestDicePredToGt());
		assertEquals(1, s.bestDiceGtToPred());
		assertEquals(1, s.sbd());
		assertEquals(0, s.dic());
		assertFalse(s.hasCoverage());
		assertEquals(0, s.fpZeroIou());
		assertEquals(0, s.fnZeroIou());
		// Zero pixels at all is allowed too.
		assertEquals(1, ImageScores.compute("z", new int[0], new int[0]).sbd());
	}

	@Test
	void exactlyHalfIouMatchesOnlyOnce() {
		// One prediction of 2 px split into two 1-px ground truths: IoU 1/2 with each. At 0.5 both pairs
		// qualify, but one-to-one matching takes just one: TP 1, FP 0, FN 1.
		final int[] pred = { 1, 1 };
		final int[] gt = { 1, 2 };
		final ImageScores s = ImageScores.compute("half", pred, gt);
		assertEquals(1, s.tp(0));
		assertEquals(0, s.fp(0));
		assertEquals(1, s.fn(0));
		assertArrayEquals(new double[] { 0.5 }, s.matchedIous(), 0);
		assertEquals(0, s.tp(1));
		// The converse: swapping the roles gives TP 1, FP 1, FN 0.
		final ImageScores t = ImageScores.compute("half", gt, pred);
		assertEquals(1, t.tp(0));
		assertEquals(1, t.fp(0));
		assertEquals(0, t.fn(0));
	}

	@Test
	void thresholdBoundariesAreInclusive() {
		// gt 20 px; pred covers 11 of them and nothing else: IoU 11/20 = 0.55 exactly, matched at 0.55.
		final int[] gt = new int[20];
		final int[] pred = new int[20];
		java.util.Arrays.fill(gt, 1);
		for (int i = 0; i < 11; i++) pred[i] = 1;
		final ImageScores s = ImageScores.compute("b", pred, gt);
		assertEquals(1, s.tp(1));
		assertEquals(0, s.tp(2));
		// 18/20 = 0.9: matched at every threshold including the last.
		for (int i = 11; i < 18; i++) pred[i] = 1;
		final ImageScores u = ImageScores.compute("b", pred, gt);
		assertEquals(1, u.tp(8));
	}

	@Test
	void thresholdsAreHalfToNinetyInStepsOfFive() {
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) assertEquals(0.5 + 0.05 * k, ImageScores.threshold(k), 1e-15);
		assertEquals(0.9, ImageScores.threshold(8), 1e-15);
		assertThrows(IndexOutOfBoundsException.class, () -> ImageScores.threshold(9));
		assertThrows(IndexOutOfBoundsException.class, () -> ImageScores.threshold(-1));
	}

	@Test
	void refusesBadInput() {
		assertThrows(IllegalArgumentException.class, () -> ImageScores.compute("x", new int[4], new int[5]));
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> ImageScores.compute("x", new int[] { 0, 1, -3 }, new int[3]));
		assertTrue(e.getMessage().contains("-3"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> ImageScores.compute("x", new int[3], new int[] { -1, 0, 0 }));
		assertThrows(NullPointerException.class, () -> ImageScores.compute("x", null, new int[3]));
	}

	/** Ground truth on a 40 x 10 strip: rectangles [x0, x1) of full height. */
	private static int[] strip(int[][] boxes) {
		final int[] l = new int[40 * 10];
		for (int i = 0; i < boxes.length; i++)
			for (int y = 0; y < 10; y++)
				for (int x = boxes[i][0]; x < boxes[i][1]; x++) l[y * 40 + x] = boxes[i].length > 2 ? boxes[i][2] : i + 1;
		return l;
	}

	@Test
	void unmatchedInstancesAreClassifiedByWhatWentWrong() {
		// ground truth, full-height bands of a 40 x 10 image: A [0,6) B [6,12) C [14,20) D [22,28) E [30,31) (small)
		// F [34,38)
		final int[] gt = strip(new int[][] { { 0, 6 }, { 6, 12 }, { 14, 20 }, { 22, 28 }, { 30, 31 }, { 34, 38 } });
		// predictions: 1 over A and B (merged), 2, 3, 7 three pieces of C (split), none on D and E (missed), 4 covering
		// F but more than twice its size (inexact), 5 and 6 in the background
		final int[] pred = strip(new int[][] { { 0, 13, 1 }, { 13, 14, 6 }, { 14, 16, 2 }, { 16, 18, 3 }, { 18, 20, 7 }, { 28, 30, 5 }, { 31, 40, 4 } });
		final ImageScores s = ImageScores.compute("kinds", pred, gt);
		assertEquals(0, s.tp(0));
		final int[] e = s.errors();
		assertEquals(2, e[ImageScores.FN_MERGED], "A and B");
		assertEquals(1, e[ImageScores.FN_SPLIT], "C");
		assertEquals(2, e[ImageScores.FN_MISSED], "D and E");
		assertEquals(1, e[ImageScores.FN_INEXACT], "F");
		assertEquals(1, e[ImageScores.FN_SMALL], "E: 10 pixels against a median of 60");
		assertEquals(s.fn(0), e[0] + e[1] + e[2] + e[3]);
		assertEquals(3, e[ImageScores.FP_BACKGROUND], "4 (mostly outside F), 5, 6");
		assertEquals(3, e[ImageScores.FP_INSIDE], "the pieces of C");
		assertEquals(1, e[ImageScores.FP_OTHER], "the merge");
		assertEquals(s.fp(0), e[5] + e[6] + e[7]);
	}

	@Test
	void aPerfectPredictionHasNoErrors() {
		final int[] gt = strip(new int[][] { { 0, 6 }, { 6, 12 }, { 14, 20 } });
		assertArrayEquals(new int[ImageScores.ERROR_KINDS], ImageScores.compute("same", gt, gt).errors());
	}

	@Test
	void matchedIousIsACopy() {
		final ImageScores s = ImageScores.compute("a", PRED, GT);
		s.matchedIous()[0] = 42;
		assertEquals(0.8, s.matchedIous()[0], EPS);
	}

	static int[] remap(int[] labels, int[] map) {
		final int[] out = new int[labels.length];
		for (int i = 0; i < labels.length; i++) out[i] = map[labels[i]];
		return out;
	}

	/** All scores equal (names aside). */
	static void assertSame(ImageScores expected, ImageScores actual) {
		assertEquals(expected.numPredictions(), actual.numPredictions());
		assertEquals(expected.numGroundTruths(), actual.numGroundTruths());
		assertArrayEquals(expected.matchedIous(), actual.matchedIous(), EPS);
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) assertEquals(expected.tp(k), actual.tp(k));
		assertEquals(expected.bestDicePredToGt(), actual.bestDicePredToGt(), EPS);
		assertEquals(expected.bestDiceGtToPred(), actual.bestDiceGtToPred(), EPS);
		assertEquals(expected.mucov(), actual.mucov(), EPS);
		assertEquals(expected.mwcov(), actual.mwcov(), EPS);
		assertEquals(expected.hasCoverage(), actual.hasCoverage());
		assertEquals(expected.fpZeroIou(), actual.fpZeroIou());
		assertEquals(expected.fnZeroIou(), actual.fnZeroIou());
		assertArrayEquals(expected.errors(), actual.errors());
	}
}
