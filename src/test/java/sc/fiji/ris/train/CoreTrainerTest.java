package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/** The core targets worked by hand, and a short real training of a core head on a frozen network. */
class CoreTrainerTest {

	@TempDir
	Path dir;

	/** Row-major picture of a target: '#' core, '.' not. */
	private static String picture(float[] t, int w, int h) {
		StringBuilder b = new StringBuilder();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) b.append(t[y * w + x] > 0 ? '#' : '.');
			b.append('\n');
		}
		return b.toString();
	}

	@Test
	void theCoreOfASquareIsItsInnerHalf() {
		// a 7x7 square in a 9x9 image: depths 1 (outline) to 4 (centre); the core is depth >= 2.5, the central 3x3
		int w = 9, h = 9;
		int[] labels = new int[w * h];
		for (int y = 1; y < 8; y++)
			for (int x = 1; x < 8; x++) labels[y * w + x] = 1;
		assertEquals(String.join("\n", ".........", ".........", ".........", "...###...", "...###...", "...###...", ".........", ".........", ".........", ""),
				picture(CoreTrainer.coreTargets(labels, w, h), w, h));
	}

	@Test
	void touchingObjectsHaveSeparateCoresAndTheImageEdgeIsNoOutline() {
		// two 5-wide objects side by side filling the rows 0..4 of a 10x5 image: the shared column is outline for both,
		// the image's top and bottom are not, so the depth grows only away from the seam and the left and right edges
		// are no outline either: object 1 has depth 1 at x = 4 and 5 at x = 0; core: depth >= 3
		int w = 10, h = 5;
		int[] labels = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) labels[y * w + x] = x < 5 ? 1 : 2;
		String row = "###....###";
		assertEquals(String.join("\n", row, row, row, row, row, ""), picture(CoreTrainer.coreTargets(labels, w, h), w, h));
	}

	@Test
	void aOnePixelObjectIsAllCoreAndHalvingAveragesCells() {
		int w = 4, h = 2;
		int[] labels = new int[w * h];
		labels[1] = 1;
		float[] t = CoreTrainer.coreTargets(labels, w, h);
		assertArrayEquals(new float[] { 0, 1, 0, 0, 0, 0, 0, 0 }, t);
		assertArrayEquals(new float[] { 0.25f, 0 }, CoreTrainer.halved(t, w, h));
	}

	@Test
	void trainingTheCoreHeadLowersItsLossAndLeavesEveryOtherWeightAsItWas() throws IOException {
		ModelConfig c = RisTrainerTest.tiny();
		List<LabeledImage> val = CropValidation.validationCrops(RisTrainerTest.images(3, 500), 32);
		try (RisModel base = RisModel.create(c, 3); RisModel model = CoreTrainer.withCoreHead(base, 4)) {
			assertTrue(model.config().coreHead);
			assertFalse(base.config().coreHead);
			Map<String, float[]> before = new HashMap<>();
			for (Pair<String, Parameter> p : base.network().getParameters()) before.put(p.getKey(), p.getValue().getArray().toFloatArray());
			double start = CoreTrainer.validationLoss(model, val, 32);
			CoreTrainer.Options o = new CoreTrainer.Options();
			o.crop = 32;
			o.batch = 4;
			o.iterations = 80;
			o.minutes = 0;
			o.validateEvery = 20;
			CoreTrainer.Result r = CoreTrainer.train(model, RisTrainerTest.images(6, 10), RisTrainerTest.images(3, 500), o, Progress.NONE);
			assertEquals(80, r.iterations);
			assertTrue(r.bestValidationLoss < 0.8 * start, "core loss " + start + " -> " + r.bestValidationLoss);
			assertEquals(r.bestValidationLoss, CoreTrainer.validationLoss(model, val, 32), 1e-5, "the kept weights are the best ones");
			int core = 0;
			for (Pair<String, Parameter> p : model.network().getParameters()) {
				float[] was = before.get(p.getKey());
				if (was == null) { core++; continue; }
				assertArrayEquals(was, p.getValue().getArray().toFloatArray(), p.getKey() + " changed");
			}
			assertEquals(9, core, "core2 (weight, bias), core4 (weight), coreConvA, coreConvB, coreOut (weight, bias each)");
			// the package keeps the head and reads back with the same core logits
			Path file = dir.resolve("core.zip");
			ModelPackage.save(model, file);
			try (RisModel back = ModelPackage.load(file)) {
				assertTrue(back.config().coreHead);
				assertEquals(r.bestValidationLoss, CoreTrainer.validationLoss(back, val, 32), 1e-5);
			}
		}
	}

	@Test
	void aModelWithoutACoreHeadIsRefused() {
		ModelConfig c = new ModelConfig();
		c.encoderChannels = new int[] { 8, 8, 8 };
		c.hiddenChannels = 4;
		c.maskChannels = 4;
		c.coarseContext = false;
		c.tileSize = 32;
		c.tileOverlap = 8;
		try (RisModel base = RisModel.create(c, 1)) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
					() -> CoreTrainer.train(base, RisTrainerTest.images(1, 1), List.of(), new CoreTrainer.Options(), Progress.NONE));
			assertEquals("The model has no core head to train.", e.getMessage());
		}
	}

	@Test
	void fineTuningAModelWithACoreHeadTrainsItAgainAndKeepsItsCuts() throws IOException {
		ModelConfig c = RisTrainerTest.tiny();
		Path file = dir.resolve("with-core.zip");
		try (RisModel base = RisModel.create(c, 3); RisModel model = CoreTrainer.withCoreHead(base, 4)) {
			model.config().coreMinArea = 12;
			ModelPackage.save(model, file);
		}
		TrainingOptions ft = new TrainingOptions();
		ft.iterations = 2;
		ft.crop = 32;
		ft.batch = 2;
		ft.startFrom = file;
		ft.checkpointDir = dir.resolve("ft");
		List<String> said = new ArrayList<>();
		Progress listening = new Progress() {
			@Override
			public void status(String message) { said.add(message); }

			@Override
			public void progress(long done, long total) {}

			@Override
			public boolean isCancelled() { return false; }
		};
		RisTrainer.Result r = new RisTrainer(c, ft).train(RisTrainerTest.images(2, 10), List.of(), listening, null);
		try (RisModel m = ModelPackage.load(dir.resolve("ft/last.zip"))) {
			assertEquals(0, m.config().coreMinArea, "while the network is fine-tuned, its old core head cuts nothing");
		}
		try (RisModel m = ModelPackage.load(r.bestCheckpoint)) {
			assertTrue(m.config().coreHead, "the head stays");
			assertEquals(12, m.config().coreMinArea, "and cuts again once it was trained on the fine-tuned network");
			assertTrue(m.config().training.coreIterations >= 1, "for its share of the budget: " + m.config().training.coreIterations);
		}
		assertTrue(said.stream().anyMatch(m -> m.contains("Training the core head again on the fine-tuned network")), said.toString());
	}
}
