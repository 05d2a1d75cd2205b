package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.crf.CrfParameters;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.LabelImages;
import sc.fiji.ris.imagej.Glasbey;

/**
 * "Refine with Dense CRF" end to end through a SciJava context on the sample images and their annotations: the
 * refined label image has the input's size, planes and calibration, is 16-bit with the Glasbey LUT and consecutive
 * labels, is titled after the labels, and stays close to a good segmentation; a time-lapse is refined frame by frame;
 * an empty label image comes back empty. Bad input (no image, no labels, the image given twice, labels of another size
 * or number of planes, labels that are not whole numbers, a parameter out of its range) cancels the command with one
 * sentence and no output.
 */
class RefineWithCrfCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(RefineWithCrfCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, RefineWithCrfCommand.class);
	}

	/** Runs the command with every CRF parameter at its default (values are remembered between runs) but those given. */
	private static CommandModule refine(ImagePlus input, ImagePlus labels, Object... more) throws Exception {
		CrfParameters d = CrfParameters.DEFAULTS;
		Map<String, Object> args = new LinkedHashMap<>();
		args.put("input", input);
		args.put("labels", labels);
		args.put("spatial_width", d.spatialWidth());
		args.put("intensity_width", d.intensityWidth());
		args.put("smoothness_width", d.smoothnessWidth());
		args.put("appearance_weight", d.appearanceWeight());
		args.put("smoothness_weight", d.smoothnessWeight());
		args.put("iterations", d.iterations());
		args.put("label_confidence", d.labelConfidence());
		args.put("margin", d.margin());
		for (int i = 0; i < more.length; i += 2) args.put((String) more[i], more[i + 1]);
		List<Object> flat = new ArrayList<>();
		args.forEach((k, v) -> {
			flat.add(k);
			flat.add(v);
		});
		return Fixtures.run(context, RefineWithCrfCommand.class, flat.toArray());
	}

	@Test
	void refinesTheLabelsOfASampleImage() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		Calibration cal = input.getCalibration();
		cal.pixelWidth = 0.65;
		cal.pixelHeight = 0.65;
		cal.setUnit("micron");
		ImagePlus labels = Fixtures.open("labels", Fixtures.first());
		CommandModule m = refine(input, labels);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus out = (ImagePlus) m.getOutput("refined_labels");
		assertEquals(input.getWidth(), out.getWidth());
		assertEquals(input.getHeight(), out.getHeight());
		assertEquals(ImagePlus.GRAY16, out.getType());
		assertEquals(ImagePlusSegmenter.stripExtension(labels.getTitle()) + "_refined", out.getTitle());
		assertEquals(0.65, out.getCalibration().pixelWidth);
		assertEquals("micron", out.getCalibration().getUnit());
		assertTrue(LabelImages.hasGlasbeyLut(out), "Glasbey LUT");
		int before = Fixtures.countLabels(labels), after = Fixtures.countLabels(out);
		assertTrue(Math.abs(before - after) <= Math.max(2, before / 20), before + " instances before, " + after + " after");
		// the annotation is good: the CRF moves only a few boundary pixels
		ImageProcessor a = labels.getProcessor(), b = out.getProcessor();
		int same = 0;
		for (int i = 0; i < a.getPixelCount(); i++) if ((a.getf(i) > 0) == (b.getf(i) > 0)) same++;
		assertTrue(same > 0.95 * a.getPixelCount(), "foreground kept: " + same + " of " + a.getPixelCount());
	}

	@Test
	void refinesEveryFrameOfATimeLapse() throws Exception {
		ImagePlus a = Fixtures.open("images", Fixtures.first()), l = Fixtures.open("labels", Fixtures.first());
		ImagePlus movie = twoFrames("movie.tif", a.getProcessor()), labels = twoFrames("movie_labels.tif", l.getProcessor());
		CommandModule m = refine(movie, labels);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		ImagePlus out = (ImagePlus) m.getOutput("refined_labels");
		assertEquals(2, out.getStackSize());
		assertEquals(2, out.getNFrames());
		assertTrue(Fixtures.countLabels(out) > 0);
	}

	/** The processor and its mirror image as the two frames of a time-lapse. */
	private static ImagePlus twoFrames(String title, ImageProcessor ip) {
		ImageStack stack = new ImageStack(ip.getWidth(), ip.getHeight());
		stack.addSlice(ip);
		ImageProcessor flipped = ip.duplicate();
		flipped.flipHorizontal();
		stack.addSlice(flipped);
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(1, 1, 2);
		imp.setOpenAsHyperStack(true);
		return imp;
	}

	@Test
	void anEmptyLabelImageComesBackEmpty() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		CommandModule m = refine(input, new ImagePlus("none", new ShortProcessor(input.getWidth(), input.getHeight())));
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(0, Fixtures.maxLabel((ImagePlus) m.getOutput("refined_labels")));
	}

	@Test
	void refusesNoImageAndNoLabels() throws Exception {
		assertNoOutput(refine(null, Fixtures.open("labels", Fixtures.first())), "input");
		assertNoOutput(refine(Fixtures.open("images", Fixtures.first()), null), "labels");
	}

	@Test
	void refusesTheImageGivenTwice() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		assertNoOutput(refine(input, input), input.getTitle(), "labels");
	}

	@Test
	void refusesLabelsOfAnotherSize() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		ImagePlus small = new ImagePlus("small_labels", new ShortProcessor(64, 48));
		assertNoOutput(refine(input, small), "small_labels", input.getTitle(), "same size");
		ImagePlus l = Fixtures.open("labels", Fixtures.first());
		assertNoOutput(refine(input, twoFrames("two.tif", l.getProcessor())), "two.tif", "planes");
	}

	@Test
	void refusesLabelsThatAreNotWholeNumbers() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first());
		FloatProcessor fp = new FloatProcessor(input.getWidth(), input.getHeight());
		fp.setf(10, 20, 0.5f);
		fp.setf(200, 100, 3f);
		assertNoOutput(refine(input, new ImagePlus("fractional", fp)), "fractional", "whole numbers");
	}

	@Test
	void refusesAParameterOutOfRange() throws Exception {
		ImagePlus input = Fixtures.open("images", Fixtures.first()), labels = Fixtures.open("labels", Fixtures.first());
		assertNoOutput(refine(input, labels, "spatial_width", 0.0), "spatial width");
		assertNoOutput(refine(input, labels, "label_confidence", 1.0), "label confidence");
		assertNoOutput(refine(input, labels, "iterations", 500), "iterations");
	}

	private static void assertNoOutput(CommandModule m, String... fragments) {
		Fixtures.assertFailed(m, fragments);
		assertNull(m.getOutput("refined_labels"));
	}
}
