package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.Macro;
import ij.Menus;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.frame.RoiManager;
import java.awt.GraphicsEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Plain ImageJ 1.x for the bridge tests: the commands of {@code src/main/bridge/plugins.config} in ImageJ's command
 * table, and macros run through ImageJ's macro interpreter with what they printed captured (without an ImageJ
 * window, ImageJ's Log prints to standard output).
 */
final class ImageJSession {

	/** The bridge's {@code plugins.config}, the source of {@code RIS_Bridge.jar}. */
	static final Path PLUGINS_CONFIG = Path.of("src/main/bridge/plugins.config");
	/** The macros shipped with the plugin. */
	static final Path MACROS = Path.of("macros");
	/** The sample images. */
	static final Path SAMPLES = Path.of("sample-images");

	/** A line of {@code plugins.config}: menu, label, and the plugin with its argument, e.g. {@code a.B("c")}. */
	record Entry(String menu, String label, String plugin) {

		/** The argument in parentheses: for the bridge, the command's class name. */
		String argument() {
			int open = plugin.indexOf("(\"");
			return open < 0 ? "" : plugin.substring(open + 2, plugin.length() - 2);
		}
	}

	/** What a macro did: its text output (the Log), its error message if it stopped on one, and the active image at its end. */
	record Run(String log, String error, ImagePlus image) {}

	// the line format that ImageJ 1.x's Menus and Fiji's legacy layer both read
	private static final Pattern LINE = Pattern.compile("^\\s*([^,]*),\\s*\"([^\"]*)\",\\s*(\\S*(\\(.*\\))?)\\s*$");

	private ImageJSession() {}

	/** The entries of {@code plugins.config}, comments and blank lines left out. */
	static List<Entry> entries() throws IOException {
		List<Entry> out = new ArrayList<>();
		for (String line : Files.readAllLines(PLUGINS_CONFIG)) {
			if (line.isBlank() || line.startsWith("#")) continue;
			Matcher m = LINE.matcher(line);
			assertTrue(m.matches(), "not a plugins.config line: " + line);
			out.add(new Entry(m.group(1).trim(), m.group(2), m.group(3)));
		}
		return out;
	}

	/** Writes {@code RIS_Bridge.jar} into {@code plugins} as the build does: {@code plugins.config} and nothing else. */
	static Path writeBridgeJar(Path plugins) throws IOException {
		Files.createDirectories(plugins);
		Path jar = plugins.resolve("RIS_Bridge.jar");
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
			zip.putNextEntry(new ZipEntry("plugins.config"));
			zip.write(Files.readAllBytes(PLUGINS_CONFIG));
			zip.closeEntry();
		}
		return jar;
	}

	/**
	 * Puts the commands of {@code plugins.config} into ImageJ's command table, which is what {@code run("...")} in a
	 * macro looks up. Headless, ImageJ 1.x has no command table (it builds it together with its AWT menus, which
	 * cannot exist there), so an empty one is made first.
	 */
	@SuppressWarnings("unchecked")
	static void installCommands() throws Exception {
		Hashtable<String, String> table = Menus.getCommands();
		if (table == null) {
			var field = Menus.class.getDeclaredField("pluginsTable");
			field.setAccessible(true);
			table = new Hashtable<>();
			field.set(null, table);
		}
		for (Entry e : entries()) table.put(e.label(), e.plugin());
	}

	/**
	 * Makes ImageJ build its command table afresh from its plugins folder (the {@code plugins.dir} property), as it
	 * does when it starts; needs a display.
	 */
	static void rebuildCommandTable() throws Exception {
		var field = Menus.class.getDeclaredField("pluginsTable");
		field.setAccessible(true);
		field.set(null, null);
		Menus.getCommands();
	}

	/** Runs a macro file with an argument (its {@code getArgument()}). */
	static Run runMacro(Path macro, String argument) throws IOException {
		String text = Files.readString(macro);
		Interpreter interpreter = new Interpreter();
		interpreter.setIgnoreErrors(true);
		String log = captureOutput(() -> run(() -> interpreter.run(text, argument)));
		return new Run(log, interpreter.getErrorMessage(), WindowManager.getCurrentImage());
	}

	/** Runs a macro file with {@code input} as the active image (see {@link #runOnImage}). */
	static Run runMacroOnImage(Path macro, ImagePlus input) throws IOException {
		return runOnImage(Files.readString(macro), input);
	}

	/**
	 * Runs macro code with {@code input} as the active image. Headless, in batch mode (the only way images exist
	 * there); with a display, on an image window, as a user would.
	 */
	static Run runOnImage(String text, ImagePlus input) {
		Interpreter interpreter = new Interpreter();
		interpreter.setIgnoreErrors(true);
		ImagePlus[] result = new ImagePlus[1];
		String log;
		if (GraphicsEnvironment.isHeadless()) log = captureOutput(() -> run(() -> result[0] = interpreter.runBatchMacro(text, input)));
		else {
			input.show();
			WindowManager.setCurrentWindow(input.getWindow());
			log = captureOutput(() -> run(() -> interpreter.run(text, "")));
			result[0] = WindowManager.getCurrentImage();
		}
		return new Run(log, interpreter.getErrorMessage(), result[0]);
	}

	/** Runs a macro; its exit() ends it by an exception that callers of the interpreter catch, as ImageJ does. */
	private static void run(Runnable macro) {
		try {
			macro.run();
		} catch (RuntimeException e) {
			if (!Macro.MACRO_CANCELED.equals(e.getMessage())) throw e;
		}
	}

	/** Closes every image and the ROI Manager, so that a test starts without open images. */
	static void closeAll() {
		if (GraphicsEnvironment.isHeadless()) return;
		RoiManager rm = RoiManager.getInstance();
		if (rm != null) {
			rm.reset();
			rm.close();
		}
		int[] ids = WindowManager.getIDList();
		if (ids == null) return;
		for (int id : ids) {
			ImagePlus imp = WindowManager.getImage(id);
			if (imp == null) continue;
			// no "save changes?" dialog
			imp.changes = false;
			imp.close();
		}
	}

	/** Runs {@code work}, returning what it printed on standard output (which is also printed as usual). */
	static String captureOutput(Runnable work) {
		PrintStream original = System.out;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		PrintStream tee = new PrintStream(new OutputStream() {
			@Override
			public void write(int b) {
				captured.write(b);
				original.write(b);
			}

			@Override
			public void write(byte[] b, int off, int len) {
				captured.write(b, off, len);
				original.write(b, off, len);
			}
		}, true, StandardCharsets.UTF_8);
		System.setOut(tee);
		try {
			work.run();
		} finally {
			tee.flush();
			System.setOut(original);
		}
		return captured.toString(StandardCharsets.UTF_8);
	}
}
