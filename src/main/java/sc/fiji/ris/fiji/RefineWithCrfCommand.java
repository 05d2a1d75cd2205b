package sc.fiji.ris.fiji;

import ij.ImagePlus;
import java.util.List;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.UserError;
import sc.fiji.ris.crf.CrfParameters;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.LabelImages;

/**
 * "Refine with Dense CRF": refines a label image (from RIS or elsewhere) with the dense CRF on its intensity image,
 * plane by plane, and publishes the refined 16-bit label image with the input's dimensions and calibration. The
 * parameters are those of {@link CrfParameters}; their defaults suit fluorescent nuclei.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Refine with Dense CRF", headless = true)
public class RefineWithCrfCommand extends ContextCommand {

	private static final CrfParameters D = CrfParameters.DEFAULTS;

	@Parameter private StatusService status;

	// not required, so that a missing image gets this command's own message; not persisted, as images cannot be remembered
	@Parameter(label = "Image", required = false, persist = false, description = "The intensity image the labels belong to (8, 16 or 32-bit); stacks plane by plane.")
	private ImagePlus input;
	@Parameter(label = "Labels", required = false, persist = false, description = "The label image to refine: 0 = background, whole numbers 1..n = instances, the image's size and planes.")
	private ImagePlus labels;
	@Parameter(label = "Spatial width (theta_alpha)", min = "0.5", max = "200", stepSize = "0.5", description = "Appearance kernel: how far, in pixels, pixels of similar intensity pull each other towards the same label.")
	private double spatial_width = D.spatialWidth();
	@Parameter(label = "Intensity width (theta_beta)", min = "0.001", max = "10", stepSize = "0.01", description = "Appearance kernel: how different intensities may be and still count as similar, on intensities scaled so that the 1st percentile is 0 and the 99.8th is 1.")
	private double intensity_width = D.intensityWidth();
	@Parameter(label = "Smoothness width (theta_gamma)", min = "0.3", max = "20", stepSize = "0.5", description = "Smoothness kernel width in pixels: removes small isolated pieces.")
	private double smoothness_width = D.smoothnessWidth();
	@Parameter(label = "Appearance weight (w1)", min = "0", max = "100", stepSize = "0.5", description = "Weight of the appearance kernel (0 = off).")
	private double appearance_weight = D.appearanceWeight();
	@Parameter(label = "Smoothness weight (w2)", min = "0", max = "100", stepSize = "0.5", description = "Weight of the smoothness kernel (0 = off).")
	private double smoothness_weight = D.smoothnessWeight();
	@Parameter(label = "Iterations", min = "0", max = "50", description = "Mean-field iterations.")
	private int iterations = D.iterations();
	@Parameter(label = "Label confidence", min = "0.5", max = "0.999", stepSize = "0.05", description = "How much the given labels are trusted: the probability of a pixel's own label, above 0.5 and below 1.")
	private double label_confidence = D.labelConfidence();
	@Parameter(label = "Margin", min = "0", max = "100", description = "How far, in pixels, an instance may grow beyond its bounding box.")
	private int margin = D.margin();

	@Parameter(type = ItemIO.OUTPUT, label = "Refined labels", description = "16-bit label image: 0 = background, 1..n = instances, per plane.")
	private ImagePlus refined_labels;

	@Override
	public void run() {
		StatusProgress progress = new StatusProgress(status, this);
		String what = input == null ? "Refine with Dense CRF" : "Refining the labels of '" + input.getTitle() + "'";
		try {
			if (input == null) throw new UserError("There is no image to refine on: give the intensity image as input and its label image as labels.");
			LabelImages.checkNotLabels(input);
			DenseCrf crf = new DenseCrf(new CrfParameters(spatial_width, intensity_width, smoothness_width, appearance_weight, smoothness_weight, iterations, label_confidence, margin));
			List<Instances> planes = ImagePlusRefiner.refine(input, labels, "labels", crf, progress);
			if (progress.isCancelled()) {
				if (!isCanceled()) cancel(what + " was stopped before the end: nothing was added.");
				return;
			}
			ImagePlus out = ImagePlusSegmenter.labelImage(input, planes);
			out.setTitle(ImagePlusSegmenter.stripExtension(labels.getTitle()) + "_refined");
			progress.done();
			refined_labels = out;
		} catch (RuntimeException e) {
			CommandFailure.report(this, what, e);
		}
	}
}
