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
// The CRF parameters are left out: the command uses its defaults (Fiji: the values last used in its dialog).

arg = getArgument();
input = option(arg, "input", "");
labels = option(arg, "labels", "");
if (input == "" && labels == "") {
	if (nImages == 0) exit("Open an intensity image and its label image first (segment_active_image.ijm makes one).");
	active = getTitle();
	if (endsWith(active, "_labels")) {
		labels = active;
		input = imageWithStem(substring(active, 0, lengthOf(active) - lengthOf("_labels")));
	} else {
		input = active;
		labels = "" + withoutExtension(active) + "_labels";
	}
}
if (input == "" || !isOpen(input)) exit("There is no open intensity image for " + labels + ": open it, or give input=[title] in the argument.");
if (!isOpen(labels)) exit("There is no open label image '" + labels + "': run Segment Instances on " + input + " first, or give labels=[title].");
selectImage(labels);
labelsId = getImageID();
run("Refine with Dense CRF", "input=[" + input + "] labels=[" + labels + "]");
// refined_labels is the active image now
if (getImageID() == labelsId || getTitle() == input) exit("Refine with Dense CRF made no refined label image: the Log says why.");
print(labels + " refined with the dense CRF: " + getTitle() + ", " + countInstances() + " instances");

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
