package sc.fiji.ris.fiji;

import ij.ImagePlus;
import java.io.File;
import java.io.IOException;
import java.util.List;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.ImagePlusSegmenter;

/**
 * "Segment Instances": finds every nucleus in every plane of an image and publishes a 16-bit label image, the
 * instances in the ROI Manager (with a display) and a results table; optionally refined with the dense CRF (default
 * parameters; "Refine with Dense CRF" offers them all).
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Segment Instances", headless = true)
public class SegmentInstancesCommand extends ContextCommand {

	@Parameter private StatusService status;
	@Parameter private LogService log;

	// not required, so that a missing image gets this command's own message rather than SciJava's "'input' is
	// required but unset"; not persisted, as an image cannot be remembered between runs
	@Parameter(label = "Image", required = false, persist = false, description = "The intensity image to segment (8, 16 or 32-bit; RGB is segmented as luminance); stacks and time-lapses plane by plane.")
	private ImagePlus input;
	@Parameter(label = "Model file", required = false, style = "open", description = "A RIS model package (.zip); leave empty for the bundled nuclei model.")
	private File model_file;
	@Parameter(label = "Object diameter (pixels)", min = "-1", max = "10000", stepSize = "1", description = ParameterTexts.OBJECT_DIAMETER)
	private double object_diameter = 0;
	@Parameter(label = "Average over flipped copies", description = ParameterTexts.FLIP_AVERAGING)
	private boolean flip_averaging = false;
	@Parameter(label = "Refine with dense CRF", description = "Refine the masks with the dense CRF (default parameters), which fits their outlines to the image's edges; adds a fraction of a second per plane.")
	private boolean refine_with_crf = false;
	@Parameter(label = "Advanced settings (JSON file)", required = false, style = "open", description = AdvancedSettingsFile.DESCRIPTION)
	private File settings_file;
	@Parameter(label = "ROI Manager", choices = { InstanceRois.REPLACE, InstanceRois.APPEND, InstanceRois.DONT_ADD }, description = "Replace the ROI Manager's contents with the instances, append them, or leave it alone (always left alone headless).")
	private String roi_manager = InstanceRois.REPLACE;
	@Parameter(label = "Show results table", description = "Show a table of the instances (\"" + ResultsTables.INSTANCES + "\": label, plane, area, centroid, mean intensity, confidence); not headless.")
	private boolean show_table = true;

	@Parameter(type = ItemIO.OUTPUT, label = "Labels", description = "16-bit label image: 0 = background, 1..n = instances, per plane.")
	private ImagePlus label_image;
	@Parameter(type = ItemIO.OUTPUT, label = "Instances", description = "The number of instances found, all planes together.")
	private int instance_count;

	@Override
	public void run() {
		StatusProgress progress = new StatusProgress(status, this);
		String what = input == null ? "Segment Instances" : "Segmenting '" + input.getTitle() + "'";
		try {
			RetiredParameters.check(ij.Macro.getOptions());
			ImageSegmentation.check(input, roi_manager, log);
			SegmenterOptions o = AdvancedSettingsFile.options(settings_file, object_diameter, flip_averaging, refine_with_crf);
			List<Instances> planes = ImageSegmentation.segment(input, model_file, o, progress, log, what);
			if (refine_with_crf && !progress.isCancelled()) planes = ImagePlusRefiner.refine(input, planes, new DenseCrf(), progress);
			if (progress.isCancelled()) {
				if (!isCanceled()) cancel(what + " was stopped before the end: nothing was added.");
				return;
			}
			// the label image is built before anything is shown, so that a failure leaves no half-done output
			ImagePlus labels = ImagePlusSegmenter.labelImage(input, planes);
			ImageSegmentation.show(input, planes, roi_manager, show_table);
			instance_count = planes.stream().mapToInt(Instances::count).sum();
			label_image = labels;
		} catch (RuntimeException | IOException e) {
			CommandFailure.report(this, what, e, AdvancedSettingsFile.PARAMETERS);
		}
	}
}
