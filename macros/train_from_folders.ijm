// train_from_folders.ijm - trains a RIS model on your own annotated images with RIS for Fiji.
//
// images_dir holds the images (TIFF or PNG, one 2D plane each), labels_dir their label images with the same file
// names (0 = background, 1..n = one nucleus each). With validation folders the best model is chosen on them
// (recommended). The model is written as a .zip to output_file, with NAME_training.csv (the training log) and
// NAME_loss.png beside it; use it as model_file of Segment Instances. Training stops after max_minutes (a short
// trial by default: give an hour or more for a real model) or on Esc, keeping the best model so far.
//
// Argument (without one, a dialog asks; in batch mode, e.g. under ImageJ -batch, it is needed), with the keys of
// Train Model:
//   images_dir=[...] labels_dir=[...] val_images_dir=[...] val_labels_dir=[...] output_file=[.../model.zip]
//   max_minutes=5 start_from=[]   (start_from: a model to fine-tune; empty = a new network)
//   crop_size=96 synthetic_fraction=0 seed=42    (advanced: training crop side, share of synthetic crops, seed)
// A failure stops the macro with one sentence in the Log; under ImageJ -batch ImageJ then exits with status 1.

arg = getArgument();
imagesDir = option(arg, "images_dir", "");
labelsDir = option(arg, "labels_dir", "");
valImagesDir = option(arg, "val_images_dir", "");
valLabelsDir = option(arg, "val_labels_dir", "");
outputFile = option(arg, "output_file", "");
maxMinutes = parseFloat(option(arg, "max_minutes", "5"));
startFrom = option(arg, "start_from", "");
cropSize = parseInt(option(arg, "crop_size", "96"));
syntheticFraction = parseFloat(option(arg, "synthetic_fraction", "0"));
seed = parseInt(option(arg, "seed", "42"));
if (imagesDir == "" || labelsDir == "" || outputFile == "") {
	if (arg != "" || is("Batch Mode")) fail("Give at least images_dir=[...], labels_dir=[...] and output_file=[...] in the macro argument.");
	Dialog.create("Train Model");
	Dialog.addDirectory("Training images", imagesDir);
	Dialog.addDirectory("Training labels", labelsDir);
	Dialog.addDirectory("Validation images (optional)", valImagesDir);
	Dialog.addDirectory("Validation labels (optional)", valLabelsDir);
	Dialog.addFile("Output model (.zip)", outputFile);
	Dialog.addNumber("Time budget (minutes)", maxMinutes);
	Dialog.addFile("Start from model (optional)", startFrom);
	Dialog.show();
	imagesDir = Dialog.getString();
	labelsDir = Dialog.getString();
	valImagesDir = Dialog.getString();
	valLabelsDir = Dialog.getString();
	outputFile = Dialog.getString();
	maxMinutes = Dialog.getNumber();
	startFrom = Dialog.getString();
}
if (isNaN(maxMinutes) || maxMinutes <= 0) fail("max_minutes must be a positive number of minutes.");

run("Train Model", "images_dir=[" + imagesDir + "] labels_dir=[" + labelsDir + "] val_images_dir=[" + valImagesDir
	+ "] val_labels_dir=[" + valLabelsDir + "] output_file=[" + outputFile + "] max_minutes=" + maxMinutes
	+ " start_from=[" + startFrom + "] crop_size=" + cropSize + " synthetic_fraction=" + syntheticFraction + " seed=" + seed);
if (!File.exists(outputFile)) fail("Train Model wrote no model to " + outputFile + ": the Log says why.");
stem = outputFile;
if (endsWith(stem, ".zip")) stem = substring(stem, 0, lengthOf(stem) - 4);
print("RIS model written to " + outputFile + "; training log: " + stem + "_training.csv");

// The value of key in macro options "key=[value] key=value ...", or the default; keys are matched whole (so that
// images_dir is not found inside val_images_dir).
function option(options, key, default) {
	options = " " + options;
	at = indexOf(options, " " + key + "=");
	if (at < 0) return default;
	rest = substring(options, at + lengthOf(key) + 2);
	if (startsWith(rest, "[")) return substring(rest, 1, indexOf(rest, "]"));
	end = indexOf(rest, " ");
	if (end < 0) return rest;
	return substring(rest, 0, end);
}

// Stops the macro with a sentence saying what is wrong. Under ImageJ -batch, ImageJ then exits with status 1 so that a
// pipeline sees the failure (after a plain exit(), ImageJ -batch exits with status 0).
function fail(message) {
	// ImageJ's class loader sees the jars folder once ImageJ has built its command table (a first run() builds it);
	// the results are assigned because a macro prints the value of a call that stands alone
	commands = call("ij.Menus.getCommands");
	ignored = call("sc.fiji.ris.fiji.bridge.CommandBridge.exitIfBatch", message);
	exit(message);
}
