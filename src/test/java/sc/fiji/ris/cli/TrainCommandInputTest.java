package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks that {@code ris train} refuses bad input before it trains: a missing label file, a label image of another
 * size, a fractional label, label images without any instance, an empty, a garbage and a truncated image file give
 * exit code 1; a bad {@code --iterations}, {@code --crop} (also one too small for the tile overlap of a new model)
 * or {@code --synthetic}, a missing required option, an unknown option or command, an
 * {@code --output} that is a folder or not a {@code .zip}, and {@code --val-images} without {@code --val-labels} give
 * exit code 2. Each time the error stream holds exactly one sentence starting with "Error: " that names the
 * offending file or option, no stack trace, nothing is written (no model, no checkpoint folder), training does not
 * start. Also checks that {@code --help} prints the usage and returns 0, and that {@code --start-from bundled}
 * fine-tunes the model inside the jar.
 */
class TrainCommandInputTest {

	private static final int SIZE = 96;

	/** The longest a refusal may take: it must fail before any training. */
	@TempDir
	Path dir;

	private Path images;
	private Path labels;
	private Path output;

	/** What one call of the launcher printed and returned. */
	private static final class Run {
		int code;
		String out;
		String err;
	}

	@BeforeEach
	void writeTrainingSet() throws IOException {
		TestImages.writeTrainingSet(dir, 2, SIZE);
		images = dir.resolve("images");
		labels = dir.resolve("labels");
		output = dir.resolve("model.zip");
	}

	/** A valid command line (small and short, should it ever train), then {@code extra}, whose options win. */
	private String[] train(String... extra) {
		List<String> a = new ArrayList<>(List.of("train", "--images", images.toString(), "--labels", labels.toString(),
				"--output", output.toString(), "--iterations", "1", "--crop", "96", "--batch", "1", "--threads", "1"));
		a.addAll(Arrays.asList(extra));
		return a.toArray(new String[0]);
	}

