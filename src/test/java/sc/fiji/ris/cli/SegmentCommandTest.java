package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.io.RoiDecoder;
import ij.measure.Calibration;
import ij.plugin.frame.RoiManager;
import ij.process.ImageProcessor;
import java.awt.AWTError;
import java.awt.HeadlessException;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.io.InstanceTable;

/**
 * Checks {@code ris segment} end to end with the bundled model (whose accuracy does not matter here: only the form
 * and the consistency of what it writes). The four sample images give exit code 0, one progress line each and, per
 * image, a 16-bit label image of the image's size with consecutive labels 1..n, a RoiSet of n ROIs that ImageJ
 * decodes (each covering exactly its label's pixels) and a CSV of n rows whose areas are the labels' pixel counts; a
 * calibrated 3-slice stack keeps its planes and calibration, with ROI positions and CSV planes 1..3; an image
 * without nuclei gives an empty label image, an empty RoiSet and a header-only table; an RGB image is segmented
 * with a warning. Bad input (an empty, a garbage and a truncated TIFF beside a good image, a missing input, a
 * missing or broken model, NaN pixels, an output folder that cannot be created) gives exit code 1 and one "Error: "
 * line naming it, no file for what failed and nothing printed by ImageJ itself on stdout; mistakes in the command
 * line (bad option values, an unknown option, an {@code --output} that is a file) give exit code 2, one sentence
 * naming the option and nothing written. No stack trace ever appears without {@code --verbose}. The ROI Manager
 * check runs only where AWT has a display.
 */
class SegmentCommandTest {

	private static final Path SAMPLES = Path.of("sample-images", "images");
	private static final Pattern ROI_NAME = Pattern.compile("label (\\d+) \\(.*\\)");

	@TempDir
	Path dir;

	/** What one call of the launcher printed and returned. */
	private static final class Run {
		int code;
		String out;
		String err;

		String context() {
			return "\nexit " + code + "\nerr:\n" + err + "out:\n" + out;
		}

		List<String> errLines() {
			return err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
		}
	}

