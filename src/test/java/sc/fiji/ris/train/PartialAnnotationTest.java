package sc.fiji.ris.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.SyntheticNuclei;
import sc.fiji.ris.loss.RisLoss;
import sc.fiji.ris.model.PyTorchRuntime;

/**
 * Partial annotation inside a drawn region does not count the rest of the image as background. A synthetic image
 * whose nuclei are annotated only where they reach into its left half (the drawn region), as a user who corrected
 * that half would leave it: the training crops of that region are the same whether the right half's nuclei are
 * annotated or not (what lies outside never reaches training), crops that straddle the region's edge show nothing
 * outside it and have no weight there, and the loss does not change with what a prediction does outside. Without the
 * region, the same labels teach the unannotated nuclei as background, visible in the input and weighed in the loss.
 */
class PartialAnnotationTest {

	private static final int SIZE = 192, CROP = 96, HALF = SIZE / 2;

	private static LabeledImage full() {
		LabeledImage raw = SyntheticNuclei.builder().build().generate("half", SIZE, SIZE, 5);
		return new LabeledImage(raw.name(), SIZE, SIZE, PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels());
	}

	/** The labels a user who annotated only the left half leaves: the nuclei that reach into it, whole; no others. */
	private static LabeledImage halfAnnotated(LabeledImage full) {
		int[] l = full.labels();
		boolean[] reaches = new boolean[1 + java.util.Arrays.stream(l).max().orElse(0)];
		for (int i = 0; i < l.length; i++) if (i % SIZE < HALF) reaches[l[i]] = true;
		int[] kept = l.clone();
		for (int i = 0; i < kept.length; i++) if (!reaches[kept[i]]) kept[i] = 0;
		return new LabeledImage(full.name(), SIZE, SIZE, full.pixels(), kept);
	}

	private static boolean[] leftHalf() {
		return AnnotatedRegion.rectangle(SIZE, SIZE, 0, 0, HALF, SIZE);
	}

	/** Pixels of nuclei that lie wholly in the right half: the ones the user did not annotate. */
	private static int unannotatedNucleusPixels(LabeledImage full, LabeledImage half) {
		int n = 0;
		for (int i = 0; i < full.labels().length; i++) if (full.labels()[i] > 0 && half.labels()[i] == 0) n++;
		return n;
	}

	@Test
	void whatLiesOutsideTheRegionNeverReachesTheTrainingCrops() {
		LabeledImage full = full(), half = halfAnnotated(full);
		assertTrue(unannotatedNucleusPixels(full, half) > 1000, "the right half holds unannotated nuclei");
		LabeledImage partial = AnnotatedRegion.restrict(half, leftHalf());
		LabeledImage complete = AnnotatedRegion.restrict(full, leftHalf());
		CropSampler sampler = new CropSampler(CROP, Augmentation.DEFAULT, 16);
		int straddling = 0;
		for (long seed = 0; seed < 20; seed++) {
			LabeledImage a = CropMix.regionCrop(sampler, partial, AnnotatedRegion.annotatedPixels(partial), new SplittableRandom(seed));
			LabeledImage b = CropMix.regionCrop(sampler, complete, AnnotatedRegion.annotatedPixels(complete), new SplittableRandom(seed));
			assertArrayEquals(a.labels(), b.labels(), "crop " + seed + ": the same targets whether the right half is annotated or not");
			assertArrayEquals(a.pixels(), b.pixels(), "crop " + seed + ": the same input");
			int outside = 0, inside = 0;
			for (int i = 0; i < CROP * CROP; i++) {
				if (a.labels()[i] < 0) {
					outside++;
					assertEquals(0f, a.pixels()[i], "crop " + seed + ": nothing outside the region is shown");
				} else inside++;
			}
			assertTrue(inside > 0, "crop " + seed + " holds part of the region");
			if (outside > 0) straddling++;
		}
		assertTrue(straddling >= 5, "crops straddle the region's edge: " + straddling + " of 20");
	}

	@Test
	void theLossOfACropAcrossTheRegionsEdgeIgnoresWhatMasksCoverOutsideIt() {
		LabeledImage full = full(), half = halfAnnotated(full);
		LabeledImage partial = AnnotatedRegion.restrict(half, leftHalf());
		// a crop centred on the region's edge, halves inside and outside
		LabeledImage crop = new CropSampler(CROP, Augmentation.NONE, 16).crop(partial, HALF - CROP / 2, SIZE / 4);
		AnnotatedRegion.hide(crop);
		// the same crop as training on the labels without a region sees it: the unannotated nuclei are background there
		LabeledImage noRegion = new CropSampler(CROP, Augmentation.NONE, 16).crop(half, HALF - CROP / 2, SIZE / 4);
		int unannotatedShown = 0;
		for (int i = 0; i < CROP * CROP; i++) {
			int x = HALF - CROP / 2 + i % CROP, y = SIZE / 4 + i / CROP;
			if (full.labels()[y * SIZE + x] > 0 && half.labels()[y * SIZE + x] == 0 && noRegion.labels()[i] == 0 && noRegion.pixels()[i] > 0.3f) unannotatedShown++;
		}
		assertTrue(unannotatedShown > 100, "without the region, unannotated nuclei are in the input with label 0: " + unannotatedShown + " pixels");

		try (NDManager m = PyTorchRuntime.start(0).newBaseManager()) {
			for (LabeledImage target : List.of(crop, noRegion)) {
				NDList labels = TrainingStep.lossLabels(m, List.of(target), CROP);
				boolean region = target == crop;
				assertEquals(region ? 3 : 2, labels.size(), "region weights only for the partly annotated crop");
				int n = 0;
				for (int l : target.labels()) n = Math.max(n, l);
				int t = n + 2, px = CROP * CROP;
				// a prediction that finds each annotated instance exactly, and one that also covers the right half
				float[] exact = new float[t * px], spilled = new float[t * px];
				float[] fgExact = new float[px], fgSpilled = new float[px];
				for (int i = 0; i < px; i++) {
					int l = target.labels()[i];
					if (l > 0) exact[(l - 1) * px + i] = spilled[(l - 1) * px + i] = 1;
					fgExact[i] = fgSpilled[i] = l > 0 ? 8 : -8;
					if (i % CROP >= CROP / 2) {
						spilled[i] = 1; // step 1 also covers what lies right of the edge
						fgSpilled[i] = 8;
					}
				}
				float[] logits = new float[t];
				for (int s = 0; s < t; s++) logits[s] = s < n ? 8 : -8;
				RisLoss loss = new RisLoss(1f);
				float a = loss.evaluate(labels, prediction(m, exact, logits, fgExact, t)).getFloat();
				float b = loss.evaluate(labels, prediction(m, spilled, logits, fgSpilled, t)).getFloat();
				if (region) assertEquals(a, b, 1e-6, "inside the region the two predictions agree: outside it nothing is taught");
				else assertTrue(b > a + 0.01, "without the region, covering the right half is punished as covering background: " + a + " vs " + b);
			}
		}
	}

	private static NDList prediction(NDManager m, float[] masks, float[] logits, float[] foreground, int t) {
		return new NDList(m.create(masks, new Shape(1, t, CROP, CROP)), m.create(logits, new Shape(1, t)), m.create(foreground, new Shape(1, 1, CROP, CROP)));
	}
}
