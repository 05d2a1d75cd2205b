package sc.fiji.ris.model;

import java.util.Arrays;
import sc.fiji.ris.UserError;

/**
 * Everything needed to rebuild a {@link RisNetwork} and to use it the way it was trained: the architecture,
 * the normalisation, the tile size and the decision thresholds chosen on validation data. It is stored as
 * {@code config.json} in the model package; unknown fields are ignored so that newer packages stay readable.
 *
 * <p>Mutable plain-old-data on purpose (it is (de)serialised with Gson); {@link #validate()} checks it.
 */
public final class ModelConfig {

	/** Version of the model package layout; loading refuses any other. */
	public static final int FORMAT_VERSION = 1;

	public int formatVersion = FORMAT_VERSION;

	// ---- architecture
	/** Channels of the encoder at full, 1/2, 1/4 and 1/8 resolution (the bundled model's widths by default). */
	public int[] encoderChannels = { 8, 16, 24, 32 };
	/** Hidden channels of each of the two ConvLSTM layers (they run at 1/4 resolution). */
	public int hiddenChannels = 12;
	/** Channels of the mask decoder (skip features at 1/2 and full resolution). */
	public int maskChannels = 8;
	/** Whether the running union of emitted masks is fed back to the ConvLSTM as an extra input. */
	public boolean feedbackUnion = true;
	/**
	 * Whether the second ConvLSTM layer also sees a coarse (1/16) and a global summary of the first layer's hidden
	 * state, so that a step can coordinate across the whole tile (3x3 kernels at 1/4 resolution alone spread
	 * information by only a few pixels per step). Needs tiles that are multiples of 16.
	 */
	public boolean coarseContext = true;
	/**
	 * Whether each step first picks a seed: a softmax over all positions of the 1/4-resolution grid (so one place
	 * wins across the whole tile), spread by two 5x5 box filters and given to the mask head beside the hidden
	 * state, which then only has to delineate the object under the seed.
	 */
	public boolean seedAttention = true;
	/**
	 * Whether the network has a foreground head: a full-resolution foreground probability computed once per tile,
	 * while each step emits its mask at 1/2 resolution (a step then costs about half as much). An instance is the
	 * step's mask, upsampled, where the foreground agrees. Packages written before this field existed have none.
	 */
	public boolean foregroundHead = true;
	/**
	 * Whether the network has a core head: the probability that a pixel lies in the inner half of an object, at 1/2
	 * resolution, once per tile. It is trained on its own on a trained network (the rest frozen), and the segmenter
	 * cuts an instance that holds several cores into one instance per core ({@link #coreThreshold},
	 * {@link #coreMinArea}). Older packages have none.
	 */
	public boolean coreHead = false;
	/** Channels of the core head's convolutions (packages without the field: 16). */
	public int coreChannels = 16;

	// ---- input
	/** Lower and upper percentile for intensity normalisation. */
	public double normLowPercentile = 1.0;
	public double normHighPercentile = 99.8;
	/** Side of a square tile (multiple of 8) used for inference; training crops have the same size. */
	public int tileSize = 128;
	/** Overlap between neighbouring tiles, at least the largest expected object. */
	public int tileOverlap = 40;
	/** Most decoding steps per tile. */
	public int maxSteps = 30;
	/** Typical object diameter in pixels in the training data (for rescaling other data). */
	public double objectDiameter = 28;
	/**
	 * How crowded the training objects were: the fraction of their outlines that faces another object, pooled over
	 * the training labels (BBBC039's training set: 0.05). The object-diameter estimate takes instances that share
	 * much more of their outlines than this for objects cut into pieces (see {@code SizePolicy.piecesLimit}). 0 in
	 * packages written before this field existed: the estimate then keeps its fixed limits.
	 */
	public double sharedOutline = 0;
	/**
	 * The network works on images magnified by this factor: at the model's {@link #objectDiameter} an image is
	 * resampled to this many network pixels per image pixel, and the results are brought back. Training data were
	 * magnified the same way. The thresholds in pixels ({@link #minArea}) count network pixels. Older packages lack it
	 * and read 1.
	 */
	public double inputScale = 1;

