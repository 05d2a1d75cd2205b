package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

class WeightAveragingTest {

	private static ModelConfig tiny(int hidden) {
		ModelConfig c = new ModelConfig();
		c.encoderChannels = new int[] { 4, 8, 8 };
		c.hiddenChannels = hidden;
		c.maskChannels = 4;
		c.tileSize = 32;
		c.tileOverlap = 8;
		return c;
	}

	@Test
	void theWeightsBecomeTheMeanAndTheProvenanceSaysSo() {
		PyTorchRuntime.start(1);
		try (RisModel a = RisModel.create(tiny(4), 1); RisModel b = RisModel.create(tiny(4), 2); RisModel c = RisModel.create(tiny(4), 3)) {
			a.config().training.iterations = 100;
			b.config().training.iterations = 300;
			c.config().training.iterations = 200;
			a.config().training.validation.put("f1@0.5", 0.9);
			int n = a.network().getParameters().size();
			float[][] expected = new float[n][];
			for (int k = 0; k < n; k++) {
				float[] x = a.network().getParameters().get(k).getValue().getArray().toFloatArray();
				float[] y = b.network().getParameters().get(k).getValue().getArray().toFloatArray();
				float[] z = c.network().getParameters().get(k).getValue().getArray().toFloatArray();
				expected[k] = new float[x.length];
				for (int i = 0; i < x.length; i++) expected[k][i] = (float) (((double) x[i] + y[i] + z[i]) / 3);
			}
			WeightAveraging.averageInto(a, List.of(a, b, c), List.of("a", "b", "c"));
			boolean someDiffer = false;
			for (int k = 0; k < n; k++) {
				float[] got = a.network().getParameters().get(k).getValue().getArray().toFloatArray();
				for (int i = 0; i < got.length; i++) {
					assertEquals(expected[k][i], got[i], 1e-6f);
					someDiffer |= got[i] != b.network().getParameters().get(k).getValue().getArray().toFloatArray()[i];
				}
			}
			assertTrue(someDiffer, "models made with different seeds have different weights");
			assertEquals("mean weights of 3 checkpoints, iterations 100 to 300", a.config().training.averaged);
			assertEquals(300, a.config().training.iterations);
			assertTrue(a.config().training.validation.isEmpty(), "one checkpoint's scores do not describe the average");
		}
	}

	@Test
	void checkpointsOfAnotherNetworkAreRefused() {
		PyTorchRuntime.start(1);
		try (RisModel a = RisModel.create(tiny(4), 1); RisModel b = RisModel.create(tiny(8), 2)) {
			float[] before = a.network().getParameters().get(0).getValue().getArray().toFloatArray();
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightAveraging.averageInto(a, List.of(a, b), List.of("a.zip", "b.zip")));
			assertTrue(e.getMessage().startsWith("b.zip has another network"), e.getMessage());
			assertTrue(e.getMessage().endsWith("average only checkpoints of one training run."), e.getMessage());
			org.junit.jupiter.api.Assertions.assertArrayEquals(before, a.network().getParameters().get(0).getValue().getArray().toFloatArray(), "nothing changed");
			assertThrows(IllegalArgumentException.class, () -> WeightAveraging.averageInto(a, List.of(), List.of()));
		}
	}
}
