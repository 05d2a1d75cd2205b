package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ris refine} end to end on a sample image and its annotation: exit code 0 and a 16-bit label image of the
 * image's size, planes (a 3-slice stack) and calibration with consecutive labels close to the given ones; an empty
 * label image gives an empty one. Bad input (labels of another size or number of planes, labels that are not whole
 * numbers, a missing file) gives exit code 1, one "Error: " sentence naming it and no output file; command-line
 * mistakes (a parameter out of range, a missing option) give exit code 2 and nothing written. Also
 * {@code ris segment --crf} writes its three files.
 */
class RefineCommandTest {

	private static final Path SAMPLES = Path.of("sample-images");

	@TempDir
	Path dir;

	private record Run(int code, String out, String err) {
		List<String> errLines() {
			return err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
		}

		String context() {
			return "\nexit " + code + "\nerr:\n" + err + "out:\n" + out;
		}
	}

	private static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
		assertFalse(r.err.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace" + r.context());
		return r;
	}

	private static String first() throws IOException {
		try (Stream<Path> s = Files.list(SAMPLES.resolve("images"))) {
			return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tif")).sorted().findFirst().orElseThrow();
		}
	}

	private static ImagePlus open(Path file) {
		ImagePlus imp = new Opener().openImage(file.toAbsolutePath().toString());
		assertNotNull(imp, "ImageJ opens " + file);
		return imp;
	}

	private Path save(ImagePlus imp, String name) throws IOException {
		Path file = dir.resolve(name);
		FileSaver saver = new FileSaver(imp);
		boolean ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(file.toString()) : saver.saveAsTiff(file.toString());
		if (!ok) throw new IOException("ImageJ could not write " + file);
		return file;
	}

	private Run refine(Path image, Path labels, Path output, String... more) {
		List<String> a = new ArrayList<>(List.of("refine", "--image", image.toString(), "--labels", labels.toString(), "--output", output.toString()));
		a.addAll(Arrays.asList(more));
		return run(a.toArray(new String[0]));
	}

	/** The refusal: its exit code, one "Error: " sentence naming each fragment, no output file. */
	private static void assertRefused(Run r, int code, Path output, String... fragments) {
		assertEquals(code, r.code, "exit code" + r.context());
		List<String> lines = r.errLines();
		assertEquals(1, lines.size(), "one line on err" + r.context());
		String line = lines.get(0);
		assertTrue(line.startsWith("Error: ") && line.endsWith("."), "one sentence" + r.context());
		for (String f : fragments) assertTrue(line.contains(f), "names " + f + r.context());
		assertFalse(Files.exists(output), "no output file" + r.context());
	}

	@Test
	void refinesAStackAndKeepsItsPlanesAndCalibration() throws IOException {
		ImagePlus img = open(SAMPLES.resolve("images").resolve(first())), lab = open(SAMPLES.resolve("labels").resolve(first()));
		ImageStack is = new ImageStack(img.getWidth(), img.getHeight()), ls = new ImageStack(img.getWidth(), img.getHeight());
		for (int z = 0; z < 3; z++) {
			is.addSlice(img.getProcessor().duplicate());
			ls.addSlice(lab.getProcessor().duplicate());
		}
		ImagePlus stack = new ImagePlus("stack", is);
		stack.setDimensions(1, 3, 1);
		stack.getCalibration().pixelWidth = 0.5;
		stack.getCalibration().pixelHeight = 0.5;
		stack.getCalibration().setUnit("um");
		Path image = save(stack, "stack.tif"), labels = save(new ImagePlus("stack_labels", ls), "stack_labels.tif"), output = dir.resolve("out").resolve("refined.tif");
		Run r = refine(image, labels, output, "--iterations", "3");
		assertEquals(0, r.code, "exit code" + r.context());
		assertTrue(r.out.contains("refined.tif"), r.context());
		ImagePlus out = open(output);
		assertEquals(16, out.getBitDepth());
		assertEquals(img.getWidth(), out.getWidth());
		assertEquals(3, out.getStackSize());
		assertEquals(3, out.getNSlices());
		assertEquals(0.5, out.getCalibration().pixelWidth, 1e-9);
		assertEquals(open(image).getCalibration().getUnit(), out.getCalibration().getUnit());
		ImageProcessor a = lab.getProcessor(), b = out.getStack().getProcessor(2);
		int same = 0, max = 0;
		for (int i = 0; i < a.getPixelCount(); i++) {
			if ((a.getf(i) > 0) == (b.getf(i) > 0)) same++;
			max = Math.max(max, (int) b.getf(i));
		}
		assertTrue(same > 0.95 * a.getPixelCount(), "foreground kept: " + same);
		boolean[] seen = new boolean[max + 1];
		for (int i = 0; i < b.getPixelCount(); i++) seen[(int) b.getf(i)] = true;
		for (int l = 1; l <= max; l++) assertTrue(seen[l], "labels consecutive: " + l + " missing");
	}

