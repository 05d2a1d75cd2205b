package sc.fiji.ris.site;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The checksum that the ImageJ Updater writes into {@code db.xml.gz} and compares with every file it downloads or
 * finds installed. It is a SHA-1 (hexadecimal, lower case), but of what the updater considers the content, not of
 * the file's bytes:
 * <ul>
 * <li>A path that ends in {@code .jar}: for each entry of the zip, sorted by name ({@link String#compareTo}), the
 * name (US-ASCII, any other character as {@code ?}) followed by the uncompressed content; directories count by
 * name. So entry order, entry times and compression do not change the checksum, and Maven can rebuild a jar
 * without every installation seeing an update.</li>
 * <li>In those jars, the content of an entry whose name ends in {@code .properties} has its comment lines turned
 * into empty lines ({@link #withoutCommentLines}), because Maven writes the build date into
 * {@code pom.properties} as a comment.</li>
 * <li>The content of {@code META-INF/MANIFEST.MF} does not count at all, only its name: the updater keeps only the
 * lines it takes for {@code Main-Class}, and its test compares an upper-cased line with the mixed-case
 * {@code "Main-Class:"}, so it keeps none.</li>
 * <li>Any other path: the path (relative to {@code Fiji.app}, US-ASCII) followed by the file's bytes, so the same
 * macro stored under two names has two checksums.</li>
 * </ul>
 * The path is the one the site records ({@code jars/ris-fiji-0.1.0.jar}), without the {@code -timestamp} suffix
 * of the stored copy.
 */
public final class UpdaterChecksum {

	static final String MANIFEST = "META-INF/MANIFEST.MF";

	private UpdaterChecksum() {}

	/** The updater's checksum of {@code file}, installed in Fiji at {@code path}. */
	public static String of(String path, Path file) throws IOException {
		if (path.endsWith(".jar")) return ofJar(file);
		MessageDigest sha1 = sha1();
		sha1.update(path.getBytes(StandardCharsets.US_ASCII));
		try (InputStream in = open(file)) {
			digest(in, sha1);
		}
		return HexFormat.of().formatHex(sha1.digest());
	}

	/** The updater's checksum of a jar (entry by entry, see the class description). */
	public static String ofJar(Path jar) throws IOException {
		if (!Files.isRegularFile(jar)) throw new IOException("The file " + jar + " does not exist.");
		MessageDigest sha1 = sha1();
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			List<? extends ZipEntry> entries = Collections.list(zip.entries());
			// List.sort is stable: entries with the same name (a broken but readable zip) keep their order
			entries.sort(Comparator.comparing(ZipEntry::getName));
			for (ZipEntry entry : entries) {
				String name = entry.getName();
				sha1.update(name.getBytes(StandardCharsets.US_ASCII));
				if (name.equals(MANIFEST)) continue;
				try (InputStream in = zip.getInputStream(entry)) {
					if (name.endsWith(".properties")) sha1.update(withoutCommentLines(in.readAllBytes()));
					else digest(in, sha1);
				}
			}
		} catch (ZipException e) {
			throw new IOException("The file " + jar + " is not a readable jar (" + e.getMessage() + ").", e);
		}
		return HexFormat.of().formatHex(sha1.digest());
	}

	/** The plain SHA-1 of a file's bytes (what {@code sha1sum} prints), for comparison. */
	public static String plainSha1(Path file) throws IOException {
		MessageDigest sha1 = sha1();
		try (InputStream in = open(file)) {
			digest(in, sha1);
		}
		return HexFormat.of().formatHex(sha1.digest());
	}

	private static final int LINE_START = 0, IN_LINE = 1, HASHES = 2, COMMENT = 3;

	/**
	 * The content of a {@code .properties} entry as the updater digests it: a line that starts with {@code #}
	 * becomes an empty line (its {@code \n} stays; a comment on the last line without {@code \n} disappears).
	 * Two details follow the updater byte for byte, since a checksum that differs by one byte makes the updater
	 * refuse the download: after an empty line, and after a line of nothing but {@code #} characters, the next
	 * line counts as text even if it starts with {@code #}; and only {@code \n} ends a line ({@code \r} is text).
	 */
	static byte[] withoutCommentLines(byte[] text) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(text.length);
		int state = LINE_START;
		for (byte b : text) {
			switch (state) {
			case LINE_START:
				if (b == '#') {
					state = HASHES;
				} else {
					out.write(b);
					state = IN_LINE;
				}
				break;
			case IN_LINE:
				out.write(b);
				if (b == '\n') state = LINE_START;
				break;
			case HASHES:
				if (b == '\n') {
					out.write('\n');
					state = IN_LINE;
				} else if (b != '#') {
					state = COMMENT;
				}
				break;
			default:
				if (b == '\n') {
					out.write('\n');
					state = LINE_START;
				}
			}
		}
		return out.toByteArray();
	}

	private static InputStream open(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new IOException("The file " + file + " does not exist.");
		return Files.newInputStream(file);
	}

	private static void digest(InputStream in, MessageDigest sha1) throws IOException {
		byte[] buffer = new byte[1 << 16];
		for (int n; (n = in.read(buffer)) >= 0;)
			sha1.update(buffer, 0, n);
	}

	private static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("This Java has no SHA-1, which every Java must have.", e);
		}
	}
}
