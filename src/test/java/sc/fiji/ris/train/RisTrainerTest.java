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

	/** {@code n} normalised 64x64 synthetic images with nuclei of 10-14 pixels (seeds from {@code seed}). */
	static List<LabeledImage> images(int n, long seed) {
		SyntheticNuclei gen = SyntheticNuclei.builder().diameter(10, 14).build();
		List<LabeledImage> out = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			LabeledImage raw = gen.generate("s" + i, 64, 64, seed + i);
			out.add(new LabeledImage(raw.name(), 64, 64, PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels()));
		}
		return out;
	}

	/** Two bright 12x12 squares side by side, labels 1 and 2, and a bright 3x3 square apart, label 3. */
	private static LabeledImage touchingPair() {
		float[] px = new float[64 * 64];
		int[] labels = new int[64 * 64];
		for (int y = 20; y < 32; y++)
			for (int x = 20; x < 44; x++) {
				px[y * 64 + x] = 1;
				labels[y * 64 + x] = x < 32 ? 1 : 2;
			}
		for (int y = 50; y < 53; y++)
			for (int x = 50; x < 53; x++) {
				px[y * 64 + x] = 1;
				labels[y * 64 + x] = 3;
			}
		return new LabeledImage("pair", 64, 64, px, labels);
	}

	/** A tiny network for fast real training runs. */
	static ModelConfig tiny() {
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
		o.keepCheckpoints = true;
		RisTrainer.Result r = new RisTrainer(tiny(), o).train(images(6, 10), images(2, 100), Progress.NONE, null);
		List<TrainingLog.Row> rows = r.log.rows();
		// every stage-2 validation left its checkpoint, with its own iteration and scores
		long stage2Validations = rows.stream().filter(row -> row.stage == 2 && row.hasValidation()).count();
		try (java.util.stream.Stream<Path> kept = Files.list(dir.resolve("ckpt"))) {
			assertEquals(stage2Validations, kept.filter(f -> f.getFileName().toString().startsWith("iteration-")).count());
		}
		assertTrue(stage2Validations >= 1);
		try (RisModel m = ModelPackage.load(dir.resolve("ckpt/iteration-0000060.zip"))) {
			assertEquals(60, m.config().training.iterations);
			assertTrue(m.config().training.validation.containsKey("f1@0.5"));
		}
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

	/** A sample image with its annotation, normalised as training does. */
	static LabeledImage sample(String name) {
		ij.ImagePlus image = ij.IJ.openImage(Path.of("sample-images", "images", name).toString());
		ij.ImagePlus labels = ij.IJ.openImage(Path.of("sample-images", "labels", name).toString());
		float[] px = (float[]) image.getProcessor().convertToFloatProcessor().getPixels();
		int[] lab = new int[px.length];
		for (int i = 0; i < lab.length; i++) lab[i] = (int) labels.getProcessor().getf(i);
		return new LabeledImage(name, image.getWidth(), image.getHeight(), PercentileNormalizer.DEFAULT.normalize(px), lab);
	}

	@Test
	void theDefaultNetworkTrainsOnARealImageWithAFiniteFallingLoss() throws IOException {
		TrainingOptions o = new TrainingOptions();
		o.iterations = 50;
		o.checkpointDir = dir.resolve("ckpt");
		o.checkpointEvery = 1000;
		List<String> skipped = new ArrayList<>();
		Progress progress = new Progress() {
			@Override
			public void status(String message) {
				if (message.contains("not finite")) skipped.add(message);
			}

			@Override
			public void progress(long done, long total) {}

			@Override
			public boolean isCancelled() { return false; }
		};
		RisTrainer.Result r = new RisTrainer(new ModelConfig(), o).train(List.of(sample("IXMtest_A16_s2_5AF2.tif")), List.of(), progress, null);
		assertEquals(50, r.iterations);
		assertEquals(List.of(), skipped, "no batch was skipped");
		List<TrainingLog.Row> rows = r.log.rows();
		for (TrainingLog.Row row : rows) assertTrue(Double.isFinite(row.loss), "finite loss at iteration " + row.iteration);
		double first = rows.get(0).loss, last = rows.get(rows.size() - 1).loss;
		assertTrue(last < 0.8 * first, "loss should fall: first " + first + ", last " + last);
	}

	@Test
	void windowsCutTheContextTheSidesAskForAndTargetTheCentre() {
		int side = 16, margin = 4, size = 8;
		float[] px = new float[side * side];
		int[] labels = new int[side * side];
		for (int i = 0; i < px.length; i++) px[i] = i;
		// an instance inside the centre, one only in the margin, one crossing into the centre
		for (int y = 6; y < 9; y++) for (int x = 6; x < 9; x++) labels[y * side + x] = 5;
		for (int y = 0; y < 3; y++) for (int x = 0; x < 3; x++) labels[y * side + x] = 7;
		for (int y = 10; y < 14; y++) for (int x = 10; x < 14; x++) labels[y * side + x] = 9;
		LabeledImage crop = new LabeledImage("c", side, side, px, labels);
		sc.fiji.ris.data.CropSampler centre = new sc.fiji.ris.data.CropSampler(size, sc.fiji.ris.data.Augmentation.NONE, 1);
		Windows w = Windows.of(List.of(crop, crop), margin, size);
		assertEquals(16, w.inputWidth);
		assertEquals(16, w.inputHeight);
		assertEquals(4, w.x);
		assertEquals(4, w.y);
		assertEquals(2 * side * side, w.input.length);
		int[] t = w.targets.get(0).labels();
		assertEquals(size * size, t.length);
		assertEquals(2, java.util.Arrays.stream(t).max().getAsInt(), "two instances reach the centre, relabelled 1..2");
		assertEquals(1, t[2 * size + 2], "the centre instance at (6,6) is at (2,2) of the window");
		assertEquals(2, t[7 * size + 7], "the crossing instance is cut to the window");

		// context on the left and the bottom only: some seeded draw gives it
		Windows some = null;
		java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
		for (int k = 0; k < 200 && some == null; k++) {
			Windows r = Windows.random(List.of(crop), centre, margin, rnd);
			if (r.inputWidth == 12 && r.inputHeight == 12 && r.x == 4 && r.y == 0) some = r;
		}
		assertTrue(some != null, "some draw gives context on the left and at the bottom only");
		// its input is the source from (0, 4) on, 12 x 12
		for (int y = 0; y < 12; y++)
			for (int x = 0; x < 12; x++) assertEquals(px[(y + 4) * side + x], some.input[y * 12 + x]);
		assertEquals(java.util.Arrays.toString(t), java.util.Arrays.toString(some.targets.get(0).labels()), "the target does not depend on the context");
	}

	@Test
	void aContextMarginTrainsAndIsRecordedAndInherited() throws IOException {
		TrainingOptions o = new TrainingOptions();
		o.iterations = 20;
		o.crop = 32;
		o.batch = 2;
		o.contextMargin = 16;
		o.validateEvery = 10;
		o.checkpointEvery = 10;
		o.stage1Patience = 1;
		o.checkpointDir = dir.resolve("ctx");
		RisTrainer.Result r = new RisTrainer(tiny(), o).train(images(3, 10), images(1, 100), Progress.NONE, null);
		assertEquals(20, r.iterations);
		for (TrainingLog.Row row : r.log.rows()) assertTrue(Double.isFinite(row.loss));
		assertTrue(r.log.rows().stream().anyMatch(TrainingLog.Row::hasValidation));
		try (RisModel m = ModelPackage.load(dir.resolve("ctx/last.zip"))) {
			assertEquals(16, m.config().training.contextMargin);
		}
		TrainingOptions ft = new TrainingOptions();
		ft.iterations = 2;
		ft.crop = 32;
		ft.batch = 2;
		ft.startFrom = dir.resolve("ctx/last.zip");
		ft.checkpointDir = dir.resolve("ft");
		new RisTrainer(tiny(), ft).train(images(2, 10), List.of(), Progress.NONE, null);
		try (RisModel m = ModelPackage.load(dir.resolve("ft/last.zip"))) {
			assertEquals(16, m.config().training.contextMargin, "fine-tuning keeps the margin the model was trained with");
		}
		TrainingOptions resume = new TrainingOptions();
		resume.iterations = 22;
		resume.crop = 32;
		resume.batch = 2;
		resume.checkpointDir = dir.resolve("ctx");
		resume.resume = dir.resolve("ctx/last.zip");
		assertEquals(22, new RisTrainer(tiny(), resume).train(images(3, 10), images(1, 100), Progress.NONE, null).iterations);
		try (RisModel m = ModelPackage.load(dir.resolve("ctx/last.zip"))) {
			assertEquals(16, m.config().training.contextMargin, "resuming keeps the margin");
		}
		resume.iterations = 24;
		resume.contextMargin = 0;
		IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
				() -> new RisTrainer(tiny(), resume).train(images(3, 10), images(1, 100), Progress.NONE, null));
		assertTrue(e.getMessage().contains("context margin of 16"), e.getMessage());
	}

	@Test
	void anInputScaleMagnifiesTheDataIsRecordedAndIsKeptByFineTuning() throws IOException {
		List<LabeledImage> imgs = new ArrayList<>(images(2, 30));
		List<LabeledImage> big = RisTrainer.magnified(imgs, 1.5);
		assertEquals(96, big.get(0).width());
		assertEquals(96, big.get(0).height());
		java.util.Set<Integer> before = new java.util.TreeSet<>(), after = new java.util.TreeSet<>();
		for (int l : imgs.get(0).labels()) before.add(l);
		for (int l : big.get(0).labels()) after.add(l);
		assertEquals(before, after, "every instance keeps its label");
		assertEquals(sc.fiji.ris.data.InstanceSizes.medianDiameter(imgs) * 1.5, sc.fiji.ris.data.InstanceSizes.medianDiameter(big), 1.5);
		imgs.add(touchingPair());

		TrainingOptions o = new TrainingOptions();
		o.iterations = 4;
		o.crop = 32;
		o.batch = 2;
		o.inputScale = 1.5;
		o.checkpointDir = dir.resolve("scaled");
		new RisTrainer(tiny(), o).train(imgs, List.of(), Progress.NONE, null);
		try (RisModel m = ModelPackage.load(dir.resolve("scaled/last.zip"))) {
			assertEquals(1.5, m.config().inputScale, 1e-12);
			assertEquals(Math.round(sc.fiji.ris.data.InstanceSizes.medianDiameter(imgs) * 10) / 10.0, m.config().objectDiameter, 1e-9,
					"the object diameter is in the pixels of the images given, before magnification");
			assertTrue(sc.fiji.ris.data.InstanceSizes.sharedOutline(imgs) > 0.01, "two of the objects touch");
			assertEquals(Math.round(sc.fiji.ris.data.InstanceSizes.sharedOutline(imgs) * 1000) / 1000.0, m.config().sharedOutline, 1e-9,
					"how crowded the training objects are");
		}
		TrainingOptions ft = new TrainingOptions();
		ft.iterations = 2;
		ft.crop = 32;
		ft.batch = 2;
		ft.startFrom = dir.resolve("scaled/last.zip");
		ft.checkpointDir = dir.resolve("scaled-ft");
		ft.smallObjectCrops = 0.5;
		ft.touchingCrops = 0.5;
		ft.smallObjectWeight = 3f;
		assertTrue(!sc.fiji.ris.data.InstanceSizes.smallObjects(RisTrainer.magnified(imgs, 1.5), CropMix.SMALL_OBJECT_FRACTION).isEmpty(),
				"the 3x3 square is a small object");
		new RisTrainer(tiny(), ft).train(imgs, List.of(), Progress.NONE, null);
		try (RisModel m = ModelPackage.load(dir.resolve("scaled-ft/last.zip"))) {
			assertEquals(1.5, m.config().inputScale, 1e-12, "fine-tuning keeps the model's input scale");
			assertEquals(0.5, m.config().training.smallObjectCrops, 0, "half the crops around a small object");
			assertEquals(0.5, m.config().training.touchingCrops, 0, "the other half around the seam of the touching pair");
			assertEquals(3, m.config().training.smallObjectWeight, 0, "small objects counted 3 times in the loss");
		}
		assertEquals(0, new ModelConfig().training.smallObjectCrops, 0, "older models placed no crop around small objects");
		assertEquals(0, new ModelConfig().training.touchingCrops, 0, "nor around seams");
		assertEquals(1, new ModelConfig().training.smallObjectWeight, 0, "and counted small objects as any other");
		ft.inputScale = 1;
		IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
				() -> new RisTrainer(tiny(), ft).train(imgs, List.of(), Progress.NONE, null));
		assertTrue(e.getMessage().contains("magnified by 1.5"), e.getMessage());
	}

	@Test
	void aGradientThatIsNotFiniteIsZeroedSoThatTheBatchCanBeSkipped() {
		try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
			ai.djl.ndarray.NDArray a = m.create(new float[] { 1, 4 });
			ai.djl.ndarray.NDArray b = m.create(new float[] { -1, 2 });
			a.setRequiresGradient(true);
			b.setRequiresGradient(true);
			try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
				gc.backward(a.sqrt().sum());
			}
			assertTrue(Double.isFinite(Gradients.gradientNormElseZeroed(List.of(a))), "d sqrt(x) / dx at 1 and 4 is finite");
			try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
				gc.backward(b.sqrt().sum()); // sqrt(-1): NaN, and so is its gradient
			}
			assertTrue(Double.isNaN(Gradients.gradientNormElseZeroed(List.of(a, b))));
			org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] { 0, 0 }, b.getGradient().toFloatArray(), "NaN gradients are zeroed");
			org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] { 0, 0 }, a.getGradient().toFloatArray(), "all gradients are zeroed");
		}
	}

	@Test
	void aLossSpikeSendsTheRunBackToTrustedWeights() throws IOException {
		TrainingOptions o = new TrainingOptions();
		o.iterations = 400;
		o.crop = 32;
		o.batch = 2;
		o.curriculum = false;
		o.validateEvery = 50;
		o.checkpointEvery = 50;
		o.checkpointDir = dir.resolve("spike");
		RisTrainer trainer = new RisTrainer(tiny(), o);
		trainer.afterUpdate = (iteration, weights) -> {
			if (iteration == 335) for (ai.djl.ndarray.NDArray w : weights) { // a blow-up: every weight scaled by -4
				float[] v = w.toFloatArray();
				for (int i = 0; i < v.length; i++) v[i] *= -4;
				w.set(v);
			}
		};
		List<String> messages = new ArrayList<>();
		Progress p = new Progress() {
			@Override public void status(String message) { messages.add(message); }
			@Override public void progress(long done, long total) {}
			@Override public boolean isCancelled() { return false; }
		};
		RisTrainer.Result r = trainer.train(images(4, 10), images(1, 100), p, null);
		assertEquals(400, r.iterations, "the run goes on to the end");
		List<String> back = messages.stream().filter(m -> m.contains("back to the weights")).collect(java.util.stream.Collectors.toList());
		// checkpoints at 250 and 300; the one at 300 is not trusted yet at 340 (50 normal iterations needed)
		assertEquals(1, back.size(), String.join("\n", back));
		assertTrue(back.get(0).startsWith("iteration 340: the loss jumped"), back.get(0));
		assertTrue(back.get(0).contains("back to the weights of iteration 250 (1 so far)"), back.get(0));
		try (RisModel m = ModelPackage.load(dir.resolve("spike/last.zip"))) {
			assertEquals(1, m.config().training.rollbacks);
		}
		double before = loss(r.log, 330), spike = loss(r.log, 340), after = loss(r.log, 350);
		assertTrue(spike > 3 * before, "the disturbance made a spike: " + before + " then " + spike);
		assertTrue(after < 2 * before, "back to the earlier weights, the loss is back to its level: " + before + " then " + after);
	}

	private static double loss(TrainingLog log, long iteration) {
		return log.rows().stream().filter(row -> row.iteration == iteration).findFirst().orElseThrow().loss;
	}
}
