package sc.fiji.ris.infer;

/**
 * The steps that follow the stitching, in order: with a foreground head, the fill and spots from the unclaimed
 * foreground ({@link ForegroundFill}) and the growth into it ({@link RimGrowth}); the merge of touching parts of one
 * convex nucleus ({@link FragmentMerging}); the filling of holes ({@link HoleFilling}); last, with a core head, the
 * cut at cores ({@link CoreSplit}). Stateless.
 */
final class PostProcessing {

	/**
	 * One pass's instances, and what the object-size estimate measures of them: the instances before the cut at cores
	 * (pieces of one object would share outlines as cut-up ones do) and without the pixels they grew into; its
	 * {@code spots} highest labels are spots.
	 */
	record Pass(Instances instances, Instances measured, int spots) {

		/** The instances the size estimate measures: {@link #measured} without its spots. */
		Instances objects() {
			return MeasuredInstances.withoutSpots(measured, spots);
		}

		/** The pass brought back to a plane of {@code width x height} pixels ({@link Resampling#instances}). */
		Pass scaledTo(int width, int height) {
			Instances in = Resampling.instances(instances, width, height);
			return new Pass(in, measured == instances ? in : Resampling.instances(measured, width, height), spots);
		}
	}

	private final SegmenterSettings settings;

	PostProcessing(SegmenterSettings settings) {
		this.settings = settings;
	}

	/**
	 * @param stitched the stitched instances
	 * @param foreground the plane's foreground probability, or null
	 * @param cores the plane's core probability, or null
	 */
	Pass apply(Instances stitched, float[] foreground, float[] cores, Thresholds t) {
		Instances out = stitched;
		int spots = 0;
		boolean[] grown = null;
		if (foreground != null && settings.fillArea > 0) {
			ForegroundFill.Result filled = ForegroundFill.apply(out, foreground, settings.fillArea, ForegroundFill.FILL_EROSIONS, settings.keepSoftMasks,
					t.spotMinArea(), t.spotMinForeground());
			spots = filled.spots();
			out = RimGrowth.apply(filled.instances(), foreground, settings.rimGrowth);
			grown = MeasuredInstances.addedPixels(filled.instances(), out);
		}
		Instances merged = FragmentMerging.merge(out, t.mergeSolidity());
		if (settings.fillHoles) merged = HoleFilling.apply(merged);
		return new Pass(CoreSplit.apply(merged, cores, t.coreThreshold(), t.coreMinArea()), MeasuredInstances.withoutPixels(merged, grown), spots);
	}
}
