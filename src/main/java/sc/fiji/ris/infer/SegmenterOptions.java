package sc.fiji.ris.infer;

import sc.fiji.ris.UserError;
import sc.fiji.ris.model.ModelConfig;

/**
 * What a caller may ask of a {@link Segmenter}; NaN, negative or 0 values mean "as the model's config says". The
 * segmenter resolves them once against the model ({@link SegmenterSettings}).
 */
public final class SegmenterOptions {
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
	 * and, if it is off by more than {@link SizePolicy#DIAMETER_TOLERANCE}, segment once more at the measured size
	 * (see {@link SizePolicy}).
	 */
	public boolean estimateDiameter = false;

	/**
	 * The object-diameter setting of the commands: above 0, that diameter in pixels; 0, estimated from the image
	 * ({@link #estimateDiameter}); below 0, the model's own (no rescaling).
	 */
	public SegmenterOptions objectDiameterSetting(double pixels) {
		if (Double.isNaN(pixels)) throw new UserError("The object diameter must be a number of pixels, 0 (estimate it) or -1 (the model's), not NaN.");
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
	 * {@link ForegroundFill}). On the 50 BBBC039 val images this finds about two more nuclei per
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
	 * one instance per core (see {@link CoreSplit}); -1: the model's {@link ModelConfig#coreMinArea};
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
	 * Whether holes inside one instance are filled ({@link HoleFilling}); false only to measure what
	 * the step brings ({@code ris bench sets --steps}).
	 */
	public boolean fillHoles = true;
	/**
	 * Measured diameters within this factor of the model's are left alone; NaN: {@link SizePolicy#DIAMETER_TOLERANCE}.
	 * Only to choose that constant on validation images ({@code ris bench sets --steps}).
	 */
	public double diameterTolerance = Double.NaN;
}
