package sc.fiji.ris.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.imglib2.Cursor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.RealType;
import net.imglib2.view.Views;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.InstanceSizes;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/**
 * Segments one 2D plane of any size: normalise, cut into overlapping tiles of the model's size, decode all tiles of
 * a batch together step by step ({@link TileDecoder}), paint each tile's instances ({@link InstancePainter}) and
 * stitch them into one label image.
 *
 * <p>Stitching: each tile <em>owns</em> the part of the image nearer to its centre than to any other tile's (the
 * tiles' owned regions partition the image). With an overlap of at least the largest object, an object lies whole
 * inside the tile that owns its centroid, away from its border. Instances are painted in three tiers, each in order
 * of confidence: (0) whole instances whose centroid lies in their tile's owned region; (1) whole instances another
 * tile owns, which stand in for objects their owner missed (on the 50 BBBC039 val images these add about one nucleus
 * per image); (2) owned instances that touch an edge of their tile inside the image, for objects larger than the
 * overlap. An instance whose pixels are already more than half taken by a single earlier instance is a duplicate and
 * is dropped; one of tier 1 or 2 is also dropped if more than {@link #FALLBACK_OVERLAP} of its pixels are taken.
 * Otherwise it takes the free pixels. Each instance finally keeps its largest 4-connected piece if that reaches the
 * minimum area. With a foreground head, pieces of confident foreground that no instance took and that are at least
 * half a typical nucleus in size and not thin become instances too ({@link Options#fillFromForeground}): nuclei that
 * every tile missed; then the instances grow into the unclaimed foreground around them, by at most a quarter of the
 * model's object diameter ({@link #growIntoForeground}). Then touching parts of one convex nucleus are joined
 * ({@link FragmentMerging}, at the model's merge solidity), and holes inside one instance are filled
 * ({@link InstancePainter#fillHoles}). Last, with a core head, an instance holding several cores is cut into one
 * instance per core ({@link #splitAtCores}); the object-diameter estimate measures the instances before this cut.
 *
 * <p>Not thread-safe; one instance per thread. PyTorch uses its own intra-op threads.
 */
public final class Segmenter {

	/** Options; NaN / negative / 0 values mean "as the model's config says". */
	public static final class Options {
		public double minConfidence = Double.NaN;
		public double maskThreshold = Double.NaN;
		/** Solidity above which two touching parts of one nucleus are joined ({@link FragmentMerging}); 0: never. */
		public double mergeSolidity = Double.NaN;
		public int minArea = -1;
		public int tileSize = 0;
		public int tileOverlap = -1;
		public int maxSteps = 0;
		/**
		 * Tiles decoded together (rounded to whole rows of tiles). A decoding step is many small operations, so
		 * larger batches cost less per tile: with the bundled model's 96-pixel tiles, 64 took 0.72 s per BBBC039 val
		 * image against 1.2 s for 16, at about 0.002 lower F1.
		 */
		public int batchSize = 64;
		/** Keep each instance's soft mask (needed by the dense CRF). */
		public boolean keepSoftMasks = false;
		/**
		 * Typical object diameter in the image, in pixels; the image is rescaled so that objects have the size the
		 * model was trained for ({@link ModelConfig#objectDiameter}), and the results are scaled back. 0 or NaN: no
		 * rescaling.
		 */
		public double objectDiameter = 0;
		/**
		 * When no object diameter is given: measure the median diameter of the instances found at the model's size
		 * and, if it is off by more than {@link Segmenter#DIAMETER_TOLERANCE}, segment once more at the measured size
		 * (see {@link Segmenter#segment(float[], int, int, Progress)}).
		 */
		public boolean estimateDiameter = false;

		/**
		 * The object-diameter setting of the commands: above 0, that diameter in pixels; 0, estimated from the image
		 * ({@link #estimateDiameter}); below 0, the model's own (no rescaling).
		 */
		public Options objectDiameterSetting(double pixels) {
			if (Double.isNaN(pixels)) throw new IllegalArgumentException("The object diameter must be a number of pixels, 0 (estimate it) or -1 (the model's), not NaN.");
			objectDiameter = Math.max(0, pixels);
			estimateDiameter = pixels == 0;
			return this;
		}
		/**
		 * Encode the region of each batch of tiles once instead of every tile on its own (the default): less work on
		 * the overlaps (about 0.8 s against 1.2 s per BBBC039 val image with the bundled model), about as accurate
		 * (F1 0.934 either way, SBD 0.884 against 0.883, with the same thresholds); false: every tile is encoded
		 * alone, as the bundled model was trained.
		 */
		public boolean shareEncoder = true;
		/**
		 * With a shared encoding: pixels of the image around each batch's region that are encoded with it, so that
		 * tiles at the region's edge have context; -1 (the default): the context margin the model was trained with
		 * (0 for models trained without one).
		 */
		public int regionMargin = -1;
		/**
		 * For networks with a foreground head: pieces of confident foreground that no instance took, of at least half
		 * a typical nucleus ({@link ModelConfig#objectDiameter}), become instances of their own (see
		 * {@link Segmenter#fillFromForeground}). On the 50 BBBC039 val images this finds about two more nuclei per
		 * image that every tile missed.
		 */
		public boolean fillFromForeground = true;
		/**
		 * Smallest spot (a piece of unclaimed foreground on its own, too small for the fill above) that becomes an
		 * instance; -1: the model's {@link ModelConfig#spotMinArea}; 0: none. Needs {@link #fillFromForeground}.
		 */
		public int spotMinArea = -1;
		/** The mean foreground probability a spot needs; NaN: the model's {@link ModelConfig#spotMinForeground}. */
		public double spotMinForeground = Double.NaN;
		/**
		 * For networks with a core head: an instance holding several cores of at least this many pixels is cut into
		 * one instance per core (see {@link Segmenter#splitAtCores}); -1: the model's {@link ModelConfig#coreMinArea};
		 * 0: never.
		 */
		public int coreMinArea = -1;
		/** The core probability that counts a pixel as core; NaN: the model's {@link ModelConfig#coreThreshold}. */
		public double coreThreshold = Double.NaN;
		/**
		 * Test-time augmentation: 0 = none; otherwise the plane is also segmented mirrored left-right, top-bottom and
		 * both, and an object is kept when at least this many of the 4 views found it ({@link FlipFusion}); -1: as
		 * many as the model's {@link ModelConfig#flips} say (2 when it has none). Four times the network's work. With
		 * flips, the thresholds left to the model come from its {@link ModelConfig#flips} when it has them.
		 */
		public int flipVotes = 0;
		/**
		 * Whether holes inside one instance are filled ({@link InstancePainter#fillHoles}); false only to measure what
		 * the step brings ({@code ris bench sets --steps}).
		 */
		public boolean fillHoles = true;
		/**
		 * Measured diameters within this factor of the model's are left alone; NaN: {@link Segmenter#DIAMETER_TOLERANCE}.
		 * Only to choose that constant on validation images ({@code ris bench sets --steps}).
		 */
		public double diameterTolerance = Double.NaN;
	}

	/** Where the time of the last call went, and how much work it was. */
	public static final class Stats {
		public long normaliseNanos, networkNanos, stitchNanos;
		public int tiles, steps;
		/** Passes over the image: more than 1 when the object diameter was estimated and the image segmented again. */
		public int passes = 1;
		/** The object diameter the last pass assumed, in image pixels (the model's own unless rescaled). */
		public double objectDiameter;
		/** The median diameter of the instances of the last pass, in image pixels; NaN when none was measured. */
		public double measuredDiameter = Double.NaN;
		/** Views fused by test-time augmentation (1: none). */
		public int views = 1;
		/** Network pixels per image pixel of the kept pass. */
		double scale = 1;
		/** Whether the kept pass is at another size than the first (a later pass may be tried and not kept). */
		public boolean resized;
		/** One sentence when the size estimate's second pass was rejected (the first pass is kept); null otherwise. */
		public String warning;
	}

