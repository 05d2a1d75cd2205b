package sc.fiji.ris.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Tests of {@link CropSampler} and {@link Augmentation}. */
class CropSamplerTest {

	private static void assertConsecutive(int[] labels) {
		int n = SyntheticNucleiTest.maxLabel(labels);
		boolean[] present = new boolean[n + 1];
		for (int v : labels) {
			assertTrue(v >= 0);
			present[v] = true;
		}
		for (int l = 1; l <= n; l++) assertTrue(present[l], "label " + l + " missing of 1.." + n);
	}

	private static LabeledImage normalizedSynthetic(long seed) {
		return PercentileNormalizer.DEFAULT.normalize(SyntheticNuclei.DEFAULT.generate("s", 300, 260, seed));
	}

	@Test
	void sampleHasCropSizeConsecutiveLabelsAndMinArea() {
		CropSampler sampler = new CropSampler(96, Augmentation.DEFAULT, 25);
		SplittableRandom rnd = new SplittableRandom(1);
		LabeledImage src = normalizedSynthetic(1);
		for (int i = 0; i < 20; i++) {
			LabeledImage c = sampler.sample(src, rnd);
			assertEquals(96, c.width());
			assertEquals(96, c.height());
			assertConsecutive(c.labels());
			int[] area = new int[SyntheticNucleiTest.maxLabel(c.labels()) + 1];
			for (int v : c.labels()) area[v]++;
			for (int l = 1; l < area.length; l++) assertTrue(area[l] >= 25, "area " + area[l]);
		}
	}

	@Test
	void sameRandomStateSameCrop() {
		CropSampler sampler = new CropSampler(64, Augmentation.DEFAULT, 10);
		LabeledImage src = normalizedSynthetic(2);
		LabeledImage a = sampler.sample(src, new SplittableRandom(9));
		LabeledImage b = sampler.sample(src, new SplittableRandom(9));
		assertArrayEquals(a.pixels(), b.pixels());
		assertArrayEquals(a.labels(), b.labels());
	}

	@Test
	void minAreaRemovesSliversAndRelabelsCutNuclei() {
		// 10x6 source: label 7 is a 4x4 block cut by the crop, label 3 a 2-pixel sliver, label 9 a 1x3 bar.
		int w = 10, h = 6;
		int[] lab = new int[w * h];
		float[] pix = new float[w * h];
		for (int y = 0; y < 4; y++) for (int x = 4; x < 8; x++) lab[y * w + x] = 7;
		lab[5 * w + 0] = 3;
		lab[5 * w + 1] = 3;
		for (int x = 1; x < 4; x++) lab[1 * w + x] = 9;
		for (int i = 0; i < pix.length; i++) pix[i] = i;
		LabeledImage src = new LabeledImage("hand", w, h, pix, lab);
		// Crop 6x6 at x0 = 0: label 9 (3 px), label 7 cut to 2 columns (8 px), label 3 (2 px).
		LabeledImage c = new CropSampler(6, Augmentation.NONE, 3).crop(src, 0, 0);
		int[] l = c.labels();
		// Raster order of first appearance: label 7 at (4,0) comes first, then 9 at (1,1); 3 is below 3 px.
		assertEquals(1, l[0 * 6 + 4]);
		assertEquals(1, l[3 * 6 + 5]);
		assertEquals(2, l[1 * 6 + 1]);
		assertEquals(0, l[5 * 6 + 0], "sliver under the minimum area becomes background");
		assertEquals(pix[5 * w + 0], c.pixels()[5 * 6 + 0], "its intensity is kept");
		assertEquals(2, SyntheticNucleiTest.maxLabel(l));
		int area1 = 0;
		for (int v : l) if (v == 1) area1++;
		assertEquals(8, area1, "the cut nucleus keeps its inside part");
		assertEquals(3, SyntheticNucleiTest.maxLabel(new CropSampler(6, Augmentation.NONE, 0).crop(src, 0, 0).labels()));
	}

