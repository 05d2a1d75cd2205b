package sc.fiji.ris.fiji;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.UserError;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.model.RisModel;

/**
 * "Batch Segment Folder": segments every matching image of a folder with the same model and writes, per image,
 * {@code NAME_labels.tif}, {@code NAME_rois.zip} and {@code NAME_instances.csv}, as {@code ris segment} does. One bad
 * file does not stop the others; a summary goes to the log. Optionally the masks are refined with the dense CRF
 * (default parameters).
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Batch Segment Folder", headless = true)
public class BatchSegmentFolderCommand extends ContextCommand {

	@Parameter private StatusService status;
	@Parameter private LogService log;

	@Parameter(label = "Input folder", style = "directory", description = "The folder of images to segment (TIFF or PNG; stacks plane by plane).")
	private File input_dir;
	@Parameter(label = "Output folder", style = "directory", description = "Where NAME_labels.tif, NAME_rois.zip and NAME_instances.csv go (created if needed; may be the input folder).")
	private File output_dir;
	@Parameter(label = "Model file", required = false, style = "open", description = "A RIS model package (.zip); leave empty for the bundled nuclei model.")
	private File model_file;
	@Parameter(label = "File pattern", description = "Which files of the input folder to segment: a glob on the file name, e.g. *.tif or *_DAPI.tif.")
	private String file_pattern = "*.tif";
	@Parameter(label = "Object diameter (pixels)", min = "-1", max = "10000", stepSize = "1", description = ParameterTexts.OBJECT_DIAMETER)
	private double object_diameter = 0;
	@Parameter(label = "Average over flipped copies", description = ParameterTexts.FLIP_AVERAGING)
	private boolean flip_averaging = false;
	@Parameter(label = "Refine with dense CRF", description = "Refine the masks with the dense CRF (default parameters), which fits their outlines to the images' edges; adds a fraction of a second per plane.")
	private boolean refine_with_crf = false;
	@Parameter(label = "Advanced settings (JSON file)", required = false, style = "open", description = AdvancedSettingsFile.DESCRIPTION)
	private File settings_file;

	@Parameter(type = ItemIO.OUTPUT, label = "Processed", description = "The number of images segmented and written.")
	private int processed;
	@Parameter(type = ItemIO.OUTPUT, label = "Failed", description = "The number of images that could not be segmented (see the log).")
	private int failed;

	@Override
	public void run() {
		StatusProgress progress = new StatusProgress(status, this);
		try {
			if (input_dir == null || output_dir == null) throw new UserError("Batch Segment Folder needs an input_dir and an output_dir.");
			Path in = input_dir.toPath(), out = output_dir.toPath();
			Models.check(model_file, "model_file");
			List<Path> files = FolderSegmentation.files(in, file_pattern, out);
			SegmenterOptions o = AdvancedSettingsFile.options(settings_file, object_diameter, flip_averaging, refine_with_crf);
			Files.createDirectories(out);
			FolderSegmentation.Summary s;
			try (RisModel model = Models.open(model_file)) {
				Segmenter segmenter = new Segmenter(model, o);
				if (segmenter.flipSettings() != null) log.info("Batch Segment Folder: " + segmenter.flipSettings() + ".");
				s = FolderSegmentation.run(files, out, segmenter, refine_with_crf ? new DenseCrf() : null, progress,
						(message, unexpected) -> log.error(message, unexpected), log::warn);
			}
			if (s.failed() > 0 || s.stopped()) log.warn(s.sentence(files.size(), out));
			else log.info(s.sentence(files.size(), out));
			progress.done();
			processed = s.processed();
			failed = s.failed();
		} catch (RuntimeException | IOException e) {
			CommandFailure.report(this, "Batch Segment Folder", e, AdvancedSettingsFile.PARAMETERS);
		}
	}
}
