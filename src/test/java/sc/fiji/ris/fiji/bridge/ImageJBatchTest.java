package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ij.IJ;
import ij.ImagePlus;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sc.fiji.ris.io.ModelPackage;

/**
 * The macros of {@code macros/} in a real ImageJ 1.x process, the way a pipeline runs them:
 * {@code java -cp ij.jar ij.ImageJ -ijpath HOME -batch macro.ijm "argument"}, in a fresh ImageJ folder installed as
 * docs/imagej.md says: {@code ris.jar} (made here from the plugin's classes, as the jar is built after the tests) and its
 * libraries in {@code jars/}, {@code RIS_Bridge.jar} in {@code plugins/}, so that ImageJ's plugin class loader loads
 * them. Each run must end by itself within its time limit (a dialog that no one can close would keep it waiting: the
 * process is then killed and the test fails with its output); each macro succeeds with exit status 0 and its results,
 * and a failure (a broken model file) ends with status 1 and its sentence in the output, within seconds, also with
 * everything on the class path instead.
 * <p>
 * Plain ImageJ builds its command table together with its AWT menus, so it needs a display for {@code -batch} too;
 * without one each test is skipped (CI runs the tests under {@code xvfb-run}).
 */
class ImageJBatchTest {

	private static final String SAMPLE = "IXMtest_A16_s2_5AF2.tif";
	private static final Path IMAGES = ImageJSession.SAMPLES.resolve("images").toAbsolutePath(), LABELS = ImageJSession.SAMPLES.resolve("labels").toAbsolutePath();
	/** Far above what each run needs (seconds, about 15 for the short training), far below forever. */
	private static final Duration LIMIT = Duration.ofMinutes(3);
	/** The bound for a failing run. */
	private static final Duration FAILURE_LIMIT = Duration.ofSeconds(30);

	@TempDir static Path home;
	private static Path ijJar;
	/** The plugin's classes and its runtime libraries, for a run with everything on the class path. */
	private static final List<Path> plugin = new ArrayList<>();

	/** What one ImageJ process did. */
	private record Result(int exitStatus, String output, Duration time) {}

	@BeforeAll
	static void installImageJ() throws Exception {
		ImageJSession.writeBridgeJar(home.resolve("plugins"));
		ijJar = location(IJ.class);
		Path classes = location(CommandBridge.class);
		// the plugin's runtime libraries: this test run's class path without ImageJ, the plugin and the test libraries
		String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<Path> libraries = Arrays.stream(cp.split(File.pathSeparator)).filter(e -> e.endsWith(".jar")).map(Path::of)
				.filter(p -> !p.equals(ijJar) && !p.getFileName().toString().matches("(junit|opentest4j|apiguardian).*")).toList();
		Path jars = Files.createDirectories(home.resolve("jars"));
		writeJar(classes, jars.resolve("ris.jar"));
		for (Path lib : libraries) {
			Path to = jars.resolve(lib.getFileName());
			try {
				Files.createSymbolicLink(to, lib);
			} catch (IOException | UnsupportedOperationException e) {
				Files.copy(lib, to); // where links are not allowed
			}
		}
		plugin.add(classes);
		plugin.addAll(libraries);
	}

	@BeforeEach
	void needsADisplay() {
		assumeFalse(GraphicsEnvironment.isHeadless(),
				"no display: plain ImageJ 1.x builds its command table with its AWT menus, also under -batch (run the tests under xvfb-run)");
	}

	@Test
	void segmentActiveImageSegmentsAnImageFileAndTheRoisReachTheRoiManager(@TempDir Path out) throws Exception {
		Path labels = out.resolve("cells labels.tif"), rois = out.resolve("cells rois.zip");
		Result r = imagej(macro("segment_active_image.ijm"), "image_file=[" + IMAGES.resolve(SAMPLE) + "] labels_file=[" + labels + "] rois_file=[" + rois + "]", LIMIT);
		assertEquals(0, r.exitStatus(), r.output());
		Matcher m = Pattern.compile(Pattern.quote(SAMPLE) + ": (\\d+) instances \\(label image: IXMtest_A16_s2_5AF2_labels; (\\d+) ROIs in the ROI Manager\\)").matcher(r.output());
		assertTrue(m.find(), r.output());
		int count = Integer.parseInt(m.group(1));
		assertTrue(count > 0, "the bundled model finds nuclei in a sample image");
		// in batch mode the ROIs are in the macro's hidden ROI Manager, one per instance
		assertEquals(count, Integer.parseInt(m.group(2)), r.output());
		ImagePlus saved = IJ.openImage(labels.toString());
		assertEquals(ImagePlus.GRAY16, saved.getType());
		assertEquals(count, (int) saved.getStatistics().max);
		try (ZipFile zip = new ZipFile(rois.toFile())) {
			assertEquals(count, zip.size(), "one ROI per instance in " + rois);
		}
	}

