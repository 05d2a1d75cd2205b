package sc.fiji.ris.fiji;

import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import org.scijava.ItemVisibility;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.UserError;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.train.RisTrainer;
import sc.fiji.ris.imagej.LabelImages;

/**
 * "Fine-tune RIS on Annotated Images": the loop of segmenting an image, correcting its ROIs by hand and training the
 * model on the corrections. The training pairs are the image with its ROIs (the ROI Manager's; headless, where there
 * is no ROI Manager, the image's overlay), see {@link RoiAnnotations}, and the image/label pairs of a folder if one
 * is given. Starts from the bundled model or a chosen one, trains for a number of minutes with progress, a live loss
 * plot (with a display) and Esc to stop (the model so far is kept), and writes a model package whose provenance
 * names the images, the number of instances, the minutes and the starting model.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Fine-tune RIS on Annotated Images", headless = true)
public class FineTuneCommand extends ContextCommand {

	@Parameter private StatusService status;
	@Parameter private LogService log;

	@Parameter(visibility = ItemVisibility.MESSAGE, persist = false, required = false)
	private String how = "<html>Each ROI of the ROI Manager is one nucleus of the image (in a stack, its position gives the plane).<br>"
			+ "Only the annotated region is learnt from: the ROIs named '" + RoiAnnotations.REGION + "...' (draw a rectangle, add it, rename it), else the box<br>"
			+ "around the nucleus ROIs. Every nucleus inside the region needs a ROI; nuclei outside it are not taken as background.";
	// not required, so that a missing image gets this command's own message; not persisted, as an image cannot be remembered
	@Parameter(label = "Image", required = false, persist = false, description = "The image whose nuclei the ROIs outline (8, 16 or 32-bit; stacks plane by plane).")
	private ImagePlus input;
	@Parameter(label = "Start from model", style = "open", required = false, description = "The RIS model (.zip) to fine-tune; empty = the bundled nuclei model.")
	private File start_from;
	@Parameter(label = "Training time (minutes)", min = "0.01", description = "Training stops after this many minutes (or earlier on Esc), keeping the model so far.")
	private double max_minutes = 5;
	@Parameter(label = "Output model", style = "save", description = "The model package to write (.zip); the training log goes beside it (NAME_training.csv, NAME_loss.png).")
	private File output_file;
	@Parameter(label = "More training images (optional)", style = "directory", required = false, description = "A folder of more annotated images to train on with the ROIs; empty = the ROIs only.")
	private File images_dir;
	@Parameter(label = "Their labels (optional)", style = "directory", required = false, description = "The label images of those images, same file names (0 = background, 1..n = nuclei).")
	private File labels_dir;

	@Override
	public void run() {
		StatusProgress progress = new StatusProgress(status, this);
		try {
			Models.check(start_from, "start_from");
			TrainingJob job = new TrainingJob();
			job.images = Models.isGiven(images_dir) ? images_dir.toPath() : null;
			job.labels = Models.isGiven(labels_dir) ? labels_dir.toPath() : null;
			if (input != null) {
				LabelImages.checkNotLabels(input);
				RoiAnnotations.Pairs pairs = RoiAnnotations.of(input, RoiAnnotations.rois(input));
				job.annotated = pairs.planes;
				job.annotatedData = pairs.description;
			} else if (job.images == null) throw new UserError("Open the image whose nuclei the ROIs outline, or give images_dir and labels_dir.");
			job.output = Models.isGiven(output_file) ? output_file.toPath() : null;
			job.startFrom = Models.isGiven(start_from) ? start_from.toPath() : ModelPackage.bundledCopy();
			job.startFromName = Models.isGiven(start_from) ? null : "the bundled model";
			job.options.minutes = max_minutes;
			RisTrainer.Result r = job.run(progress, GraphicsEnvironment.isHeadless() ? null : new LossPlot("RIS fine-tuning loss"), log::warn);
			progress.done();
			log.info(String.format(Locale.ROOT, "Fine-tune RIS: %s after %d iterations (%.1f min) on %s; wrote %s.", r.cancelled ? "stopped" : "done", r.iterations,
					r.seconds / 60, job.annotatedData.isEmpty() ? job.images : job.annotatedData, output_file));
		} catch (RuntimeException | IOException e) {
			CommandFailure.report(this, "Fine-tune RIS", e, CommandFailure.parameters("minutes", "max_minutes"));
		}
	}
}