	// ---- decisions (chosen on validation data)
	/** A step whose confidence is below this value ends the decoding of its tile. */
	public double minConfidence = 0.5;
	/** Soft-mask threshold. */
	public double maskThreshold = 0.5;
	/** Instances smaller than this (pixels) are dropped. */
	public int minArea = 15;
	/**
	 * With a foreground head: how many 1/2-resolution cells each step's mask is grown by before the foreground
	 * limits it (the foreground then draws the outline within that reach); overlaps go to the mask that claims the
	 * pixel more.
	 */
	public int maskGrowth = 3;
	/**
	 * Two touching instances whose union has at least this solidity (and is at most twice the median instance) are
	 * joined: a nucleus emitted in two parts (see {@code FragmentMerging}); 0 = never. Chosen on validation data by
	 * {@code ris tune}; older models lack it and read 0.
	 */
	public double mergeSolidity = 0;
	/**
	 * With a foreground head: a piece of foreground that no instance took, too small for a nucleus of its own, that
	 * touches no instance and has at least this many pixels (and a mean foreground probability of at least
	 * {@link #spotMinForeground}) becomes an instance: the small objects on their own that no step emitted. 0 = never
	 * (older models lack it and read 0). Chosen on validation data by {@code ris tune}.
	 */
	public int spotMinArea = 0;
	/** The mean foreground probability a spot needs (see {@link #spotMinArea}). */
	public double spotMinForeground = 0.8;
	/**
	 * With a core head: an instance holding several cores (4-connected pieces of core probability at least
	 * {@link #coreThreshold} with at least {@link #coreMinArea} pixels each) is cut into one instance per core, each
	 * taking the pixels nearest to it inside the instance. 0 = never (older models, and models without a core head).
	 * Chosen on validation data by {@code ris tune}.
	 */
	public int coreMinArea = 0;
	/** The core probability that counts a pixel as core (see {@link #coreMinArea}). */
	public double coreThreshold = 0.5;
	/**
	 * The decisions for test-time augmentation by flips ({@code ris segment --flips}), chosen on validation data by
	 * {@code ris tune --flips}; null (older models, or never tuned with flips): the one-view decisions above and 2
	 * votes.
	 */
	public FlipDecisions flips;

	/** The thresholds used when the image is segmented as it is and mirrored, and the four views fused. */
	public static final class FlipDecisions {
		/** How many of the 4 views must find an object. */
		public int votes = 2;
		public double minConfidence = 0.5;
		public double maskThreshold = 0.5;
		public int minArea = 15;
		public double mergeSolidity = 0;
	}

	// ---- provenance
	public Provenance training = new Provenance();

	/** Where a model came from and how well it did on its validation data. */
	public static final class Provenance {
		public String trainingData = "";
		public String validationData = "";
		public long iterations;
		public double seconds;
		public long seed;
		public String curriculum = "";
		/** Weights of the confidence term (lambda) and of the seed term in the loss. */
		public double lambda = 1;
		public double seedWeight;
		/** Extra weight of the seams between touching instances in the soft IoU (older models: absent, i.e. 0). */
		public double borderWeight;
		/** Training crops magnified by factors in [1 / this, this] (1: none; older models: absent, i.e. 1). */
		public double scaleAugmentation = 1;
		/** Fraction of training crops placed around a small object (older models: absent, i.e. 0). */
		public double smallObjectCrops;
		/** Fraction of training crops placed around the seam of two touching objects (older models: absent, i.e. 0). */
		public double touchingCrops;
		/** How many times objects below a quarter of the median area counted in the loss (older models: absent, i.e. 1). */
		public double smallObjectWeight = 1;
		/** Objects with fewer pixels inside a training crop were background there (older models: absent, i.e. 16). */
		public int minInstanceArea = 16;
		/** Context margin around training crops in pixels (0 = none; see the trainer). */
		public int contextMargin = 0;
		/** The gradient's global norm was limited to this multiple of its running mean (0: not limited). */
		public double gradientNormLimit;
		/** Batches whose gradient was scaled down to that limit. */
		public long limitedBatches;
		/** Times a loss spike sent the run back to earlier weights (see the trainer). */
		public int rollbacks;
		/** Iterations and seconds of the core head's own training (0 without a core head). */
		public long coreIterations;
		public double coreSeconds;
		/** Curriculum stage reached (1: two steps, 2: n + 2 steps). */
		public int stage = 1;
		public String created = "";
		/** Validation scores of the kept checkpoint (metric name to value), e.g. "f1@0.5". */
		public java.util.Map<String, Double> validation = new java.util.LinkedHashMap<>();
	}

