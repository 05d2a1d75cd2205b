// refine_with_crf.ijm - refines a label image with the dense CRF of RIS for Fiji.
//
// The dense CRF sharpens the instances of a label image along the edges of the intensity image. The images:
// the intensity image and its label image, both open; by default the active image and the label image that
// Segment Instances made for it (NAME_labels). When the label image is the active one (just after
// segment_active_image.ijm), its intensity image is found by name. The refined label image opens as the active
// image and the number of its instances goes to the Log.
//
// Argument (optional), with the keys of Plugins > Segmentation > RIS > Refine with Dense CRF:
//   input=[cells.tif] labels=[cells_labels]
// or, for ImageJ -batch (where no image is open and nothing is left when the macro ends), files:
//   image_file=[/data/cells.tif] labels_file=[/out/cells_labels.tif] output_file=[/out/cells_refined.tif]
// (image_file and labels_file are opened first; output_file: the refined label image is saved there).
// The CRF parameters are left out: the command uses its defaults (Fiji: the values last used in its dialog).
// A failure stops the macro with one sentence in the Log; under ImageJ -batch ImageJ then exits with status 1.

arg = getArgument();
input = option(arg, "input", "");
labels = option(arg, "labels", "");
imageFile = option(arg, "image_file", "");
labelsFile = option(arg, "labels_file", "");
outputFile = option(arg, "output_file", "");
if (imageFile != "") {
	if (!File.exists(imageFile)) fail("The image_file " + imageFile + " does not exist: give the path of the intensity image.");
	open(imageFile);
	input = getTitle();
}
if (labelsFile != "") {
	if (!File.exists(labelsFile)) fail("The labels_file " + labelsFile + " does not exist: give the path of the label image.");
	open(labelsFile);
	// labels/NAME.tif beside images/NAME.tif: two images of one title, which the command could not tell apart
	if (getTitle() == input) rename(withoutExtension(input) + "_labels");
	labels = getTitle();
}
if (input != "" && labels == "") labels = "" + withoutExtension(input) + "_labels";
if (input == "" && labels == "") {
	if (nImages == 0) fail("Open an intensity image and its label image first (segment_active_image.ijm makes one).");
	active = getTitle();
	if (endsWith(active, "_labels")) {
		labels = active;
		input = imageWithStem(substring(active, 0, lengthOf(active) - lengthOf("_labels")));
	} else {
		input = active;
		labels = "" + withoutExtension(active) + "_labels";
	}
}
if (input == "" || !isOpen(input)) fail("There is no open intensity image for " + labels + ": open it, or give input=[title] in the argument.");
if (!isOpen(labels)) fail("There is no open label image '" + labels + "': run Segment Instances on " + input + " first, or give labels=[title].");
selectImage(labels);
labelsId = getImageID();
run("Refine with Dense CRF", "input=[" + input + "] labels=[" + labels + "]");
// refined_labels is the active image now
if (getImageID() == labelsId || getTitle() == input) fail("Refine with Dense CRF made no refined label image: the Log says why.");
refined = getTitle();
print(labels + " refined with the dense CRF: " + refined + ", " + countInstances() + " instances");
if (outputFile != "") {
	saveAs("Tiff", outputFile);
	rename(refined);
}

// The value of key in macro options "key=[value] key=value ...", or the default; keys are matched whole.
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

function withoutExtension(name) {
	dot = lastIndexOf(name, ".");
	if (dot > 0) return substring(name, 0, dot);
	return name;
}

// The title of the open image whose name without extension is stem, or "".
function imageWithStem(stem) {
	titles = getList("image.titles");
	for (i = 0; i < titles.length; i++) {
		name = withoutExtension(titles[i]);
		if (name == stem && !endsWith(titles[i], "_labels")) return titles[i];
	}
	return "";
}

// The number of instances in the active label image (labels run from 1 to n in each plane).
function countInstances() {
	total = 0;
	for (plane = 1; plane <= nSlices; plane++) {
		setSlice(plane);
		getStatistics(area, mean, min, max);
		total += max;
	}
	setSlice(1);
	return total;
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
