package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.model.RisNetworkTest;

/** The tile decoder: upsampling of half-resolution masks and the foreground limit. */
class TileDecoderTest {

	@Test
	void upsamplingKeepsConstantsAndInterpolatesRampsLinearly() {
		float[] src = new float[2 + 8 * 8];
		for (int y = 0; y < 8; y++)
			for (int x = 0; x < 8; x++) src[2 + y * 8 + x] = x + 10 * y; // a ramp, stored after an offset of 2
		float[] up = TileDecoder.upsample(src, 2, 8, 16);
		// pixel centres: output pixel x sits at source coordinate (x + 0.5) / 2 - 0.5, clamped to [0, 7]
		for (int y = 0; y < 16; y++)
			for (int x = 0; x < 16; x++) {
				double sx = Math.max(0, Math.min(7, (x + 0.5) / 2 - 0.5)), sy = Math.max(0, Math.min(7, (y + 0.5) / 2 - 0.5));
				assertEquals(sx + 10 * sy, up[y * 16 + x], 1e-4, "pixel " + x + "," + y);
			}
		float[] flat = new float[4 * 4];
		java.util.Arrays.fill(flat, 0.3f);
		for (float v : TileDecoder.upsample(flat, 0, 4, 8)) assertEquals(0.3f, v, 1e-6);
	}