	/** Scale factor between the input and the ConvLSTM grid. */
	public static final int RECURRENT_STRIDE = 4;

	/**
	 * Checks the values for consistency.
	 *
	 * @throws IllegalArgumentException with one sentence naming the wrong field
	 */
	public void validate() {
		if (formatVersion != FORMAT_VERSION)
			throw new UserError("The model has format version " + formatVersion + " but this plugin reads version " + FORMAT_VERSION + ": update the plugin or use a model made for this version.");
		if (encoderChannels == null || encoderChannels.length < 3 || encoderChannels.length > 4 || Arrays.stream(encoderChannels).anyMatch(c -> c <= 0))
			throw new UserError("The model's encoderChannels must be three or four positive numbers (one per scale), not " + Arrays.toString(encoderChannels) + ".");
		if (hiddenChannels <= 0 || maskChannels <= 0)
			throw new UserError("The model's hiddenChannels and maskChannels must be positive.");
		if (tileSize < 32 || tileSize % 8 != 0)
			throw new UserError("The model's tileSize must be a multiple of 8 and at least 32, not " + tileSize + ".");
		if (coarseContext && tileSize % 16 != 0)
			throw new UserError("The model's tileSize must be a multiple of 16 when coarseContext is on, not " + tileSize + ".");
		if (tileOverlap < 0 || tileOverlap >= tileSize / 2)
			throw new UserError("The model's tileOverlap must be between 0 and half the tile size, not " + tileOverlap + ".");
		if (!(inputScale >= 0.25 && inputScale <= 4))
			throw new UserError("The model's inputScale must lie in [0.25, 4], not " + inputScale + ".");
		if (maxSteps < 1) throw new UserError("The model's maxSteps must be at least 1.");
		if (!(sharedOutline >= 0 && sharedOutline <= 1)) throw new UserError("The model's sharedOutline must lie in [0, 1], not " + sharedOutline + ".");
		if (!(mergeSolidity >= 0 && mergeSolidity <= 1)) throw new UserError("The model's mergeSolidity must lie in [0, 1], not " + mergeSolidity + ".");
		if (spotMinArea < 0) throw new UserError("The model's spotMinArea must be at least 0, not " + spotMinArea + ".");
		if (!(spotMinForeground >= 0.5 && spotMinForeground <= 1)) throw new UserError("The model's spotMinForeground must lie in [0.5, 1], not " + spotMinForeground + ".");
		if (coreHead && (coreChannels < 1 || coreChannels > 512)) throw new UserError("The model's coreChannels must lie in [1, 512], not " + coreChannels + ".");
		if (coreMinArea < 0) throw new UserError("The model's coreMinArea must be at least 0, not " + coreMinArea + ".");
		if (!(coreThreshold > 0 && coreThreshold < 1)) throw new UserError("The model's coreThreshold must lie in (0, 1), not " + coreThreshold + ".");
		if (maskGrowth < 0 || maskGrowth > 16) throw new UserError("The model's maskGrowth must lie in [0, 16], not " + maskGrowth + ".");
		if (!(minConfidence >= 0 && minConfidence <= 1)) throw new UserError("The model's minConfidence must lie in [0, 1].");
		if (!(maskThreshold > 0 && maskThreshold < 1)) throw new UserError("The model's maskThreshold must lie in (0, 1).");
		if (flips != null && (flips.votes < 1 || flips.votes > 4 || !(flips.minConfidence >= 0 && flips.minConfidence <= 1)
				|| !(flips.maskThreshold > 0 && flips.maskThreshold < 1) || flips.minArea < 0 || !(flips.mergeSolidity >= 0 && flips.mergeSolidity <= 1)))
			throw new UserError("The model's flips thresholds must have votes in [1, 4], minConfidence in [0, 1], maskThreshold in (0, 1), a minArea of at least 0 and mergeSolidity in [0, 1].");
		if (!(normLowPercentile >= 0 && normLowPercentile < normHighPercentile && normHighPercentile <= 100))
			throw new UserError("The model's normalisation percentiles must satisfy 0 <= low < high <= 100.");
	}

	/** A deep copy. */
	public ModelConfig copy() {
		com.google.gson.Gson gson = new com.google.gson.Gson();
		return gson.fromJson(gson.toJson(this), ModelConfig.class);
	}
}