	@Test
	void aMacroThatRunsSegmentActiveImageGetsItsLabelImageTableAndRois(@TempDir Path out) throws Exception {
		// the way macros/segment_active_image.ijm documents for a calling macro: ImageJ drops the called macro's
		// hidden ROI Manager when it returns, so the ROIs come back through rois_file
		Path rois = out.resolve("rois.zip"), caller = out.resolve("caller.ijm");
		Files.writeString(caller, "open(\"" + IMAGES.resolve(SAMPLE) + "\");\n" //
				+ "runMacro(\"" + macro("segment_active_image.ijm") + "\", \"rois_file=[" + rois + "]\");\n" //
				+ "print(\"caller: active image \" + getTitle() + \", \" + Table.size(\"RIS instances\") + \" table rows\");\n" //
				+ "roiManager(\"open\", \"" + rois + "\");\n" //
				+ "print(\"caller: \" + roiManager(\"count\") + \" ROIs\");\n");
		Result r = imagej(caller, null, LIMIT);
		assertEquals(0, r.exitStatus(), r.output());
		Matcher m = Pattern.compile(Pattern.quote(SAMPLE) + ": (\\d+) instances").matcher(r.output());
		assertTrue(m.find(), r.output());
		int count = Integer.parseInt(m.group(1));
		assertTrue(r.output().contains("caller: active image IXMtest_A16_s2_5AF2_labels, " + count + " table rows"), r.output());
		assertTrue(r.output().contains("caller: " + count + " ROIs"), r.output());
	}

	@Test
	void batchSegmentFolderWritesResultsAndASummary(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in images"), out = dir.resolve("out");
		Files.createDirectories(in);
		List<Path> samples;
		try (Stream<Path> s = Files.list(IMAGES)) {
			samples = s.filter(p -> p.toString().endsWith(".tif")).sorted().limit(2).toList();
		}
		for (Path p : samples) Files.copy(p, in.resolve(p.getFileName()));
		Result r = imagej(macro("batch_segment_folder.ijm"), "input_dir=[" + in + "] output_dir=[" + out + "] file_pattern=[*.tif] model_file=[]", LIMIT);
		assertEquals(0, r.exitStatus(), r.output());
		List<String> summary = Files.readAllLines(out.resolve("ris_summary.csv"));
		assertEquals(samples.size() + 1, summary.size(), "one row per image: " + summary);
		for (int i = 0; i < samples.size(); i++) {
			String name = samples.get(i).getFileName().toString(), stem = name.substring(0, name.length() - 4);
			for (String suffix : new String[] { "_labels.tif", "_rois.zip", "_instances.csv" })
				assertTrue(Files.isRegularFile(out.resolve(stem + suffix)), stem + suffix + " written");
			assertTrue(summary.get(i + 1).startsWith(name + ",") && summary.get(i + 1).endsWith(",ok"), summary.get(i + 1));
		}
		assertTrue(r.output().contains("2 of 2 images segmented"), r.output());
	}

	@Test
	void trainFromFoldersWritesAModel(@TempDir Path dir) throws Exception {
		Path model = dir.resolve("trained model.zip");
		// a few seconds of training on the sample images: enough for a model file, not for a good model
		String arg = "images_dir=[" + IMAGES + "] labels_dir=[" + LABELS + "] val_images_dir=[" + IMAGES + "] val_labels_dir=[" + LABELS + "] output_file=[" + model
				+ "] max_minutes=0.05";
		Result r = imagej(macro("train_from_folders.ijm"), arg, LIMIT);
		assertEquals(0, r.exitStatus(), r.output());
		assertTrue(Files.isRegularFile(model), r.output());
		assertTrue(Files.isRegularFile(dir.resolve("trained model_training.csv")));
		assertTrue(r.output().contains("RIS model written to " + model), r.output());
	}

	@Test
	void refineWithCrfRefinesALabelImageFile(@TempDir Path out) throws Exception {
		// labels/NAME.tif beside images/NAME.tif, as training data lies: two images of one title, which the macro sorts out
		Path refined = out.resolve("refined.tif");
		String arg = "image_file=[" + IMAGES.resolve(SAMPLE) + "] labels_file=[" + LABELS.resolve(SAMPLE) + "] output_file=[" + refined + "]";
		Result r = imagej(macro("refine_with_crf.ijm"), arg, LIMIT);
		assertEquals(0, r.exitStatus(), r.output());
		assertTrue(r.output().contains("refined with the dense CRF"), r.output());
		ImagePlus image = IJ.openImage(refined.toString());
		assertEquals(ImagePlus.GRAY16, image.getType());
		assertEquals(IJ.openImage(IMAGES.resolve(SAMPLE).toString()).getWidth(), image.getWidth());
	}

