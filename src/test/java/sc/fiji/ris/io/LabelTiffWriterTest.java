package sc.fiji.ris.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ShortProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The label TIFF read back by ImageJ's own opener: pixels, dimensions, calibration, refusals. */
class LabelTiffWriterTest {

	@TempDir
	Path dir;

	private static List<int[]> planes(int n, int width, int height) {
		List<int[]> planes = new ArrayList<>();
		for (int p = 0; p < n; p++) {
			int[] plane = new int[width * height];
			for (int i = 0; i < plane.length; i++) plane[i] = (i * 7 + p * 1000) % 3 == 0 ? 0 : i + 300 * p;
			planes.add(plane);
		}
		planes.get(n - 1)[0] = 65535;
		return planes;
	}

	private static void assertPixels(List<int[]> planes, ImagePlus imp) {
		for (int p = 0; p < planes.size(); p++) {
			ShortProcessor sp = (ShortProcessor) imp.getStack().getProcessor(p + 1);
			short[] pixels = (short[]) sp.getPixels();
			int[] read = new int[pixels.length];
			for (int i = 0; i < pixels.length; i++) read[i] = pixels[i] & 0xffff;
			assertArrayEquals(planes.get(p), read, "plane " + (p + 1));
		}
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
		}
	}

	@Test
	void calibratedStackReadsBackInImageJ() throws IOException {
		Path file = dir.resolve("labels.tif");
		List<int[]> planes = planes(3, 5, 4);
		LabelTiffWriter.write(file, planes, 5, 4, Dimensions.of(1, 3, 1), new Calibration(0.5, 0.5, 2.0, "um"));
		ImagePlus imp = new Opener().openImage(file.toString());
		assertNotNull(imp);
		assertEquals(16, imp.getBitDepth());
		assertEquals(5, imp.getWidth());
		assertEquals(4, imp.getHeight());
		assertEquals(3, imp.getStackSize());
		assertEquals(3, imp.getNSlices());
		assertEquals(1, imp.getNChannels());
		assertEquals(1, imp.getNFrames());
		assertPixels(planes, imp);
		ij.measure.Calibration cal = imp.getCalibration();
		assertEquals(0.5, cal.pixelWidth);
		assertEquals(0.5, cal.pixelHeight);
		assertEquals(2.0, cal.pixelDepth);
		assertEquals("\u00B5m", cal.getUnit()); // ImageJ turns "um" into "µm"
		assertTrue(leftovers().isEmpty());
	}

	@Test
	void unicodeUnitAndOddPixelSizeSurvive() throws IOException {
		Path file = dir.resolve("odd.tif");
		List<int[]> planes = planes(1, 3, 2);
		LabelTiffWriter.write(file, planes, 3, 2, Dimensions.SINGLE, new Calibration(0.325, 0.1625, 1, "\u00B5m"));
		ImagePlus imp = new Opener().openImage(file.toString());
		assertEquals(1, imp.getStackSize());
		assertPixels(planes, imp);
		assertEquals(0.325, imp.getCalibration().pixelWidth, 1e-15);
		assertEquals(0.1625, imp.getCalibration().pixelHeight, 1e-15);
		assertEquals("\u00B5m", imp.getCalibration().getUnit());
	}

	@Test
	void uncalibratedImageStaysUncalibrated() throws IOException {
		Path file = dir.resolve("plain.tif");
		List<int[]> planes = planes(1, 4, 4);
		LabelTiffWriter.write(file, planes, 4, 4, Dimensions.SINGLE, Calibration.NONE);
		ImagePlus imp = new Opener().openImage(file.toString());
		assertPixels(planes, imp);
		assertFalse(imp.getCalibration().scaled());
	}

	@Test
	void hyperstackReadsBackWithItsDimensions() throws IOException {
		Path file = dir.resolve("hyper.tif");
		List<int[]> planes = planes(6, 4, 3);
		LabelTiffWriter.write(file, planes, 4, 3, Dimensions.of(2, 1, 3), new Calibration(0.25, 0.25, 1, "um"));
		ImagePlus imp = new Opener().openImage(file.toString());
		assertEquals(6, imp.getStackSize());
		assertEquals(2, imp.getNChannels());
		assertEquals(1, imp.getNSlices());
		assertEquals(3, imp.getNFrames());
		assertTrue(imp.isHyperStack());
		assertPixels(planes, imp);
		assertEquals(0.25, imp.getCalibration().pixelWidth);
	}

	@Test
	void everyPlaneHasItsOwnIfd() throws IOException {
		Path file = dir.resolve("ifds.tif");
		LabelTiffWriter.write(file, planes(4, 3, 3), 3, 3, Dimensions.of(1, 1, 4), Calibration.NONE);
		// Other TIFF readers walk the IFD chain instead of trusting ImageJ's description: count it.
		java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		assertEquals('I', b.get(0));
		assertEquals(42, b.getShort(2));
		int ifds = 0;
		long offset = b.getInt(4) & 0xffffffffL;
		while (offset != 0) {
			assertEquals(0, offset % 2, "IFDs start on a word boundary");
			ifds++;
			int entries = b.getShort((int) offset);
			offset = b.getInt((int) offset + 2 + 12 * entries) & 0xffffffffL;
		}
		assertEquals(4, ifds);
	}

	@Test
	void resolutionFractionsReadBack() {
		for (double size : new double[] { 0.5, 0.25, 0.1, 6.5, 1e-3, 1234.5, 0.0645 }) {
			long[] f = LabelTiffWriter.resolution(size, dir);
			// This is how ImageJ's TiffDecoder turns XResolution back into a pixel width.
			assertEquals(size, 1.0 / ((double) f[0] / f[1]), size + " -> " + f[0] + "/" + f[1]);
		}
		// No 32-bit fraction reads back as exactly these doubles: within an ulp or two, then.
		for (double size : new double[] { 0.325, 1.0 / 3, 0.123456789, 2.2e-4 }) {
			long[] f = LabelTiffWriter.resolution(size, dir);
			assertTrue(f[0] > 0 && f[0] <= 0xffffffffL && f[1] > 0 && f[1] <= 0xffffffffL, size + " -> " + f[0] + "/" + f[1]);
			assertEquals(size, 1.0 / ((double) f[0] / f[1]), 4 * Math.ulp(size), size + " -> " + f[0] + "/" + f[1]);
		}
		assertArrayEquals(new long[] { 2, 1 }, LabelTiffWriter.resolution(0.5, dir));
		assertArrayEquals(new long[] { 40, 13 }, LabelTiffWriter.resolution(0.325, dir));
		assertThrows(IllegalArgumentException.class, () -> LabelTiffWriter.resolution(1e-12, dir));
	}

	@Test
	void refusesMoreThan65535Instances() {
		Path file = dir.resolve("big.tif");
		int[] plane = { 0, 1, 65536, 2 };
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelTiffWriter.write(file, List.of(plane), 2, 2, Dimensions.SINGLE, Calibration.NONE));
		assertTrue(e.getMessage().contains("more than 65535 instances in one image"), e.getMessage());
		assertFalse(Files.exists(file));
	}

	@Test
	void refusesPlanesThatDoNotMatch() throws IOException {
		Path file = dir.resolve("bad.tif");
		assertThrows(IllegalArgumentException.class, () -> LabelTiffWriter.write(file, planes(2, 3, 3), 3, 3, Dimensions.of(1, 3, 1), Calibration.NONE));
		assertThrows(IllegalArgumentException.class, () -> LabelTiffWriter.write(file, List.of(new int[8]), 3, 3, Dimensions.SINGLE, Calibration.NONE));
		assertThrows(IllegalArgumentException.class, () -> LabelTiffWriter.write(file, List.of(new int[] { -1 }), 1, 1, Dimensions.SINGLE, Calibration.NONE));
		assertFalse(Files.exists(file));
		assertTrue(leftovers().isEmpty());
	}

	@Test
	void dimensionsAndCalibrationValidate() {
		assertThrows(IllegalArgumentException.class, () -> Dimensions.of(0, 1, 1));
		assertThrows(IllegalArgumentException.class, () -> Dimensions.of(65536, 65536, 1));
		assertThrows(IllegalArgumentException.class, () -> new Calibration(0, 1, 1, "um"));
		assertThrows(IllegalArgumentException.class, () -> new Calibration(1, Double.NaN, 1, "um"));
		assertThrows(IllegalArgumentException.class, () -> new Calibration(1, 1, Double.POSITIVE_INFINITY, "um"));
		Dimensions d = Dimensions.of(2, 3, 4);
		assertEquals(24, d.planes());
		assertTrue(d.isHyperstack());
		assertFalse(Dimensions.of(1, 1, 7).isHyperstack());
		// Plane 13 (0-based) in C-fastest order: channel 2, slice 1, frame 3.
		assertEquals(2, d.channelOf(13));
		assertEquals(1, d.sliceOf(13));
		assertEquals(3, d.frameOf(13));
		assertFalse(Calibration.NONE.isScaled());
		assertEquals("pixel", new Calibration(1, 1, 1, null).unit());
	}
}