	private final RisModel model;
	private final ModelConfig config;
	private final double minConfidence, maskThreshold, mergeSolidity;
	private final int minArea, tile, overlap, maxSteps, batchSize;
	private final boolean keepSoftMasks, estimateDiameter, fillHoles;
	private final double diameterTolerance;
	/** Views that must agree on an object, of the 4 flipped views; 0: no test-time augmentation. */
	private final int flipVotes;
	/** Smallest piece of unclaimed foreground that becomes an instance; 0: no filling. */
	private final int fillArea;
	/** How far instances grow into the unclaimed foreground around them, in pixels at the network's scale (0: not at all). */
	private final int rimGrowth;
	/** Smallest spot that becomes an instance (0: none), and its least mean foreground ({@link Options#spotMinArea}). */
	private final int spotMinArea;
	private final double spotMinForeground;
	/** Smallest core that counts when cutting instances at their cores (0: no cutting), and the core threshold. */
	private final int coreMinArea;
	private final double coreThreshold;
	/** Spots among the instances of the last pass: their highest labels (see {@link #withoutSpots}). */
	private int passSpots;
	/**
	 * The instances of the last pass as the object-diameter estimate measures them: without the pixels they grew into
	 * ({@link #growIntoForeground}), so that its limits keep the meaning they were set with.
	 */
	private Instances passMeasured;
	/** Model pixels per image pixel (1: no rescaling). */
	private final double scale;
	/** The diameter of the objects the network learnt, in network pixels (the model's object diameter, magnified). */
	private final double modelDiameter;
	/** {@link #PIECES_LIMIT}, raised for a model that learnt crowded objects. */
	private final double piecesLimit;
	private final PercentileNormalizer normalizer;
	private final Decoder decoder;
	private Stats stats = new Stats();

	public Segmenter(RisModel model, Options o) {
		this(model.config(), model, new TileDecoder(model, o.shareEncoder, o.regionMargin), o);
	}

