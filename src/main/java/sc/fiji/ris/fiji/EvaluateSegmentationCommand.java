package sc.fiji.ris.fiji;

import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.UserError;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.imagej.LabelImages;

/**
 * "Evaluate Segmentation": scores a predicted label image against the ground truth, plane by plane, with the
 * metrics of {@code ris evaluate} (F1, precision, recall and accuracy at IoU 0.5 to 0.9, mean F1, matched IoU, PQ,
 * SBD, |DiC|, coverage, zero-overlap errors, unmatched instances by kind) in a results table.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Evaluate Segmentation", headless = true)
public class EvaluateSegmentationCommand extends ContextCommand {

	// not required, so that a missing image gets this command's own message rather than SciJava's "is required but
	// unset"; not persisted, as an image cannot be remembered between runs
	@Parameter(label = "Prediction", required = false, persist = false, description = "The predicted label image (0 = background, 1..n = instances).")
	private ImagePlus prediction;
	@Parameter(label = "Ground truth", required = false, persist = false, description = "The ground-truth label image, same size and number of planes.")
	private ImagePlus ground_truth;

	@Parameter(type = ItemIO.OUTPUT, label = "Mean F1", description = "F1 averaged over the IoU thresholds 0.5, 0.55, ..., 0.9.")
	private double mean_f1;
	@Parameter(type = ItemIO.OUTPUT, label = "F1 at IoU 0.5", description = "F1 with matches at IoU 0.5 or more.")
	private double f1_at_0_5;

	@Override
	public void run() {
		try {
			if (prediction == null || ground_truth == null) throw new UserError("Evaluate Segmentation needs two label images, prediction and ground_truth: open them first.");
			if (prediction.getWidth() != ground_truth.getWidth() || prediction.getHeight() != ground_truth.getHeight() || prediction.getStackSize() != ground_truth.getStackSize())
				throw new UserError("The prediction '" + prediction.getTitle() + "' (" + size(prediction) + ") and the ground truth '" + ground_truth.getTitle() + "' (" + size(ground_truth)
						+ ") differ in size: give two label images of the same size and number of planes.");
			Evaluation evaluation = new Evaluation();
			int n = prediction.getStackSize();
			for (int z = 1; z <= n; z++)
				evaluation.add(n == 1 ? ground_truth.getTitle() : ground_truth.getTitle() + ":" + z, LabelImages.labels(prediction, z, "prediction"), LabelImages.labels(ground_truth, z, "ground_truth"));
			EvaluationResult r = evaluation.result();
			if (!GraphicsEnvironment.isHeadless()) ResultsTables.evaluation(r).show(ResultsTables.EVALUATION);
			mean_f1 = r.meanF1();
			f1_at_0_5 = r.f1(0);
		} catch (RuntimeException e) {
			CommandFailure.report(this, "Evaluate Segmentation", e);
		}
	}

	private static String size(ImagePlus imp) {
		return imp.getWidth() + "x" + imp.getHeight() + (imp.getStackSize() > 1 ? "x" + imp.getStackSize() : "");
	}
}
