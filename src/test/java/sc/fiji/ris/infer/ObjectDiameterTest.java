package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.Progress;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.model.ModelConfig;

/**
 * The object-diameter option: with a decoder that, like a trained network, only recognises objects of the size it
 * was trained for, objects at half and at double that size are found only when the option rescales the image, and
 * come back at the input's size.
 */
class ObjectDiameterTest {

	/**
	 * The 4-connected patch of a {@code size} x {@code size} tile that grows from pixel {@code p0} over the pixels
	 * {@code joins} accepts and that are not yet {@code seen} (marks them seen).
	 */
	static List<Integer> patch(int size, int p0, boolean[] seen, java.util.function.IntPredicate joins) {
		List<Integer> patch = new ArrayList<>(List.of(p0));
		seen[p0] = true;
		for (int k = 0; k < patch.size(); k++) {
			int p = patch.get(k), x = p % size, y = p / size;
			int[][] nb = { { x - 1, y }, { x + 1, y }, { x, y - 1 }, { x, y + 1 } };
			for (int[] q : nb) {
				if (q[0] < 0 || q[1] < 0 || q[0] >= size || q[1] >= size) continue;
				int i = q[1] * size + q[0];
				if (!seen[i] && joins.test(i)) { seen[i] = true; patch.add(i); }
			}
		}
		return patch;
	}

	/** Emits the bright connected blobs of a tile whose equivalent diameter is within 25% of {@code diameter}. */
	static class SizeOracle implements Decoder {
		final double diameter;
		/** Blobs down to this fraction of the diameter are emitted too (as the network finds smaller nuclei). */
		final double smallest;
		/** Larger blobs are cut into squares of the diameter's side (as the network cuts large nuclei). */
		final boolean cutLarge;

		SizeOracle(double diameter) { this(diameter, 0.75, false); }

		SizeOracle(double diameter, double smallest, boolean cutLarge) {
			this.diameter = diameter;
			this.smallest = smallest;
			this.cutLarge = cutLarge;
		}

		@Override
		public TileBatch decode(List<float[]> batch, int size, int maxSteps, double minConfidence,
				java.util.function.BooleanSupplier cancelled) {
			List<List<TileDecoder.Emission>> out = new ArrayList<>();
			for (float[] t : batch) {
				boolean[] seen = new boolean[t.length];
				List<TileDecoder.Emission> em = new ArrayList<>();
				for (int p0 = 0; p0 < t.length; p0++) {
					if (t[p0] < 0.5f || seen[p0]) continue;
					List<Integer> blob = patch(size, p0, seen, i -> t[i] >= 0.5f);
					float[] mask = new float[t.length];
					for (int p : blob) mask[p] = 1;
					int area = blob.size();
					double d = Math.sqrt(4 * area / Math.PI);
					if (d >= smallest * diameter && d <= 1.25 * diameter) em.add(new TileDecoder.Emission(mask, 0.9f));
					else if (d > 1.25 * diameter && cutLarge) {
						int side = (int) Math.round(diameter), cells = (size + side - 1) / side;
						for (int c = 0; c < cells * cells; c++) {
							float[] piece = new float[t.length];
							int n = 0;
							for (int p = 0; p < t.length; p++)
								if (mask[p] > 0 && (p % size) / side + (p / size) / side * cells == c) { piece[p] = 1; n++; }
							if (n > 0) em.add(new TileDecoder.Emission(piece, 0.9f));
						}
					}
				}
				out.add(em.subList(0, Math.min(em.size(), maxSteps)));
			}
			return new TileBatch(out);
		}
	}

	static ModelConfig config() {
		ModelConfig c = new ModelConfig();
		c.tileSize = 128;
		c.tileOverlap = 40;
		c.minArea = 1;
		c.objectDiameter = 28;
		c.normLowPercentile = 0;
		c.normHighPercentile = 100;
		return c;
	}

	/** Disks of the given diameter on a grid, labels 1..n. */
	static int[] disks(int w, int h, double diameter, int spacing) {
		List<double[]> grid = new ArrayList<>();
		double r = diameter / 2;
		for (int cy = spacing / 2; cy + r < h; cy += spacing)
			for (int cx = spacing / 2; cx + r < w; cx += spacing) grid.add(new double[] { cx, cy, diameter });
		return disks(w, h, grid.toArray(new double[0][]));
	}

