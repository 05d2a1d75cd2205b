package sc.fiji.ris.imagej;

import ij.ImagePlus;
import ij.process.ImageProcessor;
import ij.process.LUT;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import sc.fiji.ris.UserError;

/** Label images as {@link ImagePlus}: reading their labels, and telling a label image from an intensity image. */
public final class LabelImages {

	private LabelImages() {}

	/**
	 * The labels of plane {@code index} (1-based) as ints.
	 *
	 * @param parameter the parameter that gave the image, for the message
	 * @throws IllegalArgumentException if the image is RGB or a value is not a whole non-negative number
	 */
	public static int[] labels(ImagePlus imp, int index, String parameter) {
		if (imp.getType() == ImagePlus.COLOR_RGB)
			throw new UserError("The image '" + imp.getTitle() + "' given as " + parameter + " is an RGB image: a label image must be 8, 16 or 32-bit, 0 = background, 1..n = instances.");
		ImageProcessor ip = imp.getStack().getProcessor(index);
		int n = ip.getPixelCount();
		int[] out = new int[n];
		for (int i = 0; i < n; i++) {
			float v = ip.getf(i);
			if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE)
				throw new UserError("The image '" + imp.getTitle() + "' given as " + parameter + " has the value " + v + " at x=" + (i % ip.getWidth()) + ", y=" + (i / ip.getWidth())
						+ (imp.getStackSize() > 1 ? " of plane " + index : "") + ": a label image holds whole numbers (0 = background, 1..n = instances).");
			out[i] = (int) v;
		}
		return out;
	}

	/**
	 * Refuses a label image where intensities are expected (see {@link #looksLikeLabels}).
	 *
	 * @throws IllegalArgumentException naming the image
	 */
	public static void checkNotLabels(ImagePlus imp) {
		if (looksLikeLabels(imp))
			throw new UserError("The image '" + imp.getTitle() + "' looks like a label image (whole numbers, each one a single region on a 0 background), not intensities: segment the original image instead.");
	}

	/**
	 * Whether {@code imp} is evidently a label image rather than intensities, judged on its first plane: either it
	 * carries the Glasbey LUT that RIS gives its label images, or it is integer-valued with background 0 and at
	 * least two labels, and each value forms (nearly) one connected region. The second test is meant to be safe
	 * against false alarms: noise in real microscopy images splits every intensity value into many small regions,
	 * and a binary mask (one value) is not taken for a label image.
	 */
	public static boolean looksLikeLabels(ImagePlus imp) {
		if (imp == null || imp.getType() == ImagePlus.COLOR_RGB || imp.getStackSize() < 1 || imp.getWidth() < 1) return false;
		if (hasGlasbeyLut(imp)) return true;
		ImageProcessor ip = imp.getStack().getProcessor(1);
		int w = ip.getWidth(), h = ip.getHeight(), n = w * h;
		int[] values = new int[n];
		boolean background = false;
		Set<Integer> distinct = new HashSet<>();
		for (int i = 0; i < n; i++) {
			float v = ip.getf(i);
			if (v != Math.rint(v) || v < 0) return false;
			values[i] = (int) v;
			if (values[i] == 0) background = true;
			else distinct.add(values[i]);
		}
		if (!background || distinct.size() < 2) return false;
		int allowed = distinct.size() + Math.max(2, distinct.size() / 10);
		return regions(values, w, h, allowed) <= allowed;
	}

	/** Whether the image shows with the Glasbey LUT of RIS label images. */
	public static boolean hasGlasbeyLut(ImagePlus imp) {
		LUT lut = imp.getProcessor().getLut();
		if (lut == null || lut.getMapSize() != 256) return false;
		LUT g = Glasbey.lut();
		byte[] a = new byte[256], b = new byte[256];
		for (int c = 0; c < 3; c++) {
			if (c == 0) { lut.getReds(a); g.getReds(b); }
			else if (c == 1) { lut.getGreens(a); g.getGreens(b); }
			else { lut.getBlues(a); g.getBlues(b); }
			if (!Arrays.equals(a, b)) return false;
		}
		return true;
	}

	/** The number of 4-connected regions of equal non-zero values, counting stops above {@code limit}. */
	private static int regions(int[] values, int w, int h, int limit) {
		boolean[] seen = new boolean[values.length];
		int[] stack = new int[64];
		int count = 0;
		for (int start = 0; start < values.length; start++) {
			if (values[start] == 0 || seen[start]) continue;
			if (++count > limit) return count;
			int v = values[start], top = 0;
			stack[top++] = start;
			seen[start] = true;
			while (top > 0) {
				int p = stack[--top], x = p % w, y = p / w;
				for (int k = 0; k < 4; k++) {
					int q = k == 0 ? (x > 0 ? p - 1 : -1) : k == 1 ? (x < w - 1 ? p + 1 : -1) : k == 2 ? (y > 0 ? p - w : -1) : (y < h - 1 ? p + w : -1);
					if (q < 0 || seen[q] || values[q] != v) continue;
					seen[q] = true;
					if (top == stack.length) stack = Arrays.copyOf(stack, top * 2);
					stack[top++] = q;
				}
			}
		}
		return count;
	}
}
