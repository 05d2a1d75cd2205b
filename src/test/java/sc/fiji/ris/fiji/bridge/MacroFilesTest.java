package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.text.TextWindow;
import java.awt.GraphicsEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * Runs each macro of {@code macros/} through the ImageJ 1.x macro interpreter, on the sample images, with the
 * commands reached through the bridge as in plain ImageJ: {@code run("Segment Instances", ...)} finds the bridge in
 * ImageJ's command table, filled from {@code plugins.config}. Headless (batch mode), and with a display (e.g. under
 * {@code xvfb-run}) on image windows with the ROI Manager.
 */
class MacroFilesTest {

	private static final String SAMPLE = "IXMtest_A16_s2_5AF2.tif";

	@BeforeAll
	static void registerCommands() throws Exception {
		ImageJSession.installCommands();
	}

	@AfterEach
	void closeImages() {
		ImageJSession.closeAll();
	}

	@Test
	void segmentActiveImageMakesALabelImageAndPrintsTheCount() throws Exception {
		ImagePlus input = IJ.openImage(ImageJSession.SAMPLES.resolve("images").resolve(SAMPLE).toString());
		ImageJSession.Run run = ImageJSession.runMacroOnImage(ImageJSession.MACROS.resolve("segment_active_image.ijm"), input);
		assertNull(run.error(), () -> "macro error: " + run.error() + "\n" + run.log());
		ImagePlus labels = run.image();
		assertNotNull(labels, "a label image is the active image");
		assertEquals("IXMtest_A16_s2_5AF2_labels", labels.getTitle());
		assertEquals(ImagePlus.GRAY16, labels.getType());
		assertEquals(input.getWidth(), labels.getWidth());
		int count = (int) labels.getStatistics().max;
		assertTrue(count > 0, "the bundled model finds nuclei in a sample image");
		// with a display, the macro also reads the number of ROIs from the ROI Manager (the hidden one in batch mode)
		String rois = GraphicsEnvironment.isHeadless() ? "" : "; " + count + " ROIs in the ROI Manager";
		assertTrue(run.log().contains(SAMPLE + ": " + count + " instances (label image: " + labels.getTitle() + rois + ")"), run.log());
		if (!GraphicsEnvironment.isHeadless()) {
			// with a display, a table of the instances opens too
			TextWindow table = (TextWindow) WindowManager.getWindow("RIS instances");
			assertNotNull(table, "the RIS instances table is shown");
			assertEquals(count, table.getResultsTable().size());
		}
	}

	@Test
	void segmentActiveImageWithoutAnImageSaysWhatToDo() throws Exception {
		ImageJSession.Run run = ImageJSession.runMacro(ImageJSession.MACROS.resolve("segment_active_image.ijm"), "");
		assertTrue(run.log().contains("Open an image first"), run.log());
	}

	@Test
	void batchSegmentFolderWritesResultsAndASummary(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in images"), out = dir.resolve("out");
		Files.createDirectories(in);
		List<Path> samples;
		try (Stream<Path> s = Files.list(ImageJSession.SAMPLES.resolve("images"))) {
			samples = s.filter(p -> p.toString().endsWith(".tif")).sorted().limit(2).toList();
		}
		for (Path p : samples) Files.copy(p, in.resolve(p.getFileName()));
		Files.writeString(in.resolve("notes.txt"), "not an image");
		String arg = "input_dir=[" + in + "] output_dir=[" + out + "] file_pattern=[*.tif] model_file=[]";
		ImageJSession.Run run = ImageJSession.runMacro(ImageJSession.MACROS.resolve("batch_segment_folder.ijm"), arg);
		assertNull(run.error(), () -> "macro error: " + run.error() + "\n" + run.log());
		List<String> summary = Files.readAllLines(out.resolve("ris_summary.csv"));
		assertEquals("image,instances,status", summary.get(0));
		assertEquals(samples.size() + 1, summary.size(), "one row per image: " + summary);
		for (int i = 0; i < samples.size(); i++) {
			String name = samples.get(i).getFileName().toString(), stem = name.substring(0, name.length() - 4);
			for (String suffix : new String[] { "_labels.tif", "_rois.zip", "_instances.csv" })
				assertTrue(Files.isRegularFile(out.resolve(stem + suffix)), stem + suffix + " written");
			long instances = Files.readAllLines(out.resolve(stem + "_instances.csv")).size() - 1;
			assertTrue(instances > 0, "nuclei found in " + name);
			assertEquals(name + "," + instances + ",ok", summary.get(i + 1));
		}
		assertTrue(run.log().contains("2 of 2 images segmented"), run.log());
	}

	@Test
	void trainFromFoldersWritesAModel(@TempDir Path dir) throws Exception {
		Path model = dir.resolve("trained model.zip");
		Path images = ImageJSession.SAMPLES.resolve("images").toAbsolutePath(), labels = ImageJSession.SAMPLES.resolve("labels").toAbsolutePath();
		String arg = "images_dir=[" + images + "] labels_dir=[" + labels + "] val_images_dir=[" + images + "] val_labels_dir=[" + labels + "] output_file=[" + model
				+ "] max_minutes=0.05";
		ImageJSession.Run run = ImageJSession.runMacro(ImageJSession.MACROS.resolve("train_from_folders.ijm"), arg);
		assertNull(run.error(), () -> "macro error: " + run.error() + "\n" + run.log());
		try (RisModel loaded = ModelPackage.load(model)) {
			assertEquals(96, loaded.config().tileSize);
		}
		assertTrue(Files.isRegularFile(dir.resolve("trained model_training.csv")));
		assertTrue(run.log().contains("RIS model written to " + model), run.log());
	}

	@Test
	void refineWithCrfRefinesTheLabelImage() throws Exception {
		ImagePlus input = IJ.openImage(ImageJSession.SAMPLES.resolve("images").resolve(SAMPLE).toString());
		// the label image of Segment Instances is the active image, as after segment_active_image.ijm: the macro
		// finds the intensity image by name (in one run, as batch-mode images live as long as their macro)
		String both = "run(\"Segment Instances\", \"model_file=[] roi_manager=[Don't add] show_table=false\");\n"
				+ Files.readString(ImageJSession.MACROS.resolve("refine_with_crf.ijm"));
		ImageJSession.Run run = ImageJSession.runOnImage(both, input);
		assertNull(run.error(), () -> "macro error: " + run.error() + "\n" + run.log());
		assertNotNull(run.image());
		assertEquals(input.getWidth(), run.image().getWidth());
		assertFalse(run.image().getTitle().equals(input.getTitle()) || run.image().getTitle().equals("IXMtest_A16_s2_5AF2_labels"), "the refined labels are a new image");
		assertEquals(ImagePlus.GRAY16, run.image().getType());
		assertTrue(run.log().contains("refined with the dense CRF"), run.log());
	}
}
