package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;

/**
 * "Batch Segment Folder" end to end: two sample images and a damaged TIFF give two sets of the three result files
 * of {@code ris segment}, {@code processed} 2 and {@code failed} 1; run again with the results in the input folder,
 * it does not take its own label images for input; with {@code refine_with_crf} the masks are refined first. An
 * empty folder and a missing model file cancel the command with
 * one sentence before anything is written.
 */
class BatchSegmentFolderCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(BatchSegmentFolderCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, BatchSegmentFolderCommand.class);
	}

	private static CommandModule batch(Path in, Path out, File model) throws Exception {
		return Fixtures.run(context, BatchSegmentFolderCommand.class, "input_dir", in.toFile(), "output_dir", out.toFile(), "model_file", model, "file_pattern", "*.tif");
	}

	@Test
	void segmentsEveryImageAndSkipsABadOne(@TempDir Path dir) throws Exception {
		List<Path> samples = Fixtures.sampleImages();
		for (Path p : samples.subList(0, 2)) Files.copy(p, dir.resolve(p.getFileName()));
		Files.writeString(dir.resolve("broken.tif"), "not a TIFF");
		Files.writeString(dir.resolve("notes.txt"), "not matched by *.tif");
		CommandModule m = batch(dir, dir, null);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(2, (Integer) m.getOutput("processed"));
		assertEquals(1, (Integer) m.getOutput("failed"));
		for (Path p : samples.subList(0, 2))
			for (Path f : SegmentationFiles.paths(dir, ImagePlusSegmenter.stripExtension(p.getFileName().toString())))
				assertTrue(Files.isRegularFile(f), f + " written");
		assertFalse(Files.exists(dir.resolve("broken_labels.tif")), "nothing written for the broken file");

		// the second run finds NAME_labels.tif beside NAME.tif: results of the first, not new images
		CommandModule again = batch(dir, dir, null);
		assertEquals(2, (Integer) again.getOutput("processed"));
		assertEquals(1, (Integer) again.getOutput("failed"));
	}

	@Test
	void refinesWithTheCrfWhenAsked(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Path sample = Fixtures.sampleImages().get(0);
		Files.copy(sample, in.resolve(sample.getFileName()));
		CommandModule m = Fixtures.run(context, BatchSegmentFolderCommand.class, "input_dir", in.toFile(), "output_dir", out.toFile(), "model_file", null,
				"file_pattern", "*.tif", "refine_with_crf", true);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		assertEquals(1, (Integer) m.getOutput("processed"));
		for (Path f : SegmentationFiles.paths(out, ImagePlusSegmenter.stripExtension(sample.getFileName().toString())))
			assertTrue(Files.isRegularFile(f), f + " written");
	}

	@Test
	void refusesAFolderWithoutMatchingFiles(@TempDir Path dir) throws Exception {
		Path out = dir.resolve("out");
		CommandModule m = batch(dir, out, null);
		Fixtures.assertFailed(m, dir.toString(), "*.tif");
		assertEquals(0, (Integer) m.getOutput("processed"));
		assertFalse(Files.exists(out), "no output folder for nothing");
	}

	@Test
	void refusesAMissingModelFileBeforeWritingAnything(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(Fixtures.sampleImages().get(0), in.resolve("a.tif"));
		File missing = dir.resolve("missing.zip").toFile();
		CommandModule m = batch(in, out, missing);
		Fixtures.assertFailed(m, missing.toString(), "model_file");
		assertFalse(Files.exists(out));
	}
}