	/** The image of a label image: 1 on objects, 0 elsewhere. */
	static float[] image(int[] gt) {
		float[] img = new float[gt.length];
		for (int p = 0; p < img.length; p++) img[p] = gt[p] > 0 ? 1 : 0;
		return img;
	}

	private static EvaluationResult segment(int[] gt, int w, int h, double objectDiameter, int[] count) {
		float[] img = image(gt);
		SegmenterOptions o = new SegmenterOptions();
		o.objectDiameter = objectDiameter;
		Instances inst = new Segmenter(config(), null, new SizeOracle(28), o).segment(img, w, h, Progress.NONE);
		assertEquals(w, inst.width());
		assertEquals(h, inst.height());
		count[0] = inst.count();
		Evaluation ev = new Evaluation();
		ev.add("disks", inst.labels(), gt);
		return ev.result();
	}

	@Test
	void objectsAtHalfTheTrainingSizeAreFoundOnlyWhenRescaled() {
		int w = 150, h = 110;
		int[] gt = disks(w, h, 14, 30);
		int n = 0;
		for (int l : gt) n = Math.max(n, l);
		int[] count = new int[1];
		segment(gt, w, h, 0, count);
		assertEquals(0, count[0], "objects of half the size are not recognised as they are");
		EvaluationResult r = segment(gt, w, h, 14, count);
		assertEquals(n, count[0]);
		assertEquals(1.0, r.f1(0), 1e-9);
		assertTrue(r.meanMatchedIou() > 0.85, "masks scaled back fit: " + r.meanMatchedIou());
	}

	@Test
	void objectsAtDoubleTheTrainingSizeAreFoundOnlyWhenRescaled() {
		int w = 400, h = 300;
		int[] gt = disks(w, h, 56, 100);
		int n = 0;
		for (int l : gt) n = Math.max(n, l);
		int[] count = new int[1];
		segment(gt, w, h, 0, count);
		assertEquals(0, count[0]);
		EvaluationResult r = segment(gt, w, h, 56, count);
		assertEquals(n, count[0]);
		assertEquals(1.0, r.f1(0), 1e-9);
		assertTrue(r.meanMatchedIou() > 0.9, "masks scaled back fit: " + r.meanMatchedIou());
	}

	private static Instances segmentAuto(int[] gt, int w, int h, Decoder oracle, Segmenter[] used) {
		float[] img = image(gt);
		Segmenter seg = new Segmenter(config(), null, oracle, new SegmenterOptions().objectDiameterSetting(0));
		used[0] = seg;
		return seg.segment(img, w, h, Progress.NONE);
	}

	private static double f1(Instances inst, int[] gt) {
		Evaluation ev = new Evaluation();
		ev.add("disks", inst.labels(), gt);
		return ev.result().f1(0);
	}

	@Test
	void smallObjectsFoundAsTheyAreAreSegmentedAgainAtTheirMeasuredSize() {
		int w = 150, h = 110;
		int[] gt = disks(w, h, 13, 30);
		Segmenter[] seg = new Segmenter[1];
		Instances inst = segmentAuto(gt, w, h, new SizeOracle(28, 0.4, false), seg);
		SegmentStats s = seg[0].lastStats();
		assertEquals(2, s.passes);
		assertEquals(13, s.objectDiameter, 1.5, "the diameter the second pass assumed");
		assertEquals(13, s.measuredDiameter, 1.5);
		assertEquals(1.0, f1(inst, gt), 1e-9);
		assertEquals(s.objectDiameter, seg[0].objectDiameter(image(gt), w, h), 1e-12, "what ris tune asks: the size segment settles on");
	}

