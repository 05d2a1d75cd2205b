package sc.fiji.ris.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.model.PyTorchRuntime;

/** The RIS loss: values by hand and its gradient against finite differences. */
class RisLossTest {

	/** Two ground-truth instances on a 4x4 image, three steps. */
	private static float[] groundTruth() {
		float[] g = new float[2 * 16];
		for (int p : new int[] { 0, 1, 4, 5 }) g[p] = 1; // instance 1: top-left 2x2
		for (int p : new int[] { 10, 11, 14, 15 }) g[16 + p] = 1; // instance 2: bottom-right 2x2
		return g;
	}

	@Test
	void perfectMasksAndConfidencesGiveZeroIouTermAndMatchAnyOrder() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			float[] g = groundTruth();
			float[] masks = new float[3 * 16];
			System.arraycopy(g, 16, masks, 0, 16); // step 1 = instance 2
			System.arraycopy(g, 0, masks, 16, 16); // step 2 = instance 1
			NDList pred = new NDList(m.create(masks, new Shape(1, 3, 4, 4)), m.create(new float[] { 20, 20, -20 }, new Shape(1, 3)));
			NDList labels = new NDList(m.create(g, new Shape(1, 2, 4, 4)), m.create(new int[] { 2 }));
			NDList parts = new RisLoss(1f).evaluateParts(labels, pred);
			assertEquals(0, parts.get(0).getFloat(), 1e-5);
			assertEquals(0, parts.get(1).getFloat(), 1e-5);
			assertEquals(2, parts.get(2).size());
		}
	}

	/** Two instances touching side by side on an 8x12 image: A in columns 0-5, B in columns 6-11. */
	private static float[] touching() {
		float[] g = new float[2 * 96];
		for (int y = 0; y < 8; y++)
			for (int x = 0; x < 12; x++) g[(x < 6 ? 0 : 96) + y * 12 + x] = 1;
		return g;
	}

	/** One step's mask: columns from..to (inclusive) of every row. */
	private static float[] columns(int from, int to) {
		float[] m = new float[96];
		for (int y = 0; y < 8; y++)
			for (int x = from; x <= to; x++) m[y * 12 + x] = 1;
		return m;
	}

	@Test
	void smallInstancesCountTheirWeightInTheIouTermAndInTheConfidenceOfTheirStep() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			// on an 8x8 image: A, 2x2 at the top left (4 px); B, 4x4 at the bottom right (16 px)
			float[] g = new float[2 * 64];
			for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) g[y * 8 + x] = 1;
			for (int y = 4; y < 8; y++) for (int x = 4; x < 8; x++) g[64 + y * 8 + x] = 1;
			float[] masks = new float[3 * 64];
			masks[0] = masks[1] = 1; // step 1: half of A, IoU 0.5
			for (int y = 4; y < 7; y++) for (int x = 4; x < 8; x++) masks[64 + y * 8 + x] = 1; // step 2: 12 px of B, IoU 0.75
			NDList pred = new NDList(m.create(masks, new Shape(1, 3, 8, 8)), m.create(new float[3], new Shape(1, 3)));
			NDList labels = new NDList(m.create(g, new Shape(1, 2, 8, 8)), m.create(new int[] { 2 }));
			double log2 = Math.log(2);
			NDList plain = new RisLoss(1f).evaluateParts(labels, pred);
			assertEquals((0.5 + 0.25) / 3, plain.get(0).getFloat(), 1e-5);
			assertEquals(3 * log2 / 3, plain.get(1).getFloat(), 1e-5);
			NDList weighted = new RisLoss(1f, 0f, 0f, 8f, 3f).evaluateParts(labels, pred);
			assertEquals((3 * 0.5 + 0.25) / 3, weighted.get(0).getFloat(), 1e-5);
			assertEquals((3 + 1 + 1) * log2 / 3, weighted.get(1).getFloat(), 1e-5); // step 1 is A's, among the first 2
			NDList noneSmall = new RisLoss(1f, 0f, 0f, 4f, 3f).evaluateParts(labels, pred); // A's 4 px are not under 4
			assertEquals(plain.get(0).getFloat(), noneSmall.get(0).getFloat(), 1e-6);
			assertEquals(plain.get(1).getFloat(), noneSmall.get(1).getFloat(), 1e-6);
		}
	}

	@Test
	void borderWeightWeighsTheSeamBetweenTouchingInstances() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			NDList labels = new NDList(m.create(touching(), new Shape(1, 2, 8, 12)), m.create(new int[] { 2 }));
			// the seam: columns within 3 pixels of both instances, 3 to 8
			float[] w = new RisLoss(1f, 0f, 4f).pixelWeights(labels.get(0)).toFloatArray();
			for (int x = 0; x < 12; x++) assertEquals(x >= 3 && x <= 8 ? 5 : 1, w[5 * 12 + x], 0, "column " + x);
			// a mask that spills one column into B, and one that misses A's outer column, far from the seam
			NDList spill = new NDList(m.create(columns(0, 6), new Shape(1, 1, 8, 12)), m.create(new float[] { 0 }, new Shape(1, 1)));
			NDList shortfall = new NDList(m.create(columns(1, 5), new Shape(1, 1, 8, 12)), m.create(new float[] { 0 }, new Shape(1, 1)));
			// unweighted: 48 / 56 and 40 / 48, so the spill scores better
			assertEquals(48 / 56.0, new RisLoss(1f).evaluateParts(labels, spill).get(2).getFloat(), 1e-5);
			assertEquals(40 / 48.0, new RisLoss(1f).evaluateParts(labels, shortfall).get(2).getFloat(), 1e-5);
			// weighted (A weighs 3 * 8 + 5 * 24 = 144; the spilt column 40): 144 / 184 and 136 / 144, the spill scores worse
			RisLoss weighted = new RisLoss(1f, 0f, 4f);
			assertEquals(144 / 184.0, weighted.evaluateParts(labels, spill).get(2).getFloat(), 1e-5);
			assertEquals(136 / 144.0, weighted.evaluateParts(labels, shortfall).get(2).getFloat(), 1e-5);
			// masks at half the labels' resolution (foreground-head networks) see the weights averaged per cell
			float[] half = new float[24];
			for (int y = 0; y < 4; y++)
				for (int x = 0; x < 3; x++) half[y * 6 + x] = 1; // exactly A
			NDList coarse = new NDList(m.create(half, new Shape(1, 1, 4, 6)), m.create(new float[] { 0 }, new Shape(1, 1)));
			assertEquals(1, weighted.evaluateParts(labels, coarse).get(2).getFloat(), 1e-5);
		}
	}

	@Test
	void valuesByHand() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			float[] g = groundTruth();
			float[] masks = new float[2 * 16];
			for (int p = 0; p < 16; p++) masks[p] = 0.5f; // IoU with instance 1: 2 / (8 + 4 - 2) = 0.2
			NDList pred = new NDList(m.create(masks, new Shape(1, 2, 4, 4)), m.create(new float[] { 0, 0 }, new Shape(1, 2)));
			NDList labels = new NDList(m.create(g, new Shape(1, 2, 4, 4)), m.create(new int[] { 2 }));
			NDList parts = new RisLoss(1f).evaluateParts(labels, pred);
			// step 1 (uniform 0.5) matches one instance with IoU 0.2, step 2 (all zero) the other with IoU 0
			assertEquals(((1 - 0.2) + (1 - 0)) / 2, parts.get(0).getFloat(), 1e-5);
			// BCE of logit 0 is log 2 at both steps
			assertEquals(Math.log(2), parts.get(1).getFloat(), 1e-5);
		}
	}

	@Test
	void seedTermIsMinusLogOfTheSeedMassOnTheMatchedInstanceAndSteersTheMatching() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			// 8x8 image, so a 2x2 seed grid; instance 1 fills the top-left 4x4 cell, instance 2 the bottom-right one
			float[] g = new float[2 * 64];
			for (int y = 0; y < 4; y++)
				for (int x = 0; x < 4; x++) {
					g[y * 8 + x] = 1;
					g[64 + (y + 4) * 8 + x + 4] = 1;
				}
			float[] masks = new float[2 * 64]; // empty masks: every IoU is 0, so only the seeds decide the matching
			float[] logProb = new float[2 * 4];
			logProb[0] = logProb[1] = logProb[2] = -40; // step 1: all its mass on cell 3 (instance 2)
			for (int p = 4; p < 8; p++) logProb[p] = (float) Math.log(0.25); // step 2: uniform
			NDList pred = new NDList(m.create(masks, new Shape(1, 2, 8, 8)), m.create(new float[] { 0, 0 }, new Shape(1, 2)),
					m.create(logProb, new Shape(1, 2, 4)));
			NDList labels = new NDList(m.create(g, new Shape(1, 2, 8, 8)), m.create(new int[] { 2 }));
			NDList parts = new RisLoss(1f, 2f).evaluateParts(labels, pred);
			// step 1 -> instance 2 with mass 1 (term 0), step 2 -> instance 1 with mass 0.25; divided by T = 2
			assertEquals(Math.log(4) / 2, parts.get(3).getFloat(), 1e-4);
			assertEquals(1 + Math.log(2) + 2 * Math.log(4) / 2, new RisLoss(1f, 2f).evaluate(labels, pred).getFloat(), 1e-4);
			// weight 0: the paper's loss, no seed term
			assertEquals(0, new RisLoss(1f).evaluateParts(labels, pred).get(3).getFloat(), 0);
		}
	}

	@Test
	void halfResolutionMasksAreComparedWithCoverageAndTheForegroundTermIsAPixelBce() {
		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			float[] g = groundTruth(); // 4x4 labels: two 2x2 instances, each exactly one cell of the 2x2 mask grid
			float[] masks = new float[2 * 4];
			masks[3] = 1; // step 1: the bottom-right cell = instance 2
			masks[4] = 1; // step 2: the top-left cell = instance 1
			float[] fg = new float[16];
			java.util.Arrays.fill(fg, -30); // confident background everywhere ...
			for (int p : new int[] { 0, 1, 4, 5, 10, 11, 14, 15 }) fg[p] = 30; // ... and foreground on both instances
			NDList labels = new NDList(m.create(g, new Shape(1, 2, 4, 4)), m.create(new int[] { 2 }));
			NDList pred = new NDList(m.create(masks, new Shape(1, 2, 2, 2)), m.create(new float[] { 20, 20 }, new Shape(1, 2)),
					m.create(fg, new Shape(1, 1, 4, 4)));
			RisLoss loss = new RisLoss(1f);
			NDList parts = loss.evaluateParts(labels, pred);
			assertEquals(0, parts.get(0).getFloat(), 1e-5, "perfect half-resolution masks");
			assertEquals(0, parts.get(4).getFloat(), 1e-6, "perfect foreground");
			fg[0] = 0; // one pixel of 16 undecided: BCE log 2 there
			pred.set(2, m.create(fg, new Shape(1, 1, 4, 4)));
			parts = loss.evaluateParts(labels, pred);
			assertEquals(Math.log(2) / 16, parts.get(4).getFloat(), 1e-6);
			assertEquals(parts.get(0).getFloat() + parts.get(1).getFloat() + parts.get(4).getFloat(), loss.total(parts).getFloat(), 1e-6);
			masks[3] = 0.5f; // half the mass on instance 2's cell: IoU 0.5 for step 1
			pred.set(0, m.create(masks, new Shape(1, 2, 2, 2)));
			assertEquals((1 - 0.5) / 2, loss.evaluateParts(labels, pred).get(0).getFloat(), 1e-5);
		}
	}

	@Test
	void gradientMatchesFiniteDifferences() {
		Engine engine = PyTorchRuntime.start(0);
		try (NDManager m = engine.newBaseManager()) {
			Random rnd = new Random(7);
			int b = 2, t = 3, h = 4, w = 4, n = 2;
			float[] z = new float[b * t * h * w];
			for (int i = 0; i < z.length; i++) z[i] = (float) rnd.nextGaussian();
			float[] c = new float[b * t];
			for (int i = 0; i < c.length; i++) c[i] = (float) rnd.nextGaussian();
			float[] g = new float[b * n * h * w];
			System.arraycopy(groundTruth(), 0, g, 0, 32);
			for (int p : new int[] { 2, 3, 6, 7 }) g[32 + p] = 1; // image 2 has one instance
			int[] counts = { 2, 1 };
			RisLoss loss = new RisLoss(0.7f);

			NDArray logits = m.create(z, new Shape(b, t, h, w)).toType(DataType.FLOAT64, false);
			NDArray conf = m.create(c, new Shape(b, t)).toType(DataType.FLOAT64, false);
			logits.setRequiresGradient(true);
			conf.setRequiresGradient(true);
			NDList labels = new NDList(m.create(g, new Shape(b, n, h, w)).toType(DataType.FLOAT64, false), m.create(counts));
			double[] gz, gc;
			try (GradientCollector gcol = engine.newGradientCollector()) {
				NDArray value = loss.evaluate(labels, new NDList(ai.djl.nn.Activation.sigmoid(logits), conf));
				gcol.backward(value);
			}
			gz = logits.getGradient().toDoubleArray();
			gc = conf.getGradient().toDoubleArray();

			double eps = 1e-5;
			for (int i = 0; i < z.length; i += 5) {
				double num = (value(m, loss, labels, z, c, i, eps, true) - value(m, loss, labels, z, c, i, -eps, true)) / (2 * eps);
				assertEquals(num, gz[i], 1e-6 + 1e-4 * Math.abs(num), "mask logit " + i);
			}
			for (int i = 0; i < c.length; i++) {
				double num = (value(m, loss, labels, z, c, i, eps, false) - value(m, loss, labels, z, c, i, -eps, false)) / (2 * eps);
				assertEquals(num, gc[i], 1e-6 + 1e-4 * Math.abs(num), "confidence logit " + i);
			}
		}
	}

	private static double value(NDManager m, RisLoss loss, NDList labels, float[] z, float[] c, int i, double eps, boolean mask) {
		try (NDManager s = m.newSubManager()) {
			double[] zz = new double[z.length], cc = new double[c.length];
			for (int k = 0; k < z.length; k++) zz[k] = z[k];
			for (int k = 0; k < c.length; k++) cc[k] = c[k];
			if (mask) zz[i] += eps; else cc[i] += eps;
			NDArray logits = s.create(zz, new Shape(2, 3, 4, 4));
			NDArray conf = s.create(cc, new Shape(2, 3));
			return loss.evaluate(labels, new NDList(ai.djl.nn.Activation.sigmoid(logits), conf)).toType(DataType.FLOAT64, false).getDouble();
		}
	}
}
