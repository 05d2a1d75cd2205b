package sc.fiji.ris.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The convolutions give the right values and gradients even when the memory the native library hands out held NaN
 * before (the way oneDNN's uncleared channel padding turned training NaN): checked against the same convolution in
 * 64-bit floats, which PyTorch computes without oneDNN, and on the default network's forward and backward passes.
 * On a CPU with AVX2 or AVX-512, the convolutions without the channel padding fail these checks.
 */
class ConvolutionsTest {

	/** Allocates and frees arrays full of NaN, so that the next arrays the allocator hands out may start as NaN. */
	static void poison(NDManager manager, long floats) {
		for (int i = 0; i < 4; i++)
			try (NDArray p = manager.full(new Shape(floats), Float.NaN)) {
				p.getFloat(0);
			}
	}

	private static float maxDifference(NDArray a, NDArray reference) {
		float[] x = a.toType(DataType.FLOAT32, false).toFloatArray(), r = reference.toType(DataType.FLOAT32, false).toFloatArray();
		assertEquals(r.length, x.length);
		float max = 0;
		for (int i = 0; i < x.length; i++) max = Math.max(max, Float.isFinite(x[i]) ? Math.abs(x[i] - r[i]) : Float.POSITIVE_INFINITY);
		return max;
	}

	@ParameterizedTest(name = "3x3 from {0} to {1} channels, gradients {2}")
	@CsvSource({ "24,24,false", "24,48,false", "13,48,false", "12,12,false", "8,8,false", "1,8,false", "24,48,true", "13,48,true", "12,12,true",
			"8,8,true", "24,12,true", "16,24,true" })
	void valuesAndGradientsMatchTheSameConvolutionIn64BitFloats(int channels, int filters, boolean gradients) {
		PyTorchRuntime.start(0);
		try (NDManager m = Engine.getEngine("PyTorch").newBaseManager()) {
			m.getEngine().setRandomSeed(channels * 100 + filters);
			for (int repeat = 0; repeat < 3; repeat++) {
				NDArray x = m.randomNormal(new Shape(8, channels, 24, 24));
				NDArray w = m.randomNormal(0, 0.3f, new Shape(filters, channels, 3, 3), DataType.FLOAT32);
				NDArray b = m.randomNormal(new Shape(filters));
				NDArray r = m.randomNormal(new Shape(8, filters, 24, 24));
				x.setRequiresGradient(gradients);
				w.setRequiresGradient(gradients);
				NDArray y;
				try (GradientCollector gc = m.getEngine().newGradientCollector()) {
					poison(m, 8L * 64 * 26 * 26);
					y = Convolutions.conv2d(x, w, b, new Shape(1, 1));
					if (gradients) {
						poison(m, 8L * 64 * 26 * 26);
						gc.backward(y.mul(r).sum());
					}
				}
				NDArray x64 = x.toType(DataType.FLOAT64, false), w64 = w.toType(DataType.FLOAT64, false);
				x64.setRequiresGradient(gradients);
				w64.setRequiresGradient(gradients);
				NDArray y64;
				try (GradientCollector gc = m.getEngine().newGradientCollector()) {
					y64 = ai.djl.nn.convolutional.Conv2d.conv2d(x64, w64, b.toType(DataType.FLOAT64, false), new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
							.singletonOrThrow();
					if (gradients) gc.backward(y64.mul(r.toType(DataType.FLOAT64, false)).sum());
				}
				assertEquals(y64.getShape(), y.getShape());
				assertTrue(maxDifference(y, y64) < 1e-3f, "output, repeat " + repeat + ": " + maxDifference(y, y64));
				if (gradients) {
					assertTrue(maxDifference(x.getGradient(), x64.getGradient()) < 1e-3f, "input gradient, repeat " + repeat);
					assertTrue(maxDifference(w.getGradient(), w64.getGradient()) < 1e-2f, "weight gradient, repeat " + repeat);
				}
			}
		}
	}

	@Test
	void theDefaultNetworkGivesFiniteRepeatableOutputsAndGradientsOnReusedMemory() {
		ModelConfig config = new ModelConfig();
		try (RisModel model = RisModel.create(config, 3); NDManager m = model.manager().newSubManager()) {
			for (Pair<String, Parameter> p : model.network().getParameters()) p.getValue().getArray().setRequiresGradient(true);
			m.getEngine().setRandomSeed(5);
			float[] image = m.randomNormal(new Shape(8, 1, 96, 96)).toFloatArray();
			float[] first = null;
			for (int repeat = 0; repeat < 4; repeat++) {
				try (NDManager scope = m.newSubManager(); GradientCollector gc = m.getEngine().newGradientCollector()) {
					poison(scope, 8L * 48 * 96 * 96);
					NDList out = model.network().forward(new ParameterStore(scope, false), new NDList(scope.create(image, new Shape(8, 1, 96, 96)), scope.create(5L)), true);
					assertTrue(NonFiniteOutputException.finite(out), "outputs of pass " + repeat);
					float[] masks = out.get(0).toFloatArray();
					if (first == null) first = masks;
					else assertEquals(0f, maxAbsDifference(first, masks), "the same masks in pass " + repeat);
					poison(scope, 8L * 48 * 96 * 96);
					gc.backward(out.get(0).mean().add(out.get(1).mean()).add(out.get(out.size() - 1).mean()));
					for (Pair<String, Parameter> p : model.network().getParameters())
						assertTrue(NonFiniteOutputException.finite(p.getValue().getArray().getGradient().toFloatArray()),
								"gradient of " + p.getKey() + " in pass " + repeat);
				}
			}
		}
	}

	private static float maxAbsDifference(float[] a, float[] b) {
		float max = 0;
		for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
		return max;
	}
}