	@Test
	void objectsCutIntoPiecesAreSegmentedAgainAsTwiceAsLarge() {
		int w = 400, h = 300;
		int[] gt = disks(w, h, 56, 100);
		int n = 0;
		for (int l : gt) n = Math.max(n, l);
		Segmenter[] seg = new Segmenter[1];
		// as they are, every disk comes out in pieces of the model's size
		Instances pieces = new Segmenter(config(), null, new SizeOracle(28, 0.4, true), new SegmenterOptions()).segment(image(gt), w, h, Progress.NONE);
		assertTrue(pieces.count() > 2 * n, "pieces: " + pieces.count());
		assertTrue(SizePolicy.sharedOutline(pieces) > SizePolicy.PIECES_LIMIT, "pieces share their outlines: " + SizePolicy.sharedOutline(pieces));
		Instances inst = segmentAuto(gt, w, h, new SizeOracle(28, 0.4, true), seg);
		assertEquals(2, seg[0].lastStats().passes);
		assertEquals(56, seg[0].lastStats().objectDiameter, 1);
		assertEquals(seg[0].lastStats().objectDiameter, seg[0].objectDiameter(image(gt), w, h), 1e-12);
		assertEquals(n, inst.count());
		assertEquals(1.0, f1(inst, gt), 1e-9);
	}

	/**
	 * Emits each 4-connected patch of one value of at least 0.5 and {@link #MIN_PATCH} pixels (touching objects are
	 * painted in different values), at most {@code maxSteps} per tile.
	 */
	static class PatchOracle implements Decoder {
		static final int MIN_PATCH = 30;

		@Override
		public TileBatch decode(List<float[]> batch, int size, int maxSteps, double minConfidence,
				java.util.function.BooleanSupplier cancelled) {
			List<List<TileDecoder.Emission>> out = new ArrayList<>();
			for (float[] t : batch) {
				boolean[] seen = new boolean[t.length];
				List<TileDecoder.Emission> em = new ArrayList<>();
				for (int p0 = 0; p0 < t.length && em.size() < maxSteps; p0++) {
					if (t[p0] < 0.5f || seen[p0]) continue;
					float value = t[p0];
					List<Integer> patch = patch(size, p0, seen, i -> t[i] == value);
					if (patch.size() < MIN_PATCH) continue;
					float[] mask = new float[t.length];
					for (int p : patch) mask[p] = 1;
					em.add(new TileDecoder.Emission(mask, 0.9f));
				}
				out.add(em);
			}
			return new TileBatch(out);
		}
	}

	@Test
	void objectsAsCrowdedAsTheModelsTrainingObjectsAreNotTakenForPieces() {
		// cells of the model's size packed in a grid, each touching its four neighbours
		int w = 300, h = 240;
		int[] gt = disks(w, h, 28, 27);
		int n = 0;
		for (int l : gt) n = Math.max(n, l);
		int columns = 0;
		for (int cx = 27 / 2; cx + 14 < w; cx += 27) columns++;
		float[] img = new float[w * h];
		for (int p = 0; p < img.length; p++) {
			int l = gt[p] - 1;
			if (l >= 0) img[p] = 0.6f + 0.1f * (l % columns % 2 + 2 * (l / columns % 2));
		}
		ModelConfig crowded = config();
		Instances first = new Segmenter(crowded, null, new PatchOracle(), new SegmenterOptions()).segment(img, w, h, Progress.NONE);
		assertEquals(n, first.count());
		assertEquals(1.0, f1(first, gt), 1e-9);
		double shared = SizePolicy.sharedOutline(first);
		// they share more of their outlines than the fixed limit allows, as much as the cells a model was trained on
		// share of theirs (0.3): such a model segments the image once, at its own size
		crowded.sharedOutline = 0.3;
		assertTrue(shared > SizePolicy.PIECES_LIMIT && shared <= SizePolicy.piecesLimit(crowded.sharedOutline), "shared outlines: " + shared);
		Segmenter seg = new Segmenter(crowded, null, new PatchOracle(), new SegmenterOptions().objectDiameterSetting(0));
		Instances inst = seg.segment(img, w, h, Progress.NONE);
		assertEquals(1, seg.lastStats().passes);
		assertEquals(28, seg.lastStats().objectDiameter, 1e-9);
		assertArrayEquals(first.labels(), inst.labels(), "the first pass, as it was");
		// a model that learnt objects sharing a twentieth of their outlines (BBBC039's) takes them for pieces
		crowded.sharedOutline = 0.05;
		seg = new Segmenter(crowded, null, new PatchOracle(), new SegmenterOptions().objectDiameterSetting(0));
		seg.segment(img, w, h, Progress.NONE);
		assertTrue(seg.lastStats().passes > 1, "passes: " + seg.lastStats().passes);
		assertEquals(SizePolicy.PIECES_LIMIT, SizePolicy.piecesLimit(0.05), 0);
		assertEquals(SizePolicy.PIECES_LIMIT, SizePolicy.piecesLimit(0), 0, "older packages, without the field");
	}

