package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.Progress;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.model.ModelConfig;

/** Test-time augmentation by flips: mirroring, the fusion of views, and the segmenter's use of both. */
class FlipFusionTest {

	private static final int W = 12, H = 8;

	/** A view of a W x H plane from rectangles {x0, y0, x1, y1} (exclusive ends), labels in their order. */
	private static Instances view(float confidence, int[]... rects) {
		int[] labels = new int[W * H];
		float[] conf = new float[rects.length];
		for (int l = 1; l <= rects.length; l++) {
			int[] r = rects[l - 1];
			for (int y = r[1]; y < r[3]; y++) for (int x = r[0]; x < r[2]; x++) labels[y * W + x] = l;
			conf[l - 1] = confidence;
		}
		return new Instances(W, H, labels, conf, null);
	}

	private static int labelAt(Instances in, int x, int y) { return in.labels()[y * W + x]; }

	@Test
	void flippingTwiceGivesThePlaneAndTheInstancesBack() {
		float[] px = new float[W * H];
		for (int i = 0; i < px.length; i++) px[i] = i;
		for (int f = 0; f <= 3; f++) assertArrayEquals(px, FlipFusion.flip(FlipFusion.flip(px, W, H, f), W, H, f));
		assertEquals(W - 1f, FlipFusion.flip(px, W, H, FlipFusion.HORIZONTAL)[0]);
		assertEquals((H - 1) * W, FlipFusion.flip(px, W, H, FlipFusion.VERTICAL)[0]);
		assertEquals(W * H - 1f, FlipFusion.flip(px, W, H, FlipFusion.BOTH)[0]);

		float[] values = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f };
		Instances in = new Instances(W, H, view(0.8f, new int[] { 1, 2, 4, 4 }).labels(), new float[] { 0.8f },
				new Instances.SoftMask[] { new Instances.SoftMask(1, 2, 3, 2, values) });
		Instances h = FlipFusion.flip(in, FlipFusion.HORIZONTAL);
		assertEquals(1, labelAt(h, W - 2, 2));
		assertEquals(0, labelAt(h, 1, 2));
		assertEquals(0.1f, h.softMask(1).at(W - 2, 2));
		assertEquals(0.3f, h.softMask(1).at(W - 4, 2));
		Instances v = FlipFusion.flip(in, FlipFusion.VERTICAL);
		assertEquals(0.4f, v.softMask(1).at(1, H - 4));
		for (int f = 0; f <= 3; f++) {
			Instances back = FlipFusion.flip(FlipFusion.flip(in, f), f);
			assertArrayEquals(in.labels(), back.labels());
			assertEquals(1, back.softMask(1).x0);
			assertEquals(2, back.softMask(1).y0);
			assertArrayEquals(values, back.softMask(1).values);
		}
	}

	@Test
	void identicalViewsFuseToTheSameInstances() {
		Instances a = view(0.9f, new int[] { 0, 0, 3, 3 }, new int[] { 5, 1, 9, 6 });
		for (int votes = 1; votes <= 4; votes++) {
			Instances f = FlipFusion.fuse(List.of(a, a, a, a), votes, 1);
			assertArrayEquals(a.labels(), f.labels());
			assertEquals(0.9f, f.confidence(2), 1e-6);
		}
	}

	@Test
	void anObjectNeedsTheVotesOfEnoughViews() {
		int[] nucleus = { 0, 0, 4, 4 }, stray = { 8, 4, 11, 7 };
		Instances with = view(0.9f, nucleus, stray), without = view(0.9f, nucleus);
		List<Instances> views = List.of(with, without, without, without);
		assertEquals(2, FlipFusion.fuse(views, 1, 1).count());
		Instances two = FlipFusion.fuse(views, 2, 1);
		assertEquals(1, two.count());
		assertEquals(0, labelAt(two, 9, 5));
		assertEquals(2, FlipFusion.fuse(List.of(with, with, without, without), 2, 1).count(), "two views of four are enough");
		assertEquals(0, FlipFusion.fuse(views, 2, 17).count(), "fused objects below the minimum area are dropped");
		assertThrows(IllegalArgumentException.class, () -> FlipFusion.fuse(views, 5, 1));
	}

	@Test
	void pixelsAreThoseAtLeastHalfOfTheObjectsViewsCover() {
		// one object, its outline a pixel off in some views: a column covered by 1 view of 4 goes, by 2 of 4 stays
		Instances base = view(0.8f, new int[] { 2, 2, 6, 6 });
		Instances wider = view(0.6f, new int[] { 2, 2, 7, 6 });
		Instances taller = view(0.6f, new int[] { 2, 2, 6, 7 });
		Instances f = FlipFusion.fuse(List.of(base, wider, taller, taller), 2, 1);
		assertEquals(1, f.count());
		assertEquals(0, labelAt(f, 6, 3), "covered by one view of four");
		assertEquals(1, labelAt(f, 3, 6), "covered by two views of four");
		assertEquals(1, labelAt(f, 2, 2));
		assertEquals((0.8f + 3 * 0.6f) / 4, f.confidence(1), 1e-6);
	}

	@Test
	void aPixelTwoObjectsClaimGoesToTheOneMoreViewsFound() {
		Instances a = view(0.9f, new int[] { 0, 0, 6, 4 }, new int[] { 6, 0, 11, 4 });
		// in the other views the second object reaches one column further left, into the first
		Instances b = view(0.9f, new int[] { 0, 0, 6, 4 }, new int[] { 5, 0, 11, 4 });
		Instances onlyFirst = view(0.9f, new int[] { 0, 0, 6, 4 });
		Instances f = FlipFusion.fuse(List.of(a, b, b, onlyFirst), 2, 1);
		assertEquals(2, f.count());
		assertEquals(1, labelAt(f, 5, 1), "the first object was found by all four views, the second by three");
		assertEquals(2, labelAt(f, 6, 1));
	}

	@Test
	void softMasksAreAveraged() {
		int[] labels = view(0.9f, new int[] { 2, 2, 4, 4 }).labels();
		Instances a = new Instances(W, H, labels, new float[] { 0.9f },
				new Instances.SoftMask[] { new Instances.SoftMask(2, 2, 2, 2, new float[] { 1, 1, 1, 1 }) });
		Instances b = new Instances(W, H, labels, new float[] { 0.7f },
				new Instances.SoftMask[] { new Instances.SoftMask(1, 2, 3, 2, new float[] { 1, 0.5f, 0.5f, 0, 0.5f, 0.5f }) });
		Instances f = FlipFusion.fuse(List.of(a, b), 2, 1);
		Instances.SoftMask m = f.softMask(1);
		assertEquals(1, m.x0);
		assertEquals(3, m.width);
		assertEquals(0.5f, m.at(1, 2), 1e-6);
		assertEquals(0.75f, m.at(2, 2), 1e-6);
		assertEquals(0.8f, f.confidence(1), 1e-6);
		assertEquals(false, FlipFusion.fuse(List.of(a, view(0.9f, new int[] { 2, 2, 4, 4 })), 2, 1).hasSoftMasks());
	}

	/**
	 * A stand-in network that finds the disks, and also a stray square in the top-left corner of whatever it is
	 * shown: a mistake that depends on the image's orientation, as a network's do.
	 */
	static final class StrayCorner extends ObjectDiameterTest.SizeOracle {
		StrayCorner() { super(28); }

		@Override
		public TileBatch decode(List<float[]> batch, int size, int maxSteps, double minConfidence,
				java.util.function.BooleanSupplier cancelled) {
			List<List<TileDecoder.Emission>> out = new ArrayList<>();
			for (List<TileDecoder.Emission> em : super.decode(batch, size, maxSteps, minConfidence, cancelled).emissions()) out.add(new ArrayList<>(em));
			float[] square = new float[size * size];
			for (int y = 1; y < 8; y++) for (int x = 1; x < 8; x++) square[y * size + x] = 1;
			out.get(0).add(new TileDecoder.Emission(square, 0.9f));
			return new TileBatch(out);
		}
	}

	/** Disks of the model's size on a 150x110 image, and the stand-in model's config (no joining of touching parts). */
	private static final class Disks {
		final int w = 150, h = 110;
		final int[] gt = ObjectDiameterTest.disks(w, h, 28, 50);
		final int n = Arrays.stream(gt).max().getAsInt();
		final float[] img = ObjectDiameterTest.image(gt);
		final ModelConfig config = ObjectDiameterTest.config();

		Disks() { config.mergeSolidity = 0; }
	}

	@Test
	void theSegmenterFusesFlippedViewsAndDropsWhatOneViewAloneFound() {
		Disks d = new Disks();
		int w = d.w, h = d.h, n = d.n;
		int[] gt = d.gt;
		float[] img = d.img;
		ModelConfig c = d.config;

		Segmenter plain = new Segmenter(c, null, new StrayCorner(), new SegmenterOptions());
		Instances one = plain.segment(img, w, h, Progress.NONE);
		assertEquals(n + 1, one.count(), "one view keeps its stray square");
		assertNotEquals(0, one.labels()[3 * w + 3]);
		assertEquals(1, plain.lastStats().views);

		SegmenterOptions o = new SegmenterOptions();
		o.flipVotes = 2;
		Segmenter flips = new Segmenter(c, null, new StrayCorner(), o);
		List<Double> fractions = new ArrayList<>();
		Progress record = new Progress() {
			@Override public void status(String message) {}
			@Override public void progress(long done, long total) { fractions.add(done / (double) total); }
			@Override public boolean isCancelled() { return false; }
		};
		Instances fused = flips.segment(img, w, h, record);
		for (int i = 1; i < fractions.size(); i++) assertTrue(fractions.get(i) >= fractions.get(i - 1), "the progress never goes back: " + fractions);
		assertEquals(1.0, fractions.get(fractions.size() - 1), 1e-9, "the four views fill the progress bar once: " + fractions);
		assertTrue(fractions.stream().anyMatch(f -> f > 0.2 && f <= 0.25 + 1e-9), "the first view fills the first quarter: " + fractions);
		assertEquals(4, flips.lastStats().views);
		assertEquals(n, fused.count(), "each view put its square in another corner of the image");
		Evaluation ev = new Evaluation();
		ev.add("disks", fused.labels(), gt);
		assertEquals(1.0, ev.result().f1(0), 1e-9);
		o.flipVotes = 1;
		assertEquals(n + 4, new Segmenter(c, null, new StrayCorner(), o).segment(img, w, h, Progress.NONE).count(), "one vote keeps all four squares");
		o.flipVotes = 5;
		assertThrows(IllegalArgumentException.class, () -> new Segmenter(c, null, new StrayCorner(), o));
	}

	@Test
	void withFlipsTheModelsFlipDecisionsApplyUnlessGiven() {
		Disks d = new Disks();
		int w = d.w, h = d.h, n = d.n;
		int[] gt = d.gt;
		float[] img = d.img;
		ModelConfig c = d.config;
		SegmenterOptions o = new SegmenterOptions();
		o.flipVotes = -1;
		assertEquals(n, new Segmenter(c, null, new StrayCorner(), o).segment(img, w, h, Progress.NONE).count(), "no flip decisions: 2 votes");
		c.flips = new ModelConfig.FlipDecisions();
		c.flips.votes = 1;
		c.flips.minArea = c.minArea;
		c.flips.minConfidence = c.minConfidence;
		c.flips.maskThreshold = c.maskThreshold;
		assertEquals(n + 4, new Segmenter(c, null, new StrayCorner(), o).segment(img, w, h, Progress.NONE).count(), "the model's 1 vote");
		c.flips.minArea = 1_000_000;
		assertEquals(0, new Segmenter(c, null, new StrayCorner(), o).segment(img, w, h, Progress.NONE).count(), "the model's minimum area for flips");
		assertEquals(n + 1, new Segmenter(c, null, new StrayCorner(), new SegmenterOptions()).segment(img, w, h, Progress.NONE).count(),
				"one view keeps the one-view thresholds");
		o.minArea = c.minArea;
		o.flipVotes = 2;
		assertEquals(n, new Segmenter(c, null, new StrayCorner(), o).segment(img, w, h, Progress.NONE).count(), "thresholds and votes given win");
	}
}