	@ParameterizedTest(name = "everything on the class path: {0}")
	@ValueSource(booleans = { false, true })
	void aFailingCommandEndsImageJWithAnErrorStatusAndItsSentenceWithinSeconds(boolean onClassPath, @TempDir Path dir) throws Exception {
		Path broken = dir.resolve("broken model.zip");
		Files.writeString(broken, "not a model");
		String sentence = assertThrows(IOException.class, () -> ModelPackage.load(broken)).getMessage();
		Result r = imagej(macro("segment_active_image.ijm"), "image_file=[" + IMAGES.resolve(SAMPLE) + "] model_file=[" + broken + "]", FAILURE_LIMIT.multipliedBy(2),
				onClassPath);
		assertEquals(1, r.exitStatus(), r.output());
		assertTrue(r.output().contains(sentence), "the sentence '" + sentence + "' in:\n" + r.output());
		assertFalse(r.output().contains("instances (label image"), "the macro stopped: " + r.output());
		assertTrue(r.time().compareTo(FAILURE_LIMIT) < 0, "ended after " + r.time());
	}

	@Test
	void aMacrosOwnRefusalAndACommandWithoutOptionsEndImageJWithAnErrorStatus(@TempDir Path dir) throws Exception {
		Path missing = dir.resolve("missing.tif");
		Result r = imagej(macro("segment_active_image.ijm"), "image_file=[" + missing + "]", FAILURE_LIMIT.multipliedBy(2));
		assertEquals(1, r.exitStatus(), r.output());
		assertTrue(r.output().contains("The image_file " + missing + " does not exist"), r.output());
		// no argument: the macro would ask in a dialog, which no one can answer under -batch
		r = imagej(macro("batch_segment_folder.ijm"), null, FAILURE_LIMIT.multipliedBy(2));
		assertEquals(1, r.exitStatus(), r.output());
		assertTrue(r.output().contains("Give both input_dir=[...] and output_dir=[...] in the macro argument."), r.output());
		// a command without options would ask in its dialog
		Path bare = dir.resolve("bare.ijm");
		Files.writeString(bare, "run(\"Segment Instances\");\nprint(\"macro went on\");\n");
		r = imagej(bare, null, FAILURE_LIMIT.multipliedBy(2));
		assertEquals(1, r.exitStatus(), r.output());
		assertTrue(r.output().contains("Segment Instances cannot ask for its parameters under ImageJ -batch"), r.output());
		assertFalse(r.output().contains("macro went on"), r.output());
	}

	private static Path macro(String name) {
		return ImageJSession.MACROS.resolve(name).toAbsolutePath();
	}

	private static Result imagej(Path macro, String argument, Duration limit) throws Exception {
		return imagej(macro, argument, limit, false);
	}

	/**
	 * Runs {@code java -cp ij.jar ij.ImageJ -ijpath HOME -batch macro [argument]} with the display of this JVM, and kills
	 * it after {@code limit}.
	 *
	 * @param onClassPath with the plugin's classes and libraries on the class path too, where the application class
	 *            loader finds them before ImageJ's plugin class loader would
	 */
	private static Result imagej(Path macro, String argument, Duration limit, boolean onClassPath) throws Exception {
		List<Path> classPath = new ArrayList<>(List.of(ijJar));
		if (onClassPath) classPath.addAll(plugin);
		String cp = classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.awt.headless=false",
				// SciJava's remembered values stay in this test's folder
				"-Djava.util.prefs.userRoot=" + home.resolve("prefs"), "-cp", cp, "ij.ImageJ", "-ijpath", home.toString(), "-batch", macro.toString()));
		if (argument != null) command.add(argument);
		Path log = Files.createTempFile(home, "imagej", ".log");
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
		Duration time = Duration.ofNanos(System.nanoTime() - start);
		if (!ended) {
			process.destroyForcibly();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		String output = Files.readString(log);
		assertTrue(ended, () -> "ImageJ -batch " + macro.getFileName() + " did not end within " + limit + " (a dialog waiting for someone?); its output:\n" + output);
		return new Result(process.exitValue(), output, time);
	}

	private static Path location(Class<?> c) throws Exception {
		return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

	/** Writes the files of {@code folder} into a jar, as the build makes ris.jar of target/classes. */
	private static void writeJar(Path folder, Path jar) throws IOException {
		List<Path> files;
		try (Stream<Path> s = Files.walk(folder)) {
			files = s.filter(Files::isRegularFile).sorted().toList();
		}
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			for (Path f : files) {
				out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace(File.separatorChar, '/')));
				Files.copy(f, out);
				out.closeEntry();
			}
		}
	}
}