	private static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		Run r = new Run();
		r.code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		r.out = out.toString(StandardCharsets.UTF_8);
		r.err = err.toString(StandardCharsets.UTF_8);
		return r;
	}

	/** Every file and folder under the temporary folder, relative to it. */
	private Set<String> listing() throws IOException {
		try (Stream<Path> s = Files.walk(dir)) {
			return s.map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
		}
	}

	/**
	 * Runs {@code args} and checks the refusal: exit code, one sentence on err naming every one of {@code named},
	 * no stack trace, no training, nothing written under the temporary folder.
	 *
	 * @return the error line
	 */
	private String assertRefused(int code, String[] args, String... named) throws IOException {
		Set<String> before = listing();
		Run r = run(args);
		String context = "\nexit " + r.code + "\nerr:\n" + r.err + "out:\n" + r.out;
		assertEquals(code, r.code, "exit code" + context);
		List<String> lines = r.err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
		assertEquals(1, lines.size(), "exactly one line on err" + context);
		assertFalse(r.err.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace" + context);
		String line = lines.get(0);
		assertTrue(line.startsWith("Error: "), "starts with 'Error: '" + context);
		assertTrue(line.endsWith("."), "ends a sentence" + context);
		String text = line.substring("Error: ".length());
		for (String n : named) {
			assertTrue(text.contains(n), "names " + n + context);
			text = text.replace(n, "X");
		}
		text = text.replace(dir.toString(), "DIR");
		assertFalse(Pattern.compile("[.!?]\\s+\\p{Lu}").matcher(text).find(), "one sentence, not several" + context);
		assertFalse(r.out.contains("Training on"), "training must not start" + context);
		assertEquals(before, listing(), "nothing written: no model file, no checkpoint folder" + context);
		assertFalse(Files.exists(output) && !Files.isDirectory(output), "no model file");
		assertFalse(Files.exists(dir.resolve("model.checkpoints")), "no checkpoint folder");
		return line;
	}

	@Test
	void startFromBundledFineTunesTheBundledModel() throws IOException {
		Run r = run(train("--start-from", "bundled"));
		assertEquals(0, r.code, "exit code\nerr:\n" + r.err + "out:\n" + r.out);
		sc.fiji.ris.model.ModelConfig tuned = sc.fiji.ris.io.ModelPackage.readConfig(output);
		sc.fiji.ris.model.ModelConfig bundled = sc.fiji.ris.io.ModelPackage.readConfig(sc.fiji.ris.io.ModelPackage.bundledCopy());
		assertEquals(bundled.hiddenChannels, tuned.hiddenChannels, "the bundled model's architecture is kept");
		assertEquals(bundled.tileSize, tuned.tileSize);
		assertEquals(1, tuned.training.iterations);
	}

	@Test
	void aCoreHeadTrainedOnTheBundledModelKeepsItsThresholdsAndWeights() throws IOException {
		Run r = run(train("--start-from", "bundled", "--core-head", "--core-channels", "8"));
		assertEquals(0, r.code, "exit code\nerr:\n" + r.err + "out:\n" + r.out);
		assertTrue(r.out.contains("Training a core head on"), r.out);
		sc.fiji.ris.model.ModelConfig c = sc.fiji.ris.io.ModelPackage.readConfig(output);
		sc.fiji.ris.model.ModelConfig bundled = sc.fiji.ris.io.ModelPackage.readConfig(sc.fiji.ris.io.ModelPackage.bundledCopy());
		assertTrue(c.coreHead);
		assertEquals(8, c.coreChannels);
		assertEquals(1, c.training.coreIterations);
		assertEquals(bundled.training.iterations, c.training.iterations, "the network's own training record stays");
		assertEquals(bundled.minConfidence, c.minConfidence);
		assertEquals(bundled.minArea, c.minArea);
		assertFalse(Files.exists(dir.resolve("model.checkpoints")), "no checkpoint folder for the core head");
	}

	@Test
	void aCoreHeadNeedsAModelToStartFrom() throws IOException {
		assertRefused(2, train("--core-head"), "--core-head", "--start-from");
	}

	@Test
	void coreChannelsWithoutACoreHead() throws IOException {
		assertRefused(2, train("--core-channels", "8"), "--core-channels", "--core-head");
	}

	@Test
	void architectureOptionsReachTheSavedModel() throws IOException {
		Run r = run(train("--encoder-channels", "8,12,16,24", "--hidden", "6", "--no-foreground-head"));
		assertEquals(0, r.code, "exit code\nerr:\n" + r.err + "out:\n" + r.out);
		sc.fiji.ris.model.ModelConfig c = sc.fiji.ris.io.ModelPackage.readConfig(output);
		org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] { 8, 12, 16, 24 }, c.encoderChannels);
		assertEquals(6, c.hiddenChannels);
		assertFalse(c.foregroundHead);
	}

	@Test
	void theMinimumInstanceAreaReachesTheSavedModel() throws IOException {
		Run r = run(train("--min-instance-area", "4"));
		assertEquals(0, r.code, "exit code\nerr:\n" + r.err + "out:\n" + r.out);
		assertEquals(4, sc.fiji.ris.io.ModelPackage.readConfig(output).training.minInstanceArea);
	}

	@Test
	void aMinimumInstanceAreaBelowOne() throws IOException {
		assertRefused(2, train("--min-instance-area", "0"), "--min-instance-area");
	}

	@Test
	void aShallowerEncoderAndNarrowerHeadsReachTheSavedModel() throws IOException {
		Run r = run(train("--encoder-channels", "8,12,16", "--mask-channels", "5"));
		assertEquals(0, r.code, "exit code\nerr:\n" + r.err + "out:\n" + r.out);
		sc.fiji.ris.model.ModelConfig c = sc.fiji.ris.io.ModelPackage.readConfig(output);
		org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] { 8, 12, 16 }, c.encoderChannels);
		assertEquals(5, c.maskChannels);
	}

	@Test
	void encoderChannelsThatAreNotThreeOrFourNumbers() throws IOException {
		assertRefused(2, train("--encoder-channels", "8,16"), "--encoder-channels");
		assertRefused(2, train("--encoder-channels", "8,16,24,32,40"), "--encoder-channels");
		assertRefused(2, train("--encoder-channels", "8,x,16,32"), "--encoder-channels");
	}

	@Test
	void missingLabelFile() throws IOException {
		Files.delete(labels.resolve("img1.tif"));
		assertRefused(1, train(), images.resolve("img1.tif").toString());
	}

	@Test
	void labelImageOfAnotherSize() throws IOException {
		Path l = TestImages.writeLabels(labels.resolve("img1.tif"), SIZE - 8, SIZE, new int[] { 1, 2, 2, 5, 5 });
		String line = assertRefused(1, train(), l.toString());
		assertTrue(line.contains((SIZE - 8) + "x" + SIZE), line);
	}

	@Test
	void fractionalLabelIn32BitImage() throws IOException {
		float[] px = new float[SIZE * SIZE];
		for (int i = 0; i < 20; i++) px[i] = 1;
		px[SIZE * 10 + 7] = 0.5f;
		Path l = TestImages.writeFloat(labels.resolve("img0.tif"), SIZE, SIZE, px);
		String line = assertRefused(1, train(), l.toString());
		assertTrue(line.contains("0.5"), line);
	}

	@Test
	void labelsWithoutAnyInstance() throws IOException {
		for (String n : List.of("img0.tif", "img1.tif")) TestImages.writeShort(labels.resolve(n), SIZE, SIZE, new short[SIZE * SIZE]);
		assertRefused(1, train(), "--labels");
	}

	@Test
	void emptyImageFile() throws IOException {
		Path f = images.resolve("img1.tif");
		Files.write(f, new byte[0]);
		String line = assertRefused(1, train(), f.toString());
		assertTrue(line.contains("empty"), line);
	}

	@Test
	void garbageTiff() throws IOException {
		Path f = images.resolve("img0.tif");
		Files.writeString(f, "this is not a TIFF file\n");
		assertRefused(1, train(), f.toString());
	}

	@Test
	void truncatedTiff() throws IOException {
		Path f = images.resolve("img1.tif");
		byte[] whole = Files.readAllBytes(f);
		Files.write(f, Arrays.copyOf(whole, whole.length / 2));
		assertRefused(1, train(), f.toString());
	}

	@Test
	void truncatedLabelTiff() throws IOException {
		Path f = labels.resolve("img0.tif");
		byte[] whole = Files.readAllBytes(f);
		Files.write(f, Arrays.copyOf(whole, whole.length - 100));
		assertRefused(1, train(), f.toString());
	}

	@Test
	void negativeIterations() throws IOException {
		assertRefused(2, train("--iterations", "-5"), "--iterations");
	}

	@Test
	void cropTooSmall() throws IOException {
		assertRefused(2, train("--crop", "30"), "--crop");
	}

	@Test
	void cropNotAMultipleOf8() throws IOException {
		assertRefused(2, train("--crop", "36"), "--crop");
	}

	/** A new model's inference tiles overlap by 40 pixels, which needs tiles (= crops) of at least 88. */
	@Test
	void cropTooSmallForTheTileOverlap() throws IOException {
		String line = assertRefused(2, train("--crop", "48"), "--crop");
		assertTrue(line.contains("88"), line);
	}

	@Test
	void syntheticFractionAbove1() throws IOException {
		assertRefused(2, train("--synthetic", "2"), "--synthetic");
	}

	@Test
	void smallObjectCropsAbove1() throws IOException {
		assertRefused(2, train("--small-object-crops", "1.5"), "--small-object-crops");
	}

	@Test
	void smallObjectWeightBelow1() throws IOException {
		assertRefused(2, train("--small-object-weight", "0.5"), "--small-object-weight");
	}

	@Test
	void cropsAroundSmallObjectsAndSeamsAbove1InAll() throws IOException {
		String line = assertRefused(2, train("--small-object-crops", "0.6", "--touching-crops", "0.5"), "--touching-crops");
		assertTrue(line.contains("small-object crops") && line.contains("1.1"), line);
	}

	@Test
	void unknownOption() throws IOException {
		assertRefused(2, train("--foo", "bar"), "--foo");
	}

	@Test
	void outputIsAFolder() throws IOException {
		output = Files.createDirectory(dir.resolve("model.zip"));
		assertRefused(2, train("--output", output.toString()), "--output", output.toString());
		try (Stream<Path> s = Files.list(output)) {
			assertEquals(0, s.count(), "the folder stays empty");
		}
	}

	@Test
	void outputWithoutZip() throws IOException {
		output = dir.resolve("model.bin");
		assertRefused(2, train("--output", output.toString()), "--output", output.toString());
		assertFalse(Files.exists(dir.resolve("model.bin.checkpoints")));
	}

	@Test
	void validationImagesWithoutLabels() throws IOException {
		assertRefused(2, train("--val-images", images.toString()), "--val-images", "--val-labels");
	}

	@Test
	void missingRequiredOption() throws IOException {
		assertRefused(2, new String[] { "train", "--images", images.toString(), "--output", output.toString(), "--iterations", "1" }, "--labels");
	}

	@Test
	void unknownCommand() throws IOException {
		assertRefused(2, new String[] { "trian", "--images", images.toString() }, "trian");
	}

	@Test
	void helpPrintsUsage() {
		Run r = run("train", "--help");
		assertEquals(0, r.code, r.err);
		assertTrue(r.out.startsWith("Usage: ris train"), r.out);
		for (String option : List.of("--images", "--labels", "--output", "--iterations", "--crop", "--synthetic", "--val-images", "--val-labels"))
			assertTrue(r.out.contains(option), "usage lists " + option);
		assertEquals("", r.err);
		Run top = run("--help");
		assertEquals(0, top.code, top.err);
		assertTrue(top.out.startsWith("Usage: ris COMMAND"), top.out);
		assertTrue(top.out.contains("train") && top.out.contains("evaluate"), top.out);
		assertEquals("", top.err);
	}
}
