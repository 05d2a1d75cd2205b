package sc.fiji.ris.imagej;

import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.Opener;
import ij.io.TiffDecoder;
import ij.process.ImageProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;

/** Reads images and label images for the launcher with ImageJ's readers (TIFF and PNG, 8, 16 and 32-bit). */
public final class ImageFiles {

	private ImageFiles() {}

	/** Opens an image file, or fails with one sentence naming it. */
	public static ImagePlus open(Path file) {
		if (!Files.isRegularFile(file)) throw new UserError("The file " + file + " does not exist.");
		long size;
		try {
			size = Files.size(file);
		} catch (IOException e) {
			throw new UserError("The file " + file + " cannot be read (" + e.getMessage() + ").");
		}
		if (size == 0) throw new UserError("The file " + file + " is empty.");
		ImagePlus imp;
		try {
			Opener opener = new Opener();
			String path = file.toAbsolutePath().toString();
			// a format ImageJ does not know: its Opener would print "Unsupported format" on stdout besides our error
			imp = opener.getFileType(path) == Opener.UNKNOWN ? null : opener.openImage(path);
		} catch (RuntimeException e) {
			imp = null;
		}
		if (imp == null || imp.getProcessor() == null || truncatedTiff(file, size))
			throw new UserError("The file " + file + " is not a readable TIFF or PNG image (damaged, truncated or of another format).");
		return imp;
	}

	/**
	 * Whether a TIFF's pixel data reaches past the end of the file: ImageJ then fills the missing pixels with 0
	 * without a word, so a truncated file would otherwise be read as a valid image.
	 */
	private static boolean truncatedTiff(Path file, long size) {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (!name.endsWith(".tif") && !name.endsWith(".tiff")) return false;
		FileInfo[] info;
		try {
			Path abs = file.toAbsolutePath();
			info = new TiffDecoder(abs.getParent().toString() + File.separator, abs.getFileName().toString()).getTiffInfo();
		} catch (IOException | RuntimeException e) {
			return false; // not a TIFF after all (ImageJ opened it by its content): nothing to check
		}
		if (info == null) return false;
		for (FileInfo fi : info) {
			long end = fi.getOffset();
			if (fi.stripOffsets != null && fi.stripLengths != null)
				for (int i = 0; i < Math.min(fi.stripOffsets.length, fi.stripLengths.length); i++)
					end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
			boolean plain = fi.fileType == FileInfo.GRAY8 || fi.fileType == FileInfo.COLOR8 || fi.fileType == FileInfo.GRAY16_SIGNED
					|| fi.fileType == FileInfo.GRAY16_UNSIGNED || fi.fileType == FileInfo.GRAY32_INT || fi.fileType == FileInfo.GRAY32_UNSIGNED
					|| fi.fileType == FileInfo.GRAY32_FLOAT || fi.fileType == FileInfo.RGB;
			if (plain && fi.compression == FileInfo.COMPRESSION_NONE) {
				long planes = Math.max(1, fi.nImages);
				end = Math.max(end, fi.getOffset() + planes * fi.width * fi.height * fi.getBytesPerPixel() + (planes - 1) * fi.getGap());
			}
			if (end > size) return true;
		}
		return false;
	}

	/** Intensities of plane {@code index} (1-based) as floats. */
	public static float[] pixels(ImagePlus imp, int index) {
		ImageProcessor ip = imp.getStack().getProcessor(index);
		if (imp.getType() == ImagePlus.COLOR_RGB) ip = ip.convertToByte(false);
		int n = ip.getPixelCount();
		float[] out = new float[n];
		for (int i = 0; i < n; i++) out[i] = ip.getf(i);
		return out;
	}

	/** Labels of plane {@code index} (1-based) as ints; refuses fractional, negative or colour values. */
	public static int[] labels(ImagePlus imp, int index, Path file) {
		if (imp.getType() == ImagePlus.COLOR_RGB || imp.getType() == ImagePlus.COLOR_256)
			throw new UserError("The label image " + file + " is a colour image: labels must be an 8, 16 or 32-bit image of integers (0 = background).");
		ImageProcessor ip = imp.getStack().getProcessor(index);
		int n = ip.getPixelCount();
		int[] out = new int[n];
		for (int i = 0; i < n; i++) {
			float v = ip.getf(i);
			if (v != Math.rint(v) || v < 0 || v > Integer.MAX_VALUE)
				throw new UserError("The label image " + file + " has a non-integer or negative value " + v + " at x=" + (i % ip.getWidth()) + ", y=" + (i / ip.getWidth()) + ": labels must be whole numbers (0 = background).");
			out[i] = (int) v;
		}
		return out;
	}

	/**
	 * The region mask of a training pair in {@code dir}: the file named as its image, or its base name with
	 * {@code .tif} or {@code .png}; null when there is none.
	 */
	public static Path regionMask(Path dir, ImagePairs.Pair pair) {
		for (String name : new String[] { pair.image.getFileName().toString(), pair.name + ".tif", pair.name + ".png" }) {
			Path p = dir.resolve(name);
			if (Files.isRegularFile(p)) return p;
		}
		return null;
	}

	/**
	 * Reads a mask of the annotated region of {@code image} (nonzero = annotated), which must have its size.
	 *
	 * @throws IllegalArgumentException naming the file when it cannot be read, has another size, several planes or no
	 *         nonzero pixel
	 */
	public static boolean[] readRegion(Path mask, int width, int height, Path image) {
		ImagePlus imp = open(mask);
		if (imp.getWidth() != width || imp.getHeight() != height || imp.getStackSize() > 1)
			throw new UserError("The region mask " + mask + " is " + imp.getWidth() + "x" + imp.getHeight() + "x" + imp.getStackSize()
					+ " but its image " + image + " is " + width + "x" + height + ": give one plane of the image's size (nonzero = annotated).");
		float[] px = pixels(imp, 1);
		boolean[] region = new boolean[px.length];
		boolean any = false;
		for (int i = 0; i < px.length; i++) any |= region[i] = px[i] != 0;
		if (!any) throw new UserError("The region mask " + mask + " is 0 everywhere: mark the annotated part of " + image + " with nonzero pixels, or remove the mask if all of it is annotated.");
		return region;
	}

	/**
	 * Reads an image with its labels, normalised with {@code normalizer}; refuses pairs that do not match.
	 *
	 */
	public static LabeledImage readPair(ImagePairs.Pair pair, PercentileNormalizer normalizer) {
		ImagePlus img = open(pair.image);
		ImagePlus lab = open(pair.labels);
		if (img.getWidth() != lab.getWidth() || img.getHeight() != lab.getHeight())
			throw new UserError("The label image " + pair.labels + " is " + lab.getWidth() + "x" + lab.getHeight()
					+ " but its image " + pair.image + " is " + img.getWidth() + "x" + img.getHeight() + ": they must have the same size.");
		if (img.getStackSize() > 1 || lab.getStackSize() > 1)
			throw new UserError("The training pair " + pair.image + " has several planes: give one 2D image per file.");
		int[] labels = labels(lab, 1, pair.labels);
		float[] px = pixels(img, 1);
		return new LabeledImage(pair.name, img.getWidth(), img.getHeight(), normalizer.normalize(px), labels);
	}
}
