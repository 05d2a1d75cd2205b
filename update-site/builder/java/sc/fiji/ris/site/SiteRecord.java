package sc.fiji.ris.site;

import java.util.List;

/**
 * What an update site's {@code db.xml.gz} says about one file: one {@code <plugin>} element with its current
 * {@code <version>}.
 *
 * @param path where the updater installs the file, relative to {@code Fiji.app} (the {@code filename} attribute)
 * @param timestamp when this version was published, as the updater writes it: {@code yyyyMMddHHmmss}
 * @param checksum the updater's checksum of the file ({@link UpdaterChecksum})
 * @param filesize the size of the file in bytes
 * @param platforms the platforms that get the file; empty for every platform
 * @param dependencies the paths of the files of the same site that the updater installs with this one
 * @param description what the updater shows for the file, or {@code null}
 * @param links web pages about the file
 */
public record SiteRecord(String path, long timestamp, String checksum, long filesize, List<String> platforms, List<String> dependencies, String description, List<String> links) {

	/** Copies the lists. */
	public SiteRecord {
		platforms = List.copyOf(platforms);
		dependencies = List.copyOf(dependencies);
		links = List.copyOf(links);
	}

	/** The name of the stored copy on the site, relative to the site's folder: {@code <path>-<timestamp>}. */
	public String storedPath() {
		return path + "-" + timestamp;
	}
}
