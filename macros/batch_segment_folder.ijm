// batch_segment_folder.ijm - segments every image of a folder with RIS for Fiji and writes a summary table.
//
// For each image NAME of the input folder that matches the file pattern, "Batch Segment Folder" writes into the
// output folder NAME_labels.tif (16-bit label image), NAME_rois.zip (drag it onto Fiji to open the ROI Manager)
// and NAME_instances.csv (one row per instance). This macro then writes ris_summary.csv there: one row per image
// with its name, its number of instances and "ok", or "failed" for an image that could not be segmented (the
// Log says why). Works in batch mode, in Fiji (also headless) and, with RIS_Bridge.jar, in plain ImageJ.
//
// Argument (without one, a dialog asks; in batch mode, e.g. under ImageJ -batch, it is needed), with the keys of
// Batch Segment Folder:
//   input_dir=[/data/in] output_dir=[/data/out] file_pattern=[*.tif] model_file=[] refine_with_crf=false
// model_file empty = the bundled nuclei model; refine_with_crf=true refines the masks with the dense CRF.
// Headless Fiji:
//   ImageJ-linux64 --headless -macro batch_segment_folder.ijm "input_dir=[/data/in] output_dir=[/data/out]"
// Plain ImageJ on a server (ris.jar and its lib jars in jars/, RIS_Bridge.jar in plugins/):
//   xvfb-run -a java -jar ij.jar -ijpath . -batch batch_segment_folder.ijm "input_dir=[/data/in] output_dir=[/data/out]"
// A failure stops the macro with one sentence in the Log; under -batch ImageJ then exits with status 1.

arg = getArgument();
inputDir = option(arg, "input_dir", "");
outputDir = option(arg, "output_dir", "");
pattern = option(arg, "file_pattern", "*.tif");
modelFile = option(arg, "model_file", "");
refineWithCrf = option(arg, "refine_with_crf", "false");
if (inputDir == "" || outputDir == "") {
	if (arg != "" || is("Batch Mode")) fail("Give both input_dir=[...] and output_dir=[...] in the macro argument.");
	Dialog.create("Batch Segment Folder");
	Dialog.addDirectory("Input folder", inputDir);
	Dialog.addDirectory("Output folder", outputDir);
	Dialog.addString("File pattern", pattern);
	Dialog.addFile("Model file (empty: bundled)", modelFile);
	refine = false;
	if (refineWithCrf == "true") refine = true;
	Dialog.addCheckbox("Refine with dense CRF", refine);
	Dialog.show();
	inputDir = Dialog.getString();
	outputDir = Dialog.getString();
	pattern = Dialog.getString();
	modelFile = Dialog.getString();
	refineWithCrf = "false";
	if (Dialog.getCheckbox()) refineWithCrf = "true";
}
inputDir = asFolder(inputDir);
outputDir = asFolder(outputDir);

setBatchMode(true);
// results older than this run (from an earlier run into the same folder) do not count
start = getTime() - 2000;
run("Batch Segment Folder", "input_dir=[" + inputDir + "] output_dir=[" + outputDir + "] model_file=[" + modelFile
	+ "] file_pattern=[" + pattern + "] refine_with_crf=" + refineWithCrf);

regex = globToRegex(pattern);
names = getFileList(inputDir);
summary = "image,instances,status\n";
rows = 0;
failed = 0;
total = 0;
for (i = 0; i < names.length; i++) {
	name = names[i];
	if (endsWith(name, "/") || !matches(name, regex)) continue;
	// NAME_labels.tif is a label image (of an earlier run into this folder), not an image to segment
	if (endsWith(withoutExtension(name), "_labels")) continue;
	csv = outputDir + stemOf(name) + "_instances.csv";
	if (File.exists(csv) && File.lastModified(csv) >= start) {
		count = countRows(csv);
		summary = summary + csvField(name) + "," + count + ",ok\n";
		total += count;
	} else {
		summary = summary + csvField(name) + ",,failed\n";
		failed++;
	}
	rows++;
}
if (rows == 0) fail("No file of " + inputDir + " matches '" + pattern + "'.");
summaryFile = outputDir + "ris_summary.csv";
File.saveString(summary, summaryFile);
print("RIS: " + (rows - failed) + " of " + rows + " images segmented, " + total + " instances; summary in " + summaryFile);
// with a display, the summary also opens as a table
if (call("java.awt.GraphicsEnvironment.isHeadless") != "true") Table.open(summaryFile);

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

function asFolder(path) {
	if (endsWith(path, "/") || endsWith(path, File.separator)) return path;
	return path + File.separator;
}

function withoutExtension(name) {
	dot = lastIndexOf(name, ".");
	if (dot > 0) return substring(name, 0, dot);
	return name;
}

// The name Batch Segment Folder gives an image's results: without extension, without a trailing "_labels".
function stemOf(name) {
	stem = withoutExtension(name);
	if (endsWith(stem, "_labels")) stem = substring(stem, 0, lengthOf(stem) - lengthOf("_labels"));
	return stem;
}

// A CSV field: quoted if it holds a comma or a quote.
function csvField(text) {
	if (indexOf(text, ",") < 0 && indexOf(text, "\"") < 0) return text;
	return "\"" + replace(text, "\"", "\"\"") + "\"";
}

// The rows of a CSV file without its header: one per instance.
function countRows(path) {
	lines = split(File.openAsString(path), "\n");
	return maxOf(0, lines.length - 1);
}

// A file-name glob (* ? [abc] [!abc] {a,b}) as a regular expression, as Batch Segment Folder reads the pattern.
function globToRegex(glob) {
	regex = "";
	inBraces = false;
	for (k = 0; k < lengthOf(glob); k++) {
		c = substring(glob, k, k + 1);
		if (c == "*") regex += ".*";
		else if (c == "?") regex += ".";
		else if (c == "{") { regex += "("; inBraces = true; }
		else if (c == "}") { regex += ")"; inBraces = false; }
		else if (c == "," && inBraces) regex += "|";
		else if (c == "!" && k > 0 && substring(glob, k - 1, k) == "[") regex += "^";
		else if (c == "[" || c == "]") regex += c;
		else if (indexOf("\\.()+^$|", c) >= 0) regex += "\\" + c;
		else regex += c;
	}
	return regex;
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