	@Test
	void growingTakesTheMaximumOverTheNeighbourhood() {
		float[] src = new float[1 + 7 * 7];
		src[1 + 3 * 7 + 3] = 0.8f; // a peak in the middle, after an offset of 1
		src[1 + 0] = 0.4f; // and a smaller one in a corner
		float[] one = TileDecoder.grown(src, 1, 7, 1), two = TileDecoder.grown(src, 1, 7, 2);
		for (int y = 0; y < 7; y++)
			for (int x = 0; x < 7; x++) {
				int d = Math.max(Math.abs(x - 3), Math.abs(y - 3)), c = Math.max(x, y);
				assertEquals(d <= 1 ? 0.8f : c <= 1 ? 0.4f : 0f, one[y * 7 + x], "one cell at " + x + "," + y);
				assertEquals(d <= 2 ? 0.8f : c <= 2 ? 0.4f : 0f, two[y * 7 + x], "two cells at " + x + "," + y);
			}
		org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(src, 1, 50), TileDecoder.grown(src, 1, 7, 0));
	}

	@Test
	void emissionsAreFullSizeAndNeverExceedTheForeground() {
		ModelConfig config = RisNetworkTest.tiny();
		try (RisModel model = RisModel.create(config, 3)) {
			Random rnd = new Random(5);
			List<float[]> tiles = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				float[] t = new float[32 * 32];
				for (int p = 0; p < t.length; p++) t[p] = rnd.nextFloat();
				tiles.add(t);
			}
			// untrained network: keep every step (confidence 0) for a fixed number of steps
			TileDecoder decoder = new TileDecoder(model);
			TileBatch batch = decoder.decode(tiles, 32, 3, 0, null);
			List<List<TileDecoder.Emission>> out = batch.emissions();
			float[][] fg = new float[3][];
			try (NDManager m = model.manager().newSubManager()) {
				float[] flat = new float[3 * 32 * 32];
				for (int i = 0; i < 3; i++) System.arraycopy(tiles.get(i), 0, flat, i * 1024, 1024);
				float[] all = Activation.sigmoid(model.network().encode(new ParameterStore(m, false), m.create(flat, new Shape(3, 1, 32, 32)), false)
						.foreground()).toFloatArray();
				for (int i = 0; i < 3; i++) fg[i] = java.util.Arrays.copyOfRange(all, i * 1024, (i + 1) * 1024);
			}
			for (int i = 0; i < 3; i++) org.junit.jupiter.api.Assertions.assertArrayEquals(fg[i], batch.foreground(i), 1e-6f, "the foreground it exposes");
			for (int i = 0; i < 3; i++) {
				assertEquals(3, out.get(i).size());
				for (TileDecoder.Emission e : out.get(i)) {
					assertEquals(32 * 32, e.mask.length);
					assertEquals(32 * 32, e.priority.length, "the mask as predicted, upsampled, decides overlaps");
					double sum = 0;
					for (float v : e.mask) sum += v;
					assertTrue(sum > 1, "an untrained network emits soft masks, not nothing");
					for (int p = 0; p < e.mask.length; p++) {
						assertTrue(e.mask[p] <= fg[i][p] + 1e-6f, "tile " + i + " pixel " + p + " exceeds the foreground");
						assertTrue(e.mask[p] >= 0 && e.mask[p] <= 1);
					}
				}
			}
		}
	}

	@Test
	void aRegionThatIsOneTileDecodesExactlyLikeTheTileAndSharedRegionsGiveEveryTileItsSteps() {
		ModelConfig config = RisNetworkTest.tiny();
		try (RisModel model = RisModel.create(config, 4)) {
			Random rnd = new Random(9);
			int w = 40, h = 36; // the tile at (0, 0) lies inside; tiles at x = 8 and y = 4 reach past the image
			float[] image = new float[w * h];
			for (int p = 0; p < image.length; p++) image[p] = rnd.nextFloat();
			TileDecoder shared = new TileDecoder(model, true), separate = new TileDecoder(model, false);
			List<List<TileDecoder.Emission>> a = shared.decode(image, w, h, new int[] { 0 }, new int[] { 0 }, 32, 3, 0, null).emissions();
			List<List<TileDecoder.Emission>> b = separate.decode(image, w, h, new int[] { 0 }, new int[] { 0 }, 32, 3, 0, null).emissions();
			assertEquals(3, a.get(0).size());
			for (int t = 0; t < 3; t++) {
				org.junit.jupiter.api.Assertions.assertArrayEquals(b.get(0).get(t).mask, a.get(0).get(t).mask, 1e-5f);
				assertEquals(b.get(0).get(t).confidence, a.get(0).get(t).confidence, 1e-5f);
			}
			int[] xs = { 0, 8, 0, 8 }, ys = { 0, 0, 4, 4 };
			List<List<TileDecoder.Emission>> c = shared.decode(image, w, h, xs, ys, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> d = separate.decode(image, w, h, xs, ys, 32, 2, 0, null).emissions();
			assertEquals(4, c.size());
			for (int k = 0; k < 4; k++) {
				assertEquals(2, c.get(k).size());
				assertEquals(32 * 32, c.get(k).get(0).mask.length);
			}
			// the first tile's features now see the image right of and below it: close to, not equal to, alone
			double diff = 0;
			for (int p = 0; p < 32 * 32; p++) diff = Math.max(diff, Math.abs(c.get(0).get(0).mask[p] - d.get(0).get(0).mask[p]));
			assertTrue(diff < 0.5, "shared encoding stays close to separate encoding (max difference " + diff + ")");
			// unaligned origins fall back to separate encoding, with the same result
			List<List<TileDecoder.Emission>> e = shared.decode(image, w, h, new int[] { 0, 3 }, new int[] { 0, 0 }, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> f = separate.decode(image, w, h, new int[] { 0, 3 }, new int[] { 0, 0 }, 32, 2, 0, null).emissions();
			org.junit.jupiter.api.Assertions.assertArrayEquals(f.get(1).get(1).mask, e.get(1).get(1).mask, 1e-5f);
		}
	}

	@Test
	void aRegionMarginEncodesTheImageAroundTheTilesAsAWindowOfTheWholeImage() {
		ModelConfig config = RisNetworkTest.tiny();
		try (RisModel model = RisModel.create(config, 5)) {
			Random rnd = new Random(3);
			int w = 64, h = 64;
			float[] image = new float[w * h];
			for (int p = 0; p < image.length; p++) image[p] = rnd.nextFloat();
			// one tile in the middle: a margin of 16 takes in the whole image, a margin of 0 the tile alone
			int[] x = { 16 }, y = { 16 };
			List<List<TileDecoder.Emission>> withMargin = new TileDecoder(model, true, 16).decode(image, w, h, x, y, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> without = new TileDecoder(model, true, 0).decode(image, w, h, x, y, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> alone = new TileDecoder(model, false).decode(image, w, h, x, y, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> window = new TileDecoder(model).decodeWindows(image, 1, w, h, 16, 16, 32, 2, 0);
			for (int t = 0; t < 2; t++) {
				org.junit.jupiter.api.Assertions.assertArrayEquals(window.get(0).get(t).mask, withMargin.get(0).get(t).mask, 1e-5f);
				org.junit.jupiter.api.Assertions.assertArrayEquals(alone.get(0).get(t).mask, without.get(0).get(t).mask, 1e-5f);
			}
			double diff = 0;
			for (int p = 0; p < 32 * 32; p++) diff = Math.max(diff, Math.abs(withMargin.get(0).get(0).mask[p] - without.get(0).get(0).mask[p]));
			assertTrue(diff > 1e-4, "the margin's context changes the masks");
			// -1: the model's own training margin
			List<List<TileDecoder.Emission>> byModel = new TileDecoder(model, true).decode(image, w, h, x, y, 32, 2, 0, null).emissions();
			org.junit.jupiter.api.Assertions.assertArrayEquals(without.get(0).get(1).mask, byModel.get(0).get(1).mask, 1e-6f);
			model.config().training.contextMargin = 16;
			byModel = new TileDecoder(model, true).decode(image, w, h, x, y, 32, 2, 0, null).emissions();
			org.junit.jupiter.api.Assertions.assertArrayEquals(withMargin.get(0).get(1).mask, byModel.get(0).get(1).mask, 1e-6f);
		}
	}

	@Test
	void aRegionReachingPastTheImageMirrorsItThere() {
		ModelConfig config = RisNetworkTest.tiny();
		try (RisModel model = RisModel.create(config, 6)) {
			Random rnd = new Random(8);
			int w = 40, h = 32, pw = 48; // a row of tiles 40 wide: the encoded region is 48 wide
			float[] image = new float[w * h];
			for (int p = 0; p < image.length; p++) image[p] = 0.3f + 0.1f * rnd.nextFloat();
			float[] mirrored = new float[pw * h];
			for (int y = 0; y < h; y++)
				for (int x = 0; x < pw; x++) mirrored[y * pw + x] = image[y * w + sc.fiji.ris.data.CropSampler.reflect(x, w)];
			TileDecoder shared = new TileDecoder(model, true, 0);
			List<List<TileDecoder.Emission>> a = shared.decode(image, w, h, new int[] { 0, 8 }, new int[] { 0, 0 }, 32, 2, 0, null).emissions();
			List<List<TileDecoder.Emission>> b = shared.decode(mirrored, pw, h, new int[] { 0, 8 }, new int[] { 0, 0 }, 32, 2, 0, null).emissions();
			for (int k = 0; k < 2; k++)
				for (int t = 0; t < 2; t++) org.junit.jupiter.api.Assertions.assertArrayEquals(b.get(k).get(t).mask, a.get(k).get(t).mask, 1e-5f);
		}
	}

	@Test
	void upsamplingOnlyAroundTheSupportDropsOnlyNegligibleValues() {
		int side = 16, size = 32;
		java.util.Random r = new java.util.Random(5);
		for (int trial = 0; trial < 20; trial++) {
			float[] m = new float[side * side];
			int cx = r.nextInt(side), cy = r.nextInt(side);
			for (int y = 0; y < side; y++)
				for (int x = 0; x < side; x++) {
					double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
					m[y * side + x] = (float) Math.exp(-d2 / (1 + r.nextInt(6))); // a blob, tiny far away
				}
			float[] full = TileDecoder.upsample(m, 0, side, size);
			int[] box = TileDecoder.support(m, side, TileDecoder.NEGLIGIBLE);
			float[] part = TileDecoder.upsample(m, 0, side, size, box);
			for (int p = 0; p < full.length; p++) {
				if (part[p] != full[p]) {
					assertEquals(0f, part[p], "a pixel is either interpolated as before or left at 0");
					assertTrue(full[p] < TileDecoder.NEGLIGIBLE, "only values below " + TileDecoder.NEGLIGIBLE + " are dropped, not " + full[p]);
				}
			}
		}
		assertEquals(null, TileDecoder.support(new float[side * side], side, TileDecoder.NEGLIGIBLE));
		for (float v : TileDecoder.upsample(new float[side * side], 0, side, size, null)) assertEquals(0f, v);
	}

	@Test
	void decodingLeavesNoArrayBehindWithTheWeights() {
		// everything a decode makes lives in its own scopes: the weights' manager holds as many arrays afterwards
		try (RisModel model = RisModel.create(RisNetworkTest.tiny(), 4)) {
			Random rnd = new Random(6);
			float[] image = new float[72 * 56];
			for (int p = 0; p < image.length; p++) image[p] = rnd.nextFloat();
			int before = model.manager().getManagedArrays().size();
			for (boolean shared : new boolean[] { false, true }) {
				new TileDecoder(model, shared).decode(image, 72, 56, new int[] { 0, 16, 40 }, new int[] { 0, 8, 24 }, 32, 4, 0, null);
				assertEquals(before, model.manager().getManagedArrays().size(), "arrays left with the weights, shared encoding " + shared);
			}
		}
	}
}
