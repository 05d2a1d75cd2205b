package sc.fiji.ris.fiji;

import java.util.LinkedHashMap;
import java.util.Map;
import sc.fiji.ris.UserError;
import sc.fiji.ris.fiji.bridge.MacroOptions;

/**
 * The parameters that Segment Instances had before its research knobs moved into the advanced settings file. Macros
 * recorded then name them all, mostly with the value that meant "the model's own": those are accepted and ignored, so
 * that the macros run as before; any other value is refused with one sentence that names its replacement, so that no
 * macro silently loses a setting.
 */
public final class RetiredParameters {

	/** Each retired parameter: its key in the settings file, and the value that meant "the model's own". */
	private static final Map<String, String[]> RETIRED = Map.of(
			"min_confidence", new String[] { "minConfidence", "-1" },
			"tile_size", new String[] { "tileSize", "0" },
			"merge_solidity", new String[] { "mergeSolidity", "-1" },
			"smallest_spot", new String[] { "spotMinArea", "-1" },
			"smallest_core", new String[] { "coreMinArea", "-1" });

	private RetiredParameters() {}

	/**
	 * The macro options without the retired parameters that ask for the model's own value.
	 *
	 * @throws UserError for a retired parameter with any other value, naming the setting that replaces it
	 */
	public static Map<String, String> without(Map<String, String> given) {
		Map<String, String> out = new LinkedHashMap<>();
		for (Map.Entry<String, String> e : given.entrySet()) {
			String[] r = RETIRED.get(e.getKey());
			if (r == null) {
				out.put(e.getKey(), e.getValue());
				continue;
			}
			String v = e.getValue() == null ? "" : e.getValue().trim();
			boolean own;
			try {
				own = Double.parseDouble(v) == Double.parseDouble(r[1]);
			} catch (NumberFormatException x) {
				own = false;
			}
			if (!own)
				throw new UserError("The macro option " + e.getKey() + "=" + v + " of earlier versions of Segment Instances is now the advanced setting "
						+ r[0] + ": write {\"" + r[0] + "\": " + v + "} to a JSON file and give it as settings_file=[...], or leave the option out for the model's own value.");
		}
		return out;
	}

	/** Checks the macro options of the running macro (null outside a macro): see {@link #without(Map)}. */
	static void check(String macroOptions) {
		if (macroOptions != null) without(MacroOptions.parse(macroOptions));
	}
}
