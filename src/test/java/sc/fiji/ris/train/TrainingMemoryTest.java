package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.loss.RisLoss;
import sc.fiji.ris.model.RisModel;

/**
 * Native memory of training: a training step leaves no array behind in the model's or the trainer's manager, and an
 * optimiser restart closes the moments it drops (the engine would not free them with the model).
 */
class TrainingMemoryTest {

	private static int held(RisModel model) {
		return ((BaseNDManager) model.manager()).getManagedArrays().size();
	}

	@Test
	void anOptimiserRestartClosesTheMomentsItDrops() {
		try (RisModel model = RisModel.create(RisTrainerTest.tiny(), 3)) {
			List<Parameter> params = new ArrayList<>();
			for (Pair<String, Parameter> p : model.network().getParameters()) params.add(p.getValue());
			RestartableOptimizer optimizer = new RestartableOptimizer(() -> Adam.builder().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
			assertEquals(0, optimizer.restart(), "no moments before the first update");
			for (int restart = 0; restart < 3; restart++) {
				update(optimizer, params);
				update(optimizer, params);
				assertEquals(2 * params.size(), optimizer.restart(), "a mean and a variance per parameter, closed");
			}
			float[] before = params.get(0).getArray().toFloatArray();
			update(optimizer, params);
			assertTrue(!java.util.Arrays.equals(before, params.get(0).getArray().toFloatArray()), "after a restart the optimiser still updates");
		}
	}

	private static void update(RestartableOptimizer optimizer, List<Parameter> params) {
		for (Parameter p : params) {
			NDArray w = p.getArray();
			try (NDArray g = w.onesLike()) {
				optimizer.update(p.getId(), w, g);
			}
		}
	}

	@Test
	void trainingStepsLeaveNothingBehind() {
		TrainingOptions o = new TrainingOptions();
		o.crop = 32;
		o.batch = 2;
		LabeledImage pair = RisTrainerTest.images(1, 11).get(0);
		CropMix mix = new CropMix(List.of(pair), o, 0, Progress.NONE);
		SplittableRandom rnd = new SplittableRandom(5);
		RisLoss loss = new RisLoss(1f, 1f);
		RestartableOptimizer optimizer = new RestartableOptimizer(() -> Adam.builder().optLearningRateTracker(Tracker.fixed(1e-4f)).optClipGrad(5f).build());
		try (RisModel model = RisModel.create(RisTrainerTest.tiny(), 3); Model djl = Model.newInstance("memory")) {
			djl.setBlock(model.network());
			try (Trainer trainer = djl.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer))) {
				List<NDArray> parameters = new ArrayList<>();
				for (Pair<String, Parameter> p : model.network().getParameters()) {
					p.getValue().getArray().setRequiresGradient(true);
					parameters.add(p.getValue().getArray());
				}
				int[] counts = new int[6];
				for (int i = 0; i < counts.length; i++) {
					assertNotNull(TrainingStep.step(trainer, loss, mix.next(rnd), 3, 12, parameters), "a finite step");
					trainer.step();
					if (i == 3) optimizer.restart();
					counts[i] = held(model) + ((BaseNDManager) trainer.getManager()).getManagedArrays().size();
				}
				assertEquals(counts[1], counts[2], "a step holds no more than the one before");
				assertEquals(counts[1], counts[5], "nor after a restart of the optimiser");
			}
		}
	}
}
