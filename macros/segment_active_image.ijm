// segment_active_image.ijm - finds every nucleus of the active image with RIS for Fiji.
//
// Each nucleus (in every plane of a stack or time-lapse) becomes one instance: its outline in the ROI Manager,
// its label in a 16-bit label image that opens next to the image (0 = background, 1..n in each plane), and a row
// of the "RIS instances" table. The number of instances (and of the ROIs in the ROI Manager) goes to the Log.
// Headless, the ROI Manager and the table are left out.
//
// Works in Fiji and, with RIS_Bridge.jar installed, in plain ImageJ. The keys of the run() call are the parameter
// names of Plugins > Segmentation > RIS > Segment Instances; the settings below are their defaults:
//   model_file      empty = the bundled nuclei model, or the path of a .zip made by "Train Model"
//   object_diameter 0 = estimate it from the image, -1 = the model's own, or the nuclei's diameter in pixels
//   settings_file   empty = the model's own thresholds, or a JSON file of advanced settings such as
//                   {"minConfidence": 0.6} (0..1 to find fewer or more nuclei)
//   refine_with_crf true = refine the masks with the dense CRF (default CRF parameters; refine_with_crf.ijm
//                   and "Refine with Dense CRF" offer them all)
//   roi_manager     Replace, Append or [Don't add]
//
// Argument (optional; for ImageJ -batch, where no image is open and nothing is left when the macro ends):
//   image_file=[/data/cells.tif]          open this image and segment it
//   model_file=[/models/mine.zip]         instead of the setting below
//   labels_file=[/out/cells_labels.tif]   save the label image there
//   rois_file=[/out/cells_rois.zip]       save the ROIs there (needs a display, as the ROI Manager does)
// Plain ImageJ on a server (ris.jar and its lib jars in jars/, RIS_Bridge.jar in plugins/):
//   xvfb-run -a java -jar ij.jar -ijpath . -batch segment_active_image.ijm "image_file=[/data/cells.tif]
//     labels_file=[/out/cells_labels.tif] rois_file=[/out/cells_rois.zip]"
// A failure stops the macro with one sentence in the Log; under -batch ImageJ then exits with status 1.
//
// The ROIs: in batch mode, ImageJ gives each macro a hidden ROI Manager of its own. A macro that calls
// run("Segment Instances", ...) itself finds the ROIs there (roiManager("count"), roiManager("select", i), ...), as
// this one does. A macro that runs this one with runMacro() does not: ImageJ drops the called macro's hidden ROI
// Manager when it returns. Give rois_file=[...] and open them with roiManager("open", path) instead; the label image
// (the active image) and the "RIS instances" table stay open for the caller either way.

modelFile = "";
objectDiameter = 0;
settingsFile = "";
refineWithCrf = "false";
roiMode = "Replace";

arg = getArgument();
imageFile = option(arg, "image_file", "");
modelFile = option(arg, "model_file", modelFile);
labelsFile = option(arg, "labels_file", "");
roisFile = option(arg, "rois_file", "");
// the system property is unset where Java found no display by itself
headless = (call("java.awt.GraphicsEnvironment.isHeadless") == "true");
if (roisFile != "" && (headless || roiMode == "Don't add"))
	fail("rois_file=[...] needs the ROIs in the ROI Manager, which needs a display (on a server: xvfb-run); headless, Batch Segment Folder writes NAME_rois.zip.");
if (imageFile != "") {
	if (!File.exists(imageFile)) fail("The image_file " + imageFile + " does not exist: give the path of the image to segment.");
	open(imageFile);
}
if (nImages == 0) fail("Open an image first (File > Open...), or give image_file=[...] in the argument, then run this macro.");
input = getTitle();
inputId = getImageID();
run("Segment Instances", "input=[" + input + "] model_file=[" + modelFile + "] object_diameter=" + objectDiameter
	+ " settings_file=[" + settingsFile + "] refine_with_crf=" + refineWithCrf + " roi_manager=[" + roiMode + "] show_table=true");
// the label image is the active image now
if (getImageID() == inputId) fail("Segment Instances made no label image for " + input + ": the Log says why.");
labels = getTitle();
count = countInstances();
rois = "";
// the ROI Manager of this macro (in batch mode its hidden one) holds the instances' outlines now
if (roiMode != "Don't add" && !headless) rois = "; " + roiManager("count") + " ROIs in the ROI Manager";
print(input + ": " + count + " instances (label image: " + labels + rois + ")");
if (roisFile != "") roiManager("save", roisFile);
if (labelsFile != "") {
	saveAs("Tiff", labelsFile);
	// saving renames the image after its file; refine_with_crf.ijm finds it by its own name
	rename(labels);
}

// The number of instances in the active label image: labels run from 1 to n in each plane, so each plane holds
// as many instances as its largest label.
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

// Stops the macro with a sentence saying what is wrong. Under ImageJ -batch, ImageJ then exits with status 1 so that a
// pipeline sees the failure (after a plain exit(), ImageJ -batch exits with status 0).
function fail(message) {
	// ImageJ's class loader sees the jars folder once ImageJ has built its command table (a first run() builds it);
	// the results are assigned because a macro prints the value of a call that stands alone
	commands = call("ij.Menus.getCommands");
	ignored = call("sc.fiji.ris.fiji.bridge.CommandBridge.exitIfBatch", message);
	exit(message);
}