	@Test
	void padsSmallSourceByReflectionWithBackgroundLabels() {
		int w = 10, h = 6;
		float[] pix = new float[w * h];
		int[] lab = new int[w * h];
		for (int i = 0; i < pix.length; i++) {
			pix[i] = i;
			lab[i] = 1 + (i % w) / 5; // two instances: left and right half
		}
		LabeledImage src = new LabeledImage("small", w, h, pix, lab);
		CropSampler sampler = new CropSampler(16, Augmentation.NONE, 0);
		LabeledImage c = sampler.crop(src, -3, -2);
		assertEquals(16, c.width());
		for (int y = 0; y < 16; y++) {
			for (int x = 0; x < 16; x++) {
				int sx = x - 3, sy = y - 2;
				int rx = CropSampler.reflect(sx, w), ry = CropSampler.reflect(sy, h);
				assertEquals(pix[ry * w + rx], c.pixels()[y * 16 + x], "reflected intensity at " + x + "," + y);
				boolean inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
				assertEquals(inside, c.labels()[y * 16 + x] != 0, "label only inside the source at " + x + "," + y);
			}
		}
		assertEquals(2, CropSampler.reflect(-2, 10));
		assertEquals(7, CropSampler.reflect(11, 10));
		assertEquals(0, CropSampler.reflect(5, 1));
		// Random crops of the small source hold every source pixel's label exactly once.
		SplittableRandom rnd = new SplittableRandom(4);
		for (int i = 0; i < 10; i++) {
			LabeledImage s = new CropSampler(16, Augmentation.DEFAULT, 0).sample(src, rnd);
			int labelled = 0;
			for (int v : s.labels()) if (v != 0) labelled++;
			assertEquals(w * h, labelled);
			assertConsecutive(s.labels());
			assertEquals(2, SyntheticNucleiTest.maxLabel(s.labels()));
		}
		LabeledImage centred = sampler.centerCrop(src);
		// Centred: origin (floor((10-16)/2), floor((6-16)/2)) = (-3, -5), so source (0, 0) lands at (3, 5).
		assertEquals(1, centred.labels()[5 * 16 + 3]);
		assertEquals(0, centred.labels()[4 * 16 + 3]);
		assertEquals(0, centred.labels()[5 * 16 + 2]);
		assertEquals(2, centred.labels()[10 * 16 + 12], "source (9, 5), right half");
		assertEquals(0, centred.labels()[11 * 16 + 12]);
	}

	@Test
	void geometryIsAppliedIdenticallyToPixelsAndLabels() {
		// Pixels equal to the source label: after any flip/rotation each output label must see one pixel value.
		LabeledImage syn = SyntheticNuclei.DEFAULT.generate("g", 200, 180, 5);
		float[] pix = new float[syn.labels().length];
		for (int i = 0; i < pix.length; i++) pix[i] = syn.labels()[i];
		LabeledImage src = new LabeledImage("g", 200, 180, pix, syn.labels());
		CropSampler sampler = new CropSampler(80, Augmentation.NONE.withFlips(true).withRotations(true), 0);
		SplittableRandom rnd = new SplittableRandom(6);
		for (int t = 0; t < 20; t++) {
			LabeledImage c = sampler.sample(src, rnd);
			Map<Integer, Float> seen = new HashMap<>();
			for (int i = 0; i < c.pixels().length; i++) {
				int l = c.labels()[i];
				float v = c.pixels()[i];
				assertEquals(l == 0, v == 0, "background pixels and labels coincide");
				Float prev = seen.putIfAbsent(l, v);
				if (prev != null) assertEquals(prev, v, "one source instance per output label");
			}
		}
	}

