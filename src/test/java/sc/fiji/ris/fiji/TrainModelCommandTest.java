package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandModule;
import sc.fiji.ris.Progress;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * "Train Model" end to end on the sample images for a few seconds: it writes a model package that
 * {@link ModelPackage#load} accepts and the training log beside it. A training stopped at once still writes its
 * model. A missing label folder and a crop that is no multiple of 8 cancel the command with one sentence naming the
 * parameter, before anything is written.
 */
class TrainModelCommandTest {

	private static Context context;

	@BeforeAll
	static void start() {
		context = Fixtures.context(TrainModelCommand.class);
	}

	@AfterAll
	static void stop() {
		Fixtures.dispose(context, TrainModelCommand.class);
	}

	private static CommandModule train(Path images, Path labels, Path output, int crop) throws Exception {
		return Fixtures.run(context, TrainModelCommand.class, "images_dir", images.toFile(), "labels_dir", labels.toFile(), "val_images_dir", null,
				"val_labels_dir", null, "output_file", output.toFile(), "max_minutes", 0.05, "start_from", null, "crop_size", crop,
				"synthetic_fraction", 0.0, "seed", 42L);
	}

	@Test
	void writesAModelThatLoads(@TempDir Path dir) throws Exception {
		Path output = dir.resolve("nuclei.zip");
		CommandModule m = train(Fixtures.SAMPLES.resolve("images"), Fixtures.SAMPLES.resolve("labels"), output, 128);
		assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
		try (RisModel model = ModelPackage.load(output)) {
			assertEquals(128, model.config().tileSize);
		}
		assertTrue(Files.isRegularFile(dir.resolve("nuclei_training.csv")));
	}

	@Test
	void aStoppedTrainingStillWritesItsModel(@TempDir Path dir) throws Exception {
		TrainingJob job = new TrainingJob();
		job.images = Fixtures.SAMPLES.resolve("images");
		job.labels = Fixtures.SAMPLES.resolve("labels");
		job.output = dir.resolve("stopped.zip");
		job.options.minutes = 10;
		List<String> warnings = new ArrayList<>();
		Progress stopAtOnce = new Progress() {
			@Override public void status(String message) {}
			@Override public void progress(long done, long total) {}
			@Override public boolean isCancelled() { return true; }
		};
		var result = job.run(stopAtOnce, null, warnings::add);
		assertTrue(result.cancelled);
		assertTrue(warnings.isEmpty(), "every sample has nuclei: " + warnings);
		try (RisModel model = ModelPackage.load(job.output)) {
			assertEquals(96, model.config().tileSize, "the default crop");
		}
	}

	@Test
	void refusesAMissingLabelFolder(@TempDir Path dir) throws Exception {
		Path output = dir.resolve("m.zip");
		CommandModule m = train(Fixtures.SAMPLES.resolve("images"), dir.resolve("no-labels"), output, 128);
		Fixtures.assertFailed(m, "labels_dir", "no-labels");
		assertFalse(Files.exists(output));
	}

	@Test
	void refusesACropThatIsNoMultipleOf8(@TempDir Path dir) throws Exception {
		Path output = dir.resolve("m.zip");
		CommandModule m = train(Fixtures.SAMPLES.resolve("images"), Fixtures.SAMPLES.resolve("labels"), output, 100);
		Fixtures.assertFailed(m, "crop_size");
		assertFalse(Files.exists(output));
		assertFalse(Files.exists(dir.resolve("m.checkpoints")));
	}
}
