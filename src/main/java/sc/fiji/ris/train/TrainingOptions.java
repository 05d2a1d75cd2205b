package sc.fiji.ris.train;

import java.nio.file.Path;
import sc.fiji.ris.InvalidSetting;

/**
 * Options of a training run. Plain data with defaults; {@link #validate()} checks ranges with one sentence per
 * problem, naming the option as the launcher spells it.
 */
public final class TrainingOptions {

	/** Stop after this many iterations (0 = no limit; then {@link #minutes} must be set). */
	public long iterations = 0;
	/** Stop after this many minutes of training (0 = no limit). */
	public double minutes = 0;
	/** Square crop side (multiple of 8). */
	public int crop = 96;
	/** Crops per iteration. */
	public int batch = 4;
	/** Adam learning rate. */
	public float learningRate = 1e-3f;
	/** Whether the learning rate decays (cosine, to 5%) over the second half of the budget. */
	public boolean decay = true;
	/** Element-wise gradient clipping. */
	public float clipGradient = 5f;
	/** The global norm of each batch's gradient is limited to this multiple of its running mean (0 = no limit). */
	public double gradientNormLimit = 2;
	/** Weight of the confidence BCE in the loss. */
	public float lambda = 1f;
	/** Weight of the seed term in the loss (networks with seed attention; 0 turns it off). */
	public float seedWeight = 1f;
	/** Extra weight of the seams between touching instances in the soft IoU (0 turns it off; see {@code RisLoss}). */
	public float borderWeight = 0f;
	/**
	 * How many times an annotated object smaller than {@link RisTrainer#SMALL_OBJECT_FRACTION} of the training objects'
	 * median area counts in the loss (1 turns it off; see {@code RisLoss}).
	 */
	public float smallObjectWeight = 1f;
	/**
	 * The set each training image belongs to (0..k-1, one entry per image, in the order of the training list), or null
	 * for one set: each set gives an equal share of the crops, and its images an equal share of the set's, so that a
	 * set of many small images does not drown one of a few large ones.
	 */
	public int[] imageSets;
	/** Fraction of crops drawn from synthetic nuclei instead of the training images. */
	public double syntheticFraction = 0;
	/**
	 * Fraction of crops from the training images placed around a small annotated object (smaller than
	 * {@link RisTrainer#SMALL_OBJECT_FRACTION} of the median area), so that rare small objects are seen more often.
	 */
	public double smallObjectCrops = 0;
	/**
	 * Fraction of crops from the training images placed around the seam between two touching annotated objects, so
	 * that the places where touching objects must be told apart are seen more often.
	 */
	public double touchingCrops = 0;
	/** Training crops are magnified by a factor drawn log-uniformly from [1 / this, this]; 1 = no rescaling. */
	public double scaleAugmentation = 1;
	/**
	 * Training and validation images are magnified by this factor before cropping, and the model records it so that
	 * it magnifies the images it segments alike ({@code ModelConfig.inputScale}). -1: the resumed or fine-tuned
	 * model's own, 1 for a new model.
	 */
	public double inputScale = -1;
	/**
	 * Pixels of context around each training crop (a multiple of 16; 0 = none): the network encodes the crop with
	 * this margin on each side (on each side with a chance of {@link RisTrainer#CONTEXT_SIDE}) and segments the crop,
	 * as tiles are segmented when a batch of them shares one encoding at inference. -1: the margin the resumed or
	 * fine-tuned model was trained with, none for a new model.
	 */
	public int contextMargin = -1;
	/**
	 * Whether a loss spike (see {@link LossSpikeGuard}) sends the run back to the weights of a recent checkpoint, with
	 * fresh optimiser moments.
	 */
	public boolean spikeRollback = true;
	/** Whether to keep every checkpoint validated in stage 2 ({@code iteration-NNNNNNN.zip} in the checkpoint folder). */
	public boolean keepCheckpoints = false;
	/** Whether to run the curriculum (stage 1 with 2 steps first). */
	public boolean curriculum = true;
	/** Most of the budget stage 1 may take. */
	public double stage1MaxShare = 0.25;
	/** Stage 1 ends after this many validations without improvement. */
	public int stage1Patience = 3;
	/** Validate every this many iterations. */
	public int validateEvery = 100;
	/** Write a checkpoint every this many iterations. */
	public int checkpointEvery = 100;
	/** Instances with fewer pixels inside a crop are not targets. */
	public int minInstanceArea = 16;
	public long seed = 42;
	/** Folder for checkpoints ({@code last.zip}, {@code best.zip}). */
	public Path checkpointDir;
	/** A checkpoint to resume from, or null. */
	public Path resume;
	/** A model to fine-tune (its architecture is kept), or null for a new network. */
	public Path startFrom;

