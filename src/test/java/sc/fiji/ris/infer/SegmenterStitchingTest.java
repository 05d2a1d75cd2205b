package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.Progress;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.model.ModelConfig;

/**
 * Tiling and stitching with an oracle decoder that emits the true instances of each tile (recognised by their
 * distinct intensities) in a shuffled order: every nucleus, in particular those lying across tile borders, must be
 * found exactly once and whole.
 */
class SegmenterStitchingTest {

	/** Emits one exact mask per distinct positive intensity in the tile, in a random order. */
	static class Oracle implements Decoder {
		final Random rnd = new Random(3);
		int tiles;

		@Override
		public TileBatch decode(List<float[]> batch, int size, int maxSteps, double minConfidence,
				java.util.function.BooleanSupplier cancelled) {
			List<List<TileDecoder.Emission>> out = new ArrayList<>();
			for (float[] t : batch) {
				tiles++;
				Map<Float, float[]> masks = new LinkedHashMap<>();
				for (int p = 0; p < t.length; p++)
					if (t[p] > 1e-3f) masks.computeIfAbsent(t[p], k -> new float[t.length])[p] = 1f;
				List<TileDecoder.Emission> em = new ArrayList<>();
				for (float[] m : masks.values()) em.add(new TileDecoder.Emission(m, 0.5f + 0.5f * rnd.nextFloat()));
				java.util.Collections.shuffle(em, rnd);
				out.add(em.subList(0, Math.min(em.size(), maxSteps)));
			}
			return new TileBatch(out);
		}
	}

	private static ModelConfig config() {
		ModelConfig c = new ModelConfig();
		c.tileSize = 128;
		c.tileOverlap = 40;
		c.minArea = 1;
		// identity-like normalisation: keep intensities distinct per label
		c.normLowPercentile = 0;
		c.normHighPercentile = 100;
		return c;
	}

	/** Disks of radius r (diameter < overlap) at the given centres, labels 1..n, intensity 10 + label. */
	private static int[] disks(int w, int h, int[][] centres, int r) {
		int[] labels = new int[w * h];
		for (int i = 0; i < centres.length; i++)
			for (int y = Math.max(0, centres[i][1] - r); y <= Math.min(h - 1, centres[i][1] + r); y++)
				for (int x = Math.max(0, centres[i][0] - r); x <= Math.min(w - 1, centres[i][0] + r); x++) {
					int dx = x - centres[i][0], dy = y - centres[i][1];
					if (dx * dx + dy * dy <= r * r) labels[y * w + x] = i + 1;
				}
		return labels;
	}

	@Test
	void originsCoverTheImageWithTheOverlap() {
		assertArrayEquals(new int[] { 0 }, TileGrid.origins(100, 128, 40));
		int[] o = TileGrid.origins(696, 128, 40);
		assertEquals(0, o[0]);
		assertEquals(696 - 128, o[o.length - 1]);
		for (int i = 1; i < o.length; i++) assertTrue(o[i - 1] + 128 - o[i] >= 40, "overlap at least 40");
		int[][] own = TileGrid.owned(o, 696, 128);
		assertEquals(0, own[0][0]);
		assertEquals(696, own[own.length - 1][1]);
		for (int i = 1; i < own.length; i++) assertEquals(own[i - 1][1], own[i][0], "owned regions partition the axis");
		for (int length : new int[] { 129, 130, 201, 255, 333, 520, 1001, 4097 })
			for (int overlap : new int[] { 0, 24, 40, 56 }) {
				int[] t = TileGrid.origins(length, 128, overlap);
				String what = "length " + length + ", overlap " + overlap + ": " + java.util.Arrays.toString(t);
				assertEquals(0, t[0], what);
				assertTrue(t[t.length - 1] + 128 >= length && t[t.length - 1] + 128 < length + 4, "the last tile reaches the end: " + what);
				for (int i = 0; i < t.length; i++) assertEquals(0, t[i] % 4, "origins are multiples of 4: " + what);
				for (int i = 1; i < t.length; i++) assertTrue(t[i - 1] + 128 - t[i] >= overlap && t[i] > t[i - 1], "overlap: " + what);
			}
	}

