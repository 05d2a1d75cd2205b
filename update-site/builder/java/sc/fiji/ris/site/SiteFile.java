package sc.fiji.ris.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One file to put on an update site: where it comes from, where it goes in {@code Fiji.app}, and what the
 * updater shows and checks about it.
 *
 * @param source the file to publish
 * @param path where the updater installs it, relative to {@code Fiji.app}: under {@code jars/}, {@code plugins/},
 *            {@code macros/} or {@code scripts/}, with {@code /} between folders (for example
 *            {@code jars/api-0.36.0.jar}); a version in the name lets the updater replace an older one
 * @param platforms the updater platforms that get the file ({@link #PLATFORMS}); empty for every platform
 * @param dependencies paths of other files of the same site that the updater installs with this one
 * @param description what the updater shows for the file, or {@code null}
 * @param links web pages about the file
 */
public record SiteFile(Path source, String path, List<String> platforms, List<String> dependencies, String description, List<String> links) {

	/**
	 * The updater's platform names: {@code linux64}, {@code win64}, {@code macos-arm64} and so on name one
	 * operating system on one processor, {@code linuxx}, {@code winx} and {@code macosx} every processor of one
	 * operating system.
	 */
	public static final Set<String> PLATFORMS = Set.of("linux32", "linux64", "linux-arm64", "linuxx", "macos64", "macos-arm64", "macosx", "win32", "win64", "win-arm64", "winx");

	/** The folders of {@code Fiji.app} that a site of this tooling may write to. */
	public static final List<String> FOLDERS = List.of("jars", "plugins", "macros", "scripts");

	private static final Pattern PATH = Pattern.compile("(jars|plugins|macros|scripts)(/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+");

	/** Checks the file's description; see the parameters. */
	public SiteFile {
		Objects.requireNonNull(source, "source");
		Objects.requireNonNull(path, "path");
		if (!PATH.matcher(path).matches())
			throw new IllegalArgumentException("The site path " + path + " is not a relative path under jars/, plugins/, macros/ or scripts/ made of letters, digits and . _ + - (and / between folders).");
		platforms = List.copyOf(platforms);
		for (String platform : platforms)
			if (!PLATFORMS.contains(platform)) throw new IllegalArgumentException("The platform " + platform + " of " + path + " is not one the updater knows: use one of " + String.join(", ", PLATFORMS.stream().sorted().toList()) + ".");
		dependencies = List.copyOf(dependencies);
		for (String dependency : dependencies)
			if (dependency.equals(path)) throw new IllegalArgumentException("The file " + path + " lists itself as a dependency.");
		if (description != null && description.isBlank()) description = null;
		links = List.copyOf(links);
		for (String link : links)
			if (!link.startsWith("https://") && !link.startsWith("http://")) throw new IllegalArgumentException("The link " + link + " of " + path + " is not an http(s) address.");
	}

	/** A file for every platform, without dependencies, description or links. */
	public SiteFile(Path source, String path) {
		this(source, path, List.of(), List.of(), null, List.of());
	}

	/** The same file with a description. */
	public SiteFile withDescription(String text) {
		return new SiteFile(source, path, platforms, dependencies, text, links);
	}

	/** The same file for the given platforms only. */
	public SiteFile withPlatforms(String... names) {
		return new SiteFile(source, path, List.of(names), dependencies, description, links);
	}

	/** The same file with the given dependencies. */
	public SiteFile withDependencies(String... paths) {
		return new SiteFile(source, path, platforms, List.of(paths), description, links);
	}

	/** Whether the updater treats the file as a jar (and checksums it entry by entry). */
	public boolean isJar() {
		return path.endsWith(".jar");
	}
}
