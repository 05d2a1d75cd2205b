package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ij.Executer;
import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Label;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleService;
import org.scijava.prefs.PrefService;
import sc.fiji.ris.fiji.SegmentInstancesCommand;

/**
 * The bridge as a macro sees it: a mistake in the options (a key that is no parameter, a value out of range, not a
 * boolean, an image that is not open) and a failure of the command itself (a missing model file) stop the macro with
 * one sentence that names what was wrong, before any output; headless, that sentence is printed once. With a
 * display, the menu command shows a dialog built from the parameters, the recorder gets the call under the parameter
 * names, and the values are remembered for the next dialog.
 */
class CommandBridgeTest {

	private static final String SAMPLE = "IXMtest_A16_s2_5AF2.tif";

	@BeforeAll
	static void registerCommands() throws Exception {
		ImageJSession.installCommands();
	}

	@AfterEach
	void closeImages() {
		ImageJSession.closeAll();
	}

	private static ImagePlus sample() {
		return IJ.openImage(ImageJSession.SAMPLES.resolve("images").resolve(SAMPLE).toString());
	}

	/** Runs Segment Instances with these options on a sample image, then a print that must not be reached. */
	private static ImageJSession.Run segment(String options) {
		ImagePlus input = sample();
		ImageJSession.Run run = ImageJSession.runOnImage("run(\"Segment Instances\", \"" + options + "\");\nprint(\"macro went on\");", input);
		assertNotNull(run.error(), () -> "the macro should have stopped: " + run.log());
		assertFalse(run.error().contains("\n"), "one line: " + run.error());
		assertTrue(run.error().endsWith("."), "a sentence: " + run.error());
		assertFalse(run.log().contains("macro went on"), "the macro stopped");
		assertTrue(run.image() == null || run.image().getTitle().equals(SAMPLE), "no label image");
		if (GraphicsEnvironment.isHeadless()) assertEquals(1, occurrences(run.log(), run.error()), "printed once: " + run.log());
		return run;
	}

	@Test
	void refusesAKeyThatIsNoParameter() {
		String error = segment("input=[" + SAMPLE + "] object_diamter=20").error();
		assertTrue(error.contains("'object_diamter'") && error.contains("object_diameter") && error.contains("Segment Instances"), error);
	}

	@Test
	void runsAMacroRecordedWithTheRetiredParametersAtTheModelsValues() {
		ImageJSession.Run run = ImageJSession.runOnImage("run(\"Segment Instances\", \"input=[" + SAMPLE + "] model_file=[] min_confidence=-1 tile_size=0 "
				+ "object_diameter=0 merge_solidity=-1 smallest_spot=-1 smallest_core=-1 flip_averaging=false refine_with_crf=false roi_manager=[Don't add] "
				+ "show_table=false\");", sample());
		assertEquals(null, run.error(), () -> "ran: " + run.log());
		assertNotNull(run.image(), "a label image");
		assertTrue(run.image().getTitle().endsWith("_labels"), run.image().getTitle());
	}

	@Test
	void refusesARetiredParameterWithAnotherValueNamingItsReplacement() {
		String error = segment("input=[" + SAMPLE + "] min_confidence=0.5").error();
		assertTrue(error.contains("min_confidence=0.5") && error.contains("minConfidence") && error.contains("settings_file"), error);
	}

	@Test
	void refusesAValueOutOfRange() {
		String error = segment("input=[" + SAMPLE + "] object_diameter=20000").error();
		assertTrue(error.contains("object_diameter") && error.contains("between -1 and 10000") && error.contains("20000"), error);
	}

	@Test
	void refusesAFractionForAWholeNumber() {
		ImageJSession.Run run = ImageJSession.runOnImage("run(\"Refine with Dense CRF\", \"iterations=2.5\");\nprint(\"macro went on\");", sample());
		String error = run.error();
		assertNotNull(error, () -> "the macro should have stopped: " + run.log());
		assertTrue(error.contains("iterations") && error.contains("whole number"), error);
	}

