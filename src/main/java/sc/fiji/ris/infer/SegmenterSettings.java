package sc.fiji.ris.infer;

import java.util.Locale;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;
import sc.fiji.ris.model.ModelConfig;

/**
 * What one {@link Segmenter} does, resolved once from the model's config and the user's {@link SegmenterOptions}
 * (where an option is left at its "the model's" value, the model's, or with flips the model's flip decisions): no
 * sentinel value gets past this class. Checked on creation.
 */
final class SegmenterSettings {

	/** The decision thresholds (with flips, those the model was tuned with for flips, where it has them). */
	final Thresholds thresholds;
	final int tile, overlap, maxSteps, batchSize;
	final boolean keepSoftMasks, fillHoles;
	/** Whether the object size is estimated from the image ({@link SizePolicy}). */
	final boolean estimateDiameter;
	/** Measured diameters within this factor of the model's are left alone. */
	final double diameterTolerance;
	/** Views that must agree on an object, of the 4 flipped views; 0: no test-time augmentation. */
	final int flipVotes;
	/** Smallest piece of unclaimed foreground that becomes an instance; 0: no filling ({@link ForegroundFill}). */
	final int fillArea;
	/** How far instances grow into the unclaimed foreground, in network pixels; 0: not at all ({@link RimGrowth}). */
	final int rimGrowth;
	/** Network pixels per image pixel (1: no rescaling). */
	final double scale;
	/** The model's input scale: network pixels per image pixel at the model's own object size. */
	final double inputScale;
	/** The diameter of the objects the network learnt, in network pixels (the model's object diameter, magnified). */
	final double modelDiameter;
	/** The model's object diameter in image pixels (for messages). */
	final double configDiameter;
	/** {@link SizePolicy#PIECES_LIMIT}, raised for a model that learnt crowded objects. */
	final double piecesLimit;

	SegmenterSettings(ModelConfig config, SegmenterOptions o) {
		if (o.flipVotes < -1 || o.flipVotes > 4) throw new InvalidSetting("flip_votes", "{setting} (the votes of the flipped views) must lie in [1, 4] (0 = no flips), not " + o.flipVotes + ".");
		ModelConfig.FlipDecisions fd = o.flipVotes != 0 ? config.flips : null;
		flipVotes = o.flipVotes >= 0 ? o.flipVotes : fd != null ? fd.votes : 2;
		thresholds = new Thresholds(
				!Double.isNaN(o.minConfidence) ? o.minConfidence : fd != null ? fd.minConfidence : config.minConfidence,
				!Double.isNaN(o.maskThreshold) ? o.maskThreshold : fd != null ? fd.maskThreshold : config.maskThreshold,
				o.minArea >= 0 ? o.minArea : fd != null ? fd.minArea : config.minArea,
				!Double.isNaN(o.mergeSolidity) ? o.mergeSolidity : fd != null ? fd.mergeSolidity : config.mergeSolidity,
				o.spotMinArea >= 0 ? o.spotMinArea : config.spotMinArea,
				!Double.isNaN(o.spotMinForeground) ? o.spotMinForeground : config.spotMinForeground,
				o.coreMinArea >= 0 ? o.coreMinArea : config.coreMinArea,
				!Double.isNaN(o.coreThreshold) ? o.coreThreshold : config.coreThreshold);
		tile = o.tileSize > 0 ? o.tileSize : config.tileSize;
		overlap = o.tileOverlap >= 0 ? o.tileOverlap : Math.min(config.tileOverlap, tile / 2 - 8);
		maxSteps = o.maxSteps > 0 ? o.maxSteps : config.maxSteps;
		batchSize = Math.max(1, o.batchSize);
		keepSoftMasks = o.keepSoftMasks;
		fillHoles = o.fillHoles;
		diameterTolerance = Double.isNaN(o.diameterTolerance) ? SizePolicy.DIAMETER_TOLERANCE : o.diameterTolerance;
		if (!(diameterTolerance >= 1)) throw new UserError("The diameter tolerance must be at least 1, not " + diameterTolerance + ".");
		estimateDiameter = o.estimateDiameter && !(o.objectDiameter > 0);
		inputScale = config.inputScale;
		configDiameter = config.objectDiameter;
		modelDiameter = config.objectDiameter * config.inputScale;
		piecesLimit = SizePolicy.piecesLimit(config.sharedOutline);
		fillArea = o.fillFromForeground ? ForegroundFill.minPieceArea(modelDiameter) : 0;
		rimGrowth = o.fillFromForeground ? RimGrowth.steps(modelDiameter) : 0;
		if (o.objectDiameter < 0 || Double.isInfinite(o.objectDiameter))
			throw new InvalidSetting("object_diameter", "{setting} must be a positive number of pixels (or 0 for the model's own), not " + o.objectDiameter + ".");
		double sc = o.objectDiameter > 0 ? modelDiameter / o.objectDiameter : config.inputScale;
		if (sc / config.inputScale < 0.125 || sc / config.inputScale > 8)
			throw new InvalidSetting("object_diameter", String.format(Locale.ROOT,
					"An object diameter ({setting}) of %.1f pixels is too far from the model's %.1f (at most 8 times larger or smaller): check the value.",
					o.objectDiameter, config.objectDiameter));
		scale = Math.abs(sc - 1) < 0.02 ? 1 : sc;
		if (tile < 32 || tile % 8 != 0) throw new InvalidSetting("tile_size", "{setting} must be a multiple of 8 and at least 32, not " + tile + ".");
		if (overlap < 0 || overlap > tile - 2 * TileGrid.ALIGN)
			throw new InvalidSetting("tile_overlap", "{setting} must lie in [0, tile size - " + 2 * TileGrid.ALIGN + "], not " + overlap + ".");
	}

	/** The tiles of a plane of {@code width x height} network pixels. */
	TileGrid grid(int width, int height) {
		return new TileGrid(width, height, tile, overlap);
	}
}