	/** Disks {@code {cx, cy, diameter}}, labels 1..n in that order. */
	static int[] disks(int w, int h, double[][] disks) {
		int[] labels = new int[w * h];
		for (int l = 0; l < disks.length; l++) {
			double cx = disks[l][0], cy = disks[l][1], r = disks[l][2] / 2;
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
					if (dx * dx + dy * dy <= r * r) labels[y * w + x] = l + 1;
				}
		}
		return labels;
	}

	/**
	 * Emits blobs smaller than {@code whole} times the diameter as they are and cuts larger ones into 4 x 4 squares:
	 * a network that takes magnified objects apart, so that an estimate assuming smaller objects would run away.
	 */
	static Decoder fragmenting(double diameter, double whole) {
		return (batch, size, maxSteps, minConfidence, cancelled) -> {
			List<List<TileDecoder.Emission>> out = new ArrayList<>();
			for (float[] t : batch) {
				boolean[] seen = new boolean[t.length];
				List<TileDecoder.Emission> em = new ArrayList<>();
				for (int p0 = 0; p0 < t.length; p0++) {
					if (t[p0] < 0.5f || seen[p0]) continue;
					List<Integer> blob = patch(size, p0, seen, i -> t[i] >= 0.5f);
					if (Math.sqrt(4 * blob.size() / Math.PI) < whole * diameter) {
						float[] mask = new float[t.length];
						for (int p : blob) mask[p] = 1;
						em.add(new TileDecoder.Emission(mask, 0.9f));
						continue;
					}
					java.util.Map<Integer, float[]> squares = new java.util.TreeMap<>();
					for (int p : blob) squares.computeIfAbsent((p % size) / 4 + (p / size) / 4 * size, k -> new float[t.length])[p] = 1;
					for (float[] m : squares.values()) em.add(new TileDecoder.Emission(m, 0.9f));
				}
				out.add(em);
			}
			return new TileBatch(out);
		};
	}

	@Test
	void aSecondPassThatRunsAwayIsRejectedWithAWarningAndTheFirstIsKept() {
		int w = 150, h = 110;
		int[] gt = disks(w, h, 13, 30);
		Decoder oracle = fragmenting(28, 0.6);
		Instances first = new Segmenter(config(), null, oracle, new SegmenterOptions()).segment(image(gt), w, h, Progress.NONE);
		assertEquals(1.0, f1(first, gt), 1e-9, "small disks are found as they are");
		Segmenter[] seg = new Segmenter[1];
		Instances inst = segmentAuto(gt, w, h, oracle, seg);
		SegmentStats s = seg[0].lastStats();
		assertEquals(2, s.passes, "the estimate tried the measured size once");
		assertTrue(s.warning != null && s.warning.contains("kept the model's size"), "warning: " + s.warning);
		assertEquals(28, s.objectDiameter, 1e-9, "the model's size, as the kept pass assumed");
		assertArrayEquals(first.labels(), inst.labels(), "the first pass, as it was");
		assertEquals(null, SegmentStats.resegmented(List.of(s)));
		// where the second pass holds, no warning
		segmentAuto(gt, w, h, new SizeOracle(28, 0.4, false), seg);
		assertEquals(null, seg[0].lastStats().warning);
		assertTrue(seg[0].lastStats().resized);
	}

	@Test
	void aLargeImageIsMeasuredOnAWindowAndSegmentedOnceAtTheSizeItNeeds() {
		// 1100 x 1000 pixels: above the probe limit; disks of half the model's size on the right half only
		int w = 1100, h = 1000;
		List<double[]> layout = new ArrayList<>();
		for (int cy = 20; cy < h - 10; cy += 30)
			for (int cx = 570; cx < w - 10; cx += 30) layout.add(new double[] { cx, cy, 13 });
		int[] gt = disks(w, h, layout.toArray(new double[0][]));
		assertTrue((double) w * h > SizePolicy.PROBE_PIXELS);
		int[] window = SizePolicy.probeWindow(image(gt), w, h, SizePolicy.PROBE_SIDE);
		assertTrue(window[0] >= 550, "the window lies where the objects are: x " + window[0]);
		Segmenter[] seg = new Segmenter[1];
		Instances inst = segmentAuto(gt, w, h, new SizeOracle(28, 0.4, false), seg);
		SegmentStats s = seg[0].lastStats();
		assertEquals(2, s.passes);
		assertEquals(13, s.objectDiameter, 1.5);
		assertEquals(1.0, f1(inst, gt), 1e-9);
		// the window's tiles and one pass at the objects' size, not a whole pass at the model's size on top
		Segmenter atModel = new Segmenter(config(), null, new SizeOracle(28, 0.4, false), new SegmenterOptions().objectDiameterSetting(-1));
		atModel.segment(image(gt), w, h, Progress.NONE);
		Segmenter atSize = new Segmenter(config(), null, new SizeOracle(28, 0.4, false), new SegmenterOptions().objectDiameterSetting(s.objectDiameter));
		assertArrayEquals(atSize.segment(image(gt), w, h, Progress.NONE).labels(), inst.labels(), "the same as giving the diameter");
		int windowTiles = s.tiles - atSize.lastStats().tiles;
		assertTrue(windowTiles > 0 && windowTiles < atModel.lastStats().tiles / 3, "tiles of the window: " + windowTiles + " of " + atModel.lastStats().tiles);
	}

	@Test
	void theEstimateNeverAssumesObjectsMoreThanTwiceSmallerThanTheModels() {
		int w = 120, h = 100;
		int[] gt = disks(w, h, 4, 12);
		Segmenter[] seg = new Segmenter[1];
		segmentAuto(gt, w, h, new SizeOracle(28, 0.1, false), seg);
		SegmentStats s = seg[0].lastStats();
		assertEquals(2, s.passes);
		assertEquals(28 / 2.0, s.objectDiameter, 1e-9, "measured about 4 px, assumed no smaller than half of 28");
		assertEquals(4, s.measuredDiameter, 1.5);
	}

	@Test
	void tuningsOwnDecodingAtTheModelsSizeServesAsTheFirstPassWhenItFits() {
		int[] calls = new int[1];
		SizeOracle oracle = new SizeOracle(28, 0.4, false);
		Decoder counting = (tiles, size, maxSteps, minConfidence, cancelled) -> {
			calls[0]++;
			return oracle.decode(tiles, size, maxSteps, minConfidence, cancelled);
		};
		Segmenter sizer = new Segmenter(config(), null, counting, new SegmenterOptions().objectDiameterSetting(0));
		SegmenterOptions lower = new SegmenterOptions();
		lower.minConfidence = 0.3;
		SegmenterOptions higher = new SegmenterOptions();
		higher.minConfidence = 0.95;
		SegmenterOptions other = new SegmenterOptions().objectDiameterSetting(20);
		for (int[] size : new int[][] { { 200, 160, 27, 45 }, { 150, 110, 13, 30 } }) {
			int w = size[0], h = size[1];
			float[] img = image(disks(w, h, size[2], size[3]));
			calls[0] = 0;
			double alone = sizer.objectDiameter(img, w, h);
			int aloneCalls = calls[0];
			// decoded as ris tune decodes at the model's size, at a lower minimum confidence: no first decoding of its own
			calls[0] = 0;
			DecodedPlane d = new Segmenter(config(), null, counting, lower).decodeAll(img, w, h);
			int firstPass = calls[0];
			calls[0] = 0;
			assertEquals(alone, sizer.objectDiameter(img, w, h, d), 1e-12, "disks of " + size[2] + " px");
			assertEquals(aloneCalls - firstPass, calls[0], "decodings left for the sizer, disks of " + size[2] + " px");
			assertEquals(size[2] == 27 ? 0 : 1, Math.signum(calls[0]), "only the disks of half the size take a second pass");
			// decoded at a higher minimum confidence, or at another size: not used
			for (SegmenterOptions o : List.of(higher, other)) {
				calls[0] = 0;
				assertEquals(alone, sizer.objectDiameter(img, w, h, new Segmenter(config(), null, oracle, o).decodeAll(img, w, h)), 1e-12);
				assertEquals(aloneCalls, calls[0]);
			}
		}
	}

	@Test
	void objectsOfTheModelsSizeTakeOnePassAndAGivenDiameterIsNotSecondGuessed() {
		int w = 200, h = 160;
		int[] gt = disks(w, h, 27, 45);
		Segmenter[] seg = new Segmenter[1];
		Instances inst = segmentAuto(gt, w, h, new SizeOracle(28, 0.4, true), seg);
		assertEquals(1, seg[0].lastStats().passes);
		assertEquals(28, seg[0].lastStats().objectDiameter, 1e-9);
		assertEquals(28, seg[0].objectDiameter(image(gt), w, h), 1e-9);
		assertEquals(1.0, f1(inst, gt), 1e-9);
		assertEquals(0, SizePolicy.sharedOutline(inst), 1e-9, "separate disks share no outline");
		// a diameter given by the user is used as it is, even a wrong one
		float[] img = image(gt);
		Segmenter given = new Segmenter(config(), null, new SizeOracle(28, 0.4, true), new SegmenterOptions().objectDiameterSetting(20));
		given.segment(img, w, h, Progress.NONE);
		assertEquals(1, given.lastStats().passes);
		assertEquals(20, given.lastStats().objectDiameter, 0.5);
		assertEquals(given.lastStats().objectDiameter, given.objectDiameter(image(disks(150, 110, 13, 30)), 150, 110), 1e-12, "given: not estimated");
		// -1: the model's own size, no estimate, even for objects of half the size
		int[] small = disks(150, 110, 13, 30);
		float[] smallImg = image(small);
		Segmenter model = new Segmenter(config(), null, new SizeOracle(28, 0.4, false), new SegmenterOptions().objectDiameterSetting(-1));
		model.segment(smallImg, 150, 110, Progress.NONE);
		assertEquals(1, model.lastStats().passes);
		assertEquals(28, model.lastStats().objectDiameter, 1e-9);
	}

	@Test
	void aModelThatWorksOnMagnifiedImagesMagnifiesEveryImageAndTuningSeesTheSame() {
		// a network that learnt 28-pixel objects on images magnified twice: its objects are 14 pixels in the image
		ModelConfig c = config();
		c.objectDiameter = 14;
		c.inputScale = 2;
		int w = 150, h = 110;
		int[] gt = disks(w, h, 14, 30);
		int n = 0;
		for (int l : gt) n = Math.max(n, l);
		float[] img = image(gt);
		for (double setting : new double[] { 0, -1 }) {
			Segmenter seg = new Segmenter(c, null, new SizeOracle(28), new SegmenterOptions().objectDiameterSetting(setting));
			assertEquals(2, seg.scale(), 1e-9);
			Instances inst = seg.segment(img, w, h, Progress.NONE);
			assertEquals(w, inst.width());
			assertEquals(n, inst.count(), "objects of the model's size are found at once");
			assertEquals(1, seg.lastStats().passes);
			assertEquals(14, seg.lastStats().objectDiameter, 1e-9, "the size used is in image pixels");
			assertEquals(1.0, f1(inst, gt), 1e-9);
			// ris tune decodes once and assembles many times: the same instances, at the image's size
			Instances tuned = seg.assemble(seg.decodeAll(img, w, h), seg.thresholds());
			assertEquals(w, tuned.width());
			assertArrayEquals(inst.labels(), tuned.labels());
		}
		// a diameter given in image pixels: objects twice the model's size are magnified by 2 * 14 / 28 = 1
		int[] large = disks(200, 160, 28, 45);
		Segmenter given = new Segmenter(c, null, new SizeOracle(28), new SegmenterOptions().objectDiameterSetting(28));
		assertEquals(1, given.scale(), 1e-9);
		assertEquals(1.0, f1(given.segment(image(large), 200, 160, Progress.NONE), large), 1e-9);
		// without the magnification the same network finds none of the small objects
		Segmenter plain = new Segmenter(config(), null, new SizeOracle(28), new SegmenterOptions().objectDiameterSetting(-1));
		assertEquals(0, plain.segment(img, w, h, Progress.NONE).count());
	}

	private static SegmentStats stats(int passes, double diameter) {
		SegmentStats s = new SegmentStats();
		s.passes = passes;
		s.resized = passes > 1;
		s.objectDiameter = diameter;
		return s;
	}

	@Test
	void theLogLineSaysWhichPlanesWereSegmentedAgainAndAtWhatSize() {
		assertEquals(null, SegmentStats.resegmented(List.of(stats(1, 28.2))));
		assertEquals(null, SegmentStats.resegmented(List.of(stats(1, 28.2), stats(1, 28.2))));
		assertEquals("at an object diameter of 36.4 px", SegmentStats.resegmented(List.of(stats(2, 36.4))));
		assertEquals("at an object diameter of 56.0 px", SegmentStats.resegmented(List.of(stats(2, 56), stats(3, 56))));
		assertEquals("in 1 of 3 planes, at object diameter 14.2 px", SegmentStats.resegmented(List.of(stats(1, 28.2), stats(2, 14.2), stats(1, 28.2))));
		assertEquals("in 2 of 3 planes, at object diameters 14.2-15.0 px", SegmentStats.resegmented(List.of(stats(2, 15), stats(2, 14.2), stats(1, 28.2))));
	}

	@Test
	void tooFewObjectsDoNotTellTheDiameter() {
		int w = 120, h = 60;
		int[] gt = disks(w, h, 13, 30); // 4 x 2 = 8 disks ...
		for (int p = 0; p < gt.length; p++) if (gt[p] > 4) gt[p] = 0; // ... of which 4 are kept
		Segmenter[] seg = new Segmenter[1];
		Instances inst = segmentAuto(gt, w, h, new SizeOracle(28, 0.4, false), seg);
		assertEquals(4, inst.count());
		assertEquals(1, seg[0].lastStats().passes);
		assertTrue(Double.isNaN(SizePolicy.medianDiameter(inst, SizePolicy.DIAMETER_MIN_OBJECTS)));
		assertEquals(13, SizePolicy.medianDiameter(inst, 1), 1.5);
	}

	@Test
	void aDiameterFarFromTheModelsIsRefusedInOneSentence() {
		SegmenterOptions o = new SegmenterOptions();
		o.objectDiameter = 1;
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Segmenter(config(), null, new SizeOracle(28), o));
		assertTrue(e.getMessage().contains("of 1.0 pixels is too far"), e.getMessage());
		o.objectDiameter = -3;
		assertThrows(IllegalArgumentException.class, () -> new Segmenter(config(), null, new SizeOracle(28), o));
	}

	@Test
	void resamplingKeepsConstantsAveragesWhenShrinkingAndLabelsRoundTrip() {
		float[] c = new float[40 * 30];
		java.util.Arrays.fill(c, 3.5f);
		for (float v : Resampling.resize(c, 40, 30, 17, 61)) assertEquals(3.5f, v, 1e-5);
		// a one-pixel stripe pattern shrunk by 2 becomes its mean, not every other value
		float[] stripes = new float[8 * 2];
		for (int x = 0; x < 8; x++) stripes[x] = stripes[8 + x] = x % 2;
		for (float v : Resampling.resize(stripes, 8, 2, 4, 1)) assertEquals(0.5f, v, 0.13f);
		int[] labels = new int[10 * 6];
		for (int i = 0; i < labels.length; i++) labels[i] = (i % 10) / 3;
		assertArrayEquals(labels, Resampling.resizeLabels(Resampling.resizeLabels(labels, 10, 6, 20, 12), 20, 12, 10, 6));
		assertArrayEquals(labels, Resampling.resizeLabels(labels, 10, 6, 10, 6));
	}
}
