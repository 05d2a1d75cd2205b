package sc.fiji.ris.fiji;

import java.io.File;
import java.io.IOException;
import java.util.function.UnaryOperator;
import sc.fiji.ris.infer.AdvancedSettings;
import sc.fiji.ris.infer.SegmenterOptions;

/**
 * The "Advanced settings (JSON file)" parameter of the segmenting commands: the thresholds, tiles and post-processing
 * steps that the model owns, for the few users who change them ({@link AdvancedSettings}), so that the dialogs show only
 * what a microscopist decides.
 */
final class AdvancedSettingsFile {

	/** The parameter's description. */
	static final String DESCRIPTION = "Leave empty to use the model's own settings. Otherwise a JSON file of advanced settings, e.g. "
			+ "{\"minConfidence\": 0.6, \"coreMinArea\": 0}; the keys: minConfidence, maskThreshold, minArea, mergeSolidity, tileSize, "
			+ "spotMinArea, spotMinForeground, coreMinArea, coreThreshold, flipVotes, fill, sharedEncoding (see the documentation).";

	/** How the segmenting commands name the settings whose ids differ from their parameters. */
	static final UnaryOperator<String> PARAMETERS = CommandFailure.parameters("flip_votes", "flip_averaging", "settings", "settings_file");

	private AdvancedSettingsFile() {}

	/**
	 * The segmenter options of {@code file} (see {@link #options(File)}) with the dialog's choices: the object diameter
	 * (0 estimate, -1 the model's), flips (with the file's votes, or the model's) and soft masks for the CRF.
	 */
	static SegmenterOptions options(File file, double objectDiameter, boolean flipAveraging, boolean refineWithCrf) throws IOException {
		SegmenterOptions o = options(file);
		o.objectDiameterSetting(objectDiameter);
		o.keepSoftMasks = refineWithCrf;
		o.flipVotes = flipAveraging ? (o.flipVotes > 0 ? o.flipVotes : -1) : 0;
		return o;
	}

	/** The segmenter options of {@code file}, or the model's own where it is null or empty. */
	static SegmenterOptions options(File file) throws IOException {
		SegmenterOptions o = new SegmenterOptions();
		return file == null || file.getPath().isEmpty() ? o : AdvancedSettings.read(file.toPath(), o);
	}
}
