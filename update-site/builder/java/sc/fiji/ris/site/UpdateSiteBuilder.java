package sc.fiji.ris.site;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import sc.fiji.ris.io.AtomicFiles;

/**
 * Writes an ImageJ update site into a folder: every file stored as {@code <path>-<timestamp>} (the name under
 * which the updater downloads it) and the index {@code db.xml.gz} ({@link DbXml}) with, for each file, its
 * path, timestamp, {@linkplain UpdaterChecksum the updater's checksum}, size, platforms, dependencies and
 * description. The folder can be tried out at once as a {@code file:} update site, and its files are what a
 * hosted site serves.
 * <p>
 * Every file is written atomically and the index last, so a reader never sees an index that names a missing
 * file; stored copies of an earlier build in the same folder are removed afterwards. A folder that holds
 * anything but an update site is refused, so that a mistyped output folder loses nothing.
 */
public final class UpdateSiteBuilder {

	/**
	 * Folders that Fiji's launcher puts on the Java module path (Jaunch, Fiji 2.17 and later:
	 * {@code --module-path=jars/<platform>} for the running platform). Every jar there must be a valid module,
	 * or the Java virtual machine refuses to start; the platform groups {@code jars/linuxx}, {@code jars/winx} and
	 * {@code jars/macosx} are on the class path only.
	 */
	static final Set<String> MODULE_PATH_FOLDERS = Set.of("jars/linux32", "jars/linux64", "jars/linux-arm64", "jars/macos64", "jars/macos-arm64", "jars/win32", "jars/win64", "jars/win-arm64");

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuuMMddHHmmss", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
	private static final Pattern STORED = Pattern.compile(".+-[0-9]{14}");

	private final List<SiteFile> files = new ArrayList<>();

	/** Adds a file to the site. */
	public UpdateSiteBuilder add(SiteFile file) {
		files.add(file);
		return this;
	}

	/** Adds files to the site. */
	public UpdateSiteBuilder addAll(Collection<SiteFile> more) {
		files.addAll(more);
		return this;
	}

