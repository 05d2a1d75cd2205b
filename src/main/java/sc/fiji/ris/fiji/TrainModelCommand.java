package sc.fiji.ris.fiji;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.util.Locale;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import sc.fiji.ris.UserError;
import sc.fiji.ris.train.RisTrainer;

/**
 * "Train Model": trains a RIS network on a folder of images and a folder of their label images (same file names),
 * for a time budget, and writes the best model (chosen on the validation images, if given) as a model package.
 * Progress in the status bar; with a display, a live loss plot. Esc stops training early and keeps the best model so
 * far.
 */
@Plugin(type = Command.class, menuPath = "Plugins>Segmentation>RIS>Train Model", headless = true)
public class TrainModelCommand extends ContextCommand {

	@Parameter private StatusService status;
	@Parameter private LogService log;

	@Parameter(label = "Training images", style = "directory", description = "Folder of training images (TIFF or PNG, one 2D plane each).")
	private File images_dir;
	@Parameter(label = "Training labels", style = "directory", description = "Folder of their label images, same file names (0 = background, 1..n = instances).")
	private File labels_dir;
	@Parameter(label = "Validation images", style = "directory", required = false, description = "Folder of validation images (recommended: the best model is chosen on them); may be empty.")
	private File val_images_dir;
	@Parameter(label = "Validation labels", style = "directory", required = false, description = "Folder of the validation label images; empty when there are no validation images.")
	private File val_labels_dir;
	@Parameter(label = "Output model", style = "save", description = "The model package to write (.zip); the training log goes beside it (NAME_training.csv), checkpoints into NAME.checkpoints.")
	private File output_file;
	@Parameter(label = "Time budget (minutes)", min = "0.01", description = "Training stops after this many minutes (or earlier on Esc), keeping the best model so far.")
	private double max_minutes = 30;
	@Parameter(label = "Start from model", style = "open", required = false, description = "A model to fine-tune (its architecture is kept); empty = train a new network.")
	private File start_from;
	@Parameter(label = "Start from the bundled model", description = "Fine-tune the bundled nuclei model on these images (leave 'Start from model' empty).")
	private boolean start_from_bundled = false;
	@Parameter(label = "Crop size (advanced)", min = "32", max = "1024", stepSize = "8", description = "Side of the square training crops, a multiple of 8; at least 88 for a new model.")
	private int crop_size = 96;
	@Parameter(label = "Synthetic fraction (advanced)", min = "0", max = "1", stepSize = "0.05", description = "Fraction of the crops drawn from synthetic nuclei instead of the training images, 0..1.")
	private double synthetic_fraction = 0;
	@Parameter(label = "Random seed (advanced)", description = "Seed of the random crops and of the new network's initial weights.")
	private long seed = 42;

	@Override
	public void run() {
		StatusProgress progress = new StatusProgress(status, this);
		try {
			TrainingJob job = new TrainingJob();
			job.images = Models.isGiven(images_dir) ? images_dir.toPath() : null;
			job.labels = Models.isGiven(labels_dir) ? labels_dir.toPath() : null;
			job.valImages = Models.isGiven(val_images_dir) ? val_images_dir.toPath() : null;
			job.valLabels = Models.isGiven(val_labels_dir) ? val_labels_dir.toPath() : null;
			job.output = Models.isGiven(output_file) ? output_file.toPath() : null;
			if (start_from_bundled && Models.isGiven(start_from))
				throw new UserError("Give either a model file in start_from or tick start_from_bundled, not both.");
			job.startFrom = start_from_bundled ? sc.fiji.ris.io.ModelPackage.bundledCopy() : Models.isGiven(start_from) ? start_from.toPath() : null;
			if (start_from_bundled) job.startFromName = "the bundled model";
			job.options.minutes = max_minutes;
			job.options.crop = crop_size;
			job.options.syntheticFraction = synthetic_fraction;
			job.options.seed = seed;
			RisTrainer.Result r = job.run(progress, GraphicsEnvironment.isHeadless() ? null : new LossPlot("RIS training loss"), log::warn);
			progress.done();
			log.info(String.format(Locale.ROOT, "Train Model: %s after %d iterations (%.1f min); wrote %s.", r.cancelled ? "stopped" : "done", r.iterations, r.seconds / 60, output_file));
		} catch (RuntimeException | IOException e) {
			CommandFailure.report(this, "Train Model", e, CommandFailure.parameters("crop", "crop_size", "minutes", "max_minutes", "synthetic", "synthetic_fraction"));
		}
	}
}
