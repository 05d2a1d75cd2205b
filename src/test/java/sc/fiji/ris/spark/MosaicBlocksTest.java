package sc.fiji.ris.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.infer.Instances;

/**
 * Blocks, pieces and stitching on tiny hand-made label images: the cores partition the image and each block is its
 * core plus the margin inside the image; a block keeps exactly the instances whose centroid its core holds; two
 * blocks that both found one object across their seam give it once, whatever order their pieces arrive in; the
 * whole image's normalisation reproduces {@link PercentileNormalizer#normalize} bit for bit; bad job options give
 * one sentence.
 */
class MosaicBlocksTest {

	@Test
	void coresPartitionTheImageAndBlocksAddTheMargin() {
		List<MosaicBlocks.Block> plan = MosaicBlocks.plan(1000, 700, 400, 50);
		assertEquals(3 * 2, plan.size());
		int[] owner = new int[1000 * 700];
		for (MosaicBlocks.Block b : plan) {
			assertTrue(b.coreX1() - b.coreX0() <= 400 && b.coreY1() - b.coreY0() <= 400);
			assertEquals(Math.max(0, b.coreX0() - 50), b.x0());
			assertEquals(Math.min(1000, b.coreX1() + 50), b.x0() + b.width());
			assertEquals(Math.min(700, b.coreY1() + 50), b.y0() + b.height());
			for (int y = b.coreY0(); y < b.coreY1(); y++)
				for (int x = b.coreX0(); x < b.coreX1(); x++) owner[y * 1000 + x]++;
		}
		for (int c : owner) assertEquals(1, c);
		assertEquals(1, MosaicBlocks.plan(300, 200, 400, 50).size());
	}

	/** A label image with one square of label l per {x, y, side} triple. */
	private static Instances squares(int w, int h, int[]... boxes) {
		int[] labels = new int[w * h];
		float[] conf = new float[boxes.length];
		for (int l = 1; l <= boxes.length; l++) {
			int[] b = boxes[l - 1];
			for (int y = b[1]; y < b[1] + b[2]; y++)
				for (int x = b[0]; x < b[0] + b[2]; x++) labels[y * w + x] = l;
			conf[l - 1] = 0.9f - 0.1f * l;
		}
		return new Instances(w, h, labels, conf, null);
	}

	@Test
	void aBlockKeepsTheInstancesItsCoreOwns() {
		// block 0 of a 40 x 20 image cut at x = 20 with a margin of 8: it covers x 0..27
		MosaicBlocks.Block b = MosaicBlocks.plan(40, 20, 20, 8).get(0);
		assertEquals(28, b.width());
		Instances inst = squares(28, 20, new int[] { 2, 2, 5 }, new int[] { 16, 5, 6 }, new int[] { 22, 10, 5 });
		List<MosaicBlocks.Piece> pieces = MosaicBlocks.owned(inst, b);
		// centroids x 4, 18.5 (owned) and 24 (the next block's)
		assertEquals(2, pieces.size());
		assertEquals(25, pieces.get(0).area());
		assertEquals(36, pieces.get(1).area());
		assertEquals(16, pieces.get(1).x0());
		assertTrue(pieces.get(1).covers(21, 10) && !pieces.get(1).covers(22, 10));
	}

	@Test
	void anObjectFoundByTwoBlocksIsStitchedOnceInAnyOrder() {
		List<MosaicBlocks.Block> plan = MosaicBlocks.plan(40, 20, 20, 8);
		// one object across the seam at x = 20 (x 17..22): the left block sees its centroid at 19.5, the right one,
		// which found it a little wider, at 20.0; each keeps it
		Instances left = squares(28, 20, new int[] { 17, 6, 6 }, new int[] { 2, 2, 4 });
		Instances right = squares(28, 20, new int[] { 17 - 12, 6, 7 }, new int[] { 30 - 12, 12, 4 });
		List<MosaicBlocks.Piece> pieces = new ArrayList<>(MosaicBlocks.owned(left, plan.get(0)));
		pieces.addAll(MosaicBlocks.owned(right, plan.get(1)));
		assertEquals(4, pieces.size());
		Instances a = MosaicBlocks.stitch(pieces, 40, 20);
		assertEquals(3, a.count());
		Collections.shuffle(pieces, new Random(3));
		Instances b = MosaicBlocks.stitch(pieces, 40, 20);
		assertArrayEquals(a.labels(), b.labels());
	}

	@Test
	void wholeImageNormalisationIsThatOfTheNormaliser() throws Exception {
		PercentileNormalizer n = new PercentileNormalizer(1, 99.8);
		float[] sample = ImagePlusSegmenter.plane(ImageFiles.open(Path.of("sample-images", "images", "IXMtest_A16_s2_5AF2.tif")), 1);
		float[] p = FixedNormalisation.parameters(n, sample);
		assertArrayEquals(n.normalize(sample), FixedNormalisation.apply(sample, p[0], p[1]));
		// larger than the exact-percentile limit: subsampled percentiles and noise
		Random r = new Random(5);
		float[] big = new float[1200 * 1000];
		for (int i = 0; i < big.length; i++) big[i] = (float) (100 + 20 * r.nextGaussian() + (i % 1200 > 600 ? 300 : 0));
		float[] q = FixedNormalisation.parameters(n, big);
		assertArrayEquals(n.normalize(big), FixedNormalisation.apply(big, q[0], q[1]));
	}

	@Test
	void badOptionsGiveOneSentence() {
		assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] { "in" })).getMessage().contains("--output"));
		assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] { "in", "--output", "o", "--block-size", "big" }))
				.getMessage().contains("--block-size"));
		assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] { "in", "--output", "o", "--block-size", "200", "--block-margin", "100" }))
				.getMessage().contains("--block-margin"));
		assertTrue(assertThrows(JobOptions.UsageException.class, () -> JobOptions.parse(new String[] { "in", "--output", "o", "--bogus", "1" })).getMessage().contains("--bogus"));
	}
}
