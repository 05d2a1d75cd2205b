package sc.fiji.ris.fiji;

import ij.ImagePlus;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.scijava.log.LogService;
import sc.fiji.ris.Progress;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.LabelImages;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.model.RisModel;

/**
 * "Segment Instances" on an open image, apart from its parameters: the checks of its input, the segmentation of every
 * plane with what the log should say of it (the flip settings, a plane whose size estimate was rejected, the planes
 * segmented again at another object size), and the ROIs and table shown with a display.
 */
final class ImageSegmentation {

	private ImageSegmentation() {}

	/** Refuses an image that cannot be segmented or a ROI Manager mode that does not exist; logs a caveat (RGB). */
	static void check(ImagePlus input, String roiManager, LogService log) {
		String warning = ImagePlusSegmenter.check(input);
		LabelImages.checkNotLabels(input);
		InstanceRois.checkMode(roiManager);
		if (warning != null) log.warn(warning);
	}

	/**
	 * With a display, adds the instances to the ROI Manager (as {@code roiManager} says) and shows their table; both
	 * are built before either is shown. Headless, nothing.
	 */
	static void show(ImagePlus input, List<Instances> planes, String roiManager, boolean showTable) {
		if (GraphicsEnvironment.isHeadless()) return;
		List<Roi> rois = InstanceRois.DONT_ADD.equals(roiManager) ? List.of() : InstanceRois.build(input, planes);
		ResultsTable table = showTable ? ResultsTables.instances(SegmentationFiles.rows(input, planes), SegmentationFiles.calibration(input)) : null;
		InstanceRois.addToManager(rois, roiManager, input);
		if (table != null) table.show(ResultsTables.INSTANCES);
	}

	/**
	 * The instances of each plane of {@code input}.
	 *
	 * @param modelFile the model package, or null or empty for the bundled model
	 * @param what how the log names this run, e.g. "Segmenting 'blobs.gif'"
	 */
	static List<Instances> segment(ImagePlus input, File modelFile, SegmenterOptions options, Progress progress, LogService log, String what)
			throws IOException {
		try (RisModel model = Models.open(modelFile)) {
			Segmenter segmenter = new Segmenter(model, options);
			if (segmenter.flipSettings() != null) log.info(what + ": " + segmenter.flipSettings() + ".");
			List<SegmentStats> stats = new ArrayList<>();
			List<Instances> planes = ImagePlusSegmenter.segment(input, segmenter, progress, stats);
			for (int z = 0; z < stats.size(); z++)
				if (stats.get(z).warning != null) log.warn(what + (stats.size() > 1 ? ", plane " + (z + 1) : "") + ": " + stats.get(z).warning + ".");
			String again = SegmentStats.resegmented(stats);
			if (again != null)
				log.info(what + ": the objects looked larger or smaller than the model's, so it was segmented again " + again
						+ " (Object diameter -1 keeps the model's size).");
			return planes;
		}
	}
}
