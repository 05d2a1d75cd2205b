package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GradientNormLimitTest {

	@Test
	void aNormAboveTheLimitIsScaledToItOnceTheMeanIsKnown() {
		GradientNormLimit limit = new GradientNormLimit(2);
		assertEquals(1, limit.scale(100), "no mean yet: the first batches set it");
		for (int i = 1; i < GradientNormLimit.WARM_UP; i++) assertEquals(1, limit.scale(i % 2 == 0 ? 0.5 : 1.5));
		double mean = limit.mean();
		assertTrue(mean > 1 && mean < 3.5, "the mean of the warm-up batches: " + mean);
		assertEquals(1, limit.scale(1.9 * mean), "below the limit: unchanged");
		double before = limit.mean();
		double scale = limit.scale(10 * before);
		assertEquals(0.2, scale, 1e-12, "scaled to 2 times the mean");
		assertEquals(before + GradientNormLimit.SMOOTHING * (2 * before - before), limit.mean(), 1e-12,
				"a limited batch adds the limit, not its norm, to the mean");
		assertEquals(1, limit.scale(Double.NaN), "a norm that is not finite is left to the trainer, which skips the batch");
		limit.reset();
		assertTrue(Double.isNaN(limit.mean()));
		assertEquals(1, limit.scale(1e6), "after a reset the mean is learnt afresh");
	}

	@Test
	void offLimitsNothingAndALimitBelowOneIsRefused() {
		GradientNormLimit off = new GradientNormLimit(0);
		for (int i = 0; i < 2 * GradientNormLimit.WARM_UP; i++) assertEquals(1, off.scale(i == 80 ? 1e9 : 1));
		assertThrows(IllegalArgumentException.class, () -> new GradientNormLimit(0.5));
	}

	@Test
	void theGlobalNormIsOverAllParametersAndScalingMultipliesEveryGradient() {
		try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
			ai.djl.ndarray.NDArray a = m.create(new float[] { 1, 2 });
			ai.djl.ndarray.NDArray b = m.create(new float[] { 3 });
			a.setRequiresGradient(true);
			b.setRequiresGradient(true);
			try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
				gc.backward(a.mul(3).sum().add(b.mul(4).sum())); // gradients (3, 3) and (4)
			}
			List<ai.djl.ndarray.NDArray> parameters = List.of(a, b);
			assertEquals(Math.sqrt(9 + 9 + 16), Gradients.gradientNormElseZeroed(parameters), 1e-5);
			Gradients.scaleGradients(parameters, 0.5);
			org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] { 1.5f, 1.5f }, a.getGradient().toFloatArray(), 1e-6f);
			org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] { 2f }, b.getGradient().toFloatArray(), 1e-6f);
		}
	}
}
