package sc.fiji.ris.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Tests of {@link SyntheticNuclei}. */
class SyntheticNucleiTest {

	private static final int W = 696;
	private static final int H = 520;

	static int maxLabel(int[] labels) {
		int n = 0;
		for (int v : labels) n = Math.max(n, v);
		return n;
	}

	/** Number of 4-connected components of each label, index = label. */
	static int[] componentsPerLabel(int[] labels, int w, int h) {
		int[] count = new int[maxLabel(labels) + 1];
		boolean[] seen = new boolean[labels.length];
		int[] stack = new int[labels.length];
		for (int s = 0; s < labels.length; s++) {
			if (labels[s] == 0 || seen[s]) continue;
			int lab = labels[s];
			count[lab]++;
			int top = 0;
			stack[top++] = s;
			seen[s] = true;
			while (top > 0) {
				int p = stack[--top];
				int x = p % w;
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p - w, p + w };
				for (int q : nb) {
					if (q < 0 || q >= labels.length || seen[q] || labels[q] != lab) continue;
					seen[q] = true;
					stack[top++] = q;
				}
			}
		}
		return count;
	}

	static int touchingPairs(int[] labels, int w, int h) {
		java.util.Set<Long> pairs = new java.util.HashSet<>();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int a = labels[y * w + x];
				if (a == 0) continue;
				int[] nb = { x + 1 < w ? labels[y * w + x + 1] : 0, y + 1 < h ? labels[(y + 1) * w + x] : 0 };
				for (int b : nb) if (b != 0 && b != a) pairs.add((long) Math.min(a, b) << 32 | Math.max(a, b));
			}
		}
		return pairs.size();
	}

	@Test
	void sameSeedSameImageDifferentSeedDifferentImage() {
		LabeledImage a = SyntheticNuclei.DEFAULT.generate("a", 200, 150, 7);
		LabeledImage b = SyntheticNuclei.DEFAULT.generate("b", 200, 150, 7);
		LabeledImage c = SyntheticNuclei.DEFAULT.generate("c", 200, 150, 8);
		assertArrayEquals(a.pixels(), b.pixels());
		assertArrayEquals(a.labels(), b.labels());
		assertFalse(Arrays.equals(a.pixels(), c.pixels()));
		assertFalse(Arrays.equals(a.labels(), c.labels()));
		assertEquals("b", b.name());
		assertEquals(200, b.width());
		assertEquals(150, b.height());
	}

	@Test
	void labelsAreConsecutiveConnectedAndLargeEnough() {
		for (long seed = 0; seed < 3; seed++) {
			LabeledImage img = SyntheticNuclei.DEFAULT.generate("s", W, H, seed);
			int[] labels = img.labels();
			int n = maxLabel(labels);
			int[] area = new int[n + 1];
			for (int v : labels) {
				assertTrue(v >= 0);
				area[v]++;
			}
			for (int l = 1; l <= n; l++) assertTrue(area[l] >= 30, "label " + l + " has area " + area[l]);
			int[] comps = componentsPerLabel(labels, W, H);
			for (int l = 1; l <= n; l++) assertEquals(1, comps[l], "label " + l + " must be one 4-connected piece");
		}
	}

	@Test
	void defaultImageHasTouchingNuclei() {
		LabeledImage img = SyntheticNuclei.DEFAULT.generate("t", W, H, 1);
		assertTrue(touchingPairs(img.labels(), W, H) >= 5, "expected several touching pairs");
		LabeledImage none = SyntheticNuclei.builder().clusterFraction(0).build().generate("t", W, H, 1);
		assertTrue(touchingPairs(none.labels(), W, H) < touchingPairs(img.labels(), W, H));
	}

	@Test
	void countAndSizeResembleBbbc039() {
		int total = 0;
		long areaSum = 0;
		for (long seed = 10; seed < 14; seed++) {
			int[] labels = SyntheticNuclei.DEFAULT.generate("s", W, H, seed).labels();
			int n = maxLabel(labels);
			assertTrue(n >= 60 && n <= 180, "nuclei per field: " + n);
			total += n;
			for (int v : labels) if (v > 0) areaSum++;
		}
		double meanCount = total / 4.0;
		double meanArea = areaSum / (double) total;
		assertTrue(meanCount >= 90 && meanCount <= 150, "mean count " + meanCount);
		assertTrue(meanArea >= 400 && meanArea <= 800, "mean area " + meanArea);
	}

	@Test
	void nucleiAreBrighterThanBackgroundAndValuesAre12Bit() {
		LabeledImage img = SyntheticNuclei.DEFAULT.generate("s", W, H, 3);
		double in = 0, out = 0;
		int nIn = 0, nOut = 0;
		for (int i = 0; i < img.pixels().length; i++) {
			float v = img.pixels()[i];
			assertTrue(v >= 0 && v <= 4095 && v == Math.rint(v), "12-bit integer values");
			if (img.labels()[i] > 0) {
				in += v;
				nIn++;
			} else {
				out += v;
				nOut++;
			}
		}
		assertTrue(in / nIn > 2 * (out / nOut), "nuclei " + in / nIn + " vs background " + out / nOut);
	}

	@Test
	void fixedCountAndSmallImages() {
		assertEquals(0, maxLabel(SyntheticNuclei.builder().count(0, 0).build().generate("e", 64, 64, 1).labels()));
		int n = maxLabel(SyntheticNuclei.builder().count(5, 5).clusterFraction(0).build().generate("f", 300, 300, 2).labels());
		assertTrue(n >= 1 && n <= 5, "at most the requested count: " + n);
		LabeledImage tiny = SyntheticNuclei.DEFAULT.generate("t", 1, 1, 1);
		assertEquals(1, tiny.pixels().length);
	}

	@Test
	void builderValidates() {
		assertThrows(IllegalArgumentException.class, () -> SyntheticNuclei.builder().diameter(30, 20));
		assertThrows(IllegalArgumentException.class, () -> SyntheticNuclei.builder().count(3, 2));
		assertThrows(IllegalArgumentException.class, () -> SyntheticNuclei.builder().clusterFraction(1.5));
		assertThrows(IllegalArgumentException.class, () -> SyntheticNuclei.builder().gain(Double.NaN));
		assertThrows(IllegalArgumentException.class, () -> SyntheticNuclei.DEFAULT.generate("x", 0, 5, 1));
		SyntheticNuclei custom = SyntheticNuclei.builder().diameter(10, 12).build();
		assertEquals(custom.toString(), custom.toBuilder().build().toString());
	}
}
