package sc.fiji.ris.infer;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.InstanceSizes;

/**
 * How large the objects of a plane are, when the user gave no object diameter: one decision per plane. The first
 * pass, at the model's size (on a window of the plane when it is larger than {@link #PROBE_PIXELS}), is measured by
 * its instances (at least {@link #DIAMETER_MIN_OBJECTS} of them, spots left out). If more than
 * {@link #piecesLimit(double)} of their outlines face another instance, objects larger than the model knows were cut
 * into pieces: one more pass assumes objects twice as large. Otherwise, if their median equivalent diameter is off
 * the model's by more than {@link #DIAMETER_TOLERANCE}, one more pass assumes the measured diameter. That pass never
 * assumes objects more than 4 times larger or 2 times smaller than the model's, and it is rejected, with a
 * {@link SegmentStats#warning}, when it finds more than {@link #COUNT_LIMIT} times the first pass's instances or
 * takes more than {@link #WORK_LIMIT} times its network's work (counted for the whole plane when a window was
 * measured): the model's size is kept.
 */
public final class SizePolicy {

	/** One pass over a plane at a scale (network pixels per image pixel); adds its timings and work to the stats. */
	interface Passes {
		PostProcessing.Pass run(float[] pixels, int width, int height, double scale, Progress progress, SegmentStats stats);
	}

	private final SegmenterSettings settings;

	SizePolicy(SegmenterSettings settings) {
		this.settings = settings;
	}

	/**
	 * The plane at the option's or model's size, or at the estimated size (sets the diameters and passes of
	 * {@code s}).
	 *
	 * @param given the first pass at the settings' scale when it is known already (null: it is run), and the steps
	 *        it took
	 */
	Instances segment(float[] pixels, int width, int height, Progress progress, SegmentStats s, Passes passes, Supplier<PostProcessing.Pass> given,
			long givenSteps) {
		double sc = settings.scale, modelDiameter = settings.modelDiameter;
		s.objectDiameter = modelDiameter / sc;
		s.scale = sc;
		// a large plane is measured on a window of it first, so that its size costs one pass over the plane
		boolean probing = settings.estimateDiameter && (double) width * height * sc * sc > PROBE_PIXELS;
		int[] window = probing ? probeWindow(pixels, width, height, (int) Math.ceil(PROBE_SIDE / sc)) : null;
		if (probing) progress.status("Measuring the objects' size on part of the image");
		PostProcessing.Pass first = probing ? passes.run(crop(pixels, width, window), window[2], window[3], sc, progress, s)
				: given != null ? given.get() : passes.run(pixels, width, height, sc, progress, s);
		Instances out = probing ? null : first.instances();
		if (!settings.estimateDiameter) return out;
		Instances objects = first.objects();
		double wanted = wantedScale(objects, s);
		// too few objects to tell, or of the model's size: the model's size
		if (Double.isNaN(wanted) || progress.isCancelled()) return probing ? passes.run(pixels, width, height, sc, progress, s).instances() : out;
		// what the first pass saw, for the whole plane when it saw a window of it
		double share = probing ? (double) width * height / ((double) window[2] * window[3]) : 1;
		long firstWork = given != null && !probing ? givenSteps : s.steps;
		double expectedCount = objects.count() * share, expectedWork = firstWork * share;
		progress.status(String.format(Locale.ROOT, "Segmenting again, for objects about %.0f pixels wide", modelDiameter / wanted));
		long before = s.steps;
		PostProcessing.Pass again = passes.run(pixels, width, height, wanted, progress, s);
		s.passes = 2;
		Instances againObjects = again.objects();
		long againWork = s.steps - before;
		String rejected = againObjects.count() > COUNT_LIMIT * Math.max(expectedCount, DIAMETER_MIN_OBJECTS)
				? String.format(Locale.ROOT, "%d instances against %.0f", againObjects.count(), expectedCount)
				: againWork > WORK_LIMIT * Math.max(expectedWork, 1) ? String.format(Locale.ROOT, "%.0f times the network's work", againWork / Math.max(expectedWork, 1)) : null;
		if (rejected != null) {
			s.warning = String.format(Locale.ROOT,
					"segmenting again for objects about %.0f px wide gave %s of the first pass, at the model's %.0f px: kept the model's size; give the object diameter if neither is right",
					modelDiameter / wanted, rejected, modelDiameter / sc);
			if (probing) {
				out = passes.run(pixels, width, height, sc, progress, s).instances();
				s.passes = 3;
			}
			return out;
		}
		s.measuredDiameter = medianDiameter(againObjects, 1);
		s.objectDiameter = modelDiameter / wanted;
		s.resized = true;
		s.scale = wanted;
		return again.instances();
	}

	/**
	 * The scale the measured objects ask for (sets {@link SegmentStats#measuredDiameter}), bounded; NaN when they
	 * are too few to tell or within the tolerance of the model's size.
	 */
	private double wantedScale(Instances objects, SegmentStats s) {
		double d = medianDiameter(objects, DIAMETER_MIN_OBJECTS);
		if (Double.isNaN(d)) return Double.NaN;
		s.measuredDiameter = d;
		double sc = settings.scale, base = settings.inputScale;
		boolean pieces = sharedOutline(objects) > settings.piecesLimit;
		double wanted = bounded(pieces ? sc / 2 : settings.modelDiameter / d, base);
		double change = Math.abs(Math.log(wanted / sc));
		return (!pieces && change <= Math.log(settings.diameterTolerance)) || change < 0.02 ? Double.NaN : wanted;
	}

