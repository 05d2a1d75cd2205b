package sc.fiji.ris.site;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an update site from a site description: what {@code mvn -Pupdate-site package} runs (see
 * {@code update-site/README.md}).
 *
 * <pre>
 * java sc.fiji.ris.site.UpdateSiteMain --spec update-site/site.json --output target/update-site
 *     [--base DIR] [--timestamp yyyyMMddHHmmss] [--set NAME=VALUE]... [--classpath PATHS]
 * </pre>
 *
 * {@code --timestamp} defaults to now (UTC); {@code --classpath} is the plugin's runtime class path, checked
 * against the site ({@link SiteSpec#checkAgainst}). Exits with 2 for a mistake in the command line and 1 for a
 * failure, each with one sentence.
 */
public final class UpdateSiteMain {

	static final String USAGE = "Usage: UpdateSiteMain --spec FILE --output DIR [--base DIR] [--timestamp yyyyMMddHHmmss] [--set NAME=VALUE]... [--classpath PATHS]";

	private UpdateSiteMain() {}

	/** Runs the tool and exits with its status. */
	public static void main(String[] args) {
		int status = run(args, System.out, System.err);
		if (status != 0) System.exit(status);
	}

	/** Runs the tool; returns 0, 1 (failure) or 2 (mistake in the command line). */
	static int run(String[] args, PrintStream out, PrintStream err) {
		Path spec = null, output = null, base = Path.of("");
		String timestamp = "";
		String classpath = null;
		Map<String, String> properties = new LinkedHashMap<>();
		try {
			for (int i = 0; i < args.length; i++) {
				String arg = args[i];
				String name = arg, value = null;
				int eq = arg.indexOf('=');
				if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--set")) {
					name = arg.substring(0, eq);
					value = arg.substring(eq + 1);
				}
				if (name.equals("--help") || name.equals("-h")) {
					out.println(USAGE);
					return 0;
				}
				if (!List.of("--spec", "--output", "--base", "--timestamp", "--set", "--classpath").contains(name)) throw new UsageException("Unknown option " + arg + ".");
				if (value == null) {
					if (i + 1 >= args.length) throw new UsageException("The option " + name + " needs a value.");
					value = args[++i];
				}
				switch (name) {
				case "--spec" -> spec = Path.of(value);
				case "--output" -> output = Path.of(value);
				case "--base" -> base = Path.of(value);
				case "--timestamp" -> timestamp = value.trim();
				case "--classpath" -> classpath = value;
				default -> {
					int sep = value.indexOf('=');
					if (sep <= 0) throw new UsageException("--set takes NAME=VALUE, not " + value + ".");
					properties.put(value.substring(0, sep), value.substring(sep + 1));
				}
				}
			}
			if (spec == null || output == null) throw new UsageException("Give the site description with --spec and the output folder with --output.");
		} catch (UsageException e) {
			err.println(e.getMessage());
			err.println(USAGE);
			return 2;
		}
		try {
			long version = timestamp.isEmpty() ? UpdateSiteBuilder.timestamp(Instant.now()) : UpdateSiteBuilder.parseTimestamp(timestamp);
			SiteSpec site = SiteSpec.read(spec, base, properties);
			if (classpath != null) {
				List<Path> entries = new ArrayList<>();
				for (String entry : classpath.split(File.pathSeparator))
					if (!entry.isBlank()) entries.add(Path.of(entry));
				site.checkAgainst(entries);
			}
			List<SiteRecord> records = new UpdateSiteBuilder().addAll(site.files()).write(output, version);
			for (SiteRecord r : records)
				out.printf("  %-70s %,13d bytes  %s%s%n", r.storedPath(), r.filesize(), r.checksum(), r.platforms().isEmpty() ? "" : "  " + String.join(",", r.platforms()));
			out.println("Wrote the update site (" + records.size() + " files and " + DbXml.FILE_NAME + ", version " + version + ") to " + output + ".");
			return 0;
		} catch (IllegalArgumentException | IOException e) {
			err.println(e.getMessage());
			return 1;
		}
	}

	private static final class UsageException extends Exception {
		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}
	}
}
