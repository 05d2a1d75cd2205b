package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.console.ConsoleService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.startup.StartupService;
import sc.fiji.ris.imagej.SegmentationFiles;

/**
 * Runs "Batch Segment Folder" the way headless Fiji does for
 * {@code --headless --run "Batch Segment Folder" "input_dir='...',output_dir='...'"}: scijava-common's
 * {@link ConsoleService} parses the arguments (the quoted {@code key='value'} list, keys being the parameter names)
 * and queues the run, and the launcher then executes the queued startup operations. A good run writes the result
 * files; a bad one (a missing model file) logs one error sentence and writes nothing.
 */
class ConsoleRunTest {

	@Test
	void runsACommandByItsMenuTitleWithQuotedArguments(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out");
		Files.createDirectories(in);
		Files.copy(Fixtures.sampleImages().get(0), in.resolve("a.tif"));
		// model_file='' asks for the bundled model
		List<String> errors = runFromCommandLine("input_dir='" + in + "',output_dir='" + out + "',model_file='',file_pattern='*.tif'");
		assertTrue(errors.isEmpty(), "errors: " + errors);
		for (Path f : SegmentationFiles.paths(out, "a")) assertTrue(Files.isRegularFile(f), f + " written");
	}

	@Test
	void logsOneSentenceForABadArgument(@TempDir Path dir) throws Exception {
		Path in = dir.resolve("in"), out = dir.resolve("out"), missing = dir.resolve("missing.zip");
		Files.createDirectories(in);
		Files.copy(Fixtures.sampleImages().get(0), in.resolve("a.tif"));
		List<String> errors = runFromCommandLine("input_dir='" + in + "',output_dir='" + out + "',model_file='" + missing + "',file_pattern='*.tif'");
		assertEquals(1, errors.size(), "errors: " + errors);
		assertTrue(errors.get(0).contains(missing.toString()) && !errors.get(0).contains("\n"), errors.get(0));
		assertFalse(Files.exists(out));
	}

	/** Processes {@code --headless --run "Batch Segment Folder" ARGS} in a fresh context; returns the errors logged. */
	private static List<String> runFromCommandLine(String args) {
		Context context = Fixtures.context(BatchSegmentFolderCommand.class);
		try {
			List<String> errors = new CopyOnWriteArrayList<>();
			context.service(LogService.class).addLogListener(m -> {
				if (m.level() == LogLevel.ERROR) errors.add(m.text());
			});
			context.service(ConsoleService.class).processArgs("--headless", "--run", "Batch Segment Folder", args);
			context.service(StartupService.class).executeOperations();
			return errors;
		} finally {
			Fixtures.dispose(context, BatchSegmentFolderCommand.class);
		}
	}
}