	@Test
	void augmentedLabelsStillSitOnBrightPixels() {
		CropSampler sampler = new CropSampler(128, Augmentation.DEFAULT, 20);
		SplittableRandom rnd = new SplittableRandom(8);
		LabeledImage src = normalizedSynthetic(3);
		for (int t = 0; t < 10; t++) {
			LabeledImage c = sampler.sample(src, rnd);
			double in = 0, out = 0;
			int nIn = 0, nOut = 0;
			for (int i = 0; i < c.pixels().length; i++) {
				if (c.labels()[i] > 0) {
					in += c.pixels()[i];
					nIn++;
				} else {
					out += c.pixels()[i];
					nOut++;
				}
			}
			if (nIn < 200 || nOut < 200) continue;
			assertTrue(in / nIn > out / nOut + 0.2, "inside " + in / nIn + " outside " + out / nOut);
		}
	}

	@Test
	void augmentationProducesAllEightSymmetriesOfASquare() {
		// 3x3 image with distinct values; the 8 flips/rotations give 8 distinct arrays.
		float[] p = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
		int[] l = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
		LabeledImage img = new LabeledImage("sq", 3, 3, p, l);
		Augmentation geo = Augmentation.NONE.withFlips(true).withRotations(true);
		SplittableRandom rnd = new SplittableRandom(2);
		java.util.Set<String> outputs = new java.util.HashSet<>();
		for (int t = 0; t < 200; t++) {
			LabeledImage o = geo.apply(img, rnd);
			for (int i = 0; i < 9; i++) assertEquals(o.pixels()[i] + 1, o.labels()[i], 1e-6);
			// Corners stay corners and the centre stays put.
			assertEquals(4f, o.pixels()[4]);
			outputs.add(java.util.Arrays.toString(o.pixels()));
		}
		assertEquals(8, outputs.size());
		assertTrue(outputs.contains("[6.0, 3.0, 0.0, 7.0, 4.0, 1.0, 8.0, 5.0, 2.0]"), "a 90-degree rotation");
		// A non-square image only gets flips and half turns, and keeps its shape.
		LabeledImage rect = new LabeledImage("r", 3, 2, new float[] { 0, 1, 2, 3, 4, 5 }, null);
		for (int t = 0; t < 20; t++) assertEquals(3, geo.apply(rect, rnd).width());
	}

	@Test
	void intensityAugmentationIsFiniteAndNoneIsIdentity() {
		float[] p = new float[400];
		SplittableRandom r = new SplittableRandom(3);
		for (int i = 0; i < p.length; i++) p[i] = (float) (r.nextDouble() * 1.4 - 0.2);
		LabeledImage img = new LabeledImage("i", 20, 20, p, null);
		assertArrayEquals(p, Augmentation.NONE.apply(img, r).pixels());
		Augmentation strong = Augmentation.DEFAULT.withGamma(1).withIntensityScale(1).withNoiseSigma(0.2);
		for (int t = 0; t < 20; t++) for (float v : strong.apply(img, r).pixels()) assertTrue(Float.isFinite(v));
		// Gamma keeps the order of intensities, negatives included.
		LabeledImage ordered = new LabeledImage("o", 5, 1, new float[] { -0.5f, -0.1f, 0, 0.3f, 1.2f }, null);
		float[] g = Augmentation.NONE.withGamma(0.3).withIntensityScale(0.3).apply(ordered, r).pixels();
		for (int i = 1; i < g.length; i++) assertTrue(g[i] > g[i - 1], java.util.Arrays.toString(g));
		assertThrows(IllegalArgumentException.class, () -> Augmentation.DEFAULT.withNoiseSigma(-1));
		assertThrows(IllegalArgumentException.class, () -> new CropSampler(0, Augmentation.NONE, 0));
		assertThrows(IllegalArgumentException.class, () -> new CropSampler(8, Augmentation.NONE, -1));
	}

