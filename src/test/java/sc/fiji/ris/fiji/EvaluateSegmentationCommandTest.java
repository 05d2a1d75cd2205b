package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ij.ImagePlus;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.eval.Evaluation;

/**
 * "Evaluate Segmentation" end to end on a sample label image: against itself every F1 is 1; with one of its n
 * nuclei erased from the prediction, F1 at 0.5 is 2(n-1) / (2(n-1) + 1) (n - 1 matches, one miss). Images of
 * different sizes, a missing image and a fractional "label" image cancel the command with one sentence. The table
 * has one row per IoU threshold and the launcher's metric names as columns.
 */
class EvaluateSegmentationCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(EvaluateSegmentationCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, EvaluateSegmentationCommand.class);
	}

	private static CommandModule evaluate(ImagePlus prediction, ImagePlus truth) throws Exception {
		return Fixtures.run(context, EvaluateSegmentationCommand.class, "prediction", prediction, "ground_truth", truth);
	}

	@Test
	void scoresALabelImageAgainstItselfAsPerfect() throws Exception {
		ImagePlus truth = Fixtures.open("labels", Fixtures.first());
		CommandModule m = evaluate(truth, truth.duplicate());
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(1.0, (Double) m.getOutput("mean_f1"));
		assertEquals(1.0, (Double) m.getOutput("f1_at_0_5"));
	}

	@Test
	void countsAnErasedNucleusAsAMiss() throws Exception {
		ImagePlus truth = Fixtures.open("labels", Fixtures.first());
		ImagePlus prediction = truth.duplicate();
		ImageProcessor ip = prediction.getProcessor();
		int n = Fixtures.maxLabel(truth);
		for (int i = 0; i < ip.getPixelCount(); i++) if ((int) ip.getf(i) == n) ip.setf(i, 0);
		CommandModule m = evaluate(prediction, truth);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(2.0 * (n - 1) / (2.0 * (n - 1) + 1), (Double) m.getOutput("f1_at_0_5"), 1e-12);
	}

	@Test
	void refusesImagesOfDifferentSizes() throws Exception {
		ImagePlus truth = Fixtures.open("labels", Fixtures.first());
		ImagePlus small = new ImagePlus("small", truth.getProcessor().crop().resize(100, 100));
		Fixtures.assertFailed(evaluate(small, truth), "small", "differ in size");
	}

	@Test
	void refusesAMissingImage() throws Exception {
		Fixtures.assertFailed(evaluate(null, Fixtures.open("labels", Fixtures.first())), "ground_truth", "prediction");
	}

	@Test
	void refusesFractionalLabels() throws Exception {
		float[] px = new float[32 * 32];
		px[5] = 1.5f;
		ImagePlus fractional = new ImagePlus("fractional", new FloatProcessor(32, 32, px));
		ImagePlus truth = new ImagePlus("truth", new FloatProcessor(32, 32));
		CommandModule m = evaluate(fractional, truth);
		Fixtures.assertFailed(m, "fractional", "prediction", "1.5");
		assertEquals(0.0, (Double) m.getOutput("mean_f1"));
	}

	@Test
	void tableHasOneRowPerThresholdAndTheLaunchersColumns() {
		Evaluation e = new Evaluation();
		e.add("a", new int[] { 0, 1, 1, 2 }, new int[] { 0, 1, 1, 0 });
		ResultsTable rt = ResultsTables.evaluation(e.result());
		assertEquals(9, rt.size());
		assertEquals(0.5, rt.getValue("iou", 0));
		assertEquals(0.9, rt.getValue("iou", 8));
		for (String c : new String[] { "tp", "fp", "fn", "precision", "recall", "f1", "accuracy", "mean_f1", "mean_matched_iou", "pq", "sbd", "best_dice_gt", "best_dice_pred", "abs_dic", "mucov", "mwcov", "avg_fp", "avg_fn" })
			assertEquals(true, rt.columnExists(c), c);
		assertEquals(1.0, rt.getValue("tp", 0));
		assertEquals(1.0, rt.getValue("fp", 0));
		assertEquals(e.result().meanF1(), rt.getValue("mean_f1", 0), 1e-12);
		// label 2 lies in the background
		assertEquals(1.0, rt.getValue("fp_background", 0));
		assertEquals(0.0, rt.getValue("fn_missed", 8));
	}
}
