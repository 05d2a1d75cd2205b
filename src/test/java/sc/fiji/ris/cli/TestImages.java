package sc.fiji.ris.cli;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small TIFF images and label images for the launcher tests, with ImageJ (headless-safe). */
final class TestImages {

	private TestImages() {}

	/**
	 * A label array of {@code w} x {@code h} with filled rectangles: each entry of {@code boxes} is
	 * {@code {label, x, y, width, height}}; later boxes paint over earlier ones.
	 */
	static short[] boxes(int w, int h, int[]... boxes) {
		short[] px = new short[w * h];
		for (int[] b : boxes)
			for (int y = b[2]; y < b[2] + b[4]; y++)
				for (int x = b[1]; x < b[1] + b[3]; x++) px[y * w + x] = (short) b[0];
		return px;
	}

	/** Writes a 16-bit single-plane TIFF, creating the folder if needed, and returns its path. */
	static Path writeShort(Path file, int w, int h, short[] pixels) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), new ShortProcessor(w, h, pixels, null));
		if (!new FileSaver(imp).saveAsTiff(file.toString())) throw new IOException("ImageJ could not write " + file);
		return file;
	}

	/** Writes a 32-bit single-plane TIFF, creating the folder if needed, and returns its path. */
	static Path writeFloat(Path file, int w, int h, float[] pixels) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), new FloatProcessor(w, h, pixels));
		if (!new FileSaver(imp).saveAsTiff(file.toString())) throw new IOException("ImageJ could not write " + file);
		return file;
	}

	/** Writes a 16-bit label image with the given boxes (see {@link #boxes}). */
	static Path writeLabels(Path file, int w, int h, int[]... boxes) throws IOException {
		return writeShort(file, w, h, boxes(w, h, boxes));
	}

	/** Writes a 16-bit intensity image: a dim gradient with bright boxes where {@code boxes} put labels. */
	static Path writeImage(Path file, int w, int h, int[]... boxes) throws IOException {
		short[] lab = boxes(w, h, boxes);
		short[] px = new short[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) px[y * w + x] = (short) (100 + x + y + (lab[y * w + x] != 0 ? 1000 : 0));
		return writeShort(file, w, h, px);
	}

	/**
	 * Writes a training set of {@code count} pairs {@code images/imgK.tif}, {@code labels/imgK.tif} of
	 * {@code size} x {@code size} with two square nuclei each, under {@code root}.
	 */
	static void writeTrainingSet(Path root, int count, int size) throws IOException {
		for (int k = 0; k < count; k++) {
			int[] a = { 1, 4 + k, 4, 10, 10 }, b = { 2, size / 2, size / 2, 12, 8 };
			writeImage(root.resolve("images").resolve("img" + k + ".tif"), size, size, a, b);
			writeLabels(root.resolve("labels").resolve("img" + k + ".tif"), size, size, a, b);
		}
	}
}