	/** A disk of radius r at (cx, cy), label 1, intensity 1, on a w x h background of 0. */
	private static LabeledImage disk(int w, int h, int cx, int cy, int r) {
		float[] px = new float[w * h];
		int[] lb = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) { px[y * w + x] = 1; lb[y * w + x] = 1; }
		return new LabeledImage("disk", w, h, px, lb);
	}

	@Test
	void resamplingMagnifiesPixelsAndLabelsTogether() {
		LabeledImage src = disk(100, 100, 50, 50, 10);
		CropSampler sampler = new CropSampler(64, Augmentation.NONE, 0, 2);
		// a 32 x 32 window around the disk, magnified twice
		LabeledImage big = sampler.resampled(src, 34, 34, 32);
		int area = 0;
		for (int i = 0; i < big.labels().length; i++) {
			int l = big.labels()[i];
			assertTrue(l == 0 || l == 1);
			if (l == 1) { area++; assertTrue(big.pixels()[i] > 0.2f, "labels sit on the magnified disk"); }
		}
		assertEquals(4 * Math.PI * 100, area, 0.1 * 4 * Math.PI * 100, "area four times the disk's");
		// a 128 x 128 window (reflection outside the source, label 0 there), shrunk by half
		LabeledImage small = sampler.resampled(src, -14, -14, 128);
		int smallArea = 0;
		for (int l : small.labels()) if (l == 1) smallArea++;
		assertEquals(Math.PI * 100 / 4, smallArea, 0.25 * Math.PI * 100 / 4, "a quarter of the area");
		assertEquals(1f, small.pixels()[32 * 64 + 32], 1e-3f, "the disk's centre");
	}

	@Test
	void scaleAugmentationDrawsSizesOnBothSidesAndRefusesBadFactors() {
		LabeledImage src = disk(200, 200, 100, 100, 12);
		CropSampler sampler = new CropSampler(96, Augmentation.NONE, 0, 1.5);
		SplittableRandom rnd = new SplittableRandom(5);
		int min = Integer.MAX_VALUE, max = 0;
		for (int t = 0; t < 400; t++) {
			LabeledImage c = sampler.sample(src, rnd);
			int area = 0;
			boolean touchesBorder = false;
			for (int i = 0; i < c.labels().length; i++)
				if (c.labels()[i] == 1) {
					area++;
					int x = i % 96, y = i / 96;
					touchesBorder |= x == 0 || y == 0 || x == 95 || y == 95;
				}
			if (area == 0 || touchesBorder) continue;
			min = Math.min(min, area);
			max = Math.max(max, area);
		}
		double a = Math.PI * 144;
		assertTrue(min < a / 1.5 && min > a / 1.5 / 1.5 / 1.2, "smallest whole disk " + min + " against " + a);
		assertTrue(max > a * 1.5 && max < a * 1.5 * 1.5 * 1.2, "largest whole disk " + max + " against " + a);
		assertThrows(IllegalArgumentException.class, () -> new CropSampler(8, Augmentation.NONE, 0, 0.9));
		assertThrows(IllegalArgumentException.class, () -> new CropSampler(8, Augmentation.NONE, 0, 5));
	}

	@Test
	void cropsAroundAPixelHoldItAQuarterInWhereTheSourceAllows() {
		// pixel values encode their position, so a crop's first pixel gives its origin
		int w = 200, h = 150;
		float[] px = new float[w * h];
		for (int i = 0; i < px.length; i++) px[i] = i;
		LabeledImage src = new LabeledImage("pos", w, h, px, new int[w * h]);
		CropSampler sampler = new CropSampler(64, Augmentation.NONE, 0);
		SplittableRandom rnd = new SplittableRandom(6);
		int[][] points = { { 100, 75 }, { 3, 4 }, { 199, 149 }, { 30, 140 } };
		for (int[] p : points) {
			java.util.Set<Integer> origins = new java.util.HashSet<>();
			for (int t = 0; t < 200; t++) {
				LabeledImage c = sampler.sampleAround(src, p[0], p[1], rnd);
				int x0 = (int) c.pixels()[0] % w, y0 = (int) c.pixels()[0] / w;
				origins.add(y0 * w + x0);
				assertTrue(x0 >= 0 && y0 >= 0 && x0 + 64 <= w && y0 + 64 <= h, "the crop lies inside the source");
				assertEquals(p[1] * w + p[0], (int) c.pixels()[(p[1] - y0) * 64 + p[0] - x0], "the crop holds the pixel");
				// a quarter (16 pixels) in from each side, unless the source's edge is nearer
				assertTrue(p[0] - x0 >= Math.min(16, p[0]) && x0 + 63 - p[0] >= Math.min(16, w - 1 - p[0]), "x " + x0 + " for " + p[0]);
				assertTrue(p[1] - y0 >= Math.min(16, p[1]) && y0 + 63 - p[1] >= Math.min(16, h - 1 - p[1]), "y " + y0 + " for " + p[1]);
			}
			if (p[0] == 100) assertTrue(origins.size() > 100, "the placement is random: " + origins.size() + " origins");
		}
		// with scale augmentation the magnified crop still holds the object
		LabeledImage disk = disk(200, 200, 150, 40, 3);
		CropSampler scaled = new CropSampler(64, Augmentation.DEFAULT, 0, 2);
		for (int t = 0; t < 50; t++) {
			int area = 0;
			for (int l : scaled.sampleAround(disk, 150, 40, rnd).labels()) area += l > 0 ? 1 : 0;
			assertTrue(area > 0, "the object is in the crop");
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler.sampleAround(src, 200, 10, rnd));
		assertTrue(e.getMessage().contains("outside"), e.getMessage());
	}

	@Test
	void contextCropsAreSampleCropsOnLargeSourcesAndBlankOutsideSmallOnes() {
		CropSampler outer = new CropSampler(64, Augmentation.DEFAULT, 0);
		LabeledImage src = normalizedSynthetic(3);
		// a source holding the whole crop: exactly what sample() draws from the same random stream
		for (long seed = 0; seed < 5; seed++) {
			LabeledImage a = outer.sampleWithContext(src, 16, new SplittableRandom(seed));
			LabeledImage b = outer.sample(src, new SplittableRandom(seed));
			assertArrayEquals(b.pixels(), a.pixels());
			assertArrayEquals(b.labels(), a.labels());
		}
		// a 40 x 50 source: the central 32 x 32 window lies inside it, the margin outside it is blank
		int w = 40, h = 50;
		float[] px = new float[w * h];
		int[] lab = new int[w * h];
		for (int i = 0; i < px.length; i++) {
			px[i] = 1 + i;
			lab[i] = 1;
		}
		LabeledImage small = new LabeledImage("small", w, h, px, lab);
		CropSampler plain = new CropSampler(64, Augmentation.NONE, 0);
		SplittableRandom rnd = new SplittableRandom(4);
		for (int k = 0; k < 20; k++) {
			LabeledImage c = plain.sampleWithContext(small, 16, rnd);
			int inWindow = 0;
			for (int y = 0; y < 64; y++)
				for (int x = 0; x < 64; x++) {
					boolean window = x >= 16 && x < 48 && y >= 16 && y < 48;
					float v = c.pixels()[y * 64 + x];
					if (window) {
						assertTrue(v > 0, "the window holds the source at (" + x + ", " + y + ")");
						assertEquals(1, c.labels()[y * 64 + x]);
						inWindow++;
					} else if (v == 0) assertEquals(0, c.labels()[y * 64 + x], "blank margin has no label");
				}
			assertEquals(32 * 32, inWindow);
		}
		// a fixed crop with context reaching past the source: blank there, the source elsewhere
		LabeledImage f = plain.cropWithContext(small, -16, -16, 16);
		assertEquals(0f, f.pixels()[0]);
		assertEquals(px[0], f.pixels()[16 * 64 + 16]);
		assertEquals(px[w + 1], f.pixels()[17 * 64 + 17]);
		assertArrayEquals(plain.crop(src, 10, 20).pixels(), plain.cropWithContext(src, 10, 20, 16).pixels(), "inside the source: a plain crop");
		assertThrows(IllegalArgumentException.class, () -> plain.sampleWithContext(small, 32, new SplittableRandom(1)));
	}
}
