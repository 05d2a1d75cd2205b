package sc.fiji.ris.imagej;

import ij.ImagePlus;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.infer.Instances;

/**
 * Refines every plane of an {@link ImagePlus} with the {@link DenseCrf}: either the planes just segmented (with their
 * soft masks) or a label image from elsewhere. Shared by the Fiji commands and the launcher; no SciJava here.
 */
public final class ImagePlusRefiner {

	private ImagePlusRefiner() {}

	/**
	 * Refines segmented planes of {@code image}, in stack order.
	 *
	 * @return one refined {@link Instances} per plane; fewer if cancelled
	 */
	public static List<Instances> refine(ImagePlus image, List<Instances> planes, DenseCrf crf, Progress progress) {
		List<Instances> out = new ArrayList<>(planes.size());
		for (int z = 0; z < planes.size(); z++) {
			if (progress.isCancelled()) break;
			if (planes.size() > 1) progress.status("Refining plane " + (z + 1) + "/" + planes.size() + " of " + image.getTitle());
			out.add(crf.refine(ImagePlusSegmenter.plane(image, z + 1), planes.get(z)));
			progress.progress(z + 1, planes.size());
		}
		return out;
	}

	/**
	 * Checks that {@code labels} can refine {@code image}: both given, not the same image, of the same size and
	 * number of planes.
	 *
	 * @param labelsName how the user gave the label image (a parameter or option name), for the messages
	 * @throws IllegalArgumentException with one sentence naming the images
	 */
	public static void check(ImagePlus image, ImagePlus labels, String labelsName) {
		if (labels == null) throw new UserError("There is no label image to refine: give one as " + labelsName + ".");
		ImagePlusSegmenter.check(image);
		if (image == labels) throw new UserError("The image '" + image.getTitle() + "' was given both as the intensities and as " + labelsName + ": give its label image as " + labelsName + ".");
		if (labels.getWidth() != image.getWidth() || labels.getHeight() != image.getHeight())
			throw new UserError("The label image '" + labels.getTitle() + "' is " + labels.getWidth() + "x" + labels.getHeight() + " but the image '" + image.getTitle() + "' is "
					+ image.getWidth() + "x" + image.getHeight() + ": they must have the same size.");
		if (labels.getStackSize() != image.getStackSize())
			throw new UserError("The label image '" + labels.getTitle() + "' has " + labels.getStackSize() + " plane" + (labels.getStackSize() == 1 ? "" : "s") + " but the image '"
					+ image.getTitle() + "' has " + image.getStackSize() + ": they must have the same planes.");
	}

	/**
	 * Refines a label image from elsewhere, plane by plane, after {@link #check}. Planes without labels come back
	 * unchanged; the labels of each refined plane are consecutive.
	 *
	 * @return one refined {@link Instances} per plane; fewer if cancelled
	 * @throws IllegalArgumentException with one sentence if the label image holds values that are not labels
	 */
	public static List<Instances> refine(ImagePlus image, ImagePlus labels, String labelsName, DenseCrf crf, Progress progress) {
		check(image, labels, labelsName);
		int n = image.getStackSize();
		// every plane's labels are read first, so that a bad value anywhere fails before any work is done
		List<int[]> planes = new ArrayList<>(n);
		for (int z = 1; z <= n; z++) planes.add(LabelImages.labels(labels, z, labelsName));
		List<Instances> out = new ArrayList<>(n);
		for (int z = 1; z <= n; z++) {
			if (progress.isCancelled()) break;
			if (n > 1) progress.status("Refining plane " + z + "/" + n + " of " + image.getTitle());
			out.add(crf.refine(ImagePlusSegmenter.plane(image, z), planes.get(z - 1), image.getWidth(), image.getHeight()));
			progress.progress(z, n);
		}
		return out;
	}
}
