package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.filter.ThresholdToSelection;
import ij.plugin.frame.RoiManager;
import ij.process.ImageProcessor;
import java.awt.GraphicsEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.imagej.ImageFiles;

/**
 * "Fine-tune RIS on Annotated Images" through SciJava on a sample image whose nuclei in its left part are ROIs (the
 * ground truth's outlines, as a user's corrections), with a region ROI around that part: with a display the ROIs are
 * in the ROI Manager, headless in the image's overlay. A few seconds of training give a model package that loads and
 * segments the image, and whose provenance names the image, its instances and the starting model. The ROIs become the
 * labels they outline, and only inside the region; an image without ROIs, and a stack whose ROIs name no plane, are
 * refused with one sentence before anything is written.
 */
class FineTuneCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(FineTuneCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, FineTuneCommand.class);
	}

	@AfterEach
	void closeRoiManager() {
		if (GraphicsEnvironment.isHeadless()) return;
		RoiManager rm = RoiManager.getInstance();
		if (rm != null) {
			rm.reset();
			rm.close();
		}
	}

	/** One ROI per nucleus of the ground truth that reaches into the image's left {@code width} columns, in label order. */
	private static List<Roi> nucleusRois(ImagePlus labels, int width) {
		ImageProcessor ip = labels.getProcessor();
		int max = Fixtures.maxLabel(labels);
		List<Roi> rois = new ArrayList<>();
		for (int l = 1; l <= max; l++) {
			boolean reaches = false;
			for (int y = 0; y < ip.getHeight() && !reaches; y++)
				for (int x = 0; x < width && !reaches; x++) reaches = (int) ip.getf(x, y) == l;
			if (!reaches) continue;
			ImageProcessor copy = ip.duplicate();
			copy.setThreshold(l, l, ImageProcessor.NO_LUT_UPDATE);
			Roi roi = new ThresholdToSelection().convert(copy);
			roi.setName("nucleus " + l);
			rois.add(roi);
		}
		return rois;
	}

	/** Puts the ROIs where the command looks for them: the ROI Manager with a display, the overlay headless. */
	private static void annotate(ImagePlus image, List<Roi> rois) {
		if (GraphicsEnvironment.isHeadless()) {
			Overlay overlay = new Overlay();
			for (Roi r : rois) overlay.add(r);
			image.setOverlay(overlay);
		} else {
			RoiManager rm = RoiManager.getRoiManager();
			rm.reset();
			for (Roi r : rois) rm.add(image, r, -1);
		}
	}

	private static CommandModule fineTune(ImagePlus image, Path output) throws Exception {
		return Fixtures.run(context, FineTuneCommand.class, "input", image, "start_from", null, "max_minutes", 0.05, "output_file", output.toFile(),
				"images_dir", null, "labels_dir", null);
	}

	@Test
	void fineTunesOnTheRoisOfASampleImageAndWritesAModelThatLoadsAndSegments(@TempDir Path dir) throws Exception {
		String name = Fixtures.first();
		ImagePlus image = Fixtures.open("images", name);
		List<Roi> rois = nucleusRois(Fixtures.open("labels", name), 160);
		int nuclei = rois.size();
		assertTrue(nuclei >= 5 && nuclei < Fixtures.maxLabel(Fixtures.open("labels", name)), "some nuclei, not all: " + nuclei);
		Roi region = new Roi(0, 0, 160, 256);
		region.setName("region");
		rois.add(region);
		annotate(image, rois);

		Path output = dir.resolve("corrected.zip");
		CommandModule m = fineTune(image, output);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertTrue(Files.isRegularFile(dir.resolve("corrected_training.csv")), "the training log");
		try (RisModel model = ModelPackage.load(output)) {
			String provenance = model.config().training.trainingData;
			assertTrue(provenance.startsWith("fine-tuned from the bundled model for at most 0.05 minutes on '" + name + "' (" + nuclei + " instances from ROIs, trained inside the region 'region')"),
					provenance);
			assertTrue(model.config().training.iterations > 0, "it trained");
			int found = new Segmenter(model, new SegmenterOptions()).segment(ImageFiles.pixels(image, 1), 256, 256, Progress.NONE).count();
			assertTrue(found >= 5, "the fine-tuned model segments the sample image: " + found + " nuclei");
		}
	}

	@Test
	void theRoisBecomeLabelsOfTheirPlaneInsideTheRegionOnly() {
		ImagePlus image = new ImagePlus("tiny", new ij.process.FloatProcessor(6, 4));
		Roi a = new Roi(0, 0, 2, 2), b = new Roi(3, 1, 3, 3), region = new Roi(0, 0, 4, 4);
		region.setName("Region of corrections");
		RoiAnnotations.Pairs pairs = RoiAnnotations.of(image, new Roi[] { a, b, region });
		assertEquals(2, pairs.instances);
		int n = LabeledImage.NOT_ANNOTATED;
		assertArrayEquals(new int[] { 1, 1, 0, 0, n, n, //
				1, 1, 0, 2, n, n, //
				0, 0, 0, 2, n, n, //
				0, 0, 0, 2, n, n }, pairs.planes.get(0).labels(), "b is cut by the region's edge");
		// without a region ROI, the box around the instances
		RoiAnnotations.Pairs boxed = RoiAnnotations.of(image, new Roi[] { new Roi(1, 1, 2, 1), new Roi(4, 2, 1, 1) });
		assertArrayEquals(new int[] { n, n, n, n, n, n, //
				n, 1, 1, 0, 0, n, //
				n, 0, 0, 0, 2, n, //
				n, n, n, n, n, n }, boxed.planes.get(0).labels());
		// in a stack, each ROI on its plane; a plane without ROIs is left out
		ImageStack stack = new ImageStack(6, 4);
		for (int z = 0; z < 3; z++) stack.addSlice(new ij.process.FloatProcessor(6, 4));
		Roi second = new Roi(1, 1, 2, 1), third = new Roi(4, 2, 1, 1);
		second.setPosition(2);
		third.setPosition(3);
		RoiAnnotations.Pairs planes = RoiAnnotations.of(new ImagePlus("stack", stack), new Roi[] { third, second });
		assertEquals(List.of("stack plane 2", "stack plane 3"), planes.planes.stream().map(LabeledImage::name).toList());
		assertEquals(1, planes.planes.get(0).labels()[1 * 6 + 1]);
		assertEquals(1, planes.planes.get(1).labels()[2 * 6 + 4]);
	}

	@Test
	void refusesAnImageWithoutRois(@TempDir Path dir) throws Exception {
		ImagePlus image = Fixtures.open("images", Fixtures.first());
		annotate(image, List.of());
		Path output = dir.resolve("m.zip");
		CommandModule m = fineTune(image, output);
		Fixtures.assertFailed(m, "no ROIs", image.getTitle());
		assertFalse(Files.exists(output));
		assertFalse(Files.exists(dir.resolve("m.checkpoints")));
	}

	@Test
	void refusesAStackWhoseRoisNameNoPlane(@TempDir Path dir) throws Exception {
		ImagePlus plane = Fixtures.open("images", Fixtures.first());
		ImageStack stack = new ImageStack(plane.getWidth(), plane.getHeight());
		stack.addSlice(plane.getProcessor());
		stack.addSlice(plane.getProcessor().duplicate());
		ImagePlus image = new ImagePlus("two planes", stack);
		annotate(image, List.of(new Roi(10, 10, 20, 20)));
		Path output = dir.resolve("m.zip");
		CommandModule m = fineTune(image, output);
		Fixtures.assertFailed(m, "names no plane", "two planes");
		assertFalse(Files.exists(output));
	}
}
