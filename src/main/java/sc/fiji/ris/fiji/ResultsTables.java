package sc.fiji.ris.fiji;

import ij.measure.ResultsTable;
import java.util.List;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.ImageScores;
import sc.fiji.ris.io.Calibration;
import sc.fiji.ris.io.InstanceTable;

/**
 * ImageJ results tables of the commands, with the column names of the launcher's CSV and JSON files, so that a
 * macro reads the same keys that {@code ris segment} and {@code ris evaluate} write.
 */
public final class ResultsTables {

	/** Title of the table of instances made by "Segment Instances". */
	public static final String INSTANCES = "RIS instances";
	/** Title of the table made by "Evaluate Segmentation". */
	public static final String EVALUATION = "RIS evaluation";

	private ResultsTables() {}

	/**
	 * One row per instance, the columns of {@link InstanceTable#HEADER}, then, when {@code cal} is scaled, the
	 * calibrated area and centroid and the unit ({@link InstanceTable#CALIBRATED_HEADER}).
	 */
	public static ResultsTable instances(List<InstanceTable.Row> rows, Calibration cal) {
		ResultsTable rt = new ResultsTable();
		rt.showRowNumbers(false);
		for (InstanceTable.Row r : rows) {
			rt.incrementCounter();
			rt.addValue("label", r.label());
			rt.addValue("plane", r.plane());
			rt.addValue("area", r.area());
			rt.addValue("centroid_x", r.centroidX());
			rt.addValue("centroid_y", r.centroidY());
			rt.addValue("bbox_x", r.bboxX());
			rt.addValue("bbox_y", r.bboxY());
			rt.addValue("bbox_width", r.bboxWidth());
			rt.addValue("bbox_height", r.bboxHeight());
			rt.addValue("mean_intensity", r.meanIntensity());
			rt.addValue("confidence", r.confidence());
			if (cal.isScaled()) {
				rt.addValue("area_calibrated", r.area() * cal.pixelWidth() * cal.pixelHeight());
				rt.addValue("centroid_x_calibrated", r.centroidX() * cal.pixelWidth());
				rt.addValue("centroid_y_calibrated", r.centroidY() * cal.pixelHeight());
				rt.addValue("unit", cal.unit());
			}
		}
		return rt;
	}

	/**
	 * One row per IoU threshold (iou, tp, fp, fn, precision, recall, f1, accuracy), followed on every row by the
	 * summary metrics of the whole evaluation (images, mean_f1, mean_matched_iou, pq, sbd, best_dice_gt,
	 * best_dice_pred, abs_dic, mucov, mwcov, avg_fp, avg_fn) and the unmatched instances at IoU 0.5 by kind
	 * (fn_missed ... fp_other, see {@link ImageScores#errors()}): repeated rather than left empty, so that a macro finds each of them on row 0 and
	 * no cell shows NaN.
	 */
	public static ResultsTable evaluation(EvaluationResult r) {
		long[] errors = r.errors();
		ResultsTable rt = new ResultsTable();
		rt.showRowNumbers(false);
		for (int k = 0; k < ImageScores.THRESHOLD_COUNT; k++) {
			rt.incrementCounter();
			rt.addValue("iou", Math.round(r.threshold(k) * 100) / 100.0);
			rt.addValue("tp", r.tp(k));
			rt.addValue("fp", r.fp(k));
			rt.addValue("fn", r.fn(k));
			rt.addValue("precision", r.precision(k));
			rt.addValue("recall", r.recall(k));
			rt.addValue("f1", r.f1(k));
			rt.addValue("accuracy", r.accuracy(k));
			rt.addValue("images", r.images());
			rt.addValue("mean_f1", r.meanF1());
			rt.addValue("mean_matched_iou", r.meanMatchedIou());
			rt.addValue("pq", r.pq());
			rt.addValue("sbd", r.sbd());
			rt.addValue("best_dice_gt", r.bestDiceGt());
			rt.addValue("best_dice_pred", r.bestDicePred());
			rt.addValue("abs_dic", r.absDic());
			rt.addValue("mucov", r.mucov());
			rt.addValue("mwcov", r.mwcov());
			rt.addValue("avg_fp", r.avgFp());
			rt.addValue("avg_fn", r.avgFn());
			for (int e = 0; e < errors.length; e++) rt.addValue(ImageScores.ERROR_NAMES.get(e), errors[e]);
		}
		return rt;
	}
}
