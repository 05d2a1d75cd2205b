package sc.fiji.ris.site;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The description of an update site in a small JSON file ({@code update-site/site.json} for RIS): the files of
 * the site, and the libraries that Fiji ships itself, which the site must leave out.
 *
 * <pre>
 * {
 *   "fijiShips": ["ij", "scijava-common", "gson", ...],
 *   "files": [
 *     { "path": "jars/api-${djl.version}.jar", "source": "${inputs}/api-${djl.version}.jar",
 *       "platforms": [], "dependencies": [], "description": "...", "links": [] },
 *     ...
 *   ]
 * }
 * </pre>
 *
 * Every string may use {@code ${name}}, replaced by a value that the build passes (the project's version, the DJL
 * version, ...); a relative {@code source} is resolved against a base folder (the project's folder).
 */
public final class SiteSpec {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)\\}");
	private static final Set<String> TOP_KEYS = Set.of("fijiShips", "files");
	private static final Set<String> FILE_KEYS = Set.of("path", "source", "platforms", "dependencies", "description", "links");

	private final String name;
	private final List<SiteFile> files;
	private final List<String> fijiShips;

	private SiteSpec(String name, List<SiteFile> files, List<String> fijiShips) {
		this.name = name;
		this.files = List.copyOf(files);
		this.fijiShips = List.copyOf(fijiShips);
	}

	/** The files of the site. */
	public List<SiteFile> files() {
		return files;
	}

	/** The artifact names ({@code gson}, {@code jna}, ...) of the libraries that Fiji ships itself. */
	public List<String> fijiShips() {
		return fijiShips;
	}

	/**
	 * Reads a site description.
	 *
	 * @param specFile the JSON file
	 * @param baseDir the folder that relative {@code source} paths start from
	 * @param properties the values of the {@code ${name}} placeholders
	 * @throws IllegalArgumentException if the description is wrong (one sentence says where)
	 */
	public static SiteSpec read(Path specFile, Path baseDir, Map<String, String> properties) throws IOException {
		if (!Files.isRegularFile(specFile)) throw new IOException("The site description " + specFile + " does not exist.");
		String name = specFile.toString();
		JsonElement root;
		try {
			root = JsonParser.parseString(Files.readString(specFile, StandardCharsets.UTF_8));
		} catch (JsonParseException e) {
			Throwable cause = e.getCause() != null ? e.getCause() : e;
			throw new IllegalArgumentException("The site description " + name + " is not valid JSON (" + String.valueOf(cause.getMessage()).replace('\n', ' ') + ").", e);
		}
		if (!root.isJsonObject()) throw new IllegalArgumentException("The site description " + name + " must be a JSON object with \"files\" and \"fijiShips\".");
		JsonObject top = root.getAsJsonObject();
		checkKeys(top, TOP_KEYS, name);
		List<String> fijiShips = strings(top, "fijiShips", name, properties);
		if (!top.has("files") || !top.get("files").isJsonArray()) throw new IllegalArgumentException("The site description " + name + " has no \"files\" list.");
		List<SiteFile> files = new ArrayList<>();
		JsonArray list = top.getAsJsonArray("files");
		for (int i = 0; i < list.size(); i++) {
			String where = name + ", file " + (i + 1);
			if (!list.get(i).isJsonObject()) throw new IllegalArgumentException("In " + where + ": each file must be a JSON object.");
			JsonObject o = list.get(i).getAsJsonObject();
			checkKeys(o, FILE_KEYS, where);
			String path = string(o, "path", where, properties, true);
			String source = string(o, "source", where, properties, true);
			try {
				files.add(new SiteFile(baseDir.resolve(source).normalize(), path, strings(o, "platforms", where, properties), strings(o, "dependencies", where, properties), string(o, "description", where, properties, false), strings(o, "links", where, properties)));
			} catch (IllegalArgumentException e) {
				throw new IllegalArgumentException("In " + where + ": " + e.getMessage(), e);
			}
		}
		return new SiteSpec(name, files, fijiShips);
	}

	/**
	 * Checks the site against the plugin's runtime class path: every jar there is either on the site or shipped by
	 * Fiji, so that no dependency is forgotten, and no file of the site is one that Fiji ships, so that the site
	 * never shadows Fiji's own copy of a shared library.
	 *
	 * @throws IllegalArgumentException naming the first jar that breaks the rule
	 */
	public void checkAgainst(List<Path> runtimeClasspath) {
		Set<String> shipped = new HashSet<>(fijiShips);
		Set<String> onSite = new HashSet<>();
		for (SiteFile file : files) {
			String jar = file.source().getFileName().toString();
			onSite.add(jar);
			if (file.isJar() && shipped.contains(artifactName(jar)))
				throw new IllegalArgumentException("The site file " + file.path() + " is " + artifactName(jar) + ", which Fiji ships itself (" + name + ", \"fijiShips\"): leave it off the site.");
		}
		for (Path entry : runtimeClasspath) {
			String jar = entry.getFileName().toString();
			if (!jar.endsWith(".jar") || onSite.contains(jar) || shipped.contains(artifactName(jar))) continue;
			throw new IllegalArgumentException("The runtime dependency " + jar + " is neither on the update site nor in the list of libraries that Fiji ships (" + name + "): add it to one of them.");
		}
	}

	/** The artifact name in a Maven jar name: everything before the first {@code -} that a digit follows. */
	static String artifactName(String jarFileName) {
		String base = jarFileName.endsWith(".jar") ? jarFileName.substring(0, jarFileName.length() - 4) : jarFileName;
		Matcher m = Pattern.compile("-[0-9]").matcher(base);
		return m.find() ? base.substring(0, m.start()) : base;
	}

	private static void checkKeys(JsonObject o, Set<String> allowed, String where) {
		for (String key : o.keySet())
			if (!allowed.contains(key)) throw new IllegalArgumentException("In " + where + ": unknown key \"" + key + "\" (known: " + String.join(", ", allowed.stream().sorted().toList()) + ").");
	}

	private static String string(JsonObject o, String key, String where, Map<String, String> properties, boolean required) {
		JsonElement e = o.get(key);
		if (e == null || e.isJsonNull()) {
			if (required) throw new IllegalArgumentException("In " + where + ": \"" + key + "\" is missing.");
			return null;
		}
		if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) throw new IllegalArgumentException("In " + where + ": \"" + key + "\" must be a string.");
		return substitute(e.getAsString(), where, properties);
	}

	private static List<String> strings(JsonObject o, String key, String where, Map<String, String> properties) {
		JsonElement e = o.get(key);
		if (e == null || e.isJsonNull()) return List.of();
		if (!e.isJsonArray()) throw new IllegalArgumentException("In " + where + ": \"" + key + "\" must be a list of strings.");
		List<String> result = new ArrayList<>();
		for (JsonElement item : e.getAsJsonArray()) {
			if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) throw new IllegalArgumentException("In " + where + ": \"" + key + "\" must be a list of strings.");
			result.add(substitute(item.getAsString(), where, properties));
		}
		return result;
	}

	static String substitute(String text, String where, Map<String, String> properties) {
		Matcher m = PLACEHOLDER.matcher(text);
		StringBuilder out = new StringBuilder();
		while (m.find()) {
			String value = properties.get(m.group(1));
			if (value == null) throw new IllegalArgumentException("In " + where + ": ${" + m.group(1) + "} has no value; pass one with --set " + m.group(1) + "=VALUE.");
			m.appendReplacement(out, Matcher.quoteReplacement(value));
		}
		m.appendTail(out);
		return out.toString();
	}
}
