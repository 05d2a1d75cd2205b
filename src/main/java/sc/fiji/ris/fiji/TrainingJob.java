package sc.fiji.ris.fiji;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.TrainingSet;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.train.RisTrainer;
import sc.fiji.ris.train.TrainingLog;
import sc.fiji.ris.train.TrainingOptions;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.LossCurvePlot;

/**
 * One training run of the "Train Model" and "Fine-tune RIS on Annotated Images" commands, as {@code ris train} does
 * it: check the folders and options, read and check the image/label pairs (from folders, and annotated images handed
 * over in memory, such as those made from the ROI Manager), train with {@link RisTrainer} (checkpoints in
 * {@code MODEL.checkpoints} beside the output), then write the best model, with its provenance, to the output file
 * and the training log to {@code MODEL_training.csv} and {@code MODEL_loss.png}. A cancelled run still writes the
 * best model it has. Messages name the command's parameters.
 */
public final class TrainingJob {

	/** Training images and labels (folders; same file names), or both null when {@link #annotated} holds the pairs. */
	public Path images, labels;
	/**
	 * More training pairs, not normalised yet (they are normalised as the model's images are), whose labels may leave
	 * parts of an image {@link LabeledImage#NOT_ANNOTATED}; may be empty.
	 */
	public List<LabeledImage> annotated = new ArrayList<>();
	/** What {@link #annotated} holds, for the model's provenance (e.g. which images, how many instances). */
	public String annotatedData = "";
	/** Validation images and labels (folders), or both null. */
	public Path valImages, valLabels;
	/** The model package to write (.zip). */
	public Path output;
	/** A model to fine-tune, or null for a new network. */
	public Path startFrom;
	/** How the provenance names {@link #startFrom} (e.g. "the bundled model"); null: by its file. */
	public String startFromName;
	/** Budget, crop, synthetic fraction, seed; the checkpoint folder is set by {@link #run}. */
	public TrainingOptions options = new TrainingOptions();

	/**
	 * Checks everything, trains, writes the output.
	 *
	 * @param rows receives each training log row (for a live plot), may be null
	 * @param warnings receives one sentence per training image without instances
	 * @throws IllegalArgumentException naming the parameter that is wrong, before any training starts
	 * @throws IOException if a file cannot be read or written, or the engine cannot start
	 */
	public RisTrainer.Result run(Progress progress, Consumer<TrainingLog.Row> rows, Consumer<String> warnings) throws IOException {
		if ((images == null || labels == null) && (annotated.isEmpty() || images != null || labels != null))
			throw new UserError("Give both images_dir and labels_dir: the training images and their label images.");
		if ((valImages == null) != (valLabels == null)) throw new UserError("Give both val_images_dir and val_labels_dir, or neither.");
		if (output == null || !output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zip") || Files.isDirectory(output))
			throw new UserError("The output_file " + output + " must name a .zip file: the model package to write.");
		if (startFrom != null && !Files.isRegularFile(startFrom))
			throw new UserError("The model file " + startFrom + " given as start_from does not exist: choose a RIS model (.zip) to fine-tune, or leave it empty to train a new one.");
		if (!(options.minutes > 0)) throw new UserError("The max_minutes must be positive, not " + options.minutes + ": it says when training ends.");
		if (!(options.syntheticFraction >= 0 && options.syntheticFraction <= 1)) throw new UserError("The synthetic_fraction must lie in [0, 1], not " + options.syntheticFraction + ".");
		if (options.crop < 32 || options.crop % 8 != 0) throw new UserError("The crop_size must be a multiple of 8 and at least 32, not " + options.crop + ".");
		String stem = output.getFileName().toString().replaceFirst("(?i)\\.zip$", "");
		Path parent = output.toAbsolutePath().getParent();
		options.checkpointDir = parent.resolve(stem + ".checkpoints");
		options.startFrom = startFrom;
		ModelConfig config = startFrom != null ? ModelPackage.readConfig(startFrom) : new ModelConfig();
		if (startFrom == null && config.tileOverlap >= options.crop / 2)
			throw new UserError("A crop_size of " + options.crop + " is too small for a new model, whose tiles overlap by " + config.tileOverlap
					+ " pixels: use " + ((2 * config.tileOverlap + 2 + 7) / 8 * 8) + " or more.");
		options.validate();

		PercentileNormalizer normalizer = new PercentileNormalizer(config.normLowPercentile, config.normHighPercentile);
		List<LabeledImage> train = images == null ? new ArrayList<>()
				: TrainingSet.read(ImagePairs.pair(images, labels, "The images_dir", "The labels_dir"), p -> ImageFiles.readPair(p, normalizer), "labels_dir", warnings);
		for (LabeledImage a : annotated) train.add(normalizer.normalize(a));
		List<LabeledImage> val = valImages == null ? new ArrayList<>()
				: TrainingSet.read(ImagePairs.pair(valImages, valLabels, "The val_images_dir", "The val_labels_dir"), p -> ImageFiles.readPair(p, normalizer), "val_labels_dir", warnings);
		Models.startEngine(); // after the data checks: a bad file is reported without loading PyTorch

		RisTrainer.Result result = new RisTrainer(config, options).train(train, val, progress, rows);
		try (RisModel best = ModelPackage.load(result.bestCheckpoint)) {
			ModelConfig.Provenance p = best.config().training;
			String folder = images == null ? "" : images.toAbsolutePath().toString();
			p.trainingData = annotatedData.isEmpty() ? folder : folder.isEmpty() ? annotatedData : folder + "; " + annotatedData;
			if (startFrom != null) p.trainingData = "fine-tuned from " + startedFrom() + " for " + minutes(options.minutes) + " on " + p.trainingData;
			p.validationData = valImages == null ? "" : valImages.toAbsolutePath().toString();
			ModelPackage.save(best, output);
		}
		result.log.writeCsv(parent.resolve(stem + "_training.csv"));
		LossCurvePlot.write(result.log, parent.resolve(stem + "_loss.png"));
		return result;
	}

	/** The starting model as the provenance names it. */
	private String startedFrom() {
		return startFromName != null ? startFromName : startFrom.toAbsolutePath().toString();
	}

	private static String minutes(double m) {
		return String.format(Locale.ROOT, "at most %s minutes", m == Math.rint(m) ? String.valueOf((long) m) : String.valueOf(m));
	}
}
