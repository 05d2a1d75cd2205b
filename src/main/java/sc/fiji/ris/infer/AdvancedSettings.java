package sc.fiji.ris.infer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;

/**
 * The segmenter's advanced settings, from a JSON file ({@code ris segment --settings FILE.json}, Fiji's "Advanced
 * settings" file): the decision thresholds, the tiles and the post-processing steps, which the model owns and which
 * few users change. A setting left out keeps the model's value. An unknown key, a value of the wrong type and a value
 * out of range are refused with one sentence.
 * <p>
 * Example: {@code {"minConfidence": 0.6, "mergeSolidity": 0, "coreMinArea": 0}}.
 */
public final class AdvancedSettings {

	/** The keys, each with what it sets and its range, for errors and documentation. */
	public static final Map<String, String> KEYS = keys();

	private AdvancedSettings() {}

	/** The keys with their texts, from {@code advanced-settings.txt} beside this class. */
	private static Map<String, String> keys() {
		Map<String, String> m = new TreeMap<>();
		try (java.io.InputStream in = AdvancedSettings.class.getResourceAsStream("/sc/fiji/ris/infer/advanced-settings.txt")) {
			if (in == null) throw new IllegalStateException("advanced-settings.txt is missing from the plugin's jar.");
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (line.isBlank() || line.startsWith("#")) continue;
				int tab = line.indexOf('\t');
				m.put(line.substring(0, tab), line.substring(tab + 1).strip());
			}
		} catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
		return java.util.Collections.unmodifiableMap(m);
	}

	/** Reads {@code file} into {@code o} (the keys it holds only). */
	public static SegmenterOptions read(Path file, SegmenterOptions o) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "The settings file " + file + " does not exist: give a JSON file such as {\"minConfidence\": 0.6}.");
		JsonObject json;
		try {
			JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
			if (!e.isJsonObject()) throw new UserError("The settings file " + file + " must hold one JSON object, such as {\"minConfidence\": 0.6}.");
			json = e.getAsJsonObject();
		} catch (JsonParseException | IllegalStateException e) {
			throw new UserError("The settings file " + file + " is not valid JSON (" + e.getMessage() + "): write it as {\"minConfidence\": 0.6}.");
		}
		return apply(json, file.getFileName().toString(), o);
	}

	/** Applies the settings of {@code json} to {@code o}; {@code source} names it in errors. */
	public static SegmenterOptions apply(JsonObject json, String source, SegmenterOptions o) {
		for (String key : json.keySet())
			if (!KEYS.containsKey(key))
				throw new UserError("The settings file " + source + " has an unknown setting '" + key + "': the settings are " + String.join(", ", KEYS.keySet()) + ".");
		if (json.has("minConfidence")) o.minConfidence = number(json, source, "minConfidence", 0, 1);
		if (json.has("maskThreshold")) o.maskThreshold = open(json, source, "maskThreshold");
		if (json.has("minArea")) o.minArea = whole(json, source, "minArea", 0, 1_000_000);
		if (json.has("mergeSolidity")) o.mergeSolidity = number(json, source, "mergeSolidity", 0, 1);
		if (json.has("tileSize")) {
			o.tileSize = whole(json, source, "tileSize", 32, 4096);
			if (o.tileSize % 8 != 0) throw invalid(source, "tileSize", "a multiple of 8", json.get("tileSize"));
		}
		if (json.has("spotMinArea")) o.spotMinArea = whole(json, source, "spotMinArea", 0, 1_000_000);
		if (json.has("spotMinForeground")) o.spotMinForeground = number(json, source, "spotMinForeground", 0.5, 1);
		if (json.has("coreMinArea")) o.coreMinArea = whole(json, source, "coreMinArea", 0, 1_000_000);
		if (json.has("coreThreshold")) o.coreThreshold = open(json, source, "coreThreshold");
		if (json.has("flipVotes")) o.flipVotes = whole(json, source, "flipVotes", 1, 4);
		if (json.has("fill")) o.fillFromForeground = bool(json, source, "fill");
		if (json.has("sharedEncoding")) o.shareEncoder = bool(json, source, "sharedEncoding");
		return o;
	}

	private static double number(JsonObject json, String source, String key, double lo, double hi) {
		double v = value(json, source, key);
		if (!(v >= lo && v <= hi)) throw invalid(source, key, "in [" + num(lo) + ", " + num(hi) + "]", json.get(key));
		return v;
	}

	private static double open(JsonObject json, String source, String key) {
		double v = value(json, source, key);
		if (!(v > 0 && v < 1)) throw invalid(source, key, "in (0, 1)", json.get(key));
		return v;
	}

	private static int whole(JsonObject json, String source, String key, int lo, int hi) {
		double v = value(json, source, key);
		if (v != Math.rint(v) || v < lo || v > hi) throw invalid(source, key, "a whole number from " + lo + " to " + hi, json.get(key));
		return (int) v;
	}

	private static boolean bool(JsonObject json, String source, String key) {
		JsonElement e = json.get(key);
		if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) throw invalid(source, key, "true or false", e);
		return p.getAsBoolean();
	}

	private static double value(JsonObject json, String source, String key) {
		JsonElement e = json.get(key);
		if (!(e instanceof JsonPrimitive p) || !p.isNumber()) throw invalid(source, key, "a number", e);
		return p.getAsDouble();
	}

	private static InvalidSetting invalid(String source, String key, String what, JsonElement got) {
		return new InvalidSetting("settings", "The setting '" + key + "' of " + source + " (" + InvalidSetting.NAME + ") must be " + what + " (" + KEYS.get(key) + "), not " + got + ".");
	}

	private static String num(double v) {
		return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
	}

	/** The settings as lines "key: what it sets", for help texts. */
	public static List<String> describe() {
		return KEYS.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
	}
}