	@Test
	void nucleiAcrossTileBordersAreFoundExactlyOnce() {
		int w = 300, h = 260;
		int[] xs = TileGrid.origins(w, 128, 40), ys = TileGrid.origins(h, 128, 40);
		// centres on every tile edge, every owned-region boundary, the image border and the corners of tiles
		List<int[]> centres = new ArrayList<>();
		for (int x : new int[] { 5, xs[1], xs[1] + 20, (xs[0] + 128 + xs[1]) / 2, 127, 128, xs[xs.length - 1] + 3, w - 6 })
			for (int y : new int[] { 6, ys[1], (ys[0] + 128 + ys[1]) / 2, 128, h - 5 })
				centres.add(new int[] { x, y });
		// keep them apart (no touching) so that the ground truth is unambiguous
		List<int[]> kept = new ArrayList<>();
		for (int[] c : centres) {
			boolean far = true;
			for (int[] k : kept) far &= Math.hypot(c[0] - k[0], c[1] - k[1]) > 26;
			if (far) kept.add(c);
		}
		int[] gt = disks(w, h, kept.toArray(new int[0][]), 12);
		float[] img = new float[w * h];
		for (int p = 0; p < img.length; p++) img[p] = gt[p] == 0 ? 0 : 10 + gt[p];
		Oracle oracle = new Oracle();
		SegmenterOptions o = new SegmenterOptions();
		o.batchSize = 3;
		Segmenter seg = new Segmenter(config(), null, oracle, o);
		Instances inst = seg.segment(img, w, h, Progress.NONE);
		assertEquals(xs.length * ys.length, oracle.tiles);
		assertEquals(kept.size(), inst.count(), "each nucleus exactly once");
		Evaluation ev = new Evaluation();
		ev.add("disks", inst.labels(), gt);
		EvaluationResult r = ev.result();
		assertEquals(1.0, r.f1(ImagesHelper.LAST_THRESHOLD), 1e-9, "every nucleus found whole (IoU >= 0.9)");
		assertEquals(1.0, r.meanMatchedIou(), 1e-9);
	}

	@Test
	void anEmptyImageGivesNoInstances() {
		Segmenter seg = new Segmenter(config(), null, new Oracle(), new SegmenterOptions());
		Instances inst = seg.segment(new float[200 * 150], 200, 150, Progress.NONE);
		assertEquals(0, inst.count());
		for (int l : inst.labels()) assertEquals(0, l);
	}

	@Test
	void aDuplicateFromANeighbouringTileIsDropped() {
		// a nucleus bigger than the overlap: seen cut in two tiles, must still come out once
		int w = 220, h = 128;
		int[] gt = disks(w, h, new int[][] { { 110, 64 } }, 30);
		float[] img = new float[w * h];
		for (int p = 0; p < img.length; p++) img[p] = gt[p] == 0 ? 0 : 11;
		Segmenter seg = new Segmenter(config(), null, new Oracle(), new SegmenterOptions());
		Instances inst = seg.segment(img, w, h, Progress.NONE);
		assertEquals(1, inst.count());
	}

	@Test
	void aNucleusItsOwnerMissedComesFromANeighbourThatSawItWhole() {
		// the tile that owns the nucleus at (105, 64) does not emit it; its left neighbour sees it whole
		int w = 200, h = 128;
		int[] centre = { 105, 64 };
		int[] gt = disks(w, h, new int[][] { centre, { 30, 60 }, { 170, 70 } }, 12);
		float[] img = new float[w * h];
		for (int p = 0; p < img.length; p++) img[p] = gt[p] == 0 ? 0 : 10 + gt[p];
		int[] xs = TileGrid.origins(w, 128, 40);
		int[][] own = TileGrid.owned(xs, w, 128);
		Oracle oracle = new Oracle() {
			@Override
			public TileBatch decode(float[] image, int width, int height, int[] x, int[] y, int size, int maxSteps,
					double minConfidence, java.util.function.BooleanSupplier cancelled) {
				List<List<TileDecoder.Emission>> out = super.decode(image, width, height, x, y, size, maxSteps, minConfidence, cancelled).emissions();
				for (int k = 0; k < x.length; k++) {
					int tileIndex = java.util.Arrays.binarySearch(xs, x[k]);
					if (centre[0] < own[tileIndex][0] || centre[0] >= own[tileIndex][1]) continue;
					int inTile = (centre[1] - y[k]) * size + centre[0] - x[k];
					List<TileDecoder.Emission> kept = new ArrayList<>(out.get(k));
					kept.removeIf(e -> e.mask[inTile] > 0.5f);
					out.set(k, kept);
				}
				return new TileBatch(out);
			}
		};
		assertTrue(xs.length == 2 && own[1][0] <= centre[0] && centre[0] + 12 < 127, "the second tile owns it, the first sees it whole");
		Segmenter seg = new Segmenter(config(), null, oracle, new SegmenterOptions());
		Instances inst = seg.segment(img, w, h, Progress.NONE);
		assertEquals(3, inst.count(), "the missed nucleus comes from the neighbour");
		Evaluation ev = new Evaluation();
		ev.add("disks", inst.labels(), gt);
		assertEquals(1.0, ev.result().f1(ImagesHelper.LAST_THRESHOLD), 1e-9, "whole");
	}

