package sc.fiji.ris.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.InstanceSizes;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.data.SyntheticNuclei;

/**
 * The mix of training crops a batch is drawn from: random crops of the training images (an equal share from each set,
 * see {@link SetDraw}), synthetic nuclei for a fraction of them, crops placed around small objects or the seams of
 * touching ones where the options ask for it, and crops of partly annotated images placed around their annotated
 * pixels (with the rest blanked). With a context margin the crops are drawn larger and only their centres are targets.
 */
final class CropMix {

	/** Objects below this fraction of the training objects' median area are small ({@link TrainingOptions#smallObjectCrops}). */
	static final double SMALL_OBJECT_FRACTION = 0.25;

	private final TrainingOptions options;
	private final List<LabeledImage> train;
	private final int crop, margin;
	private final CropSampler sampler, centre;
	private final List<LabeledImage> synthetic;
	/** The annotated pixels of each partly annotated training image (null: annotated everywhere). */
	private final int[][] annotated;
	private final boolean partial;
	private final SetDraw draw;
	private final List<int[]> small, touching;

	CropMix(List<LabeledImage> train, TrainingOptions options, int margin, Progress progress) {
		this.options = options;
		this.train = train;
		this.crop = options.crop;
		this.margin = margin;
		sampler = new CropSampler(crop + 2 * margin, Augmentation.DEFAULT, margin > 0 ? 0 : options.minInstanceArea, options.scaleAugmentation);
		centre = new CropSampler(crop, Augmentation.NONE, options.minInstanceArea);
		synthetic = syntheticPool(options, crop + 2 * margin);
		annotated = new int[train.size()][];
		boolean anyPartial = false;
		for (int i = 0; i < train.size(); i++)
			if (AnnotatedRegion.isPartial(train.get(i))) {
				annotated[i] = AnnotatedRegion.annotatedPixels(train.get(i));
				anyPartial = true;
			}
		partial = anyPartial;
		draw = new SetDraw(train.size(), options.imageSets);
		small = options.smallObjectCrops > 0 ? InstanceSizes.smallObjects(train, SMALL_OBJECT_FRACTION) : List.of();
		if (options.smallObjectCrops > 0)
			progress.status(small.isEmpty() ? "The training labels hold no small objects: every crop is drawn at random."
					: small.size() + " small objects in the training labels; " + Math.round(100 * options.smallObjectCrops) + "% of the crops are placed around one of them.");
		touching = options.touchingCrops > 0 ? InstanceSizes.touchingPairs(train) : List.of();
		if (options.touchingCrops > 0)
			progress.status(touching.isEmpty() ? "No two objects touch in the training labels: no crop is placed around a seam."
					: touching.size() + " pairs of touching objects in the training labels; " + Math.round(100 * options.touchingCrops) + "% of the crops are placed around one of their seams.");
	}

	/** The next batch of {@link TrainingOptions#batch} windows. */
	Windows next(SplittableRandom rnd) {
		List<LabeledImage> batch = new ArrayList<>(options.batch);
		for (int b = 0; b < options.batch; b++) {
			boolean syn = !synthetic.isEmpty() && rnd.nextDouble() < options.syntheticFraction;
			int index = syn ? -1 : draw.next(rnd);
			LabeledImage src = syn ? synthetic.get(rnd.nextInt(synthetic.size())) : train.get(index);
			// the object lies a quarter of the drawn crop in: inside the target window for context margins up to 48
			// (no draw without such crops, so that older recipes keep their random stream)
			double r = !syn && (!small.isEmpty() || !touching.isEmpty()) ? rnd.nextDouble() : 1;
			if (!small.isEmpty() && r < options.smallObjectCrops) {
				int[] o = small.get(rnd.nextInt(small.size()));
				batch.add(sampler.sampleAround(train.get(o[0]), o[1], o[2], rnd));
			} else if (!touching.isEmpty() && r >= options.smallObjectCrops && r < options.smallObjectCrops + options.touchingCrops) {
				int[] o = touching.get(rnd.nextInt(touching.size()));
				batch.add(sampler.sampleAround(train.get(o[0]), o[1], o[2], rnd));
			} else if (index >= 0 && annotated[index] != null) batch.add(regionCrop(sampler, src, annotated[index], rnd));
			else batch.add(sampler.sampleWithContext(src, margin, rnd));
		}
		if (partial) for (LabeledImage c : batch) AnnotatedRegion.hide(c);
		return margin > 0 ? Windows.random(batch, centre, margin, rnd) : Windows.of(batch, 0, crop);
	}

	/**
	 * A training crop of a partly annotated image, placed around one of its annotated pixels (drawn uniformly), so
	 * that every crop holds part of the annotated region; its pixels that are not annotated are blanked.
	 *
	 * @param annotated the annotated pixels of {@code source} ({@link AnnotatedRegion#annotatedPixels})
	 */
	static LabeledImage regionCrop(CropSampler sampler, LabeledImage source, int[] annotated, SplittableRandom rnd) {
		int p = annotated[rnd.nextInt(annotated.length)];
		LabeledImage crop = sampler.sampleAround(source, p % source.width(), p / source.width(), rnd);
		AnnotatedRegion.hide(crop);
		return crop;
	}

	private static List<LabeledImage> syntheticPool(TrainingOptions options, int crop) {
		List<LabeledImage> pool = new ArrayList<>();
		if (options.syntheticFraction <= 0) return pool;
		SyntheticNuclei generator = SyntheticNuclei.builder().build();
		int size = Math.max(256, crop);
		for (int i = 0; i < 64; i++) {
			LabeledImage raw = generator.generate("synthetic-" + i, size, size, options.seed * 1000 + i);
			pool.add(new LabeledImage(raw.name(), size, size, PercentileNormalizer.DEFAULT.normalize(raw.pixels()), raw.labels()));
		}
		return pool;
	}
}