	@Test
	void refusesABooleanThatIsNeither() {
		String error = segment("show_table=maybe").error();
		assertTrue(error.contains("show_table") && error.contains("true or false"), error);
	}

	@Test
	void refusesAnImageThatIsNotOpen() {
		String error = segment("input=[other.tif]").error();
		assertTrue(error.contains("'other.tif'") && error.contains("input"), error);
	}

	@Test
	void passesOnTheCommandsOwnSentence() {
		String missing = "/nonexistent/folder/model.zip";
		String error = segment("input=[" + SAMPLE + "] model_file=[" + missing + "]").error();
		assertTrue(error.contains(missing) && error.contains("model_file"), error);
	}

	@Test
	void theMenuCommandAsksInADialogAndRecordsTheParameterNames() throws Exception {
		assumeFalse(GraphicsEnvironment.isHeadless(), "no display: the dialog and the macro recorder need one (run the tests under xvfb-run)");
		CommandBridge.context().service(PrefService.class).clear(SegmentInstancesCommand.class);
		ImagePlus input = sample();
		input.show();
		WindowManager.setCurrentWindow(input.getWindow());
		Recorder recorder = new Recorder(false);
		try {
			// as a click in the menu does: the command on its own thread, without macro options
			new Executer("Segment Instances", input);
			GenericDialog dialog = waitForDialog("Segment Instances");
			List<String> labels = new ArrayList<>();
			for (var c : dialog.getComponents()) if (c instanceof Label l) labels.add(l.getText());
			assertTrue(labels.containsAll(List.of("Image", "Model file", "Object diameter (pixels)", "ROI Manager")), "labels: " + labels);
			assertFalse(labels.contains("Tile size"), "no research knob in the dialog: " + labels);
			// the user changes the object diameter (the one numeric field) and clicks OK
			EventQueue.invokeAndWait(() -> {
				((TextField) dialog.getNumericFields().get(0)).setText("-1");
				dialog.actionPerformed(new ActionEvent(dialog.getButtons()[0], ActionEvent.ACTION_PERFORMED, "OK"));
			});
			String expected = "run(\"Segment Instances\", \"input=" + SAMPLE + " model_file=[] object_diameter=-1 flip_averaging=false refine_with_crf=false settings_file=[] roi_manager=Replace show_table=true\");";
			long end = System.currentTimeMillis() + 120_000;
			while (!Recorder.getInstance().getText().contains(expected) && System.currentTimeMillis() < end) Thread.sleep(100);
			assertTrue(recorder.getText().contains(expected), "recorded: " + recorder.getText());
			ImagePlus labelsImage = WindowManager.getImage("IXMtest_A16_s2_5AF2_labels");
			assertNotNull(labelsImage, "the label image is shown");
			// the values of a dialog are remembered for the next one (SciJava stores those that differ from the defaults)
			CommandInfo info = CommandBridge.context().service(CommandService.class).getCommand(SegmentInstancesCommand.class);
			assertEquals(-1.0, CommandBridge.context().service(ModuleService.class).load(info.getInput("object_diameter")));
		} finally {
			recorder.close();
			CommandBridge.context().service(PrefService.class).clear(SegmentInstancesCommand.class);
		}
	}

	private static GenericDialog waitForDialog(String title) throws InterruptedException {
		long end = System.currentTimeMillis() + 60_000;
		while (System.currentTimeMillis() < end) {
			for (Window w : Window.getWindows())
				if (w instanceof GenericDialog gd && gd.isShowing() && title.equals(gd.getTitle())) return gd;
			Thread.sleep(50);
		}
		throw new AssertionError("no dialog '" + title + "' among " + Arrays.toString(Window.getWindows()));
	}

	private static int occurrences(String text, String part) {
		int n = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
		return n;
	}
}
