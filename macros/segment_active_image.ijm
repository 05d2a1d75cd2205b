// segment_active_image.ijm - finds every nucleus of the active image with RIS for Fiji.
//
// Each nucleus (in every plane of a stack or time-lapse) becomes one instance: its outline in the ROI Manager,
// its label in a 16-bit label image that opens next to the image (0 = background, 1..n in each plane), and a row
// of the "RIS instances" table. The number of instances goes to the Log. Headless, the ROI Manager and the table
// are left out.
//
// Works in Fiji and, with RIS_Bridge.jar installed, in plain ImageJ. The keys of the run() call are the parameter
// names of Plugins > Segmentation > RIS > Segment Instances; the settings below are their defaults:
//   model_file      empty = the bundled nuclei model, or the path of a .zip made by "Train Model"
//   min_confidence  -1 = the model's own threshold (0..1 to find more or fewer nuclei)
//   tile_size       0 = the model's tile size
//   refine_with_crf true = refine the masks with the dense CRF (default CRF parameters; refine_with_crf.ijm
//                   and "Refine with Dense CRF" offer them all)
//   roi_manager     Replace, Append or [Don't add]

modelFile = "";
minConfidence = -1;
tileSize = 0;
refineWithCrf = "false";
roiMode = "Replace";

if (nImages == 0) exit("Open an image first (File > Open...), then run this macro.");
input = getTitle();
inputId = getImageID();
run("Segment Instances", "input=[" + input + "] model_file=[" + modelFile + "] min_confidence=" + minConfidence
	+ " tile_size=" + tileSize + " refine_with_crf=" + refineWithCrf + " roi_manager=[" + roiMode + "] show_table=true");
// the label image is the active image now
if (getImageID() == inputId) exit("Segment Instances made no label image for " + input + ": the Log says why.");
labels = getTitle();
count = countInstances();
print(input + ": " + count + " instances (label image: " + labels + ")");

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