	@Test
	void anEmptyLabelImageGivesAnEmptyOne() throws IOException {
		ImagePlus img = open(SAMPLES.resolve("images").resolve(first()));
		Path labels = save(new ImagePlus("none", new ShortProcessor(img.getWidth(), img.getHeight())), "none.tif"), output = dir.resolve("none_refined.tif");
		Run r = refine(SAMPLES.resolve("images").resolve(first()), labels, output);
		assertEquals(0, r.code, r.context());
		ImageProcessor ip = open(output).getProcessor();
		for (int i = 0; i < ip.getPixelCount(); i++) assertEquals(0, ip.get(i));
	}

	@Test
	void refusesLabelsOfAnotherSize() throws IOException {
		Path labels = save(new ImagePlus("small", new ShortProcessor(40, 30)), "small.tif"), output = dir.resolve("o.tif");
		assertRefused(refine(SAMPLES.resolve("images").resolve(first()), labels, output), 1, output, "small.tif", "same size");
	}

	@Test
	void refusesLabelsOfAnotherNumberOfPlanes() throws IOException {
		ImagePlus lab = open(SAMPLES.resolve("labels").resolve(first()));
		ImageStack ls = new ImageStack(lab.getWidth(), lab.getHeight());
		ls.addSlice(lab.getProcessor());
		ls.addSlice(lab.getProcessor().duplicate());
		Path labels = save(new ImagePlus("two", ls), "two.tif"), output = dir.resolve("o.tif");
		assertRefused(refine(SAMPLES.resolve("images").resolve(first()), labels, output), 1, output, "two.tif", "planes");
	}

	@Test
	void refusesLabelsThatAreNotWholeNumbers() throws IOException {
		ImagePlus img = open(SAMPLES.resolve("images").resolve(first()));
		FloatProcessor fp = new FloatProcessor(img.getWidth(), img.getHeight());
		fp.setf(3, 4, 1.5f);
		Path labels = save(new ImagePlus("fraction", fp), "fraction.tif"), output = dir.resolve("o.tif");
		assertRefused(refine(SAMPLES.resolve("images").resolve(first()), labels, output), 1, output, "--labels", "x=3, y=4", "whole numbers");
	}

	@Test
	void refusesAMissingFile() throws IOException {
		Path output = dir.resolve("o.tif"), missing = dir.resolve("missing.tif");
		assertRefused(refine(SAMPLES.resolve("images").resolve(first()), missing, output), 1, output, missing.toString());
	}

	@Test
	void refusesParametersOutOfRange() throws IOException {
		Path image = SAMPLES.resolve("images").resolve(first()), labels = SAMPLES.resolve("labels").resolve(first()), output = dir.resolve("o.tif");
		assertRefused(refine(image, labels, output, "--spatial-width", "0"), 2, output, "--spatial-width");
		assertRefused(refine(image, labels, output, "--iterations", "2.5"), 2, output, "--iterations");
		assertRefused(refine(image, labels, output, "--label-confidence", "1"), 2, output, "--label-confidence");
		assertRefused(refine(image, labels, output, "--margin", "-1"), 2, output, "--margin");
		assertRefused(run("refine", "--image", image.toString(), "--output", output.toString()), 2, output, "--labels");
	}

	@Test
	void segmentRefinesWithTheCrf() throws IOException {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(SAMPLES.resolve("images").resolve(first()), in.resolve("a.tif"));
		Run r = run("segment", "--threads", "1", "--crf", "--output", out.toString(), in.toString());
		assertEquals(0, r.code, r.context());
		for (String f : List.of("a_labels.tif", "a_rois.zip", "a_instances.csv")) assertTrue(Files.isRegularFile(out.resolve(f)), f + r.context());
	}
}
