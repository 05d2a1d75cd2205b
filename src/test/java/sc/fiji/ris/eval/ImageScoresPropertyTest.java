package sc.fiji.ris.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import sc.fiji.ris.loss.HungarianAssignment;

class ImageScoresPropertyTest {

	private static final double EPS = 1e-12;

	@Test
	void predictionEqualToGroundTruthScoresOne() {
		final Random random = new Random(11);
		for (int rep = 0; rep < 200; rep++) {
			final int w = 5 + random.nextInt(30);
			final int h = 5 + random.nextInt(30);
			final int[] gt = randomLabels(random, w, h, random.nextInt(12));
			final ImageScores s = ImageScores.compute("same", gt, gt);
			final int n = s.numGroundTruths();
			assertEquals(n, s.numPredictions());
			for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
				assertEquals(n, s.tp(k));
				assertEquals(0, s.fp(k));
				assertEquals(0, s.fn(k));
			}
			assertEquals(1, s.sbd(), EPS);
			assertEquals(0, s.dic());
			assertEquals(0, s.fpZeroIou());
			assertEquals(0, s.fnZeroIou());
			for (double iou : s.matchedIous()) assertEquals(1, iou, 0);
			if (n > 0) {
				assertEquals(1, s.mucov(), EPS);
				assertEquals(1, s.mwcov(), EPS);
			}
			final Evaluation e = new Evaluation();
			e.add(s);
			final EvaluationResult r = e.result();
			for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
				assertEquals(1, r.precision(k), EPS);
				assertEquals(1, r.recall(k), EPS);
				assertEquals(1, r.f1(k), EPS);
				assertEquals(1, r.accuracy(k), EPS);
			}
			assertEquals(1, r.meanF1(), EPS);
			assertEquals(1, r.meanMatchedIou(), EPS);
			assertEquals(1, r.pq(), EPS);
			assertEquals(1, r.sbd(), EPS);
			assertEquals(1, r.mucov(), EPS);
			assertEquals(1, r.mwcov(), EPS);
			assertEquals(0, r.absDic(), EPS);
		}
	}

	@Test
	void swappingPredictionAndGroundTruthSwapsFpAndFn() {
		final Random random = new Random(12);
		for (int rep = 0; rep < 300; rep++) {
			final int w = 4 + random.nextInt(25);
			final int h = 4 + random.nextInt(25);
			final int[] a = randomLabels(random, w, h, random.nextInt(10));
			final int[] b = perturb(random, a, w, h);
			final ImageScores s = ImageScores.compute("ab", a, b);
			final ImageScores t = ImageScores.compute("ba", b, a);
			assertEquals(s.numPredictions(), t.numGroundTruths());
			for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
				assertEquals(s.tp(k), t.tp(k));
				assertEquals(s.fp(k), t.fn(k));
				assertEquals(s.fn(k), t.fp(k));
			}
			assertEquals(s.bestDicePredToGt(), t.bestDiceGtToPred(), EPS);
			assertEquals(s.bestDiceGtToPred(), t.bestDicePredToGt(), EPS);
			assertEquals(s.sbd(), t.sbd(), EPS);
			assertEquals(s.dic(), -t.dic());
			assertEquals(s.fpZeroIou(), t.fnZeroIou());
			assertEquals(s.fnZeroIou(), t.fpZeroIou());
			assertArrayEquals(s.matchedIous(), t.matchedIous(), EPS);
		}
	}

	@Test
	void agreesWithANaiveReference() {
		final Random random = new Random(13);
		for (int rep = 0; rep < 300; rep++) {
			final int w = 3 + random.nextInt(20);
			final int h = 3 + random.nextInt(20);
			final int[] gt = randomLabels(random, w, h, random.nextInt(9));
			// Half the time an unrelated prediction, half the time a perturbed copy (more matches).
			final int[] pred = random.nextBoolean() ? randomLabels(random, w, h, random.nextInt(9)) : perturb(random, gt, w, h);
			final ImageScores s = ImageScores.compute("r", pred, gt);
			final ImageScores viaSort = ImageScores.compute("r", pred, gt, 0);
			ImageScoresTest.assertSame(s, viaSort);
			checkAgainstReference(pred, gt, s);
		}
	}

	@Test
	void scoresA696x520ImageWith120InstancesQuickly() {
		final int w = 696;
		final int h = 520;
		// 12 x 10 grid of 58 x 52 cells, a 50 x 44 blob in each; the prediction is shifted by 3 px and uses large ids.
		final int[] gt = new int[w * h];
		final int[] pred = new int[w * h];
		int id = 0;
		for (int cy = 0; cy < 10; cy++) {
			for (int cx = 0; cx < 12; cx++) {
				id++;
				for (int y = cy * 52 + 4; y < cy * 52 + 48; y++) {
					for (int x = cx * 58 + 4; x < cx * 58 + 54; x++) {
						gt[y * w + x] = id;
						pred[(y + 3) * w + x + 3] = 60000 + 7 * id;
					}
				}
			}
		}
		ImageScores s = null;
		for (int i = 0; i < 100; i++) s = ImageScores.compute("big", pred, gt);
		final int runs = 50;
		final long start = System.nanoTime();
		for (int i = 0; i < runs; i++) s = ImageScores.compute("big", pred, gt);
		final double ms = (System.nanoTime() - start) / 1e6 / runs;
		System.out.printf(java.util.Locale.ROOT, "696x520, 120 vs 120 instances: %.2f ms per image%n", ms);
		// Overlap 47 x 41 of 50 x 44 each: IoU = 1927 / (2 * 2200 - 1927) = 0.779..
		assertEquals(120, s.tp(0));
		assertEquals(120, s.tp(5));
		assertEquals(0, s.tp(6));
		assertEquals(1927.0 / (4400 - 1927), s.matchedIous()[0], EPS);
		// A few ms on a quiet machine; the bound leaves room for a loaded one.
		assertTrue(ms < 100, ms + " ms");
	}

	@Test
	void manyInstancesThroughTheHashAndTheSortPath() {
		// 40 x 40 single-pixel instances with scattered ids: 1600 x 1600 cells exceeds the dense limit.
		final Random random = new Random(14);
		final int w = 80;
		final int h = 80;
		final int[] gt = new int[w * h];
		final int[] pred = new int[w * h];
		for (int y = 0; y < h; y += 2) {
			for (int x = 0; x < w; x += 2) {
				final int id = 1 + random.nextInt(Integer.MAX_VALUE - 1);
				gt[y * w + x] = id;
				gt[y * w + x + 1] = id;
				// The prediction covers the left pixel only: IoU 1/2 with its own instance.
				pred[y * w + x] = id ^ 0x5555;
			}
		}
		final ImageScores s = ImageScores.compute("many", pred, gt);
		ImageScoresTest.assertSame(s, ImageScores.compute("many", pred, gt, Integer.MAX_VALUE));
		assertTrue(s.numGroundTruths() > 1500);
		assertEquals(s.numGroundTruths(), s.tp(0));
		assertEquals(0, s.tp(1));
		assertEquals(0.5, s.mucov(), EPS);
		assertEquals(2.0 / 3, s.sbd(), EPS);
	}

	/** Recomputes everything by looping over pairs and pixels, with Hungarian matching on IoU >= tau. */
	private static void checkAgainstReference(int[] pred, int[] gt, ImageScores s) {
		final int[] pIds = Arrays.stream(pred).filter(v -> v > 0).distinct().sorted().toArray();
		final int[] gIds = Arrays.stream(gt).filter(v -> v > 0).distinct().sorted().toArray();
		final int nP = pIds.length;
		final int nG = gIds.length;
		assertEquals(nP, s.numPredictions());
		assertEquals(nG, s.numGroundTruths());
		final double[][] iou = new double[nP][nG];
		final double[][] dice = new double[nP][nG];
		final int[] gSize = new int[nG];
		for (int j = 0; j < nG; j++) for (int v : gt) if (v == gIds[j]) gSize[j]++;
		for (int i = 0; i < nP; i++) {
			for (int j = 0; j < nG; j++) {
				int inter = 0;
				int a = 0;
				int b = 0;
				for (int px = 0; px < pred.length; px++) {
					final boolean inP = pred[px] == pIds[i];
					final boolean inG = gt[px] == gIds[j];
					if (inP) a++;
					if (inG) b++;
					if (inP && inG) inter++;
				}
				iou[i][j] = (double) inter / (a + b - inter);
				dice[i][j] = 2.0 * inter / (a + b);
			}
		}
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			// Maximum cardinality matching among pairs with IoU >= tau (the StarDist definition).
			final double tau = ImageScores.threshold(k) - 1e-9;
			int tp = 0;
			if (nP > 0 && nG > 0) {
				final double[][] ok = new double[nP][nG];
				for (int i = 0; i < nP; i++) for (int j = 0; j < nG; j++) ok[i][j] = iou[i][j] >= tau ? 1 : 0;
				final int[] match = HungarianAssignment.maximize(ok);
				for (int i = 0; i < nP; i++) if (match[i] >= 0 && ok[i][match[i]] == 1) tp++;
			}
			assertEquals(tp, s.tp(k), "tp at " + k);
		}
		final double[] bestP = new double[nP];
		final double[] bestG = new double[nG];
		final double[] covG = new double[nG];
		for (int i = 0; i < nP; i++) {
			for (int j = 0; j < nG; j++) {
				bestP[i] = Math.max(bestP[i], dice[i][j]);
				bestG[j] = Math.max(bestG[j], dice[i][j]);
				covG[j] = Math.max(covG[j], iou[i][j]);
			}
		}
		final double bdPG = nP == 0 ? (nG == 0 ? 1 : 0) : Arrays.stream(bestP).sum() / nP;
		final double bdGP = nG == 0 ? (nP == 0 ? 1 : 0) : Arrays.stream(bestG).sum() / nG;
		assertEquals(bdPG, s.bestDicePredToGt(), EPS);
		assertEquals(bdGP, s.bestDiceGtToPred(), EPS);
		assertEquals(Math.min(bdPG, bdGP), s.sbd(), EPS);
		assertEquals(Arrays.stream(bestP).filter(d -> d == 0).count(), s.fpZeroIou());
		assertEquals(Arrays.stream(bestG).filter(d -> d == 0).count(), s.fnZeroIou());
		if (nG > 0) {
			assertEquals(Arrays.stream(covG).sum() / nG, s.mucov(), EPS);
			double weighted = 0;
			double total = 0;
			for (int j = 0; j < nG; j++) {
				weighted += gSize[j] * covG[j];
				total += gSize[j];
			}
			assertEquals(weighted / total, s.mwcov(), EPS);
		}
		// Every matched IoU is one of the pair IoUs and at least 0.5.
		for (double m : s.matchedIous()) assertTrue(m >= 0.5);
	}

	/** Random overlapping rectangles painted in turn (later ones win), with scattered ids. */
	static int[] randomLabels(Random random, int w, int h, int count) {
		final int[] labels = new int[w * h];
		for (int c = 0; c < count; c++) {
			final int id = random.nextInt(4) == 0 ? 1 + random.nextInt(Integer.MAX_VALUE - 1) : 1 + random.nextInt(70000);
			final int x0 = random.nextInt(w);
			final int y0 = random.nextInt(h);
			final int x1 = Math.min(w, x0 + 1 + random.nextInt(w / 2 + 1));
			final int y1 = Math.min(h, y0 + 1 + random.nextInt(h / 2 + 1));
			for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) labels[y * w + x] = id;
		}
		return labels;
	}

	/** A copy with instances relabelled, shifted by up to one pixel, and a few pixels flipped. */
	static int[] perturb(Random random, int[] labels, int w, int h) {
		final int dx = random.nextInt(3) - 1;
		final int dy = random.nextInt(3) - 1;
		final int salt = random.nextInt(1000);
		final int[] out = new int[labels.length];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				final int sx = x - dx;
				final int sy = y - dy;
				if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
				final int v = labels[sy * w + sx];
				out[y * w + x] = v == 0 ? 0 : (int) (((long) v * 31 + salt) % Integer.MAX_VALUE) + 1;
			}
		}
		for (int i = random.nextInt(w * h / 4 + 1); i > 0; i--) out[random.nextInt(out.length)] = random.nextInt(3) == 0 ? 0 : out[random.nextInt(out.length)];
		return out;
	}
}