	private static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		Run r = new Run();
		r.code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		r.out = out.toString(StandardCharsets.UTF_8);
		r.err = err.toString(StandardCharsets.UTF_8);
		boolean verbose = Arrays.asList(args).contains("--verbose");
		if (!verbose) {
			assertFalse(r.err.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace on err" + r.context());
			assertFalse(r.out.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace on out" + r.context());
		}
		return r;
	}

	/** {@code ris segment --threads 1 --output OUTPUT}, then {@code rest}. */
	private static Run segment(Path output, String... rest) {
		List<String> a = new ArrayList<>(List.of("segment", "--threads", "1", "--output", output.toString()));
		a.addAll(Arrays.asList(rest));
		return run(a.toArray(new String[0]));
	}

	/** Every file and folder under the temporary folder, relative to it. */
	private Set<String> listing() throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	/** The names of the files in a folder. */
	private static Set<String> files(Path folder) throws IOException {
		try (Stream<Path> s = Files.list(folder)) {
			return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	private static Set<String> outputsOf(String name) {
		return new TreeSet<>(List.of(name + "_labels.tif", name + "_rois.zip", name + "_instances.csv"));
	}

	/** Asserts that {@code line} is one sentence (ignoring the paths and names in {@code named}). */
	private static void assertOneSentence(String line, String context, String... named) {
		assertTrue(line.endsWith("."), "ends a sentence: " + line + context);
		String text = line;
		for (String n : named) text = text.replace(n, "X");
		assertFalse(Pattern.compile("[.!?]\\s+\\p{Lu}").matcher(text).find(), "one sentence, not several: " + line + context);
	}

	/**
	 * Runs {@code rest} (a command line mistake or a refused model) and checks the refusal: exit code, one line on
	 * err starting with "Error: " that names each of {@code named}, nothing written, nothing on out.
	 */
	private String assertRefused(int code, String[] rest, String... named) throws IOException {
		Path output = dir.resolve("out");
		Set<String> before = listing();
		Run r = segment(output, rest);
		assertEquals(code, r.code, "exit code" + r.context());
		List<String> lines = r.errLines();
		assertEquals(1, lines.size(), "exactly one line on err" + r.context());
		String line = lines.get(0);
		assertTrue(line.startsWith("Error: "), "starts with 'Error: '" + r.context());
		for (String n : named) assertTrue(line.contains(n), "names " + n + r.context());
		assertOneSentence(line, r.context(), named);
		assertEquals(before, listing(), "nothing written" + r.context());
		assertFalse(Files.exists(output), "no output folder" + r.context());
		return line;
	}

	/** Copies a sample image into {@code folder} as {@code name}. */
	private static Path copySample(String sample, Path folder, String name) throws IOException {
		Files.createDirectories(folder);
		return Files.copy(SAMPLES.resolve(sample), folder.resolve(name));
	}

	private static ImagePlus open(Path file) {
		ImagePlus imp = new Opener().openImage(file.toAbsolutePath().toString());
		assertNotNull(imp, "ImageJ opens " + file);
		return imp;
	}

	private static void save(ImagePlus imp, Path file) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		FileSaver saver = new FileSaver(imp);
		boolean ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString());
		if (!ok) throw new IOException("ImageJ could not write " + file);
	}

	/**
	 * Checks the three files of image {@code name} in {@code output} against each other and against the input.
	 *
	 * @return the number of instances of each plane
	 */
	private static int[] assertOutputs(Path output, String name, ImagePlus input) throws IOException {
		Path labelFile = output.resolve(name + "_labels.tif");
		Path roiFile = output.resolve(name + "_rois.zip");
		Path csvFile = output.resolve(name + "_instances.csv");
		for (Path f : List.of(labelFile, roiFile, csvFile)) assertTrue(Files.isRegularFile(f), f + " written");
		int planes = input.getStackSize();

		// label image: 16-bit, the input's size and planes, labels 1..n in each plane
		ImagePlus labels = open(labelFile);
		assertEquals(16, labels.getBitDepth(), "16-bit labels");
		assertEquals(input.getWidth(), labels.getWidth(), "width");
		assertEquals(input.getHeight(), labels.getHeight(), "height");
		assertEquals(planes, labels.getStackSize(), "planes");
		int[] counts = new int[planes];
		List<int[]> areas = new ArrayList<>();
		for (int z = 1; z <= planes; z++) {
			ImageProcessor ip = labels.getStack().getProcessor(z);
			int max = 0;
			for (int i = 0; i < ip.getPixelCount(); i++) max = Math.max(max, ip.get(i));
			int[] area = new int[max + 1];
			for (int i = 0; i < ip.getPixelCount(); i++) area[ip.get(i)]++;
			for (int l = 1; l <= max; l++) assertTrue(area[l] > 0, "labels of plane " + z + " are consecutive 1.." + max + ": " + l + " is missing");
			counts[z - 1] = max;
			areas.add(area);
		}
		int n = Arrays.stream(counts).sum();

		// RoiSet: n entries, each an ImageJ ROI covering exactly its label's pixels in its plane
		try (ZipFile zip = new ZipFile(roiFile.toFile())) {
			List<? extends ZipEntry> entries = Collections.list(zip.entries());
			assertEquals(n, entries.size(), "one ROI per instance in " + roiFile);
			Set<String> seen = new TreeSet<>();
			for (ZipEntry e : entries) {
				byte[] bytes;
				try (InputStream in = zip.getInputStream(e)) {
					bytes = in.readAllBytes();
				}
				Roi roi = new RoiDecoder(bytes, e.getName()).getRoi();
				assertNotNull(roi, "ImageJ decodes " + e.getName());
				Matcher m = ROI_NAME.matcher(roi.getName());
				assertTrue(m.matches(), "ROI name " + roi.getName());
				int label = Integer.parseInt(m.group(1));
				int plane = planes > 1 ? roi.getPosition() : 1;
				assertTrue(plane >= 1 && plane <= planes, "position " + roi.getPosition() + " of " + e.getName());
				if (planes == 1) assertEquals(0, roi.getPosition(), "a single image's ROI has no position");
				assertTrue(label >= 1 && label <= counts[plane - 1], "label " + label + " of " + e.getName() + " is in plane " + plane);
				assertTrue(seen.add(plane + "/" + label), "one ROI for label " + label + " of plane " + plane);
				// the ROI's mask is exactly the label's pixels
				ImageProcessor ip = labels.getStack().getProcessor(plane);
				Rectangle b = roi.getBounds();
				ImageProcessor mask = roi.getMask();
				int inside = 0;
				for (int y = 0; y < b.height; y++)
					for (int x = 0; x < b.width; x++) {
						if (mask != null && mask.get(x, y) == 0) continue;
						assertEquals(label, ip.get(b.x + x, b.y + y), "pixel (" + (b.x + x) + ", " + (b.y + y) + ") of the ROI " + e.getName());
						inside++;
					}
				assertEquals(areas.get(plane - 1)[label], inside, "the ROI " + e.getName() + " covers its label's pixels");
			}
		}
		assertRoiManagerOpens(roiFile, n);

		// table: a header and one row per instance, areas as counted
		List<String> lines = Files.readAllLines(csvFile, StandardCharsets.UTF_8);
		assertFalse(lines.isEmpty(), "the table has a header");
		List<String> header = List.of(lines.get(0).split(","));
		assertTrue(lines.get(0).startsWith(InstanceTable.HEADER), "header: " + lines.get(0));
		int labelCol = header.indexOf("label"), planeCol = header.indexOf("plane"), areaCol = header.indexOf("area");
		assertEquals(n, lines.size() - 1, "one row per instance in " + csvFile);
		Set<String> rows = new TreeSet<>();
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",", -1);
			assertEquals(header.size(), f.length, "columns of " + line);
			int label = Integer.parseInt(f[labelCol]), plane = Integer.parseInt(f[planeCol]);
			assertTrue(plane >= 1 && plane <= planes, "plane of " + line);
			assertTrue(label >= 1 && label <= counts[plane - 1], "label of " + line);
			assertTrue(rows.add(plane + "/" + label), "one row per instance: " + line);
			assertEquals(areas.get(plane - 1)[label], Long.parseLong(f[areaCol]), "area of " + line);
		}
		return counts;
	}

	/**
	 * Opens the RoiSet in a hidden ROI Manager, where AWT allows one (not in a headless JVM). Not for an empty
	 * RoiSet: the ROI Manager answers that with a modal error dialog, which would block the test.
	 */
	private static void assertRoiManagerOpens(Path roiFile, int n) {
		if (n == 0) return;
		RoiManager rm;
		try {
			rm = new RoiManager(true);
		} catch (HeadlessException | AWTError e) {
			return; // the ROI Manager is a window, which needs a display; RoiDecoder has checked every ROI already
		}
		try {
			rm.runCommand("Open", roiFile.toAbsolutePath().toString());
			assertEquals(n, rm.getCount(), "the ROI Manager opens " + n + " ROIs from " + roiFile);
		} finally {
			rm.reset();
			rm.close();
		}
	}

	@Test
	void segmentsTheSampleImages() throws IOException {
		Path output = dir.resolve("out");
		Run r = segment(output, SAMPLES.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		assertEquals("", r.err.replaceAll("(?m)^SLF4J.*\\R?", ""), "nothing on err" + r.context());
		List<Path> images;
		try (Stream<Path> s = Files.list(SAMPLES)) {
			images = s.filter(p -> p.toString().endsWith(".tif")).sorted().collect(Collectors.toList());
		}
		assertEquals(4, images.size(), "four sample images");
		Set<String> expected = new TreeSet<>();
		for (Path image : images) {
			String file = image.getFileName().toString(), name = file.substring(0, file.length() - 4);
			expected.addAll(outputsOf(name));
			assertOutputs(output, name, open(image));
			long progress = r.out.lines().filter(l -> l.startsWith(file + ": ")).count();
			assertEquals(1, progress, "one progress line for " + file + r.context());
		}
		assertEquals(expected, files(output), "the three files of each image, nothing else");
	}

	@Test
	void theSameLabelsWhateverTheOrderOfTheFilesAndWhatRanBefore() throws IOException {
		List<Path> images;
		try (Stream<Path> s = Files.list(SAMPLES)) {
			images = s.filter(p -> p.toString().endsWith(".tif")).sorted().collect(Collectors.toList());
		}
		Path folder = dir.resolve("folder"), reversed = dir.resolve("reversed");
		assertEquals(0, segment(folder, SAMPLES.toString()).code);
		List<String> backwards = new ArrayList<>(List.of("--overlay"));
		for (int i = images.size() - 1; i >= 0; i--) backwards.add(images.get(i).toString());
		assertEquals(0, segment(reversed, backwards.toArray(new String[0])).code);
		for (Path image : images) {
			String name = image.getFileName().toString().replace(".tif", "_labels.tif");
			short[] a = (short[]) open(folder.resolve(name)).getProcessor().getPixels();
			short[] b = (short[]) open(reversed.resolve(name)).getProcessor().getPixels();
			assertArrayEquals(a, b, "the labels of " + image.getFileName() + " segmented first or last, with or without the overlay");
		}
	}

	@Test
	void overlayShowsTheOutlinesInTheLabelsColoursOnTheImage() throws IOException {
		Path output = dir.resolve("out");
		Path in = dir.resolve("in");
		copySample("IXMtest_A16_s2_5AF2.tif", in, "one.tif");
		Run r = segment(output, "--overlay", in.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		Set<String> expected = new TreeSet<>(outputsOf("one"));
		expected.add("one_overlay.png");
		assertEquals(expected, files(output));
		ImagePlus overlay = open(output.resolve("one_overlay.png"));
		ImagePlus labels = open(output.resolve("one_labels.tif"));
		assertEquals(ImagePlus.COLOR_RGB, overlay.getType());
		assertEquals(labels.getWidth(), overlay.getWidth());
		assertEquals(labels.getHeight(), overlay.getHeight());
		ImageProcessor lp = labels.getProcessor(), op = overlay.getProcessor();
		int w = labels.getWidth(), coloured = 0, outlines = 0;
		for (int y = 1; y < labels.getHeight() - 1; y++)
			for (int x = 1; x < w - 1; x++) {
				int l = (int) lp.getf(x, y);
				int[] rgb = op.getPixel(x, y, null);
				boolean grey = rgb[0] == rgb[1] && rgb[1] == rgb[2];
				boolean edge = l > 0 && ((int) lp.getf(x - 1, y) != l || (int) lp.getf(x + 1, y) != l || (int) lp.getf(x, y - 1) != l
						|| (int) lp.getf(x, y + 1) != l);
				if (edge) outlines++;
				if (!grey) coloured++;
				if (l == 0) assertTrue(grey, "background stays grey at " + x + "," + y);
			}
		assertTrue(outlines > 0, "the sample has instances");
		assertTrue(coloured > 0 && coloured <= outlines, "only outline pixels are coloured: " + coloured + " of " + outlines);
	}

	@Test
	void sharedAndSeparateEncodingTogetherAreRefused() throws IOException {
		assertRefused(2, new String[] { "--shared-encoding", "--separate-encoding", SAMPLES.toString() }, "--separate-encoding");
	}

	@Test
	void objectDiameterOutOfRangeIsRefused() throws IOException {
		assertRefused(2, new String[] { "--object-diameter", "-5", SAMPLES.toString() }, "--object-diameter");
		String line = assertRefused(1, new String[] { "--object-diameter", "1", SAMPLES.toString() }, "object diameter");
		double own = sc.fiji.ris.io.ModelPackage.readConfig(sc.fiji.ris.io.ModelPackage.bundledCopy()).objectDiameter;
		assertTrue(line.contains(String.format(java.util.Locale.ROOT, "%.1f", own)), "names the model's own diameter: " + line);
		line = assertRefused(2, new String[] { "--object-diameter", "big", SAMPLES.toString() }, "--object-diameter");
		assertTrue(line.contains("'auto'") && line.contains("'big'"), "says what it takes: " + line);
	}

	@Test
	void keepsTheStackAndItsCalibration() throws IOException {
		ImagePlus sample = open(SAMPLES.resolve("IXMtest_G06_s7_9444.tif"));
		ImageStack stack = new ImageStack(sample.getWidth(), sample.getHeight());
		for (int z = 0; z < 3; z++) stack.addSlice("z" + z, sample.getProcessor().duplicate());
		ImagePlus imp = new ImagePlus("stack", stack);
		Calibration cal = imp.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.5;
		cal.setUnit("um");
		Path file = dir.resolve("in").resolve("stack.tif");
		save(imp, file);
		ImagePlus input = open(file);
		assertEquals(3, input.getStackSize(), "the test stack has 3 slices");

		Path output = dir.resolve("out");
		Run r = segment(output, file.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		int[] counts = assertOutputs(output, "stack", input);
		for (int z = 0; z < 3; z++) assertTrue(counts[z] > 0, "plane " + (z + 1) + " has instances: " + Arrays.toString(counts));

		ImagePlus labels = open(output.resolve("stack_labels.tif"));
		Calibration got = labels.getCalibration(), want = input.getCalibration();
		assertEquals(want.pixelWidth, got.pixelWidth, 1e-9, "pixel width");
		assertEquals(want.pixelHeight, got.pixelHeight, 1e-9, "pixel height");
		assertEquals(0.5, got.pixelWidth, 1e-9, "pixel width as written");
		assertEquals(want.getUnit(), got.getUnit(), "unit");

		Set<Integer> positions = new TreeSet<>();
		try (ZipFile zip = new ZipFile(output.resolve("stack_rois.zip").toFile())) {
			for (ZipEntry e : Collections.list(zip.entries()))
				try (InputStream in = zip.getInputStream(e)) {
					positions.add(new RoiDecoder(in.readAllBytes(), e.getName()).getRoi().getPosition());
				}
		}
		assertEquals(Set.of(1, 2, 3), positions, "ROI positions");
		List<String> lines = Files.readAllLines(output.resolve("stack_instances.csv"), StandardCharsets.UTF_8);
		int planeCol = List.of(lines.get(0).split(",")).indexOf("plane");
		Set<Integer> planes = lines.stream().skip(1).map(l -> Integer.parseInt(l.split(",")[planeCol])).collect(Collectors.toCollection(TreeSet::new));
		assertEquals(Set.of(1, 2, 3), planes, "CSV planes");
		assertEquals(1, r.out.lines().filter(l -> l.startsWith("stack.tif: ")).count(), "one progress line" + r.context());
	}

	@Test
	void imageWithoutNuclei() throws IOException {
		int w = 128, h = 128;
		short[] px = new short[w * h];
		Random random = new Random(1);
		for (int i = 0; i < px.length; i++) px[i] = (short) (200 + random.nextInt(4));
		Path file = TestImages.writeShort(dir.resolve("in").resolve("flat.tif"), w, h, px);
		Path output = dir.resolve("out");
		Run r = segment(output, file.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		assertEquals(outputsOf("flat"), files(output), "all three files");

		int[] counts = assertOutputs(output, "flat", open(file));
		assertArrayEquals(new int[] { 0 }, counts, "no instance");
		ImageProcessor labels = open(output.resolve("flat_labels.tif")).getProcessor();
		for (int i = 0; i < w * h; i++) assertEquals(0, labels.get(i), "an all-zero label image");
		try (ZipFile zip = new ZipFile(output.resolve("flat_rois.zip").toFile())) {
			assertEquals(0, zip.size(), "an empty but valid RoiSet");
		}
		assertEquals(List.of(InstanceTable.HEADER), Files.readAllLines(output.resolve("flat_instances.csv"), StandardCharsets.UTF_8), "a header-only table");
	}

	@Test
	void badFilesFailAloneAndLeaveNothing() throws IOException {
		Path in = dir.resolve("in");
		copySample("IXMtest_A16_s2_5AF2.tif", in, "good.tif");
		Path empty = Files.write(in.resolve("bad.tif"), new byte[0]);
		byte[] noise = new byte[4096];
		new Random(7).nextBytes(noise);
		noise[0] = 'G'; // not a TIFF's "II" or "MM", nor text: a format ImageJ does not know
		Path garbage = Files.write(in.resolve("garbage.tif"), noise);
		byte[] whole = Files.readAllBytes(SAMPLES.resolve("IXMtest_G06_s7_9444.tif"));
		Path truncated = Files.write(in.resolve("truncated.tif"), Arrays.copyOf(whole, whole.length / 2));
		Path output = dir.resolve("out");

		// ImageJ's readers must not print messages of their own on the process's stdout beside ours
		PrintStream stdout = System.out;
		ByteArrayOutputStream stray = new ByteArrayOutputStream();
		Run r;
		try {
			System.setOut(new PrintStream(stray, true, StandardCharsets.UTF_8));
			r = segment(output, in.toString());
		} finally {
			System.setOut(stdout);
		}
		assertEquals(1, r.code, "exit code" + r.context());
		assertEquals("", stray.toString(StandardCharsets.UTF_8), "nothing printed past the launcher's streams" + r.context());
		List<String> errors = r.errLines().stream().filter(l -> l.startsWith("Error: ")).collect(Collectors.toList());
		assertEquals(3, errors.size(), "one error per bad file" + r.context());
		for (Path bad : List.of(empty, garbage, truncated)) {
			List<String> naming = errors.stream().filter(l -> l.contains(bad.toString())).collect(Collectors.toList());
			assertEquals(1, naming.size(), "one error names " + bad + r.context());
			assertOneSentence(naming.get(0), r.context(), bad.toString());
		}
		assertTrue(errors.stream().anyMatch(l -> l.contains(empty.toString()) && l.contains("empty")), "says the file is empty" + r.context());
		for (String line : r.errLines()) assertOneSentence(line, r.context(), in.toString(), output.toString());
		assertEquals(outputsOf("good"), files(output), "the good image's files, none for the bad ones (no temporary files either)");
		assertOutputs(output, "good", open(in.resolve("good.tif")));
		assertEquals(1, r.out.lines().filter(l -> l.startsWith("good.tif: ")).count(), "a progress line for the good image" + r.context());
	}

	@Test
	void onlyBadFilesLeaveNoOutputFolder() throws IOException {
		Path bad = Files.write(dir.resolve("bad.tif"), "not an image\n".getBytes(StandardCharsets.UTF_8));
		Path output = dir.resolve("out");
		Run r = segment(output, bad.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		assertEquals(List.of("Error: ", "1 input failed; no results were written."),
				r.errLines().stream().map(l -> l.startsWith("Error: ") ? "Error: " : l).collect(Collectors.toList()), r.context());
		assertTrue(r.errLines().get(0).contains(bad.toString()), "names the file" + r.context());
		assertFalse(Files.exists(output), "no empty output folder" + r.context());
		r = segment(output.resolve("a").resolve("b"), bad.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		assertFalse(Files.exists(output), "none of the folders it created" + r.context());

		// a folder the user made is theirs: it stays, empty
		Files.createDirectories(output);
		r = segment(output, bad.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		assertTrue(Files.isDirectory(output), "the user's folder stays" + r.context());
		assertEquals(Set.of(), files(output), "nothing written into it" + r.context());
	}

	@Test
	void outputIsAFile() throws IOException {
		Path file = Files.writeString(dir.resolve("results.txt"), "keep me\n");
		Set<String> before = listing();
		Run r = segment(file, SAMPLES.toString());
		assertEquals(2, r.code, "exit code" + r.context());
		List<String> lines = r.errLines();
		assertEquals(1, lines.size(), "one line on err" + r.context());
		assertTrue(lines.get(0).startsWith("Error: ") && lines.get(0).contains("--output"), "names --output" + r.context());
		assertOneSentence(lines.get(0), r.context(), file.toString());
		assertEquals("keep me\n", Files.readString(file), "the file is unchanged");
		assertEquals(before, listing(), "nothing written");
	}

	@Test
	void outputBelowAFile() throws IOException {
		Path file = Files.writeString(dir.resolve("results.txt"), "keep me\n");
		Path output = file.resolve("sub");
		Path image = copySample("IXMtest_A16_s2_5AF2.tif", dir.resolve("in"), "good.tif");
		Set<String> before = listing();
		Run r = segment(output, image.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		List<String> lines = r.errLines();
		assertEquals(1, lines.size(), "one line on err" + r.context());
		assertTrue(lines.get(0).startsWith("Error: ") && lines.get(0).contains(output.toString()), "names the output folder" + r.context());
		assertOneSentence(lines.get(0), r.context(), output.toString());
		assertEquals("keep me\n", Files.readString(file), "the file is unchanged");
		assertEquals(before, listing(), "nothing written");
	}

	@Test
	void flipVotesNeedFlipsAndLieIn1To4() throws IOException {
		assertRefused(2, new String[] { "--flip-votes", "3", SAMPLES.toString() }, "--flip-votes", "--flips");
		assertRefused(2, new String[] { "--flips", "--flip-votes", "5", SAMPLES.toString() }, "--flip-votes");
	}

	@Test
	void flipsGiveTheSameFilesAndFindTheNuclei() throws IOException {
		Path in = copySample("IXMtest_A16_s2_5AF2.tif", dir.resolve("in"), "a.tif");
		Path output = dir.resolve("out");
		Run r = segment(output, "--flips", in.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		int[] counts = assertOutputs(output, "a", open(in));
		assertTrue(counts[0] >= 10, "the sample image's nuclei are found: " + counts[0] + r.context());
		assertEquals(new TreeSet<>(outputsOf("a")), files(output), "the three files, nothing else");
		// the bundled model's flip decisions where it has them, else 2 votes and its one-view thresholds
		sc.fiji.ris.model.ModelConfig c = sc.fiji.ris.io.ModelPackage.readConfig(sc.fiji.ris.io.ModelPackage.bundledCopy());
		int votes = c.flips != null ? c.flips.votes : 2;
		double minConfidence = c.flips != null ? c.flips.minConfidence : c.minConfidence;
		assertTrue(r.out.contains(String.format(java.util.Locale.ROOT, "objects kept when %d found them; minimum confidence %.2f", votes, minConfidence)),
				"says the bundled model's settings for flips: " + r.out);
	}

	@Test
	void minConfidenceAbove1() throws IOException {
		assertRefused(2, new String[] { "--min-confidence", "2", SAMPLES.toString() }, "--min-confidence");
	}

	@Test
	void maskThreshold0() throws IOException {
		String line = assertRefused(2, new String[] { "--mask-threshold", "0", SAMPLES.toString() }, "--mask-threshold");
		assertTrue(line.contains("between 0 and 1"), "says the range as the help does: " + line);
	}

	@Test
	void negativeTileSize() throws IOException {
		assertRefused(2, new String[] { "--tile-size", "-8", SAMPLES.toString() }, "--tile-size");
	}

	@Test
	void tileSizeNotAMultipleOf8() throws IOException {
		assertRefused(2, new String[] { "--tile-size", "100", SAMPLES.toString() }, "--tile-size");
	}

	@Test
	void unknownOption() throws IOException {
		assertRefused(2, new String[] { "--foo", SAMPLES.toString() }, "--foo");
	}

	@Test
	void missingModel() throws IOException {
		Path model = dir.resolve("no-such-model.zip");
		assertRefused(1, new String[] { "--model", model.toString(), SAMPLES.toString() }, model.toString());
	}

	@Test
	void modelThatIsNotAModel() throws IOException {
		Path model = Files.writeString(dir.resolve("notes.zip"), "This is a text file, not a model.\n");
		assertRefused(1, new String[] { "--model", model.toString(), SAMPLES.toString() }, model.toString());
	}

	@Test
	void stackTraceOnlyWithVerbose() throws IOException {
		Path model = Files.writeString(dir.resolve("notes.zip"), "This is a text file, not a model.\n");
		Run r = run("segment", "--threads", "1", "--verbose", "--output", dir.resolve("out").toString(), "--model", model.toString(), SAMPLES.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		assertTrue(r.err.startsWith("Error: "), r.context());
		assertTrue(r.err.lines().anyMatch(l -> l.startsWith("\tat ")), "a stack trace with --verbose" + r.context());
	}

	@Test
	void missingInput() throws IOException {
		Path missing = dir.resolve("no-such-image.tif");
		Run r = segment(dir.resolve("out"), missing.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		List<String> naming = r.errLines().stream().filter(l -> l.startsWith("Error: ") && l.contains(missing.toString())).collect(Collectors.toList());
		assertEquals(1, naming.size(), "one error names " + missing + r.context());
		assertOneSentence(naming.get(0), r.context(), missing.toString());
		assertFalse(Files.exists(missing), "the input is not created");
		assertFalse(Files.exists(dir.resolve("out")), "no output folder when there is nothing to segment");
	}

	@Test
	void rgbImageIsSegmentedWithAWarning() throws IOException {
		ImagePlus sample = open(SAMPLES.resolve("IXMtest_M15_s8_1321.tif"));
		ImagePlus rgb = new ImagePlus("rgb", sample.getProcessor().convertToByteProcessor().convertToColorProcessor());
		assertEquals(ImagePlus.COLOR_RGB, rgb.getType());
		Path file = dir.resolve("in").resolve("rgb.tif");
		save(rgb, file);
		Path output = dir.resolve("out");
		Run r = segment(output, file.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		List<String> warnings = r.errLines().stream().filter(l -> l.startsWith("Warning: ")).collect(Collectors.toList());
		assertEquals(1, warnings.size(), "one warning" + r.context());
		assertTrue(warnings.get(0).contains("RGB"), "the warning says RGB" + r.context());
		assertFalse(r.err.contains("Error: "), "no error" + r.context());
		assertEquals(outputsOf("rgb"), files(output), "all three files");
		assertOutputs(output, "rgb", open(file));
	}

	@Test
	void nanPixels() throws IOException {
		int w = 64, h = 64;
		float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = 100 + (i % 7);
		px[10 * w + 20] = Float.NaN;
		Path file = TestImages.writeFloat(dir.resolve("in").resolve("nan.tif"), w, h, px);
		assertTrue(Float.isNaN(open(file).getProcessor().getf(20, 10)), "ImageJ keeps the NaN");
		Path output = dir.resolve("out");
		Run r = segment(output, file.toString());
		assertEquals(1, r.code, "exit code" + r.context());
		List<String> errors = r.errLines().stream().filter(l -> l.startsWith("Error: ")).collect(Collectors.toList());
		assertEquals(1, errors.size(), "one error" + r.context());
		assertTrue(errors.get(0).contains("NaN"), "mentions NaN" + r.context());
		assertTrue(errors.get(0).contains("nan.tif"), "names the image" + r.context());
		assertOneSentence(errors.get(0), r.context(), "Process>Math>Remove NaNs");
		if (Files.exists(output)) assertEquals(Set.of(), files(output), "no file for the failed image");
	}

	@Test
	void helpListsAShortListOfOptions() {
		Run r = run("segment", "--help");
		assertEquals(0, r.code, "exit code" + r.context());
		long options = r.out.lines().filter(l -> l.startsWith("  --")).count();
		assertTrue(options >= 8 && options <= 12, "at most 12 options in the help: " + options + r.context());
		assertTrue(r.out.contains("--settings FILE.json") && r.out.contains("minConfidence"), "names the settings file and its keys" + r.context());
	}

	@Test
	void aSettingsFileSetsTheThresholdsAndTheOldOptionsOverrideIt() throws IOException {
		Path in = copySample("IXMtest_A16_s2_5AF2.tif", dir.resolve("in"), "a.tif");
		Path file = Files.writeString(dir.resolve("s.json"), "{\"minConfidence\": 0.37, \"mergeSolidity\": 0.81, \"minArea\": 44, \"flipVotes\": 4}");
		// with flips, the settings in use are printed: those of the file, and an old option over the file's
		Run r = segment(dir.resolve("o1"), "--flips", "--settings", file.toString(), in.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		assertTrue(r.out.contains("objects kept when 4 found them; minimum confidence 0.37, mask threshold ") && r.out.contains("minimum area 44, merge solidity 0.81"),
				"the file's settings" + r.context());
		assertTrue(assertOutputs(dir.resolve("o1"), "a", open(in))[0] > 0, "nuclei found" + r.context());
		r = segment(dir.resolve("o2"), "--flips", "--flip-votes", "2", "--settings", file.toString(), "--min-confidence", "0.55", in.toString());
		assertEquals(0, r.code, "exit code" + r.context());
		assertTrue(r.out.contains("objects kept when 2 found them; minimum confidence 0.55, mask threshold ") && r.out.contains("minimum area 44, merge solidity 0.81"),
				"the options over the file" + r.context());
	}

	@Test
	void aBadSettingsFileIsRefusedWithOneSentence() throws IOException {
		Path bad = Files.writeString(dir.resolve("bad.json"), "{\"tileSize\": 100}");
		assertRefused(1, new String[] { "--settings", bad.toString(), SAMPLES.toString() }, "tileSize", "--settings", "multiple of 8");
		Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"minConfidance\": 0.6}");
		assertRefused(1, new String[] { "--settings", unknown.toString(), SAMPLES.toString() }, "'minConfidance'", "minConfidence");
		assertRefused(1, new String[] { "--settings", dir.resolve("none.json").toString(), SAMPLES.toString() }, "none.json", "does not exist");
	}
}
