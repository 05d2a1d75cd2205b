package sc.fiji.ris.fiji;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import java.awt.GraphicsEnvironment;
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
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.imagej.LabelImages;

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
	@Parameter(label = "Minimum confidence", min = "-1", max = "1", stepSize = "0.05", description = "Stop finding instances in a tile when the network's confidence falls below this value (0..1); -1 = the model's own threshold.")
	private double min_confidence = -1;
	@Parameter(label = "Tile size", min = "0", max = "4096", stepSize = "8", description = "Side of the tiles the image is cut into (a multiple of 8, at least 32); 0 = the model's.")
	private int tile_size = 0;
	@Parameter(label = "Object diameter (pixels)", min = "-1", max = "10000", stepSize = "1", description = "Typical diameter of the objects in pixels; the image is rescaled so that they have the size the model works at (28 pixels for the bundled model) and the results are scaled back. 0 = estimate it from the image (segment once more at the measured size when the objects found are more than 1.5 times larger or smaller than the model's, or were cut into pieces; never beyond 4 times larger or 2 times smaller, and that pass is dropped with a warning when it finds far more objects than the first); -1 = the model's own size, no rescaling.")
	private double object_diameter = 0;
	@Parameter(label = "Join parts of a nucleus (solidity)", min = "-1", max = "1", stepSize = "0.05", description = "Join two touching instances when together they are convex (area over convex hull area at least this value) and at most twice the median nucleus: a nucleus found in two parts. 0 = never join; -1 = the model's own value.")
	private double merge_solidity = -1;
	@Parameter(label = "Smallest spot (pixels)", min = "-1", max = "100000", stepSize = "1", description = "A small piece of foreground that no instance took and that touches none (a micronucleus, a speck) becomes an instance when it has at least this many pixels and the model is confident it is foreground; 0 = never; -1 = the model's own value (10 pixels for the bundled model).")
	private int smallest_spot = -1;
	@Parameter(label = "Smallest core (pixels)", min = "-1", max = "100000", stepSize = "1", description = "With a model that has a core head (the bundled one has): an instance that holds two or more cores (the inner halves of objects) of at least this many pixels is cut into one instance per core, as touching nuclei found as one. 0 = never cut; -1 = the model's own value (30 pixels for the bundled model).")
	private int smallest_core = -1;
	@Parameter(label = "Average over flipped copies", description = "Also segment the image mirrored left-right, top-bottom and both, and keep the objects that enough of the 4 views found (as the model was tuned for flips: 3 for the bundled model), with the pixels at least half of their views cover: better outlines and fewer stray pieces (mean F1 0.890 against 0.876 on the BBBC039 validation images), though fewer touching nuclei cut apart (count error 4.7 against 2.9 per image), about 3.3 times the time.")
	private boolean flip_averaging = false;
	@Parameter(label = "Refine with dense CRF", description = "Refine the masks with the dense CRF (default parameters), which fits their outlines to the image's edges; adds a fraction of a second per plane.")
	private boolean refine_with_crf = false;
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
			String warning = ImagePlusSegmenter.check(input);
			LabelImages.checkNotLabels(input);
			InstanceRois.checkMode(roi_manager);
			if (warning != null) log.warn(warning);
			SegmenterOptions o = new SegmenterOptions();
			o.minConfidence = min_confidence < 0 ? Double.NaN : min_confidence;
			o.mergeSolidity = merge_solidity < 0 ? Double.NaN : merge_solidity;
			o.spotMinArea = Math.max(-1, smallest_spot);
			o.coreMinArea = Math.max(-1, smallest_core);
			o.tileSize = tile_size;
			o.objectDiameterSetting(object_diameter);
			o.keepSoftMasks = refine_with_crf;
			o.flipVotes = flip_averaging ? -1 : 0;
			List<Instances> planes;
			try (RisModel model = Models.open(model_file)) {
				Segmenter segmenter = new Segmenter(model, o);
				if (segmenter.flipSettings() != null) log.info(what + ": " + segmenter.flipSettings() + ".");
				List<SegmentStats> stats = new java.util.ArrayList<>();
				planes = ImagePlusSegmenter.segment(input, segmenter, progress, stats);
				for (int z = 0; z < stats.size(); z++)
					if (stats.get(z).warning != null)
						log.warn(what + (stats.size() > 1 ? ", plane " + (z + 1) : "") + ": " + stats.get(z).warning + ".");
				String again = Segmenter.resegmented(stats);
				if (again != null)
					log.info(what + ": the objects looked larger or smaller than the model's, so it was segmented again " + again
							+ " (Object diameter -1 keeps the model's size).");
			}
			if (refine_with_crf && !progress.isCancelled()) planes = ImagePlusRefiner.refine(input, planes, new DenseCrf(), progress);
			if (progress.isCancelled()) {
				if (!isCanceled()) cancel(what + " was stopped before the end: nothing was added.");
				return;
			}
			// everything is built before anything is published, so that a failure leaves no half-done output
			ImagePlus labels = ImagePlusSegmenter.labelImage(input, planes);
			boolean display = !GraphicsEnvironment.isHeadless();
			List<Roi> rois = display && !InstanceRois.DONT_ADD.equals(roi_manager) ? InstanceRois.build(input, planes) : List.of();
			ResultsTable table = display && show_table ? ResultsTables.instances(SegmentationFiles.rows(input, planes), SegmentationFiles.calibration(input)) : null;
			if (display) InstanceRois.addToManager(rois, roi_manager, input);
			if (table != null) table.show(ResultsTables.INSTANCES);
			instance_count = planes.stream().mapToInt(Instances::count).sum();
			label_image = labels;
		} catch (RuntimeException | IOException e) {
			CommandFailure.report(this, what, e, CommandFailure.parameters("flip_votes", "flip_averaging"));
		}
	}
}
