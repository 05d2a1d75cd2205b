package sc.fiji.ris.imagej;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;

/**
 * Segments every plane of an {@link ImagePlus} (stacks, hyperstacks, time-lapses) with a {@link Segmenter}, and
 * builds the 16-bit label image with the input's dimensions and calibration. Shared by the Fiji commands and the
 * launcher; no SciJava here.
 */
public final class ImagePlusSegmenter {

	private ImagePlusSegmenter() {}

	/**
	 * Checks that an image can be segmented.
	 *
	 * @return a warning to show the user (RGB converted to luminance), or null
	 * @throws IllegalArgumentException with one sentence naming the image
	 */
	public static String check(ImagePlus imp) {
		if (imp == null) throw new UserError("There is no image to segment: open an image first.");
		if (imp.getWidth() < 1 || imp.getHeight() < 1 || imp.getStackSize() < 1)
			throw new UserError("The image '" + imp.getTitle() + "' is empty.");
		if (imp.getType() == ImagePlus.COLOR_RGB)
			return "The image '" + imp.getTitle() + "' is RGB: it is segmented as luminance (convert it to 8/16-bit yourself to choose a channel).";
		return null;
	}

	/** Intensities of plane {@code index} (1-based) as floats; RGB as luminance; NaN refused. */
	public static float[] plane(ImagePlus imp, int index) {
		ImageProcessor ip = imp.getStack().getProcessor(index);
		if (imp.getType() == ImagePlus.COLOR_RGB) ip = ip.convertToByte(false);
		int n = ip.getPixelCount();
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			float v = ip.getf(i);
			if (Float.isNaN(v))
				throw new UserError("The image '" + imp.getTitle() + "' has NaN pixels (plane " + index + "): replace them first (Process>Math>Remove NaNs).");
			out[i] = v;
		}
		return out;
	}

	/**
	 * Segments every plane, in stack order.
	 *
	 * @return one {@link Instances} per plane; fewer if cancelled
	 */
	public static List<Instances> segment(ImagePlus imp, Segmenter segmenter, Progress progress) {
		return segment(imp, segmenter, progress, null);
	}

	/** As {@link #segment(ImagePlus, Segmenter, Progress)}; {@code stats}, unless null, receives each plane's statistics. */
	public static List<Instances> segment(ImagePlus imp, Segmenter segmenter, Progress progress, List<SegmentStats> stats) {
		check(imp);
		int n = imp.getStackSize();
		List<Instances> out = new ArrayList<>(n);
		for (int z = 1; z <= n; z++) {
			if (progress.isCancelled()) break;
			if (n > 1) progress.status("Segmenting plane " + z + "/" + n + " of " + imp.getTitle());
			out.add(segmenter.segment(plane(imp, z), imp.getWidth(), imp.getHeight(), Progress.NONE));
			if (stats != null) stats.add(segmenter.lastStats());
			progress.progress(z, n);
		}
		return out;
	}

	/** A 16-bit label image with the dimensions and calibration of {@code input}, titled after it. */
	public static ImagePlus labelImage(ImagePlus input, List<Instances> planes) {
		int w = input.getWidth(), h = input.getHeight();
		ImageStack stack = new ImageStack(w, h);
		int max = 0;
		for (Instances inst : planes) {
			if (inst.count() > 65535)
				throw new UserError("The image '" + input.getTitle() + "' has more than 65535 instances in one plane: a 16-bit label image cannot hold them.");
			short[] px = new short[w * h];
			int[] labels = inst.labels();
			for (int i = 0; i < px.length; i++) px[i] = (short) labels[i];
			stack.addSlice(new ShortProcessor(w, h, px, null));
			max = Math.max(max, inst.count());
		}
		String title = stripExtension(input.getTitle()) + "_labels";
		ImagePlus out = new ImagePlus(title, stack);
		if (planes.size() == input.getStackSize())
			out.setDimensions(input.getNChannels(), input.getNSlices(), input.getNFrames());
		if (input.isHyperStack() && planes.size() == input.getStackSize()) out.setOpenAsHyperStack(true);
		Calibration cal = input.getCalibration().copy();
		cal.disableDensityCalibration();
		out.setCalibration(cal);
		out.setDisplayRange(0, Math.max(1, max));
		out.getProcessor().setLut(Glasbey.lut());
		return out;
	}

	/** The title without a file extension. */
	public static String stripExtension(String title) {
		int dot = title.lastIndexOf('.');
		return dot > 0 && title.length() - dot <= 5 ? title.substring(0, dot) : title;
	}
}