	/** A segmenter over any tile decoder (tests use an oracle); {@code model} may then be null. */
	public Segmenter(ModelConfig config, RisModel model, Decoder decoder, Options o) {
		this.model = model;
		this.config = config;
		if (o.flipVotes < -1 || o.flipVotes > 4) throw new IllegalArgumentException("The votes of the flipped views must lie in [1, 4] (0 = no flips), not " + o.flipVotes + ".");
		ModelConfig.FlipDecisions fd = o.flipVotes != 0 ? config.flips : null;
		flipVotes = o.flipVotes >= 0 ? o.flipVotes : fd != null ? fd.votes : 2;
		minConfidence = !Double.isNaN(o.minConfidence) ? o.minConfidence : fd != null ? fd.minConfidence : config.minConfidence;
		maskThreshold = !Double.isNaN(o.maskThreshold) ? o.maskThreshold : fd != null ? fd.maskThreshold : config.maskThreshold;
		mergeSolidity = !Double.isNaN(o.mergeSolidity) ? o.mergeSolidity : fd != null ? fd.mergeSolidity : config.mergeSolidity;
		if (!(mergeSolidity >= 0 && mergeSolidity <= 1)) throw new IllegalArgumentException("The merge solidity must lie in [0, 1] (0 = never join), not " + mergeSolidity + ".");
		minArea = o.minArea >= 0 ? o.minArea : fd != null ? fd.minArea : config.minArea;
		tile = o.tileSize > 0 ? o.tileSize : config.tileSize;
		overlap = o.tileOverlap >= 0 ? o.tileOverlap : Math.min(config.tileOverlap, tile / 2 - 8);
		maxSteps = o.maxSteps > 0 ? o.maxSteps : config.maxSteps;
		batchSize = Math.max(1, o.batchSize);
		keepSoftMasks = o.keepSoftMasks;
		fillHoles = o.fillHoles;
		diameterTolerance = Double.isNaN(o.diameterTolerance) ? DIAMETER_TOLERANCE : o.diameterTolerance;
		if (!(diameterTolerance >= 1)) throw new IllegalArgumentException("The diameter tolerance must be at least 1, not " + diameterTolerance + ".");
		estimateDiameter = o.estimateDiameter && !(o.objectDiameter > 0);
		modelDiameter = config.objectDiameter * config.inputScale;
		piecesLimit = piecesLimit(config.sharedOutline);
		fillArea = o.fillFromForeground ? (int) Math.round(FILL_FRACTION * Math.PI / 4 * modelDiameter * modelDiameter) : 0;
		rimGrowth = o.fillFromForeground ? Math.max(1, (int) Math.round(RIM_FRACTION * modelDiameter)) : 0;
		spotMinArea = o.spotMinArea >= 0 ? o.spotMinArea : config.spotMinArea;
		spotMinForeground = !Double.isNaN(o.spotMinForeground) ? o.spotMinForeground : config.spotMinForeground;
		if (!(spotMinForeground >= 0.5 && spotMinForeground <= 1))
			throw new IllegalArgumentException("The least mean foreground of a spot must lie in [0.5, 1], not " + spotMinForeground + ".");
		coreMinArea = o.coreMinArea >= 0 ? o.coreMinArea : config.coreMinArea;
		coreThreshold = !Double.isNaN(o.coreThreshold) ? o.coreThreshold : config.coreThreshold;
		if (!(coreThreshold > 0 && coreThreshold < 1)) throw new IllegalArgumentException("The core threshold must lie in (0, 1), not " + coreThreshold + ".");
		if (o.objectDiameter < 0 || Double.isInfinite(o.objectDiameter))
			throw new IllegalArgumentException("The object diameter must be a positive number of pixels (or 0 for the model's own), not " + o.objectDiameter + ".");
		double sc = o.objectDiameter > 0 ? modelDiameter / o.objectDiameter : config.inputScale;
		if (sc / config.inputScale < 0.125 || sc / config.inputScale > 8)
			throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
					"An object diameter of %.1f pixels is too far from the model's %.1f (at most 8 times larger or smaller): check the value.",
					o.objectDiameter, config.objectDiameter));
		scale = Math.abs(sc - 1) < 0.02 ? 1 : sc;
		if (!(minConfidence >= 0 && minConfidence <= 1)) throw new IllegalArgumentException("The minimum confidence must lie in [0, 1], not " + minConfidence + ".");
		if (!(maskThreshold > 0 && maskThreshold < 1)) throw new IllegalArgumentException("The mask threshold must lie in (0, 1), not " + maskThreshold + ".");
		if (tile < 32 || tile % 8 != 0) throw new IllegalArgumentException("The tile size must be a multiple of 8 and at least 32, not " + tile + ".");
		if (overlap < 0 || overlap > tile - 2 * ALIGN)
			throw new IllegalArgumentException("The tile overlap must lie in [0, tile size - " + 2 * ALIGN + "], not " + overlap + ".");
		normalizer = new PercentileNormalizer(config.normLowPercentile, config.normHighPercentile);
		this.decoder = decoder;
	}

	public RisModel model() { return model; }
	public int tileSize() { return tile; }

	/**
	 * The settings in use, in words, for logs: with flips, the votes and thresholds (which may come from the model's
	 * flip decisions); null for one view.
	 */
	public String flipSettings() {
		if (flipVotes == 0) return null;
		return String.format(java.util.Locale.ROOT, "4 flipped views, objects kept when %d found them; minimum confidence %.2f, mask threshold %.2f, minimum area %d, merge solidity %.2f",
				flipVotes, minConfidence, maskThreshold, minArea, mergeSolidity);
	}
	/** Statistics of the last call to a segment method. */
	public Stats lastStats() { return stats; }

	/** Segments an imglib2 plane (raw intensities). */
	public Instances segment(RandomAccessibleInterval<? extends RealType<?>> plane, Progress progress) {
		if (plane.numDimensions() != 2) throw new IllegalArgumentException("The segmenter takes one 2D plane, not a " + plane.numDimensions() + "D image.");
		int w = (int) plane.dimension(0), h = (int) plane.dimension(1);
		float[] px = new float[w * h];
		Cursor<? extends RealType<?>> c = Views.flatIterable(plane).cursor();
		for (int i = 0; c.hasNext(); i++) px[i] = c.next().getRealFloat();
		return segment(px, w, h, progress);
	}

	/**
	 * Segments a plane of raw intensities (row-major); normalises it as the model was trained.
	 *
	 * <p>With {@link Options#estimateDiameter}, one decision per image: the first pass, at the model's size (on a
	 * window of the image when it is larger than {@link #PROBE_PIXELS}), is measured by its instances (at least {@link #DIAMETER_MIN_OBJECTS} of them, spots left out). If more than
	 * {@link #piecesLimit(double)} of their outlines face another instance, objects larger than the model knows were
	 * cut into pieces: one more pass assumes objects twice as large. Otherwise, if their median equivalent diameter is
	 * off the model's by more than {@link #DIAMETER_TOLERANCE}, one more pass assumes the measured diameter. That
	 * pass never assumes objects more than 4 times larger or 2 times smaller than the model's, and it is rejected, with a
	 * {@link Stats#warning}, when it finds more than {@link #COUNT_LIMIT} times the first pass's instances or takes
	 * more than {@link #WORK_LIMIT} times its network's work (counted for the whole image when a window was
	 * measured): the model's size is kept.
	 */
	public Instances segment(float[] pixels, int width, int height, Progress progress) {
		if (pixels.length != width * height) throw new IllegalArgumentException("The plane has " + pixels.length + " pixels, expected " + width * height + ".");
		if (progress == null) progress = Progress.NONE;
		Stats s = new Stats();
		Progress whole = progress;
		// with flips, the first view (and its passes at other sizes) fills the first quarter of the progress bar
		Instances out = firstView(pixels, width, height, flipVotes > 0 ? part(whole, 0, 4) : progress, s, null);
		if (flipVotes > 0) {
			double used = s.scale;
			List<Instances> views = new ArrayList<>(List.of(out));
			for (int f = 1; f <= 3 && !whole.isCancelled(); f++) {
				whole.status("Segmenting a mirrored copy (" + f + " of 3)");
				views.add(FlipFusion.flip(segmentAt(FlipFusion.flip(pixels, width, height, f), width, height, used, part(whole, f, 4), s), f));
			}
			if (views.size() == 4) {
				long t = System.nanoTime();
				out = FlipFusion.fuse(views, flipVotes, minArea);
				s.stitchNanos += System.nanoTime() - t;
				s.views = 4;
			}
		}
		stats = s;
		return out;
	}

	/**
	 * The object diameter, in image pixels, at which {@link #segment(float[], int, int, Progress)} segments this plane:
	 * the option's or the model's, or, with {@link Options#estimateDiameter}, the one the passes settle on (one view,
	 * whatever the flips). For tuning thresholds on whole images as they are segmented.
	 */
	public double objectDiameter(float[] pixels, int width, int height) {
		return objectDiameter(pixels, width, height, null);
	}

	/**
	 * As {@link #objectDiameter(float[], int, int)}, with the first pass taken from {@code decoded} when it can be:
	 * the plane as {@link #decodeAll} of a segmenter with the same options decoded it, at this segmenter's scale and
	 * tiles and at a minimum confidence no higher than this one's (otherwise, or when null, the plane is decoded
	 * again). Spares {@code ris tune} a second decoding of each image at the model's size.
	 */
	public double objectDiameter(float[] pixels, int width, int height, Decoded decoded) {
		Stats s = new Stats();
		if (estimateDiameter) firstView(pixels, width, height, Progress.NONE, s, fits(decoded) ? decoded : null);
		else s.objectDiameter = modelDiameter / scale;
		return s.objectDiameter;
	}

	/** Whether this segmenter's first pass can be assembled from {@code d} exactly as it would decode it itself. */
	private boolean fits(Decoded d) {
		return d != null && d.scale == scale && d.tile == tile && d.overlap == overlap && d.minConfidence <= minConfidence
				&& d.fillArea == fillArea;
	}

	/**
	 * The plane as it is, at the option's or model's size, or at the estimated size (sets the diameters and passes of
	 * {@code s}); the first pass assembled from {@code decoded} when not null.
	 */
	private Instances firstView(float[] pixels, int width, int height, Progress progress, Stats s, Decoded decoded) {
		double sc = scale;
		s.objectDiameter = modelDiameter / sc;
		s.scale = sc;
		// a large image is measured on a window of it first, so that its size costs one pass over the image
		boolean probing = estimateDiameter && (double) width * height * sc * sc > PROBE_PIXELS;
		int[] window = probing ? probeWindow(pixels, width, height, (int) Math.ceil(PROBE_SIDE / sc)) : null;
		Instances out = probing ? null
				: decoded != null ? assemble(decoded, minConfidence, maskThreshold, minArea, mergeSolidity) : segmentAt(pixels, width, height, sc, progress, s);
		if (probing) {
			progress.status("Measuring the objects' size on part of the image");
			segmentAt(crop(pixels, width, window), window[2], window[3], sc, progress, s);
		}
		if (!estimateDiameter) return out;
		// one decision per image: measure the first pass (or the window), and at most one more pass at the size it says
		Instances objects = withoutSpots(passMeasured, passSpots);
		double d = medianDiameter(objects, DIAMETER_MIN_OBJECTS);
		double wanted = Double.NaN;
		if (!Double.isNaN(d)) {
			s.measuredDiameter = d;
			boolean pieces = sharedOutline(objects) > piecesLimit;
			double base = config.inputScale;
			wanted = Math.max(base * MIN_SCALE, Math.min(base * MAX_SCALE, pieces ? sc / 2 : modelDiameter / d));
			double change = Math.abs(Math.log(wanted / sc));
			if ((!pieces && change <= Math.log(diameterTolerance)) || change < 0.02) wanted = Double.NaN;
		}
		// too few objects to tell, or of the model's size: the model's size
		if (Double.isNaN(wanted) || progress.isCancelled()) return probing ? segmentAt(pixels, width, height, sc, progress, s) : out;
		// what the first pass saw, for the whole image when it saw a window of it
		double share = probing ? (double) width * height / ((double) window[2] * window[3]) : 1;
		long firstWork = decoded != null && !probing ? steps(decoded, minConfidence) : s.steps;
		double expectedCount = objects.count() * share, expectedWork = firstWork * share;
		progress.status(String.format(java.util.Locale.ROOT, "Segmenting again, for objects about %.0f pixels wide", modelDiameter / wanted));
		Instances again = segmentAt(pixels, width, height, wanted, progress, s);
		s.passes = 2;
		Instances againObjects = withoutSpots(passMeasured, passSpots);
		long againWork = s.steps - firstWork;
		String rejected = againObjects.count() > COUNT_LIMIT * Math.max(expectedCount, DIAMETER_MIN_OBJECTS)
				? String.format(java.util.Locale.ROOT, "%d instances against %.0f", againObjects.count(), expectedCount)
				: againWork > WORK_LIMIT * Math.max(expectedWork, 1) ? String.format(java.util.Locale.ROOT, "%.0f times the network's work", againWork / Math.max(expectedWork, 1)) : null;
		if (rejected != null) {
			s.warning = String.format(java.util.Locale.ROOT,
					"segmenting again for objects about %.0f px wide gave %s of the first pass, at the model's %.0f px: kept the model's size; give the object diameter if neither is right",
					modelDiameter / wanted, rejected, modelDiameter / sc);
			if (probing) {
				out = segmentAt(pixels, width, height, sc, progress, s);
				s.passes = 3;
			}
			return out;
		}
		s.measuredDiameter = medianDiameter(againObjects, 1);
		s.objectDiameter = modelDiameter / wanted;
		s.resized = true;
		s.scale = wanted;
		return again;
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
	private static float[] crop(float[] pixels, int width, int[] window) {
		float[] out = new float[window[2] * window[3]];
		for (int y = 0; y < window[3]; y++) System.arraycopy(pixels, (window[1] + y) * width + window[0], out, y * window[2], window[2]);
		return out;
	}

	/** The decoder steps the tiles of {@code d} take at {@code minConfidence}, as {@link Stats#steps} counts them. */
	private static long steps(Decoded d, double minConfidence) {
		long n = 0;
		for (List<TileDecoder.Emission> em : d.emissions) {
			int k = 0;
			while (k < em.size() && em.get(k).confidence >= minConfidence) k++;
			n += k + 1;
		}
		return n;
	}

	/** Progress of part {@code index} of {@code parts} equal parts of the work, reported as a fraction of the whole. */
	static Progress part(Progress whole, int index, int parts) {
		return new Progress() {
			@Override public void status(String message) { whole.status(message); }
			@Override public void progress(long done, long total) { whole.progress(index * total + done, parts * total); }
			@Override public boolean isCancelled() { return whole.isCancelled(); }
		};
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
	/**
	 * Says which planes were segmented again at another object diameter, for a log line: null when none was;
	 * "at an object diameter of D px" for a single plane (or every plane at one size); otherwise "in K of N planes, at
	 * object diameters A-B px" (or "at object diameter D px" when those K planes share one size).
	 */
	public static String resegmented(List<Stats> planes) {
		double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
		int k = 0;
		for (Stats s : planes) {
			if (!s.resized) continue;
			k++;
			lo = Math.min(lo, s.objectDiameter);
			hi = Math.max(hi, s.objectDiameter);
		}
		if (k == 0) return null;
		if (planes.size() == 1 || (k == planes.size() && hi - lo < 0.05))
			return String.format(java.util.Locale.ROOT, "at an object diameter of %.1f px", lo);
		return String.format(java.util.Locale.ROOT, "in %d of %d planes, at object diameter%s %s px", k, planes.size(), hi - lo < 0.05 ? "" : "s",
				hi - lo < 0.05 ? String.format(java.util.Locale.ROOT, "%.1f", lo) : String.format(java.util.Locale.ROOT, "%.1f-%.1f", lo, hi));
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

	/** One pass at {@code sc} model pixels per image pixel; adds its timings to {@code s}. */
	private Instances segmentAt(float[] pixels, int width, int height, double sc, Progress progress, Stats s) {
		long t0 = System.nanoTime();
		int sw = width, sh = height;
		float[] scaled = pixels;
		if (sc != 1) {
			sw = Math.max(1, (int) Math.round(width * sc));
			sh = Math.max(1, (int) Math.round(height * sc));
			scaled = Resampling.resize(pixels, width, height, sw, sh);
		}
		float[] normalized = normalizer.normalize(scaled);
		s.normaliseNanos += System.nanoTime() - t0;
		Instances out = segmentNormalized(normalized, sw, sh, progress, s);
		if (sc != 1) {
			long t1 = System.nanoTime();
			boolean same = passMeasured == out;
			out = scaleBack(out, width, height);
			passMeasured = same ? out : scaleBack(passMeasured, width, height);
			s.stitchNanos += System.nanoTime() - t1;
		}
		return out;
	}

	/** Network pixels per image pixel: the model's input scale, times the model's over the given object diameter. */
	public double scale() { return scale; }

	/** Brings instances found on the rescaled plane back to the input's size; labels that vanish are dropped. */
	private Instances scaleBack(Instances in, int width, int height) {
		int[] labels = Resampling.resizeLabels(in.labels(), in.width(), in.height(), width, height);
		int n = in.count();
		int[] newLabel = new int[n + 1];
		int next = 0;
		for (int l : labels) if (l > 0 && newLabel[l] == 0) newLabel[l] = -1;
		for (int l = 1; l <= n; l++) if (newLabel[l] == -1) newLabel[l] = ++next;
		for (int i = 0; i < labels.length; i++) labels[i] = newLabel[labels[i]];
		float[] conf = new float[next];
		Instances.SoftMask[] soft = in.hasSoftMasks() ? new Instances.SoftMask[next] : null;
		double fx = in.width() / (double) width, fy = in.height() / (double) height; // rescaled pixels per input pixel
		for (int l = 1; l <= n; l++) {
			int k = newLabel[l];
			if (k <= 0) continue;
			conf[k - 1] = in.confidence(l);
			if (soft != null) {
				Instances.SoftMask m = in.softMask(l);
				int x0 = Math.max(0, (int) Math.floor(m.x0 / fx)), y0 = Math.max(0, (int) Math.floor(m.y0 / fy));
				int x1 = Math.min(width, (int) Math.ceil((m.x0 + m.width) / fx)), y1 = Math.min(height, (int) Math.ceil((m.y0 + m.height) / fy));
				int bw = Math.max(1, x1 - x0), bh = Math.max(1, y1 - y0);
				float[] v = new float[bw * bh];
				for (int y = 0; y < bh; y++)
					for (int x = 0; x < bw; x++)
						v[y * bw + x] = bilinear(m, (x0 + x + 0.5) * fx - 0.5, (y0 + y + 0.5) * fy - 0.5);
				soft[k - 1] = new Instances.SoftMask(x0, y0, bw, bh, v);
			}
		}
		return new Instances(width, height, labels, conf, soft);
	}

	private static float bilinear(Instances.SoftMask m, double x, double y) {
		int xi = (int) Math.floor(x), yi = (int) Math.floor(y);
		double ax = x - xi, ay = y - yi;
		return (float) ((1 - ay) * ((1 - ax) * m.at(xi, yi) + ax * m.at(xi + 1, yi)) + ay * ((1 - ax) * m.at(xi, yi + 1) + ax * m.at(xi + 1, yi + 1)));
	}

	/** Tile origins along one axis of length {@code length}: evenly spread, overlapping by at least the overlap. */
	static int[] origins(int length, int tile, int overlap) {
		if (length <= tile) return new int[] { 0 };
		// origins are multiples of ALIGN, so that tiles can share one encoding of their region (see TileDecoder);
		// the spacing leaves room for the rounding
		int span = (length - tile + ALIGN - 1) / ALIGN * ALIGN; // the last tile may end up to ALIGN - 1 pixels outside
		int n = (int) Math.ceil((span + tile - overlap - ALIGN) / (double) (tile - overlap - ALIGN));
		n = Math.max(n, 2);
		int[] o = new int[n];
		for (int i = 0; i < n; i++) o[i] = (int) Math.round(i * span / (double) (n - 1) / ALIGN) * ALIGN;
		return o;
	}

	/** Tile origins are multiples of this (the ConvLSTM's stride). */
	static final int ALIGN = ModelConfig.RECURRENT_STRIDE;

	/** Owned interval [start, end) of each tile along one axis. */
	static int[][] owned(int[] origins, int length, int tile) {
		int n = origins.length;
		int[][] r = new int[n][2];
		for (int i = 0; i < n; i++) {
			r[i][0] = i == 0 ? 0 : (origins[i - 1] + tile + origins[i]) / 2;
			r[i][1] = i == n - 1 ? length : (origins[i] + tile + origins[i + 1]) / 2;
		}
		return r;
	}

	/**
	 * A fallback instance (tier 1 or 2, see {@link Candidate#tier}) is kept only if at most this fraction of its
	 * pixels is already taken: it stands in for an object no better view found, not for a second opinion on one.
	 */
	static final double FALLBACK_OVERLAP = 0.3;

	private static final class Candidate {
		final float confidence;
		final int[] pixels; // image indices
		final Instances.SoftMask soft;
		/**
		 * 0: whole, and its centroid lies in the tile's owned region; 1: whole, but another tile owns it (a fallback
		 * for an object the owner missed); 2: owned, but it touches an edge of its tile inside the image, so the tile
		 * may have seen only part of it (kept for objects larger than the overlap, which no tile sees whole).
		 */
		final int tier;

		Candidate(float confidence, int[] pixels, Instances.SoftMask soft, int tier) {
			this.confidence = confidence;
			this.pixels = pixels;
			this.soft = soft;
			this.tier = tier;
		}
	}

	private Instances segmentNormalized(float[] img, int width, int height, Progress progress, Stats s) {
		if (progress == null) progress = Progress.NONE;
		int[] xs = origins(width, tile, overlap), ys = origins(height, tile, overlap);
		int[][] ownX = owned(xs, width, tile), ownY = owned(ys, height, tile);
		int nTiles = xs.length * ys.length;
		s.tiles += nTiles;
		List<Candidate> candidates = new ArrayList<>();
		float[] fg = null, cores = null;
		int batch = batchTiles(xs.length);
		for (int first = 0; first < nTiles; first += batch) {
			if (progress.isCancelled()) break;
			int last = Math.min(nTiles, first + batch);
			long t0 = System.nanoTime();
			final Progress p = progress;
			List<List<TileDecoder.Emission>> emitted = decoder.decode(img, width, height, tileX(xs, first, last), tileY(xs, ys, first, last), tile, maxSteps,
					minConfidence, p::isCancelled);
			long t1 = System.nanoTime();
			s.networkNanos += t1 - t0;
			for (int k = first; k < last; k++) {
				List<TileDecoder.Emission> em = emitted.get(k - first);
				s.steps += em.size() + 1;
				collect(em, xs[k % xs.length], ys[k / xs.length], ownX[k % xs.length], ownY[k / xs.length], width, height, maskThreshold, candidates);
				float[] f = fillArea > 0 ? decoder.foreground(k - first) : null;
				if (f != null) {
					if (fg == null) fg = new float[width * height];
					paste(f, xs[k % xs.length], ys[k / xs.length], ownX[k % xs.length], ownY[k / xs.length], width, fg);
				}
				float[] c = coreMinArea > 0 ? decoder.cores(k - first) : null;
				if (c != null) {
					if (cores == null) cores = new float[width * height];
					paste(c, xs[k % xs.length], ys[k / xs.length], ownX[k % xs.length], ownY[k / xs.length], width, cores);
				}
			}
			s.stitchNanos += System.nanoTime() - t1;
			progress.progress(last, nTiles);
		}
		long t2 = System.nanoTime();
		Instances out = finish(stitch(candidates, width, height, minArea), fg, cores, mergeSolidity, spotMinArea, spotMinForeground, coreMinArea,
				coreThreshold);
		s.stitchNanos += System.nanoTime() - t2;
		return out;
	}

	/**
	 * What follows the stitching: the fill, spots and growth from the foreground (when there is one), the merge of
	 * fragments, the filling of holes and the cut at cores (when there are cores). Sets {@link #passSpots} and
	 * {@link #passMeasured}: the estimate measures the instances before the cut (pieces of one object would share
	 * outlines as cut-up ones do) and without the pixels they grew into.
	 */
	private Instances finish(Instances out, float[] fg, float[] cores, double mergeSolidity, int spotMinArea, double spotMinForeground,
			int coreMinArea, double coreThreshold) {
		int[] spots = new int[1];
		boolean[] grown = null;
		if (fg != null && fillArea > 0) {
			out = fillFromForeground(out, fg, fillArea, FILL_EROSIONS, keepSoftMasks, spotMinArea, spotMinForeground, spots);
			Instances before = out;
			out = growIntoForeground(out, fg, rimGrowth);
			grown = addedPixels(before, out);
		}
		passSpots = spots[0];
		Instances merged = FragmentMerging.merge(out, mergeSolidity);
		if (fillHoles) merged = withoutHoles(merged);
		passMeasured = withoutPixels(merged, grown);
		return splitAtCores(merged, cores, coreThreshold, coreMinArea);
	}

	/** Smallest piece of unclaimed foreground that becomes an instance, as a fraction of a typical nucleus' area. */
	static final double FILL_FRACTION = 0.5;
	/** Something of such a piece must survive this many 4-neighbour erosions (it is not a thin rim). */
	static final int FILL_EROSIONS = 3;

	/** Copies the part of a tile's foreground that the tile owns into the image's foreground. */
	private void paste(float[] f, int x0, int y0, int[] ownX, int[] ownY, int width, float[] fg) {
		for (int y = ownY[0]; y < ownY[1]; y++)
			for (int x = ownX[0]; x < ownX[1]; x++) {
				int u = x - x0, v = y - y0;
				if (u >= 0 && v >= 0 && u < tile && v < tile) fg[y * width + x] = f[v * tile + u];
			}
	}

	/** As {@link #fillFromForeground(Instances, float[], int, int, boolean, int, double)}, without spots. */
	static Instances fillFromForeground(Instances in, float[] fg, int minPieceArea, int erode, boolean softMasks) {
		return fillFromForeground(in, fg, minPieceArea, erode, softMasks, 0, 1);
	}

	/**
	 * Adds, as instances, the pieces of confident foreground that no instance took: 4-connected components of
	 * foreground >= 0.5 outside every instance with at least {@code minPieceArea} pixels, of which something survives
	 * {@code erode} erosions (not a thin rim along other instances). Other pieces are <em>spots</em>, taken when
	 * {@code spotMinArea > 0}, they have at least that many pixels and a mean foreground of at least
	 * {@code spotMinForeground}, and no pixel of theirs touches an instance (4-neighbours): small objects on their own,
	 * not slivers along a nucleus. A piece's confidence is its mean foreground probability; its soft mask (when
	 * {@code softMasks}) is the foreground over its box, grown by 4 pixels.
	 */
	static Instances fillFromForeground(Instances in, float[] fg, int minPieceArea, int erode, boolean softMasks, int spotMinArea,
			double spotMinForeground) {
		return fillFromForeground(in, fg, minPieceArea, erode, softMasks, spotMinArea, spotMinForeground, null);
	}

	/** A piece of unclaimed foreground: its pixels, mean foreground and box. */
	private record Piece(int[] members, float meanForeground, int bx0, int by0, int bx1, int by1) {}

	/** Paints a piece as label {@code n + 1} with its confidence (and soft mask when {@code soft} is not null); returns n + 1. */
	private static int addPiece(Piece piece, int n, int[] labels, List<Float> conf, List<Instances.SoftMask> soft, float[] fg, int w, int h) {
		n++;
		for (int p : piece.members()) labels[p] = n;
		conf.add(piece.meanForeground());
		if (soft != null) {
			int ux0 = Math.max(0, piece.bx0() - 4), uy0 = Math.max(0, piece.by0() - 4), ux1 = Math.min(w - 1, piece.bx1() + 4), uy1 = Math.min(h - 1, piece.by1() + 4);
			int sw = ux1 - ux0 + 1, sh = uy1 - uy0 + 1;
			float[] v = new float[sw * sh];
			for (int y = 0; y < sh; y++) System.arraycopy(fg, (uy0 + y) * w + ux0, v, y * sw, sw);
			soft.add(new Instances.SoftMask(ux0, uy0, sw, sh, v));
		}
		return n;
	}

	/**
	 * As {@link #fillFromForeground(Instances, float[], int, int, boolean, int, double)}; the spots are the highest
	 * labels, and their number goes to {@code spotsAdded[0]} when it is not null.
	 */
	static Instances fillFromForeground(Instances in, float[] fg, int minPieceArea, int erode, boolean softMasks, int spotMinArea,
			double spotMinForeground, int[] spotsAdded) {
		int w = in.width(), h = in.height();
		int[] labels = in.labels().clone();
		int n = in.count();
		List<Float> conf = new ArrayList<>();
		for (float c : in.confidences()) conf.add(c);
		softMasks &= in.hasSoftMasks();
		List<Instances.SoftMask> soft = new ArrayList<>();
		if (softMasks) for (int l = 1; l <= n; l++) soft.add(in.softMask(l));
		int[] comp = new int[w * h];
		int[] stack = new int[w * h];
		List<Piece> spots = new ArrayList<>();
		int id = 0;
		for (int start = 0; start < w * h; start++) {
			if (comp[start] != 0 || labels[start] != 0 || fg[start] < 0.5f) continue;
			id++;
			int sp = 0, count = 0;
			boolean touches = false;
			stack[sp++] = start;
			comp[start] = id;
			int[] members = new int[64];
			double sum = 0;
			int bx0 = w, by0 = h, bx1 = -1, by1 = -1;
			while (sp > 0) {
				int p = stack[--sp];
				if (count == members.length) members = Arrays.copyOf(members, 2 * count);
				members[count++] = p;
				sum += fg[p];
				int x = p % w, y = p / w;
				bx0 = Math.min(bx0, x); bx1 = Math.max(bx1, x); by0 = Math.min(by0, y); by1 = Math.max(by1, y);
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1 };
				for (int q : nb) {
					if (q < 0) continue;
					if (labels[q] != 0) touches = true;
					else if (comp[q] == 0 && fg[q] >= 0.5f) { comp[q] = id; stack[sp++] = q; }
				}
			}
			boolean spot = spotMinArea > 0 && count >= spotMinArea && !touches && sum / count >= spotMinForeground;
			if (count < minPieceArea && !spot) continue;
			boolean core = false;
			if (count >= minPieceArea) {
				// erosion inside the piece's box
				int bw = bx1 - bx0 + 1, bh = by1 - by0 + 1;
				boolean[] m = new boolean[bw * bh];
				for (int i = 0; i < count; i++) m[(members[i] / w - by0) * bw + members[i] % w - bx0] = true;
				for (int e = 0; e < erode; e++) {
					boolean[] next = new boolean[bw * bh];
					for (int y = 1; y < bh - 1; y++)
						for (int x = 1; x < bw - 1; x++) {
							int i = y * bw + x;
							next[i] = m[i] && m[i - 1] && m[i + 1] && m[i - bw] && m[i + bw];
						}
					m = next;
				}
				for (boolean b : m) core |= b;
			}
			if (!core && !spot) continue;
			Piece piece = new Piece(Arrays.copyOf(members, count), (float) (sum / count), bx0, by0, bx1, by1);
			if (core) n = addPiece(piece, n, labels, conf, softMasks ? soft : null, fg, w, h);
			else spots.add(piece);
		}
		// spots last, so that they are the highest labels (the object-diameter estimate leaves them out)
		for (Piece piece : spots) n = addPiece(piece, n, labels, conf, softMasks ? soft : null, fg, w, h);
		if (spotsAdded != null) spotsAdded[0] = spots.size();
		if (n == in.count()) return in;
		float[] c = new float[n];
		for (int i = 0; i < n; i++) c[i] = conf.get(i);
		return new Instances(w, h, labels, c, softMasks ? soft.toArray(new Instances.SoftMask[0]) : null);
	}

	/** How far instances grow into the unclaimed foreground around them, as a fraction of the model's object diameter. */
	static final double RIM_FRACTION = 0.25;

	/**
	 * Grows the instances into the confident foreground (probability >= 0.5) that no instance took, one 4-neighbour
	 * ring per step, for at most {@code steps} steps: the rims the foreground head sees around a nucleus and its
	 * mask left out. A pixel goes to the instance that reaches it first; within a step, to the first in raster order
	 * of the pixels it grows from. Confidences and soft masks stay as they are. On the 50 BBBC039 val images, with
	 * the bundled model, mean F1 rises by about 0.006 and SBD by 0.003 (bench/RESULTS.md, nineteenth round).
	 */
	static Instances growIntoForeground(Instances in, float[] fg, int steps) {
		if (steps <= 0 || in.count() == 0) return in;
		int w = in.width(), h = in.height();
		int[] labels = in.labels().clone();
		int[] front = new int[w * h], next = new int[w * h];
		int nf = 0;
		for (int p = 0; p < w * h; p++)
			if (labels[p] != 0 && isRim(labels, fg, p, w, h)) front[nf++] = p;
		boolean grown = false;
		for (int step = 0; step < steps && nf > 0; step++) {
			int nn = 0;
			for (int i = 0; i < nf; i++) {
				int p = front[i], x = p % w, label = labels[p];
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
				for (int q : nb)
					if (q >= 0 && labels[q] == 0 && fg[q] >= 0.5f) {
						labels[q] = label;
						next[nn++] = q;
						grown = true;
					}
			}
			int[] t = front;
			front = next;
			next = t;
			nf = nn;
		}
		if (!grown) return in;
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[in.count()];
			for (int l = 1; l <= in.count(); l++) soft[l - 1] = in.softMask(l);
		}
		return new Instances(w, h, labels, in.confidences(), soft);
	}

	/**
	 * Cuts each instance that holds several cores into one instance per core. A core is a 4-connected piece of the
	 * instance's pixels whose core probability is at least {@code threshold}, of at least {@code minCoreArea} pixels;
	 * each pixel of a cut instance goes to the core it is nearest to along paths inside the instance (4-neighbours;
	 * ties to the core reached first in scan order). The piece of the first core takes the instance's place, the others
	 * come right after it (the labels after them move up), with the instance's confidence and its soft mask without
	 * the other pieces' pixels. Pixels no core reaches (parts of the instance not connected to any core) stay with the
	 * first core. Returns {@code in} itself when nothing is cut (or {@code cores} is null or {@code minCoreArea} is 0).
	 */
	static Instances splitAtCores(Instances in, float[] cores, double threshold, int minCoreArea) {
		if (cores == null || minCoreArea <= 0 || in.count() == 0) return in;
		int w = in.width(), h = in.height(), n = in.count();
		int[] labels = in.labels();
		int[] comp = new int[w * h];
		int[] stack = new int[w * h];
		List<int[]> pieces = new ArrayList<>(); // {label, area}
		for (int start = 0; start < w * h; start++) {
			int l = labels[start];
			if (l == 0 || comp[start] != 0 || cores[start] < threshold) continue;
			int id = pieces.size() + 1, sp = 0, area = 0;
			comp[start] = id;
			stack[sp++] = start;
			while (sp > 0) {
				int p = stack[--sp];
				area++;
				int x = p % w;
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
				for (int q : nb)
					if (q >= 0 && comp[q] == 0 && labels[q] == l && cores[q] >= threshold) {
						comp[q] = id;
						stack[sp++] = q;
					}
			}
			pieces.add(new int[] { l, area });
		}
		// the cores that count, per instance, in scan order
		int[] coresOf = new int[n + 1];
		for (int[] pc : pieces) if (pc[1] >= minCoreArea) coresOf[pc[0]]++;
		boolean any = false;
		for (int l = 1; l <= n; l++) any |= coresOf[l] >= 2;
		if (!any) return in;
		int[] out = labels.clone();
		int[] newLabel = new int[pieces.size() + 1]; // core id -> the label its piece gets (0: no core of a cut instance)
		boolean[] seen = new boolean[n + 1];
		int next = n;
		List<Integer> parentOf = new ArrayList<>(); // parent label of each new label n + 1 ...
		for (int id = 1; id <= pieces.size(); id++) {
			int[] pc = pieces.get(id - 1);
			if (coresOf[pc[0]] < 2 || pc[1] < minCoreArea) continue;
			if (!seen[pc[0]]) {
				seen[pc[0]] = true;
				newLabel[id] = pc[0];
			} else {
				newLabel[id] = ++next;
				parentOf.add(pc[0]);
			}
		}
		// breadth-first from every counted core of a cut instance at once, inside the instance
		final int unset = -1;
		for (int p = 0; p < w * h; p++) if (labels[p] != 0 && coresOf[labels[p]] >= 2) out[p] = unset;
		int[] queue = new int[w * h];
		int head = 0, tail = 0;
		for (int p = 0; p < w * h; p++)
			if (comp[p] != 0 && newLabel[comp[p]] != 0) {
				out[p] = newLabel[comp[p]];
				queue[tail++] = p;
			}
		while (head < tail) {
			int p = queue[head++], x = p % w;
			int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
			for (int q : nb)
				if (q >= 0 && out[q] == unset && labels[q] == labels[p]) {
					out[q] = out[p];
					queue[tail++] = q;
				}
		}
		for (int p = 0; p < w * h; p++) if (out[p] == unset) out[p] = labels[p];
		// each cut instance's new pieces right after it, so that the order of the instances holds (spots stay last)
		int[] order = new int[next + 1]; // label as numbered above -> final label
		int[] parentOfLabel = new int[next + 1];
		for (int l = 1; l <= n; l++) parentOfLabel[l] = l;
		for (int k = 0; k < parentOf.size(); k++) parentOfLabel[n + 1 + k] = parentOf.get(k);
		int given = 0;
		for (int l = 1; l <= n; l++) {
			order[l] = ++given;
			for (int k = 0; k < parentOf.size(); k++) if (parentOf.get(k) == l) order[n + 1 + k] = ++given;
		}
		for (int p = 0; p < w * h; p++) out[p] = order[out[p]];
		float[] conf = new float[next];
		for (int l = 1; l <= next; l++) conf[order[l] - 1] = in.confidence(parentOfLabel[l]);
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[next];
			for (int l = 1; l <= next; l++) {
				int parent = parentOfLabel[l], fin = order[l];
				Instances.SoftMask m = in.softMask(parent);
				if (coresOf[parent] < 2 || m == null) {
					soft[fin - 1] = m;
					continue;
				}
				float[] v = m.values.clone();
				for (int y = 0; y < m.height; y++)
					for (int x = 0; x < m.width; x++) {
						int ix = m.x0 + x, iy = m.y0 + y;
						if (ix < 0 || iy < 0 || ix >= w || iy >= h) continue;
						int p = iy * w + ix;
						if (labels[p] == parent && out[p] != fin) v[y * m.width + x] = 0f;
					}
				soft[fin - 1] = new Instances.SoftMask(m.x0, m.y0, m.width, m.height, v);
			}
		}
		return new Instances(w, h, out, conf, soft);
	}

	/** The pixels that {@code after} labels and {@code before} did not (null when none). */
	static boolean[] addedPixels(Instances before, Instances after) {
		if (before == after) return null;
		int[] b = before.labels(), a = after.labels();
		boolean[] added = new boolean[a.length];
		boolean any = false;
		for (int p = 0; p < a.length; p++)
			if (b[p] == 0 && a[p] != 0) any = added[p] = true;
		return any ? added : null;
	}

	/** The instances without the given pixels (for measurements only: no soft masks); themselves when there are none. */
	static Instances withoutPixels(Instances in, boolean[] drop) {
		if (drop == null) return in;
		int[] labels = in.labels().clone();
		for (int p = 0; p < labels.length; p++) if (drop[p]) labels[p] = 0;
		// an instance made only of such pixels (a piece cut at a core in the grown rim) is left out; the order holds
		boolean[] present = new boolean[in.count() + 1];
		for (int l : labels) present[l] = true;
		int[] map = new int[in.count() + 1];
		float[] conf = new float[in.count()];
		int m = 0;
		for (int l = 1; l <= in.count(); l++)
			if (present[l]) {
				map[l] = ++m;
				conf[m - 1] = in.confidence(l);
			}
		if (m < in.count()) for (int p = 0; p < labels.length; p++) labels[p] = map[labels[p]];
		return new Instances(in.width(), in.height(), labels, java.util.Arrays.copyOf(conf, m), null);
	}

	/** Whether labelled pixel p has an unlabelled 4-neighbour of confident foreground. */
	private static boolean isRim(int[] labels, float[] fg, int p, int w, int h) {
		int x = p % w;
		return x > 0 && labels[p - 1] == 0 && fg[p - 1] >= 0.5f || x < w - 1 && labels[p + 1] == 0 && fg[p + 1] >= 0.5f
				|| p >= w && labels[p - w] == 0 && fg[p - w] >= 0.5f || p + w < w * h && labels[p + w] == 0 && fg[p + w] >= 0.5f;
	}

	/** Every tile's emissions of one image, decoded once, so that thresholds can be tried without the network. */
	public static final class Decoded {
		final int width, height;
		/** The image's own size; differs from the decoded size when the image was resampled for the network. */
		int imageWidth, imageHeight;
		final int[] xs, ys;
		/** How it was decoded: network pixels per image pixel, tiles, minimum confidence and fill area. */
		double scale = 1, minConfidence;
		int tile, overlap, fillArea;
		final List<List<TileDecoder.Emission>> emissions = new ArrayList<>();
		/** The image's foreground probability (each pixel from the tile that owns it), or null. */
		float[] foreground;
		/** The image's core probability (each pixel from the tile that owns it), or null without a core head. */
		float[] cores;

		Decoded(int width, int height, int[] xs, int[] ys) {
			this.width = width;
			this.height = height;
			imageWidth = width;
			imageHeight = height;
			this.xs = xs;
			this.ys = ys;
		}
	}

	/**
	 * Decodes all tiles of a plane of raw intensities at this segmenter's minimum confidence and keeps every
	 * emission (memory grows with the image: for tuning on validation images, not for production use).
	 */
	public Decoded decodeAll(float[] pixels, int width, int height) {
		int imageWidth = width, imageHeight = height;
		if (scale != 1) {
			int sw = Math.max(1, (int) Math.round(width * scale)), sh = Math.max(1, (int) Math.round(height * scale));
			pixels = Resampling.resize(pixels, width, height, sw, sh);
			width = sw;
			height = sh;
		}
		float[] img = normalizer.normalize(pixels);
		int[] xs = origins(width, tile, overlap), ys = origins(height, tile, overlap);
		Decoded d = new Decoded(width, height, xs, ys);
		d.imageWidth = imageWidth;
		d.imageHeight = imageHeight;
		d.scale = scale;
		d.minConfidence = minConfidence;
		d.tile = tile;
		d.overlap = overlap;
		d.fillArea = fillArea;
		int[][] ownX = owned(xs, width, tile), ownY = owned(ys, height, tile);
		int nTiles = xs.length * ys.length;
		int batch = batchTiles(xs.length);
		for (int first = 0; first < nTiles; first += batch) {
			int last = Math.min(nTiles, first + batch);
			d.emissions.addAll(decoder.decode(img, width, height, tileX(xs, first, last), tileY(xs, ys, first, last), tile, maxSteps, minConfidence, null));
			for (int k = first; k < last; k++) {
				float[] c = decoder.cores(k - first);
				if (c != null) {
					if (d.cores == null) d.cores = new float[width * height];
					paste(c, xs[k % xs.length], ys[k / xs.length], ownX[k % xs.length], ownY[k / xs.length], width, d.cores);
				}
				float[] f = fillArea > 0 ? decoder.foreground(k - first) : null;
				if (f == null) continue;
				if (d.foreground == null) d.foreground = new float[width * height];
				paste(f, xs[k % xs.length], ys[k / xs.length], ownX[k % xs.length], ownY[k / xs.length], width, d.foreground);
			}
		}
		return d;
	}

	/**
	 * Paints and stitches decoded tiles with other thresholds. A tile's decoding stops at its first emission below
	 * {@code minConfidence}, exactly as if it had been decoded with that threshold (which must not be below the one
	 * used for decoding).
	 */
	public Instances assemble(Decoded d, double minConfidence, double maskThreshold, int minArea) {
		return assemble(d, minConfidence, maskThreshold, minArea, mergeSolidity);
	}

	/** As {@link #assemble(Decoded, double, double, int)}, with another merge solidity (0: never join). */
	public Instances assemble(Decoded d, double minConfidence, double maskThreshold, int minArea, double mergeSolidity) {
		return assemble(d, minConfidence, maskThreshold, minArea, mergeSolidity, spotMinArea, spotMinForeground);
	}

	/** As {@link #assemble(Decoded, double, double, int, double, int, double, int, double)}, with this segmenter's cores. */
	public Instances assemble(Decoded d, double minConfidence, double maskThreshold, int minArea, double mergeSolidity, int spotMinArea,
			double spotMinForeground) {
		return assemble(d, minConfidence, maskThreshold, minArea, mergeSolidity, spotMinArea, spotMinForeground, coreMinArea, coreThreshold);
	}

	/**
	 * As {@link #assemble(Decoded, double, double, int, double)}, with other spot thresholds ({@link Options#spotMinArea})
	 * and core thresholds ({@link Options#coreMinArea}).
	 */
	public Instances assemble(Decoded d, double minConfidence, double maskThreshold, int minArea, double mergeSolidity, int spotMinArea,
			double spotMinForeground, int coreMinArea, double coreThreshold) {
		int[][] ownX = owned(d.xs, d.width, tile), ownY = owned(d.ys, d.height, tile);
		List<Candidate> candidates = new ArrayList<>();
		for (int k = 0; k < d.emissions.size(); k++) {
			List<TileDecoder.Emission> em = d.emissions.get(k);
			int stop = 0;
			while (stop < em.size() && em.get(stop).confidence >= minConfidence) stop++;
			collect(em.subList(0, stop), d.xs[k % d.xs.length], d.ys[k / d.xs.length], ownX[k % d.xs.length], ownY[k / d.xs.length], d.width,
					d.height, maskThreshold, candidates);
		}
		Instances out = finish(stitch(candidates, d.width, d.height, minArea), d.foreground, d.cores, mergeSolidity, spotMinArea, spotMinForeground,
				coreMinArea, coreThreshold);
		if (d.imageWidth == d.width && d.imageHeight == d.height) return out;
		boolean same = passMeasured == out;
		out = scaleBack(out, d.imageWidth, d.imageHeight);
		passMeasured = same ? out : scaleBack(passMeasured, d.imageWidth, d.imageHeight);
		return out;
	}

	/** The instances without their {@code spots} highest labels (for measurements only: no soft masks). */
	static Instances withoutSpots(Instances in, int spots) {
		int keep = Math.max(0, in.count() - spots);
		if (keep == in.count()) return in;
		int[] labels = in.labels().clone();
		int max = 0;
		for (int i = 0; i < labels.length; i++) {
			if (labels[i] > keep) labels[i] = 0;
			max = Math.max(max, labels[i]);
		}
		return new Instances(in.width(), in.height(), labels, java.util.Arrays.copyOf(in.confidences(), max), null);
	}

	/** The instances with their holes filled ({@link InstancePainter#fillHoles}); confidences and soft masks stay. */
	static Instances withoutHoles(Instances in) {
		int[] filled = InstancePainter.fillHoles(in.labels(), in.width(), in.height());
		if (java.util.Arrays.equals(filled, in.labels())) return in;
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[in.count()];
			for (int l = 1; l <= in.count(); l++) soft[l - 1] = in.softMask(l);
		}
		return new Instances(in.width(), in.height(), filled, in.confidences(), soft);
	}

	/**
	 * Tiles per batch: whole rows of tiles when a row fits in the batch size (so that a batch covers a compact region
	 * the decoder can encode at once), else the batch size.
	 */
	private int batchTiles(int tilesPerRow) {
		return tilesPerRow <= batchSize ? Math.max(1, Math.round(batchSize / (float) tilesPerRow)) * tilesPerRow : batchSize;
	}

	private static int[] tileX(int[] xs, int first, int last) {
		int[] x = new int[last - first];
		for (int k = first; k < last; k++) x[k - first] = xs[k % xs.length];
		return x;
	}

	private static int[] tileY(int[] xs, int[] ys, int first, int last) {
		int[] y = new int[last - first];
		for (int k = first; k < last; k++) y[k - first] = ys[k / xs.length];
		return y;
	}

	private void collect(List<TileDecoder.Emission> em, int x0, int y0, int[] ownX, int[] ownY, int width, int height, double maskThreshold,
			List<Candidate> out) {
		if (em.isEmpty()) return;
		int[] kept = new int[em.size()];
		int[] labels = InstancePainter.paintEmissions(em, tile, tile, maskThreshold, 1, kept);
		int n = 0;
		for (int l : labels) n = Math.max(n, l);
		if (n == 0) return;
		long[] sx = new long[n + 1], sy = new long[n + 1];
		int[] area = new int[n + 1];
		int[] bx0 = new int[n + 1], by0 = new int[n + 1], bx1 = new int[n + 1], by1 = new int[n + 1];
		Arrays.fill(bx0, Integer.MAX_VALUE);
		Arrays.fill(by0, Integer.MAX_VALUE);
		Arrays.fill(bx1, -1);
		Arrays.fill(by1, -1);
		for (int y = 0; y < tile; y++)
			for (int x = 0; x < tile; x++) {
				int l = labels[y * tile + x];
				if (l == 0) continue;
				area[l]++;
				sx[l] += x;
				sy[l] += y;
				bx0[l] = Math.min(bx0[l], x); bx1[l] = Math.max(bx1[l], x);
				by0[l] = Math.min(by0[l], y); by1[l] = Math.max(by1[l], y);
			}
		for (int l = 1; l <= n; l++) {
			double cx = x0 + sx[l] / (double) area[l], cy = y0 + sy[l] / (double) area[l];
			boolean owned = cx >= ownX[0] && cx < ownX[1] && cy >= ownY[0] && cy < ownY[1];
			boolean truncated = (bx0[l] == 0 && x0 > 0) || (by0[l] == 0 && y0 > 0) || (bx1[l] == tile - 1 && x0 + tile < width)
					|| (by1[l] == tile - 1 && y0 + tile < height);
			if (truncated && !owned) continue;
			int tier = truncated ? 2 : owned ? 0 : 1;
			int[] pix = new int[area[l]];
			int k = 0;
			for (int y = by0[l]; y <= by1[l]; y++)
				for (int x = bx0[l]; x <= bx1[l]; x++)
					if (labels[y * tile + x] == l && x0 + x < width && y0 + y < height) pix[k++] = (y0 + y) * width + x0 + x;
			if (k == 0) continue;
			if (k < pix.length) pix = Arrays.copyOf(pix, k);
			Instances.SoftMask soft = null;
			TileDecoder.Emission e = em.get(kept[l - 1]);
			if (keepSoftMasks) {
				// the soft mask over the instance's box, grown by a margin so that a CRF can move the boundary
				int m = 4;
				int ux0 = Math.max(0, bx0[l] - m), uy0 = Math.max(0, by0[l] - m);
				int ux1 = Math.min(Math.min(tile, width - x0) - 1, bx1[l] + m), uy1 = Math.min(Math.min(tile, height - y0) - 1, by1[l] + m);
				int bw = ux1 - ux0 + 1, bh = uy1 - uy0 + 1;
				float[] v = new float[bw * bh];
				for (int y = 0; y < bh; y++) System.arraycopy(e.mask, (uy0 + y) * tile + ux0, v, y * bw, bw);
				soft = new Instances.SoftMask(x0 + ux0, y0 + uy0, bw, bh, v);
			}
			out.add(new Candidate(e.confidence, pix, soft, tier));
		}
	}

	private Instances stitch(List<Candidate> candidates, int width, int height, int minArea) {
		// instances from the tiles that own them and saw them whole first, by confidence, then the fallbacks
		candidates.sort((a, b) -> a.tier != b.tier ? Integer.compare(a.tier, b.tier) : Float.compare(b.confidence, a.confidence));
		int[] raw = new int[width * height];
		List<Candidate> painted = new ArrayList<>();
		for (Candidate c : candidates) {
			// duplicate test: most of its pixels already belong to one earlier instance
			int bestOwner = 0, bestCount = 0;
			java.util.HashMap<Integer, Integer> owners = new java.util.HashMap<>();
			for (int p : c.pixels) {
				int o = raw[p];
				if (o == 0) continue;
				int cnt = owners.merge(o, 1, Integer::sum);
				if (cnt > bestCount) { bestCount = cnt; bestOwner = o; }
			}
			if (bestOwner != 0 && bestCount * 2 > c.pixels.length) continue;
			if (c.tier > 0) {
				int taken = 0;
				for (int p : c.pixels) if (raw[p] != 0) taken++;
				if (taken > FALLBACK_OVERLAP * c.pixels.length) continue;
			}
			int label = painted.size() + 1;
			painted.add(c);
			for (int p : c.pixels) if (raw[p] == 0) raw[p] = label;
		}
		int[] kept = new int[painted.size()];
		int[] labels = InstancePainter.largestPieces(raw, width, height, painted.size(), minArea, kept);
		int n = 0;
		for (int l : labels) n = Math.max(n, l);
		float[] conf = new float[n];
		Instances.SoftMask[] soft = keepSoftMasks ? new Instances.SoftMask[n] : null;
		for (int l = 1; l <= n; l++) {
			Candidate c = painted.get(kept[l - 1]);
			conf[l - 1] = c.confidence;
			if (soft != null) soft[l - 1] = c.soft;
		}
		return new Instances(width, height, labels, conf, soft);
	}
}