	@Test
	void unclaimedForegroundOfANucleusSizeBecomesAnInstanceButRimsAndSpecksDoNot() {
		int w = 100, h = 60;
		int[] labels = new int[w * h];
		float[] fg = new float[w * h];
		// instance 1: a 20x20 square at (5, 5), with a 2-pixel rim of foreground around it that it did not take
		for (int y = 3; y < 27; y++)
			for (int x = 3; x < 27; x++) {
				fg[y * w + x] = 0.9f;
				if (x >= 5 && x < 25 && y >= 5 && y < 25) labels[y * w + x] = 1;
			}
		// unclaimed: a 16x16 blob (256 pixels) at (40, 10) and a 5x5 speck at (80, 40)
		for (int y = 10; y < 26; y++) for (int x = 40; x < 56; x++) fg[y * w + x] = 0.8f;
		for (int y = 40; y < 45; y++) for (int x = 80; x < 85; x++) fg[y * w + x] = 0.9f;
		Instances.SoftMask mask1 = new Instances.SoftMask(5, 5, 1, 1, new float[] { 1 });
		Instances in = new Instances(w, h, labels, new float[] { 0.95f }, new Instances.SoftMask[] { mask1 });
		Instances out = ForegroundFill.apply(in, fg, 100, 3, true, 0, 1).instances();
		assertEquals(2, out.count(), "the blob; not the rim (area 176 but 2 pixels thick), not the speck (25 pixels)");
		assertEquals(0.95f, out.confidence(1));
		assertEquals(0.8f, out.confidence(2), 1e-6f, "its mean foreground");
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				boolean blob = x >= 40 && x < 56 && y >= 10 && y < 26;
				assertEquals(blob ? 2 : labels[y * w + x], out.labels()[y * w + x], "pixel " + x + "," + y);
			}
		assertTrue(out.softMask(1) == mask1, "earlier soft masks kept");
		assertEquals(36, out.softMask(2).x0);
		assertEquals(0.8f, out.softMask(2).at(47, 17), 1e-6f);
		// nothing to fill: the same instances come back
		assertTrue(ForegroundFill.apply(in, new float[w * h], 100, 3, true, 0, 1).instances() == in);
	}

	@Test
	void spotsOnTheirOwnBecomeInstancesWhenLargeAndConfidentEnoughButNotThoseTouchingAnInstance() {
		int w = 100, h = 60;
		int[] labels = new int[w * h];
		float[] fg = new float[w * h];
		// instance 1: a 20x20 square at (5, 5); a 4x4 piece of foreground against its right side, at (25, 10)
		for (int y = 5; y < 25; y++) for (int x = 5; x < 25; x++) { labels[y * w + x] = 1; fg[y * w + x] = 0.9f; }
		for (int y = 10; y < 14; y++) for (int x = 25; x < 29; x++) fg[y * w + x] = 0.95f;
		// on their own: a 5x5 spot at (50, 10) of mean 0.9, a 3x3 one at (70, 10) of 0.9, a 5x5 one at (50, 40) of 0.6
		for (int y = 10; y < 15; y++) for (int x = 50; x < 55; x++) fg[y * w + x] = 0.9f;
		for (int y = 10; y < 13; y++) for (int x = 70; x < 73; x++) fg[y * w + x] = 0.9f;
		for (int y = 40; y < 45; y++) for (int x = 50; x < 55; x++) fg[y * w + x] = 0.6f;
		Instances in = new Instances(w, h, labels, new float[] { 0.95f }, null);
		assertTrue(ForegroundFill.apply(in, fg, 100, 3, false, 0, 1).instances() == in, "no spots without a spot area");
		Instances out = ForegroundFill.apply(in, fg, 100, 3, false, 10, 0.8).instances();
		assertEquals(2, out.count(), "the 5x5 spot of 0.9; not the 3x3 one (9 pixels), not the dim one, not the piece on the nucleus");
		assertEquals(0.9f, out.confidence(2), 1e-6f, "its mean foreground");
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				boolean spot = x >= 50 && x < 55 && y >= 10 && y < 15;
				assertEquals(spot ? 2 : labels[y * w + x], out.labels()[y * w + x], "pixel " + x + "," + y);
			}
		assertEquals(4, ForegroundFill.apply(in, fg, 100, 3, false, 9, 0.6).instances().count(), "all three on their own at 9 pixels and 0.6");

		// a nucleus-sized piece found after a spot in scan order still comes first: spots are the highest labels
		for (int y = 30; y < 50; y++) for (int x = 75; x < 95; x++) fg[y * w + x] = 0.7f;
		ForegroundFill.Result filled = ForegroundFill.apply(in, fg, 100, 3, false, 10, 0.8);
		Instances both = filled.instances();
		assertEquals(3, both.count());
		assertEquals(1, filled.spots());
		assertEquals(2, both.labels()[40 * w + 85], "the piece");
		assertEquals(3, both.labels()[12 * w + 52], "the spot");
		Instances objects = MeasuredInstances.withoutSpots(both, filled.spots());
		assertEquals(2, objects.count(), "what the object-diameter estimate measures");
		assertEquals(0, objects.labels()[12 * w + 52]);
		assertEquals(2, objects.labels()[40 * w + 85]);
	}

	@Test
	void instancesGrowIntoTheUnclaimedForegroundAroundThemByAtMostTheGivenSteps() {
		// one row of 12 pixels: instance 1 at x = 2..3, instance 2 at x = 8; foreground 0.9 everywhere but for a dip
		// of 0.4 at x = 5, which neither instance may take
		int w = 12, h = 1;
		int[] labels = { 0, 0, 1, 1, 0, 0, 0, 0, 2, 0, 0, 0 };
		float[] fg = { 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.4f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f };
		float[] conf = { 0.8f, 0.7f };
		Instances in = new Instances(w, h, labels, conf, null);
		assertTrue(RimGrowth.apply(in, fg, 0) == in, "no steps, no growth");
		// step 1: 1 takes x = 1 and 4, 2 takes x = 7 and 9; step 2: 1 takes x = 0 (x = 5 is below 0.5), 2 takes x = 6
		// and 10; x = 11 would need a third step
		int[] two = { 1, 1, 1, 1, 1, 0, 2, 2, 2, 2, 2, 0 };
		Instances out = RimGrowth.apply(in, fg, 2);
		assertArrayEquals(two, out.labels());
		assertArrayEquals(conf, out.confidences(), "confidences stay");
		assertEquals(2, out.count());
		int[] many = { 1, 1, 1, 1, 1, 0, 2, 2, 2, 2, 2, 2 };
		assertArrayEquals(many, RimGrowth.apply(in, fg, 50).labels(), "the foreground's end stops it");
		assertArrayEquals(labels, in.labels(), "the input is left as it was");

		// two instances reaching the same pixel in the same step: the one scanned first (raster order) takes it
		int[] pair = { 1, 0, 2 };
		Instances met = RimGrowth.apply(new Instances(3, 1, pair, new float[] { 0.5f, 0.5f }, null), new float[] { 1, 1, 1 }, 1);
		assertArrayEquals(new int[] { 1, 1, 2 }, met.labels());
		// nothing to grow into: the same instances back
		Instances none = new Instances(3, 1, pair, new float[] { 0.5f, 0.5f }, null);
		assertTrue(RimGrowth.apply(none, new float[] { 1, 0.2f, 1 }, 3) == none);
	}

	@Test
	void theDiameterEstimateMeasuresTheInstancesWithoutThePixelsTheyGrewInto() {
		// instance 1 at x = 1..2 of a row of 6 pixels, foreground everywhere: it grows by 2 to x = 0..4
		int[] labels = { 0, 1, 1, 0, 0, 0 };
		float[] fg = { 1, 1, 1, 1, 1, 0 };
		Instances before = new Instances(6, 1, labels, new float[] { 0.9f }, null);
		Instances after = RimGrowth.apply(before, fg, 2);
		boolean[] added = MeasuredInstances.addedPixels(before, after);
		assertArrayEquals(new boolean[] { true, false, false, true, true, false }, added);
		Instances measured = MeasuredInstances.withoutPixels(after, added);
		assertArrayEquals(labels, measured.labels());
		assertEquals(1, measured.count());
		assertTrue(MeasuredInstances.addedPixels(before, before) == null && MeasuredInstances.withoutPixels(after, null) == after, "nothing grown, nothing dropped");
	}

	/** Index of the IoU threshold 0.9 in {@link EvaluationResult}. */
	static final class ImagesHelper {
		static final int LAST_THRESHOLD = 8;
	}
}
