package sc.fiji.ris.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The summary of an {@link Evaluation} over a set of images. Immutable.
 * <p>
 * <b>Pooled</b> over all images, at each threshold &tau;<sub>k</sub> ({@link ImageScores#threshold(int)}):
 * TP, FP, FN summed over the images, and
 * <ul>
 * <li>precision = TP / (TP + FP), recall = TP / (TP + FN),</li>
 * <li>F1 = 2TP / (2TP + FP + FN), accuracy (the StarDist / DSB 2018 "AP") = TP / (TP + FP + FN);</li>
 * <li>mean F1 = mean of F1 over the {@value ImageScores#THRESHOLD_COUNT} thresholds;</li>
 * <li>mean matched IoU = (sum of the IoUs of the pairs matched at 0.5) / TP<sub>0.5</sub>;</li>
 * <li>PQ (panoptic quality) = (sum of matched IoU at 0.5) / (TP + FP/2 + FN/2) at 0.5.</li>
 * </ul>
 * <b>Averaged over images</b>: SBD, |DiC| (mean of |P| - |G| in absolute value), MUCov and MWCov (over the
 * images with at least one ground-truth instance only), AvgFP and AvgFN (mean per image of the predictions,
 * resp. ground-truth instances, that overlap nothing: IoU 0 with every instance of the other side).
 * <p>
 * <b>Empty cases</b> (no NaN is ever produced): a ratio whose denominator is 0 is 1 if the whole set has
 * nothing to find nor found (no predicted and no ground-truth instance in any image, including an
 * evaluation of zero images), else 0. The same rule gives the quality scores an average over an empty set
 * of images: SBD with zero images, MUCov and MWCov with no image that has ground truth. The error counts
 * |DiC|, AvgFP and AvgFN average to 0 over zero images. Per image, SBD follows
 * {@link ImageScores#sbd()}: 1 when both sides are empty, 0 when one is.
 */
public final class EvaluationResult {

	private final List<ImageScores> images;
	private final long[] tp = new long[ImageScores.THRESHOLD_COUNT];
	private final long[] fp = new long[ImageScores.THRESHOLD_COUNT];
	private final long[] fn = new long[ImageScores.THRESHOLD_COUNT];
	private final boolean nothingAtAll;
	private final double matchedIouSum;
	private final double sbd;
	private final double bestDiceGt, bestDicePred;
	private final double absDic;
	private final double mucov;
	private final double mwcov;
	private final double avgFp;
	private final double avgFn;
	private final long[] errors = new long[ImageScores.ERROR_KINDS];

	EvaluationResult(List<ImageScores> scores) {
		this.images = Collections.unmodifiableList(new ArrayList<>(scores));
		long instances = 0;
		double iouSum = 0;
		double sbdSum = 0, gtSum = 0, predSum = 0;
		double absDicSum = 0;
		double mucovSum = 0;
		double mwcovSum = 0;
		int covered = 0;
		long fpZero = 0;
		long fnZero = 0;
		for (ImageScores s : images) {
			for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
				tp[k] += s.tp(k);
				fp[k] += s.fp(k);
				fn[k] += s.fn(k);
			}
			instances += s.numPredictions() + (long) s.numGroundTruths();
			iouSum += s.matchedIouSum();
			sbdSum += s.sbd();
			gtSum += s.bestDiceGtToPred();
			predSum += s.bestDicePredToGt();
			absDicSum += Math.abs(s.dic());
			if (s.hasCoverage()) {
				mucovSum += s.mucov();
				mwcovSum += s.mwcov();
				covered++;
			}
			fpZero += s.fpZeroIou();
			fnZero += s.fnZeroIou();
			int[] e = s.errors();
			for (int k = 0; k < e.length; k++) errors[k] += e[k];
		}
		final int n = images.size();
		this.nothingAtAll = instances == 0;
		this.matchedIouSum = iouSum;
		this.sbd = ratio(sbdSum, n);
		this.bestDiceGt = ratio(gtSum, n);
		this.bestDicePred = ratio(predSum, n);
		this.absDic = n == 0 ? 0 : absDicSum / n;
		this.mucov = ratio(mucovSum, covered);
		this.mwcov = ratio(mwcovSum, covered);
		this.avgFp = n == 0 ? 0 : (double) fpZero / n;
		this.avgFn = n == 0 ? 0 : (double) fnZero / n;
	}

	/** num / den, with 0/0 (any x/0) as 1 when there is nothing at all to find nor found, else 0. */
	private double ratio(double num, double den) {
		if (den == 0) return nothingAtAll ? 1 : 0;
		return num / den;
	}

	/** @return the number of images */
	public int images() {
		return images.size();
	}

	/** @return the scores of each image, in the order they were added (unmodifiable) */
	public List<ImageScores> imageScores() {
		return images;
	}

	/**
	 * @param k threshold number 0 .. {@value ImageScores#THRESHOLD_COUNT} - 1
	 * @return &tau;<sub>k</sub> = 0.5 + 0.05 k
	 */
	public double threshold(int k) {
		return ImageScores.threshold(k);
	}

	/**
	 * @param k threshold number
	 * @return TP pooled over the images
	 */
	public long tp(int k) {
		Objects.checkIndex(k, ImageScores.THRESHOLD_COUNT);
		return tp[k];
	}

	/**
	 * @param k threshold number
	 * @return FP pooled over the images
	 */
	public long fp(int k) {
		Objects.checkIndex(k, ImageScores.THRESHOLD_COUNT);
		return fp[k];
	}

	/**
	 * @param k threshold number
	 * @return FN pooled over the images
	 */
	public long fn(int k) {
		Objects.checkIndex(k, ImageScores.THRESHOLD_COUNT);
		return fn[k];
	}

	/**
	 * @param k threshold number
	 * @return precision = TP / (TP + FP), pooled
	 */
	public double precision(int k) {
		return ratio(tp(k), tp[k] + fp[k]);
	}

	/**
	 * @param k threshold number
	 * @return recall = TP / (TP + FN), pooled
	 */
	public double recall(int k) {
		return ratio(tp(k), tp[k] + fn[k]);
	}

	/**
	 * @param k threshold number
	 * @return F1 = 2TP / (2TP + FP + FN), pooled
	 */
	public double f1(int k) {
		return ratio(2.0 * tp(k), 2.0 * tp[k] + fp[k] + fn[k]);
	}

	/**
	 * @param k threshold number
	 * @return accuracy = TP / (TP + FP + FN), pooled (the StarDist / DSB 2018 "AP")
	 */
	public double accuracy(int k) {
		return ratio(tp(k), (double) tp[k] + fp[k] + fn[k]);
	}

	/** @return the mean of {@link #f1(int)} over the thresholds */
	public double meanF1() {
		double sum = 0;
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) sum += f1(k);
		return sum / ImageScores.THRESHOLD_COUNT;
	}

	/** @return the mean IoU of all pairs matched at 0.5, pooled: sum of matched IoU / TP<sub>0.5</sub> */
	public double meanMatchedIou() {
		return ratio(matchedIouSum, tp[0]);
	}

	/** @return panoptic quality at 0.5, pooled: sum of matched IoU / (TP + FP/2 + FN/2) */
	public double pq() {
		return ratio(matchedIouSum, tp[0] + fp[0] / 2.0 + fn[0] / 2.0);
	}

	/** @return the mean over images of SBD = min(BestDice(P, G), BestDice(G, P)) */
	public double sbd() {
		return sbd;
	}

	/**
	 * @return the mean over images of BestDice(G, P): how well each annotated object is covered by some prediction
	 *         (missed objects, small fragments among them, lower it); SBD is the smaller of this and
	 *         {@link #bestDicePred()} in each image
	 */
	public double bestDiceGt() {
		return bestDiceGt;
	}

	/** @return the mean over images of BestDice(P, G): how well each prediction fits some annotated object */
	public double bestDicePred() {
		return bestDicePred;
	}

	/** @return the mean over images of |DiC| = ||P| - |G|| */
	public double absDic() {
		return absDic;
	}

	/** @return the mean of MUCov over the images that have ground truth */
	public double mucov() {
		return mucov;
	}

	/** @return the mean of MWCov over the images that have ground truth */
	public double mwcov() {
		return mwcov;
	}

	/** @return the mean over images of the number of predictions with IoU 0 to every ground truth */
	public double avgFp() {
		return avgFp;
	}

	/** @return the mean over images of the number of ground-truth instances with IoU 0 to every prediction */
	public double avgFn() {
		return avgFn;
	}

	/**
	 * @return the unmatched instances at IoU 0.5 by kind, summed over the images (a copy), indexed as
	 *         {@link ImageScores#errors()}
	 */
	public long[] errors() {
		return errors.clone();
	}

	/**
	 * The result as pretty-printed JSON, keys in this order:
	 * {@code {"images": n, "thresholds": [{"iou": 0.5, "tp", "fp", "fn", "precision", "recall", "f1",
	 * "accuracy"}, ... (9 entries, iou 0.5 .. 0.9)], "mean_f1", "mean_matched_iou", "pq", "sbd", "best_dice_gt",
	 * "best_dice_pred", "abs_dic",
	 * "mucov", "mwcov", "avg_fp", "avg_fn", "errors": {"fn_missed", ..., "fp_other"}}} (see
	 * {@link ImageScores#ERROR_NAMES}). Reals are written with all the digits needed to read them back
	 * exactly; they are never NaN (see the class comment for the empty cases).
	 *
	 * @return the JSON text
	 */
	public String toJson() {
		final StringBuilder sb = new StringBuilder(2048);
		sb.append("{\n");
		sb.append("  \"images\": ").append(images()).append(",\n");
		sb.append("  \"thresholds\": [\n");
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			sb.append("    {\"iou\": ").append(thresholdText(k));
			sb.append(", \"tp\": ").append(tp[k]);
			sb.append(", \"fp\": ").append(fp[k]);
			sb.append(", \"fn\": ").append(fn[k]);
			sb.append(", \"precision\": ").append(number(precision(k)));
			sb.append(", \"recall\": ").append(number(recall(k)));
			sb.append(", \"f1\": ").append(number(f1(k)));
			sb.append(", \"accuracy\": ").append(number(accuracy(k)));
			sb.append(k + 1 < ImageScores.THRESHOLD_COUNT ? "},\n" : "}\n");
		}
		sb.append("  ],\n");
		field(sb, "mean_f1", meanF1(), true);
		field(sb, "mean_matched_iou", meanMatchedIou(), true);
		field(sb, "pq", pq(), true);
		field(sb, "sbd", sbd, true);
		field(sb, "best_dice_gt", bestDiceGt, true);
		field(sb, "best_dice_pred", bestDicePred, true);
		field(sb, "abs_dic", absDic, true);
		field(sb, "mucov", mucov, true);
		field(sb, "mwcov", mwcov, true);
		field(sb, "avg_fp", avgFp, true);
		field(sb, "avg_fn", avgFn, true);
		sb.append("  \"errors\": {");
		for (int k = 0; k < errors.length; k++)
			sb.append(k == 0 ? "" : ", ").append('"').append(ImageScores.ERROR_NAMES.get(k)).append("\": ").append(errors[k]);
		sb.append("}\n");
		sb.append("}\n");
		return sb.toString();
	}

	/**
	 * The result as a fixed-width text table for a terminal: one row per threshold (iou, tp, fp, fn,
	 * precision, recall, f1, accuracy), then one line per summary metric, then the unmatched instances at IoU 0.5
	 * by kind.
	 *
	 * @return the table, lines ended by '\n'
	 */
	public String toTable() {
		final StringBuilder sb = new StringBuilder(1024);
		sb.append(String.format(Locale.ROOT, "%5s %8s %8s %8s %9s %9s %9s %9s", "iou", "tp", "fp", "fn",
			"precision", "recall", "f1", "accuracy")).append('\n');
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			sb.append(String.format(Locale.ROOT, "%5.2f %8d %8d %8d %9.4f %9.4f %9.4f %9.4f", threshold(k), tp[k],
				fp[k], fn[k], precision(k), recall(k), f1(k), accuracy(k))).append('\n');
		}
		sb.append('\n');
		row(sb, "images", images());
		row(sb, "mean_f1", meanF1());
		row(sb, "mean_matched_iou", meanMatchedIou());
		row(sb, "pq", pq());
		row(sb, "sbd", sbd);
		row(sb, "best_dice_gt", bestDiceGt);
		row(sb, "best_dice_pred", bestDicePred);
		row(sb, "abs_dic", absDic);
		row(sb, "mucov", mucov);
		row(sb, "mwcov", mwcov);
		row(sb, "avg_fp", avgFp);
		row(sb, "avg_fn", avgFn);
		sb.append('\n');
		sb.append(String.format(Locale.ROOT, "unmatched at IoU 0.5: %d ground truth = %d missed + %d split + %d merged + %d inexact (%d small)",
			fn[0], errors[ImageScores.FN_MISSED], errors[ImageScores.FN_SPLIT], errors[ImageScores.FN_MERGED], errors[ImageScores.FN_INEXACT],
			errors[ImageScores.FN_SMALL])).append('\n');
		sb.append(String.format(Locale.ROOT, "                      %d predictions = %d background + %d inside one nucleus + %d other", fp[0],
			errors[ImageScores.FP_BACKGROUND], errors[ImageScores.FP_INSIDE], errors[ImageScores.FP_OTHER])).append('\n');
		return sb.toString();
	}

	@Override
	public String toString() {
		return toTable();
	}

	private static void row(StringBuilder sb, String key, double value) {
		sb.append(String.format(Locale.ROOT, "%-18s %10.4f", key, value)).append('\n');
	}

	private static void row(StringBuilder sb, String key, int value) {
		sb.append(String.format(Locale.ROOT, "%-18s %10d", key, value)).append('\n');
	}

	private static void field(StringBuilder sb, String key, double value, boolean more) {
		sb.append("  \"").append(key).append("\": ").append(number(value)).append(more ? ",\n" : "\n");
	}

	/** The threshold as its short decimal (0.55, not 0.5500000000000000444). */
	private static String thresholdText(int k) {
		return Double.toString(Math.round(ImageScores.threshold(k) * 100) / 100.0);
	}

	/**
	 * A JSON number: {@link Double#toString(double)} is locale-free and round-trips exactly. Non-finite
	 * values cannot arise from the definitions above; should one ever do, 0 is written rather than invalid JSON.
	 */
	private static String number(double value) {
		return Double.isFinite(value) ? Double.toString(value) : "0";
	}
}
