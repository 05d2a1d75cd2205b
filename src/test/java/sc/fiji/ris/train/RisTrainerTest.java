package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.SyntheticNuclei;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/** A short real training run on synthetic nuclei: the loss must fall, checkpoints must load, resume must go on. */
class RisTrainerTest {

	@TempDir
	Path dir;

	private static List<LabeledImage> images(int n, long seed) {
		SyntheticNuclei gen = SyntheticNuclei.builder().diameter(10, 14).build();
		List<LabeledImage> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			LabeledImage raw = gen.generate("s" + i, 64, 64, seed + i);
			out.add(new LabeledImage(raw.name(), 64, 64, PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels()));
		}
		return out;
	}

	private static ModelConfig tiny() {
		ModelConfig c = new ModelConfig();
		c.encoderChannels = new int[] { 8, 12, 16, 16 };
		c.hiddenChannels = 8;
		c.maskChannels = 8;
		c.tileSize = 32;
		c.tileOverlap = 8;
		c.maxSteps = 12;
		return c;
	}

	@Test
	void lossFallsAndCheckpointsLoadAndResume() throws IOException {
		TrainingOptions o = new TrainingOptions();
		o.iterations = 60;
		o.crop = 32;
		o.batch = 4;
		o.validateEvery = 30;
		o.checkpointEvery = 30;
		o.stage1Patience = 1;
		o.checkpointDir = dir.resolve("ckpt");
		RisTrainer.Result r = new RisTrainer(tiny(), o).train(images(6, 10), images(2, 100), Progress.NONE, null);
		List<TrainingLog.Row> rows = r.log.rows();
		assertEquals(60, r.iterations);
		assertTrue(rows.size() >= 6);
		double first = rows.get(0).loss, last = rows.get(rows.size() - 1).loss;
		assertTrue(last < 0.8 * first, "loss should fall: first " + first + ", last " + last);
		assertTrue(rows.stream().anyMatch(TrainingLog.Row::hasValidation));
		assertTrue(Files.isRegularFile(r.bestCheckpoint));
		try (RisModel m = ModelPackage.load(dir.resolve("ckpt/last.zip"))) {
			assertEquals(60, m.config().training.iterations);
		}

		TrainingOptions resume = new TrainingOptions();
		resume.iterations = 70;
		resume.crop = 32;
		resume.validateEvery = 30;
		resume.checkpointDir = dir.resolve("ckpt");
		resume.resume = dir.resolve("ckpt/last.zip");
		RisTrainer.Result r2 = new RisTrainer(tiny(), resume).train(images(6, 10), images(2, 100), Progress.NONE, null);
		assertEquals(70, r2.iterations, "resuming continues the iteration count");
		assertTrue(r2.log.rows().size() > rows.size(), "the resumed log continues the old one");
	}
}