	/** @throws IllegalArgumentException naming the wrong option */
	public void validate() {
		if (iterations < 0) throw new InvalidSetting("iterations", "{setting} must be positive, not " + iterations + ".");
		if (minutes < 0) throw new InvalidSetting("minutes", "{setting} must be positive, not " + minutes + ".");
		if (iterations == 0 && minutes == 0) throw new InvalidSetting("minutes", "Give {setting} (or a number of iterations) to say when training ends.");
		if (crop < 32 || crop % 8 != 0) throw new InvalidSetting("crop", "{setting} must be a multiple of 8 and at least 32, not " + crop + ".");
		if (batch < 1) throw new InvalidSetting("batch", "{setting} must be at least 1, not " + batch + ".");
		if (!(learningRate > 0)) throw new InvalidSetting("learning_rate", "{setting} must be positive.");
		if (!(syntheticFraction >= 0 && syntheticFraction <= 1)) throw new InvalidSetting("synthetic", "{setting} must lie in [0, 1], not " + syntheticFraction + ".");
		if (!(smallObjectCrops >= 0 && smallObjectCrops <= 1)) throw new InvalidSetting("small_object_crops", "{setting} must lie in [0, 1], not " + smallObjectCrops + ".");
		if (!(touchingCrops >= 0 && touchingCrops <= 1)) throw new InvalidSetting("touching_crops", "{setting} must lie in [0, 1], not " + touchingCrops + ".");
		if (smallObjectCrops + touchingCrops > 1) throw new InvalidSetting("touching_crops", "The touching crops ({setting}) and the small-object crops are shares of the same crops and add up to "
				+ (float) (smallObjectCrops + touchingCrops) + ": lower them to 1 or less in all.");
		if (inputScale != -1 && !(inputScale >= 0.5 && inputScale <= 2)) throw new InvalidSetting("input_scale", "{setting} must lie in [0.5, 2], not " + inputScale + ".");
		if (!(scaleAugmentation >= 1 && scaleAugmentation <= 4)) throw new InvalidSetting("scale_augmentation", "{setting} must lie in [1, 4], not " + scaleAugmentation + ".");
		if (contextMargin != -1 && (contextMargin < 0 || contextMargin > 64 || contextMargin % 16 != 0))
			throw new InvalidSetting("context_margin", "{setting} must be 0, 16, 32, 48 or 64, not " + contextMargin + ".");
		if (!(lambda >= 0)) throw new InvalidSetting("lambda", "{setting} must not be negative.");
		if (!(seedWeight >= 0)) throw new InvalidSetting("seed_weight", "{setting} must not be negative.");
		if (!(gradientNormLimit == 0 || gradientNormLimit >= 1))
			throw new InvalidSetting("gradient_norm_limit", "{setting} must be 0 (no limit) or at least 1, not " + gradientNormLimit + ".");
		if (!(smallObjectWeight >= 1)) throw new InvalidSetting("small_object_weight", "{setting} must be at least 1, not " + smallObjectWeight + ".");
		if (!(borderWeight >= 0)) throw new InvalidSetting("border_weight", "{setting} must not be negative.");
		if (validateEvery < 1 || checkpointEvery < 1) throw new InvalidSetting("validate_every", "{setting} must be at least 1.");
	}
}
