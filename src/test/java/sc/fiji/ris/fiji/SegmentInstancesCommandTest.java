package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.LabelImages;
import sc.fiji.ris.imagej.Glasbey;

/**
 * "Segment Instances" end to end through a SciJava context, with the bundled model (its accuracy does not matter
 * here): the label image has the input's size, planes, calibration and a title after it, is 16-bit with the Glasbey
 * LUT and consecutive labels, and {@code instance_count} is the number of its labels; a time-lapse is segmented
 * frame by frame, and refined with the dense CRF when asked. Bad input (no image, a label image, RIS's own label image, an empty image, NaN pixels, a missing
 * model file, a bad tile size, an unknown ROI Manager choice) cancels the command with one sentence and no outputs; an RGB image is segmented as
 * luminance.
 */
class SegmentInstancesCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(SegmentInstancesCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, SegmentInstancesCommand.class);
	}

	private static CommandModule segment(ImagePlus input, Object modelFile, int tileSize) throws Exception {
		return Fixtures.run(context, SegmentInstancesCommand.class, "input", input, "model_file", modelFile,
				"settings_file", tileSize == 0 ? null : settings("{\"tileSize\": " + tileSize + "}"), "roi_manager", "Replace", "show_table", true);
	}

	/** An advanced settings file holding {@code json}, deleted when the JVM ends. */
	private static java.io.File settings(String json) throws java.io.IOException {
		java.nio.file.Path f = java.nio.file.Files.createTempFile("ris-settings", ".json");
		f.toFile().deleteOnExit();
		return java.nio.file.Files.writeString(f, json).toFile();
	}

	@Test
	void segmentsASampleImageIntoALabelImage() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		Calibration cal = input.getCalibration();
		cal.pixelWidth = 0.65;
		cal.pixelHeight = 0.65;
		cal.setUnit("micron");
		CommandModule m = segment(input, null, 0);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		assertEquals(input.getWidth(), labels.getWidth());
		assertEquals(input.getHeight(), labels.getHeight());
		assertEquals(1, labels.getStackSize());
		assertEquals(ImagePlus.GRAY16, labels.getType());
		assertEquals(ImagePlusSegmenter.stripExtension(input.getTitle()) + "_labels", labels.getTitle());
		assertEquals(0.65, labels.getCalibration().pixelWidth);
		assertEquals("micron", labels.getCalibration().getUnit());
		assertTrue(LabelImages.hasGlasbeyLut(labels), "Glasbey LUT");
		int count = (Integer) m.getOutput("instance_count");
		assertEquals(Fixtures.countLabels(labels), count);
		assertTrue(count > 0, "the bundled model finds something in a sample image");
	}

	@Test
	void aLowMergeSolidityJoinsTouchingNuclei() throws Exception {
		// over all sample images: which of them hold touching nuclei depends on the model
		int[] counts = countsOverSamples("settings_file", settings("{\"mergeSolidity\": 0}"), settings("{\"mergeSolidity\": 0.5}")); // never join; join even rather concave pairs
		assertTrue(counts[0] > 0 && counts[1] < counts[0], "touching nuclei joined at a low solidity: " + java.util.Arrays.toString(counts));
	}

	@Test
	void smallestSpotZeroLeavesOutTheSpotsTheModelTakes() throws Exception {
		// over all sample images, with the bundled model keeping instances of 60 pixels or more (its own minimum, 30,
		// keeps the specks of two sample images as instances already): those specks are then spots, taken when allowed
		java.nio.file.Path model = java.nio.file.Files.createTempFile("ris-area60", ".zip");
		try {
			try (sc.fiji.ris.model.RisModel m = sc.fiji.ris.io.ModelPackage.loadBundled()) {
				m.config().minArea = 60;
				sc.fiji.ris.io.ModelPackage.save(m, model);
			}
			int[] counts = countsOverSamples(model.toFile(), "settings_file", settings("{\"spotMinArea\": 0}"), settings("{\"spotMinArea\": 10}")); // never; 10 pixels
			assertTrue(counts[0] > 0 && counts[1] > counts[0], "spots taken only when allowed: " + java.util.Arrays.toString(counts));
		} finally {
			java.nio.file.Files.deleteIfExists(model);
		}
	}

	@Test
	void smallestCoreZeroLeavesTouchingNucleiTheModelCutsAsOne() throws Exception {
		// over all sample images; the bundled model's core head cuts some instances that hold two nuclei
		int[] counts = countsOverSamples("settings_file", settings("{\"coreMinArea\": 0}"), null); // never cut; the model's own
		assertTrue(counts[0] > 0 && counts[1] > counts[0], "instances cut at their cores only when allowed: " + java.util.Arrays.toString(counts));
	}

	/** The number of instances found in all sample images together, with {@code parameter} at each of {@code values}. */
	private static int[] countsOverSamples(String parameter, Object... values) throws Exception {
		return countsOverSamples(null, parameter, values);
	}

	/** As {@link #countsOverSamples(String, Object...)}, with the model in {@code modelFile} (null: the bundled one). */
	private static int[] countsOverSamples(java.io.File modelFile, String parameter, Object... values) throws Exception {
		int[] counts = new int[values.length];
		for (java.nio.file.Path file : Fixtures.sampleImages()) {
			ImagePlus input = Fixtures.open("images", file.getFileName().toString());
			for (int k = 0; k < values.length; k++) {
				CommandModule m = Fixtures.run(context, SegmentInstancesCommand.class, "input", input, "model_file", modelFile, parameter, values[k],
						"roi_manager", "Don't add", "show_table", false);
				assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
				counts[k] += (Integer) m.getOutput("instance_count");
			}
		}
		return counts;
	}

	@Test
	void refinesWithTheCrfWhenAsked() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		CommandModule plain = segment(input, null, 0);
		CommandModule m = Fixtures.run(context, SegmentInstancesCommand.class, "input", input, "model_file", null,
				"refine_with_crf", true, "roi_manager", "Don't add", "show_table", false);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		int count = (Integer) m.getOutput("instance_count"), before = (Integer) plain.getOutput("instance_count");
		assertEquals(Fixtures.countLabels(labels), count);
		assertTrue(count > 0 && count <= before, "the CRF removes instances at most: " + before + " -> " + count);
	}

	@Test
	void averagesOverFlippedCopiesWhenAsked() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		CommandModule plain = segment(input, null, 0);
		CommandModule m = Fixtures.run(context, SegmentInstancesCommand.class, "input", input, "model_file", null, "flip_averaging", true,
				"roi_manager", "Don't add", "show_table", false);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		int count = (Integer) m.getOutput("instance_count"), before = (Integer) plain.getOutput("instance_count");
		assertEquals(Fixtures.countLabels(labels), count);
		assertTrue(Math.abs(count - before) <= Math.max(2, before / 5), "about the nuclei one view finds: " + before + " -> " + count);
	}

	@Test
	void segmentsEveryFrameOfATimeLapse() throws Exception {
		ImagePlus a = Fixtures.open("images", Fixtures.first());
		ImageStack stack = new ImageStack(a.getWidth(), a.getHeight());
		stack.addSlice(a.getProcessor());
		// the second frame: the first one mirrored, so that the two planes differ
		var flipped = a.getProcessor().duplicate();
		flipped.flipHorizontal();
		stack.addSlice(flipped);
		ImagePlus movie = new ImagePlus("movie.tif", stack);
		movie.setDimensions(1, 1, 2);
		movie.setOpenAsHyperStack(true);
		CommandModule m = segment(movie, null, 0);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		assertEquals(2, labels.getStackSize());
		assertEquals(2, labels.getNFrames());
		assertEquals(1, labels.getNSlices());
		assertEquals("movie_labels", labels.getTitle());
		assertEquals(Fixtures.countLabels(labels), (Integer) m.getOutput("instance_count"));
	}

	@Test
	void segmentsAnRgbImageAsLuminance() throws Exception {
		ImagePlus gray = Fixtures.open("images", Fixtures.first());
		ImagePlus rgb = new ImagePlus("rgb", new ColorProcessor(gray.getProcessor().convertToByte(true).createImage()));
		CommandModule m = segment(rgb, null, 0);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus labels = (ImagePlus) m.getOutput("label_image");
		assertEquals(ImagePlus.GRAY16, labels.getType());
		assertEquals(Fixtures.countLabels(labels), (Integer) m.getOutput("instance_count"));
	}

	@Test
	void refusesNoImage() throws Exception {
		assertNoOutputs(segment(null, null, 0), "open an image");
	}

	@Test
	void refusesALabelImage() throws Exception {
		ImagePlus labels = Fixtures.open("labels", Fixtures.first());
		assertNoOutputs(segment(labels, null, 0), labels.getTitle(), "label image");
	}

	@Test
	void refusesItsOwnLabelImage() throws Exception {
		// what the user gets by running the command again while the label image is the active window
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		ImagePlus output = ImagePlusSegmenter.labelImage(input, java.util.List.of(sc.fiji.ris.infer.Instances.empty(input.getWidth(), input.getHeight())));
		assertNoOutputs(segment(output, null, 0), output.getTitle(), "label image");
	}

	@Test
	void refusesAnEmptyImage() throws Exception {
		assertNoOutputs(segment(new ImagePlus(), null, 0), "empty");
	}

	@Test
	void refusesNaNPixels() throws Exception {
		float[] px = new float[64 * 64];
		for (int i = 0; i < px.length; i++) px[i] = i % 7;
		px[100] = Float.NaN;
		assertNoOutputs(segment(new ImagePlus("nan.tif", new FloatProcessor(64, 64, px)), null, 0), "nan.tif", "NaN");
	}

	@Test
	void refusesAMissingModelFile() throws Exception {
		String missing = "/nonexistent/folder/model.zip";
		assertNoOutputs(segment(Fixtures.open("images", Fixtures.first()), new java.io.File(missing), 0), missing, "model_file");
	}

	@Test
	void refusesATileSizeThatIsNotAMultipleOf8() throws Exception {
		assertNoOutputs(segment(Fixtures.open("images", Fixtures.first()), null, 100), "multiple of 8");
	}

	@Test
	void refusesAnUnknownRoiManagerChoice() throws Exception {
		CommandModule m = Fixtures.run(context, SegmentInstancesCommand.class, "input", Fixtures.open("images", Fixtures.first()), "model_file", null,
				"roi_manager", "replace all", "show_table", false);
		assertNoOutputs(m, "roi_manager", "replace all");
	}

	@Test
	void segmentsABlankImageIntoNoInstances() throws Exception {
		CommandModule m = segment(new ImagePlus("blank", new ShortProcessor(64, 64)), null, 0);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(0, (Integer) m.getOutput("instance_count"));
		assertEquals(0, Fixtures.maxLabel((ImagePlus) m.getOutput("label_image")));
	}

	private static void assertNoOutputs(CommandModule m, String... fragments) {
		Fixtures.assertFailed(m, fragments);
		assertNull(m.getOutput("label_image"));
		assertEquals(0, (Integer) m.getOutput("instance_count"));
	}
}