	/** {@code scale} within the bounds of the estimate for a model that works at {@code inputScale}. */
	private static double bounded(double scale, double inputScale) {
		return Math.max(inputScale * MIN_SCALE, Math.min(inputScale * MAX_SCALE, scale));
	}

	/**
	 * Above this many network pixels, the object size is measured on a window of {@link #PROBE_SIDE} network pixels
	 * (the brightest of nine), not on a whole first pass: a 1388 x 1040 image of large nuclei then costs one
	 * pass at the size it needs, not a pass at the model's size on top.
	 */
	public static final double PROBE_PIXELS = 1024 * 1024;
	/** See {@link #PROBE_PIXELS}. */
	public static final int PROBE_SIDE = 512;

	/**
	 * The window {@code {x, y, w, h}} of at most {@code side} x {@code side} image pixels, among those at the corners,
	 * edge centres and centre of the image, with the highest mean intensity (the first of equals): where the objects
	 * are.
	 */
	static int[] probeWindow(float[] pixels, int width, int height, int side) {
		int w = Math.min(side, width), h = Math.min(side, height);
		int[] best = null;
		double bestMean = Double.NEGATIVE_INFINITY;
		for (int j = 0; j < 3; j++)
			for (int i = 0; i < 3; i++) {
				int x0 = (width - w) * i / 2, y0 = (height - h) * j / 2;
				double sum = 0;
				for (int y = y0; y < y0 + h; y++)
					for (int x = x0; x < x0 + w; x++) sum += pixels[y * width + x];
				double mean = sum / ((double) w * h);
				if (mean > bestMean) {
					bestMean = mean;
					best = new int[] { x0, y0, w, h };
				}
			}
		return best;
	}

	/** The pixels of {@code window} ({@code {x, y, w, h}}). */
	static float[] crop(float[] pixels, int width, int[] window) {
		float[] out = new float[window[2] * window[3]];
		for (int y = 0; y < window[3]; y++) System.arraycopy(pixels, (window[1] + y) * width + window[0], out, y * window[2], window[2]);
		return out;
	}

	/**
	 * Estimated diameters within this factor of the model's own are left alone: the network learnt objects over a
	 * range of sizes (scale augmentation), and a second pass costs time.
	 */
	public static final double DIAMETER_TOLERANCE = 1.5;
	/**
	 * Above this fraction of instance outlines facing another instance, objects were cut into pieces: the second pass
	 * assumes objects twice as large. Synthetic nuclei of the training size share 0.05-0.11 of their outlines,
	 * nuclei of twice that size cut into pieces 0.19-0.28.
	 */
	public static final double PIECES_LIMIT = 0.2;
	/**
	 * A model whose training objects shared a fraction S of their outlines ({@link ModelConfig#sharedOutline}) takes
	 * instances for pieces only above this many times S, where that is above {@link #PIECES_LIMIT}: objects as
	 * crowded as the ones it learnt are not pieces.
	 */
	public static final double CROWDED_FACTOR = 1.5;
	/**
	 * A second pass that finds more than this many times the first pass's instances (at least
	 * {@link #DIAMETER_MIN_OBJECTS}) is rejected: the size estimate ran away (objects cut into fragments).
	 */
	public static final double COUNT_LIMIT = 3;
	/**
	 * A second pass whose network runs more than this many times the first pass's steps (one step of the ConvLSTM
	 * over one tile: what its time is made of) is rejected. Counted rather than timed, so that the answer does not
	 * depend on the machine or its load.
	 */
	public static final double WORK_LIMIT = 24;

	/** The pieces limit for a model whose training objects shared {@code trainingShared} of their outlines. */
	public static double piecesLimit(double trainingShared) {
		return Math.max(PIECES_LIMIT, CROWDED_FACTOR * trainingShared);
	}
	/** Fewer instances than this do not tell the object diameter. */
	public static final int DIAMETER_MIN_OBJECTS = 5;
	/**
	 * The estimate assumes objects at most 4 times larger or 2 times smaller than the model's: shrinking costs less
	 * time, magnifying more (a pass at twice the scale is 4 times the pixels of one at the model's). Without the
	 * second limit, a 1388 x 1040 image of large nuclei that an older model took for pieces of 10-pixel ones was
	 * magnified 2.8 times, and its rejected pass took 220 s.
	 */
	private static final double MIN_SCALE = 0.25, MAX_SCALE = 2;

	/**
	 * The fraction of the instances' outlines (pixel edges between an instance and anything else) that face another
	 * instance rather than background; 0 without instances.
	 */
	public static double sharedOutline(Instances in) {
		long[] e = InstanceSizes.outlineEdges(in.labels(), in.width(), in.height());
		return InstanceSizes.sharedFraction(e[0], e[1]);
	}

	/**
	 * The median equivalent diameter ({@code sqrt(4 area / pi)}) of the instances, in pixels; NaN with fewer than
	 * {@code minObjects} instances.
	 */
	public static double medianDiameter(Instances in, int minObjects) {
		int n = in.count();
		if (n < Math.max(1, minObjects)) return Double.NaN;
		int[] area = new int[n + 1];
		for (int l : in.labels()) area[l]++;
		int[] a = Arrays.copyOfRange(area, 1, n + 1);
		Arrays.sort(a);
		double median = n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
		return Math.sqrt(4 * median / Math.PI);
	}
}