	/** The updater's timestamp ({@code yyyyMMddHHmmss}, here in UTC) of an instant. */
	public static long timestamp(Instant instant) {
		return Long.parseLong(TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
	}

	/** Reads an updater timestamp ({@code yyyyMMddHHmmss}); refuses anything that is not a date and time. */
	public static long parseTimestamp(String text) {
		try {
			LocalDateTime.parse(text, TIMESTAMP);
			return Long.parseLong(text);
		} catch (DateTimeParseException | NumberFormatException e) {
			throw new IllegalArgumentException("The timestamp " + text + " is not a date and time written as yyyyMMddHHmmss (for example 20260131235959).", e);
		}
	}

	/**
	 * Writes the site into {@code siteDir} with every file at version {@code timestamp} and returns the records of
	 * the index, sorted by path.
	 *
	 * @throws IllegalArgumentException if the files do not make a valid site (one sentence says why)
	 * @throws IOException if a file cannot be read or written, or {@code siteDir} holds something else
	 */
	public List<SiteRecord> write(Path siteDir, long timestamp) throws IOException {
		parseTimestamp(Long.toString(timestamp));
		List<SiteFile> sorted = new ArrayList<>(files);
		sorted.sort(Comparator.comparing(SiteFile::path));
		check(sorted);
		checkOutputFolder(siteDir);

		Set<String> stored = new HashSet<>();
		List<SiteRecord> records = new ArrayList<>();
		for (SiteFile file : sorted) {
			String storedPath = file.path() + "-" + timestamp;
			Path copy = siteDir.resolve(storedPath);
			AtomicFiles.write(copy, out -> Files.copy(file.source(), out));
			stored.add(storedPath);
			// size and checksum of the copy, the bytes that the updater will download
			records.add(new SiteRecord(file.path(), timestamp, UpdaterChecksum.of(file.path(), copy), Files.size(copy), file.platforms(), file.dependencies(), file.description(), file.links()));
		}
		AtomicFiles.write(siteDir.resolve(DbXml.FILE_NAME), out -> DbXml.write(records, out));
		removeStale(siteDir, stored);
		return List.copyOf(records);
	}

	private static void check(List<SiteFile> files) throws IOException {
		if (files.isEmpty()) throw new IllegalArgumentException("An update site needs at least one file.");
		Map<String, SiteFile> byPath = new HashMap<>();
		Map<String, String> byLowerCase = new HashMap<>();
		for (SiteFile file : files) {
			SiteFile other = byPath.put(file.path(), file);
			if (other != null) throw new IllegalArgumentException("Two files go to " + file.path() + ": " + other.source() + " and " + file.source() + ".");
			String sameButCase = byLowerCase.put(file.path().toLowerCase(Locale.ROOT), file.path());
			if (sameButCase != null) throw new IllegalArgumentException("The paths " + sameButCase + " and " + file.path() + " differ only in case, which Windows and macOS cannot keep apart.");
		}
		for (SiteFile file : files) {
			if (!Files.isRegularFile(file.source())) throw new IllegalArgumentException("The file " + file.source() + " for " + file.path() + " does not exist.");
			for (String dependency : file.dependencies()) {
				SiteFile target = byPath.get(dependency);
				if (target == null) throw new IllegalArgumentException("The file " + file.path() + " depends on " + dependency + ", which is not a file of this site.");
				if (!covers(target.platforms(), file.platforms()))
					throw new IllegalArgumentException("The file " + file.path() + " depends on " + dependency + ", which is only for " + String.join(", ", target.platforms()) + ", and the updater installs dependencies on every platform of the file that needs them: leave the dependency out (the updater installs a site's files for the user's platform anyway).");
			}
			checkModulePath(file);
		}
	}

	/** Whether a file for {@code targets} is there on every platform of {@code platforms} (empty: every platform). */
	private static boolean covers(List<String> targets, List<String> platforms) {
		if (targets.isEmpty()) return true;
		if (platforms.isEmpty()) return false;
		for (String platform : platforms) {
			boolean covered = false;
			for (String target : targets)
				covered |= target.equals(platform) || (target.endsWith("x") && platform.startsWith(target.substring(0, target.length() - 1)));
			if (!covered) return false;
		}
		return true;
	}

	/**
	 * A jar in a folder on Fiji's module path must be a valid module: one that is not stops Fiji at start-up. A jar
	 * without a module declaration or {@code Automatic-Module-Name} takes its module name from its file name, so
	 * the check looks at the jar under the name it will have in Fiji.
	 */
	private static void checkModulePath(SiteFile file) throws IOException {
		String folder = file.path().substring(0, file.path().lastIndexOf('/'));
		if (!file.isJar() || !MODULE_PATH_FOLDERS.contains(folder)) return;
		Path tmp = Files.createTempDirectory("module-check");
		Path named = tmp.resolve(file.path().substring(folder.length() + 1));
		try {
			try {
				Files.createSymbolicLink(named, file.source().toAbsolutePath());
			} catch (IOException | UnsupportedOperationException e) {
				Files.copy(file.source(), named);
			}
			ModuleFinder.of(named).findAll();
		} catch (FindException e) {
			String cause = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
			String group = folder.startsWith("jars/linux") ? "jars/linuxx" : folder.startsWith("jars/win") ? "jars/winx" : "jars/macosx";
			throw new IllegalArgumentException("The jar " + file.path() + " cannot go to " + folder + "/, which Fiji's launcher puts on the Java module path, where it would stop Fiji from starting (" + cause + "): put it in " + group + "/ and give it its platform instead.", e);
		} finally {
			Files.deleteIfExists(named);
			Files.deleteIfExists(tmp);
		}
	}

	/** The output folder may be missing, empty, or an update site written before (its files are replaced). */
	private static void checkOutputFolder(Path siteDir) throws IOException {
		if (!Files.exists(siteDir)) return;
		if (!Files.isDirectory(siteDir)) throw new IOException("The output " + siteDir + " is a file, not a folder: give a folder.");
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(siteDir)) {
			for (Path entry : entries) {
				String name = entry.getFileName().toString();
				if (name.equals(DbXml.FILE_NAME) && Files.isRegularFile(entry)) continue;
				if (isLeftOver(entry)) continue;
				if (!SiteFile.FOLDERS.contains(name) || !Files.isDirectory(entry)) throw notASite(siteDir, entry);
				try (Stream<Path> tree = Files.walk(entry)) {
					for (Path p : (Iterable<Path>) tree::iterator)
						if (!Files.isDirectory(p) && !isStored(p) && !isLeftOver(p)) throw notASite(siteDir, p);
				}
			}
		}
	}

	private static IOException notASite(Path siteDir, Path entry) {
		return new IOException("The folder " + siteDir + " is not an update site (it holds " + siteDir.relativize(entry) + "): give an empty folder or one that this tool wrote.");
	}

	private static boolean isStored(Path p) {
		return Files.isRegularFile(p) && STORED.matcher(p.getFileName().toString()).matches();
	}

	/** A temporary file that an interrupted atomic write left behind. */
	private static boolean isLeftOver(Path p) {
		String name = p.getFileName().toString();
		return Files.isRegularFile(p) && name.startsWith(".") && name.endsWith(".part");
	}

	private static void removeStale(Path siteDir, Set<String> stored) throws IOException {
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(siteDir)) {
			for (Path entry : entries)
				if (isLeftOver(entry)) Files.deleteIfExists(entry);
		}
		for (String folder : SiteFile.FOLDERS) {
			Path root = siteDir.resolve(folder);
			if (!Files.isDirectory(root)) continue;
			List<Path> all;
			try (Stream<Path> tree = Files.walk(root)) {
				all = tree.sorted(Comparator.reverseOrder()).toList();
			}
			for (Path p : all) {
				String relative = siteDir.relativize(p).toString().replace('\\', '/');
				if (Files.isDirectory(p)) {
					try (Stream<Path> children = Files.list(p)) {
						if (children.findAny().isEmpty()) Files.delete(p);
					}
				} else if (!stored.contains(relative) && (isStored(p) || isLeftOver(p))) {
					Files.delete(p);
				}
			}
		}
	}
}
