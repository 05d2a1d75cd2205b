package sc.fiji.ris.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class EvaluationTest {

	private static final double EPS = 1e-12;

	/* A 4x4 image predicted perfectly: one 2x2 instance (ids differ, which does not matter). */
	private static final int[] PERFECT_GT = {
		0, 0, 0, 0,
		0, 4, 4, 0,
		0, 4, 4, 0,
		0, 0, 0, 0,
	};
	private static final int[] PERFECT_PRED = {
		0, 0, 0, 0,
		0, 1, 1, 0,
		0, 1, 1, 0,
		0, 0, 0, 0,
	};

	/* A 4x4 image without ground truth and one spurious 1-px prediction. */
	private static final int[] SPURIOUS_PRED = {
		0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 6,
	};

	@Test
	void singleImageRatios() {
		final Evaluation e = new Evaluation();
		e.add(ImageScores.compute("a", ImageScoresTest.PRED, ImageScoresTest.GT));
		final EvaluationResult r = e.result();
		assertEquals(1, r.images());
		// tau 0.5: TP 2, FP 2, FN 1.
		assertEquals(2, r.tp(0));
		assertEquals(2, r.fp(0));
		assertEquals(1, r.fn(0));
		assertEquals(0.5, r.precision(0), EPS);
		assertEquals(2.0 / 3, r.recall(0), EPS);
		assertEquals(4.0 / 7, r.f1(0), EPS);
		assertEquals(2.0 / 5, r.accuracy(0), EPS);
		// tau 0.7: TP 1, FP 3, FN 2.
		assertEquals(0.25, r.precision(4), EPS);
		assertEquals(1.0 / 3, r.recall(4), EPS);
		assertEquals(2.0 / 7, r.f1(4), EPS);
		assertEquals(1.0 / 6, r.accuracy(4), EPS);
		// tau 0.85: TP 0 with predictions present: all ratios 0.
		assertEquals(0, r.precision(7));
		assertEquals(0, r.f1(7));
		// mean F1 = (4 x 4/7 + 3 x 2/7 + 2 x 0) / 9 = 22/63
		assertEquals(22.0 / 63, r.meanF1(), EPS);
		assertEquals((2.0 / 3 + 0.8) / 2, r.meanMatchedIou(), EPS);
		// PQ = (2/3 + 0.8) / (2 + 2/2 + 1/2)
		assertEquals((2.0 / 3 + 0.8) / 3.5, r.pq(), EPS);
		assertEquals((0.8 + 0.5 + 8.0 / 9) / 4, r.sbd(), EPS);
		assertEquals(1, r.absDic(), EPS);
		assertEquals((2.0 / 3 + 0.8) / 3, r.mucov(), EPS);
		assertEquals(9.2 / 17, r.mwcov(), EPS);
		assertEquals(1, r.avgFp(), EPS);
		assertEquals(1, r.avgFn(), EPS);
	}

	@Test
	void pooledCountsButPerImageAverages() {
		final Evaluation e = new Evaluation();
		e.add(ImageScores.compute("a", ImageScoresTest.PRED, ImageScoresTest.GT));
		final ImageScores perfect = e.add("perfect", PERFECT_PRED, PERFECT_GT);
		assertEquals(1, perfect.sbd(), EPS);
		final ImageScores spurious = e.add("spurious", SPURIOUS_PRED, new int[16]);
		assertFalse(spurious.hasCoverage());
		assertEquals(3, e.size());
		final EvaluationResult r = e.result();
		assertEquals(3, r.images());
		assertEquals(List.of("a", "perfect", "spurious"), r.imageScores().stream().map(ImageScores::name).toList());
		// Pooled at 0.5: TP 2+1+0 = 3, FP 2+0+1 = 3, FN 1+0+0 = 1.
		assertEquals(3, r.tp(0));
		assertEquals(3, r.fp(0));
		assertEquals(1, r.fn(0));
		// Pooled precision 3/6, not the mean of the per-image precisions (0.5, 1, 0).
		assertEquals(0.5, r.precision(0), EPS);
		assertEquals(0.75, r.recall(0), EPS);
		assertEquals(6.0 / 10, r.f1(0), EPS);
		assertEquals(3.0 / 7, r.accuracy(0), EPS);
		// Matched IoUs pooled: 0.8, 2/3, 1.
		final double iouSum = 0.8 + 2.0 / 3 + 1;
		assertEquals(iouSum / 3, r.meanMatchedIou(), EPS);
		assertEquals(iouSum / (3 + 1.5 + 0.5), r.pq(), EPS);
		// Per-image averages: SBD (0.5472.., 1, 0), |DiC| (1, 0, 1), zero-IoU FP (1, 0, 1), FN (1, 0, 0).
		assertEquals(((0.8 + 0.5 + 8.0 / 9) / 4 + 1 + 0) / 3, r.sbd(), EPS);
		assertEquals(2.0 / 3, r.absDic(), EPS);
		assertEquals(2.0 / 3, r.avgFp(), EPS);
		assertEquals(1.0 / 3, r.avgFn(), EPS);
		// Coverage averaged over the two images that have ground truth only.
		assertEquals(((2.0 / 3 + 0.8) / 3 + 1) / 2, r.mucov(), EPS);
		assertEquals((9.2 / 17 + 1) / 2, r.mwcov(), EPS);
		assertThrows(UnsupportedOperationException.class, () -> r.imageScores().clear());
	}

	@Test
	void resultIsASnapshot() {
		final Evaluation e = new Evaluation();
		e.add("perfect", PERFECT_PRED, PERFECT_GT);
		final EvaluationResult r = e.result();
		e.add("spurious", SPURIOUS_PRED, new int[16]);
		assertEquals(1, r.images());
		assertEquals(2, e.result().images());
	}

	@Test
	void nothingAtAllScoresOne() {
		final Evaluation e = new Evaluation();
		e.add("empty1", new int[16], new int[16]);
		e.add("empty2", new int[4], new int[4]);
		final EvaluationResult r = e.result();
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			assertEquals(0, r.tp(k) + r.fp(k) + r.fn(k));
			assertEquals(1, r.precision(k));
			assertEquals(1, r.recall(k));
			assertEquals(1, r.f1(k));
			assertEquals(1, r.accuracy(k));
		}
		assertEquals(1, r.meanF1(), EPS);
		assertEquals(1, r.meanMatchedIou());
		assertEquals(1, r.pq());
		assertEquals(1, r.sbd());
		assertEquals(0, r.absDic());
		// No image has ground truth; nothing at all was found either.
		assertEquals(1, r.mucov());
		assertEquals(1, r.mwcov());
		assertEquals(0, r.avgFp());
		assertEquals(0, r.avgFn());
		assertFalse(r.toJson().contains("NaN"));
	}

	@Test
	void zeroImages() {
		final EvaluationResult r = new Evaluation().result();
		assertEquals(0, r.images());
		assertEquals(1, r.f1(0));
		assertEquals(1, r.sbd());
		assertEquals(0, r.absDic());
		assertEquals(0, r.avgFp());
		assertShape(r.toJson(), 0);
	}

	@Test
	void onlySpuriousPredictionsScoreZero() {
		final Evaluation e = new Evaluation();
		e.add("spurious", SPURIOUS_PRED, new int[16]);
		final EvaluationResult r = e.result();
		// TP 0, FP 1, FN 0: precision 0/1, recall 0/0 with something found -> 0.
		assertEquals(0, r.precision(0));
		assertEquals(0, r.recall(0));
		assertEquals(0, r.f1(0));
		assertEquals(0, r.meanMatchedIou());
		assertEquals(0, r.pq());
		assertEquals(0, r.sbd());
		// No ground truth anywhere but predictions exist: coverage 0.
		assertEquals(0, r.mucov());
		assertEquals(1, r.avgFp());
	}

	@Test
	void jsonShape() {
		final Evaluation e = new Evaluation();
		e.add(ImageScores.compute("a", ImageScoresTest.PRED, ImageScoresTest.GT));
		e.add("perfect", PERFECT_PRED, PERFECT_GT);
		final EvaluationResult r = e.result();
		final String json = r.toJson();
		assertShape(json, 2);
		// Values read back equal the getters.
		assertEquals(r.pq(), number(json, "pq"), 0);
		assertEquals(r.meanF1(), number(json, "mean_f1"), 0);
		assertEquals(r.mwcov(), number(json, "mwcov"), 0);
		assertEquals(r.sbd(), number(json, "sbd"), 0);
		assertEquals(r.bestDiceGt(), number(json, "best_dice_gt"), 0);
		assertEquals((r.imageScores().get(0).bestDiceGtToPred() + 1) / 2, r.bestDiceGt(), 1e-12);
		assertEquals((r.imageScores().get(0).bestDicePredToGt() + 1) / 2, r.bestDicePred(), 1e-12);
		assertEquals(r.bestDicePred(), number(json, "best_dice_pred"), 0);
		assertTrue(r.bestDiceGt() != r.bestDicePred(), "the two directions differ on this pair");
		assertTrue(json.contains("{\"iou\": 0.5, \"tp\": 3, \"fp\": 2, \"fn\": 1, \"precision\": 0.6, \"recall\": 0.75,"), json);
	}

	@Test
	void tableHasOneRowPerThresholdAndTheSummary() {
		final Evaluation e = new Evaluation();
		e.add(ImageScores.compute("a", ImageScoresTest.PRED, ImageScoresTest.GT));
		final String table = e.result().toTable();
		final String[] lines = table.split("\n");
		assertTrue(lines[0].matches("\\s*iou\\s+tp\\s+fp\\s+fn\\s+precision\\s+recall\\s+f1\\s+accuracy"), lines[0]);
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			assertTrue(lines[1 + k].trim().startsWith(String.format(java.util.Locale.ROOT, "%.2f", ImageScores.threshold(k))), lines[1 + k]);
			// Fixed width: every threshold row as long as the header.
			assertEquals(lines[0].length(), lines[1 + k].length(), lines[1 + k]);
		}
		assertTrue(lines[1].matches("\\s*0\\.50\\s+2\\s+2\\s+1\\s+0\\.5000\\s+0\\.6667\\s+0\\.5714\\s+0\\.4000"), lines[1]);
		for (String key : new String[] { "images", "mean_f1", "mean_matched_iou", "pq", "sbd", "best_dice_gt", "best_dice_pred", "abs_dic", "mucov", "mwcov", "avg_fp", "avg_fn" }) {
			assertTrue(Pattern.compile("(?m)^" + key + "\\s+\\d+(\\.\\d{4})?$").matcher(table).find(), key + " in\n" + table);
		}
	}

	private static final String NUM = "-?\\d+(\\.\\d+)?([eE]-?\\d+)?";

	/** Checks the exact key order and structure of the JSON, and that every value is a JSON number. */
	static void assertShape(String json, int images) {
		assertFalse(json.contains("NaN") || json.contains("Infinity"), json);
		final StringBuilder rx = new StringBuilder("\\{\\s*\"images\": " + images + ",\\s*\"thresholds\": \\[\\s*");
		final List<String> ious = new ArrayList<>();
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			rx.append("\\{\"iou\": (" + NUM + "), \"tp\": \\d+, \"fp\": \\d+, \"fn\": \\d+, \"precision\": " + NUM
				+ ", \"recall\": " + NUM + ", \"f1\": " + NUM + ", \"accuracy\": " + NUM + "\\}");
			rx.append(k + 1 < ImageScores.THRESHOLD_COUNT ? ",\\s*" : "\\s*");
		}
		rx.append("\\],\\s*");
		final String[] keys = { "mean_f1", "mean_matched_iou", "pq", "sbd", "best_dice_gt", "best_dice_pred", "abs_dic", "mucov", "mwcov", "avg_fp", "avg_fn" };
		for (int i = 0; i < keys.length; i++) {
			rx.append("\"" + keys[i] + "\": " + NUM + ",\\s*");
		}
		rx.append("\"errors\": \\{");
		for (int k = 0; k < ImageScores.ERROR_KINDS; k++) rx.append(k == 0 ? "" : ", ").append("\"" + ImageScores.ERROR_NAMES.get(k) + "\": \\d+");
		rx.append("\\}\\s*\\}\\s*");
		final Matcher m = Pattern.compile(rx.toString()).matcher(json);
		assertTrue(m.matches(), json);
		final Matcher iou = Pattern.compile("\"iou\": (" + NUM + ")").matcher(json);
		while (iou.find()) ious.add(iou.group(1));
		assertEquals(List.of("0.5", "0.55", "0.6", "0.65", "0.7", "0.75", "0.8", "0.85", "0.9"), ious);
	}

	private static double number(String json, String key) {
		final Matcher m = Pattern.compile("\"" + key + "\": (" + NUM + ")").matcher(json);
		assertTrue(m.find(), key);
		return Double.parseDouble(m.group(1));
	}
}
