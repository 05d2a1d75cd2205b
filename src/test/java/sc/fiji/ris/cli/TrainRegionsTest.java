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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;

/**
 * {@code ris train --regions}: fine-tuning the bundled model on two images of which one has a mask of its annotated
 * region writes a model and says how many images have a region, recorded in the provenance; a mask of another size,
 * an empty mask, a missing folder, a count of {@code --regions} that does not match {@code --images}, and
 * {@code --regions} with {@code --core-head} are refused with one sentence before training, writing nothing.
 */
class TrainRegionsTest {

	private static final int SIZE = 96;

	@TempDir
	Path dir;

	private Path regions, output;

	@BeforeEach
	void writeTrainingSet() throws IOException {
		TestImages.writeTrainingSet(dir, 2, SIZE);
		regions = dir.resolve("regions");
		output = dir.resolve("model.zip");
		// the left half of img0 is annotated (its first nucleus lies there); img1 has no mask: annotated everywhere
		TestImages.writeShort(regions.resolve("img0.tif"), SIZE, SIZE, TestImages.boxes(SIZE, SIZE, new int[] { 1, 0, 0, SIZE / 2, SIZE }));
	}

	private String[] train(String... extra) {
		List<String> a = new ArrayList<>(List.of("train", "--images", dir.resolve("images").toString(), "--labels", dir.resolve("labels").toString(),
				"--output", output.toString(), "--iterations", "2", "--crop", "96", "--batch", "1", "--threads", "1", "--start-from", "bundled"));
		a.addAll(Arrays.asList(extra));
		return a.toArray(new String[0]);
	}

	private static String[] run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		return new String[] { String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) };
	}

	@Test
	void fineTunesInsideTheRegionsAndRecordsThem() throws IOException {
		String[] r = run(train("--regions", regions.toString()));
		assertEquals("0", r[0], "exit code\nerr:\n" + r[2] + "out:\n" + r[1]);
		assertTrue(r[1].contains("1 of 2 images have an annotated region in " + regions + "; the others are annotated everywhere"), r[1]);
		ModelConfig c = ModelPackage.readConfig(output);
		assertEquals(2, c.training.iterations);
		assertTrue(c.training.trainingData.contains("(annotated regions in " + regions.toAbsolutePath().normalize() + ")"), c.training.trainingData);
	}

	private void assertRefused(int code, String[] r, String... fragments) {
		assertEquals(String.valueOf(code), r[0], "exit code\nerr:\n" + r[2] + "out:\n" + r[1]);
		String err = r[2].replaceAll("(?m)^SLF4J.*\\R?", "").trim();
		assertTrue(err.startsWith("Error: ") && !err.contains("\n") && !err.contains("Exception"), "one sentence: " + err);
		for (String f : fragments) assertTrue(err.contains(f), "'" + err + "' should mention '" + f + "'");
		assertFalse(Files.exists(output), "no model");
		assertFalse(Files.exists(dir.resolve("model.checkpoints")), "no checkpoints");
	}

	@Test
	void refusesAMaskOfAnotherSize() throws IOException {
		TestImages.writeShort(regions.resolve("img1.tif"), SIZE / 2, SIZE, TestImages.boxes(SIZE / 2, SIZE, new int[] { 1, 0, 0, 8, 8 }));
		assertRefused(1, run(train("--regions", regions.toString())), "img1.tif", "48x96");
	}

	@Test
	void refusesAnEmptyMask() throws IOException {
		TestImages.writeShort(regions.resolve("img1.tif"), SIZE, SIZE, new short[SIZE * SIZE]);
		assertRefused(1, run(train("--regions", regions.toString())), "img1.tif", "0 everywhere");
	}

	@Test
	void refusesAMissingFolderAMismatchedCountAndTheCoreHead() {
		assertRefused(1, run(train("--regions", dir.resolve("nowhere").toString())), "--regions", "nowhere");
		assertRefused(2, run(train("--regions", regions.toString(), "--regions", regions.toString())), "one --regions folder for each --images folder");
		assertRefused(2, run(train("--regions", regions.toString(), "--core-head")), "--core-head");
	}
}
