package sc.fiji.ris.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * One row of the job's summary: an image, what became of it, its planes and instances, the seconds its tasks took
 * and the attempt of the task that wrote it, or the error, in one sentence. A row of {@link Status#BLOCKS} is not in
 * the summary: it says that the image is to be cut into blocks, with its size and normalisation.
 */
final class ImageRow implements Serializable {

	private static final long serialVersionUID = 1L;

	enum Status { DONE, SKIPPED, ERROR, BLOCKS }

	static final String HEADER = "image,status,planes,instances,seconds,attempt,error";

	final String image;
	final Status status;
	final int planes;
	final long instances;
	final double seconds;
	final int attempt;
	final String error;
	/** For {@link Status#BLOCKS}: the image's size and, per plane, the normalisation offset and scale. */
	int width, height;
	float[][] normalisation;

	ImageRow(String image, Status status, int planes, long instances, double seconds, int attempt, String error) {
		this.image = image;
		this.status = status;
		this.planes = planes;
		this.instances = instances;
		this.seconds = seconds;
		this.attempt = attempt;
		this.error = error;
	}

	static ImageRow error(String image, String sentence, double seconds, int attempt) {
		return new ImageRow(image, Status.ERROR, 0, 0, seconds, attempt, sentence);
	}

	String csv() {
		return String.join(",", quote(image), status.name().toLowerCase(Locale.ROOT), Integer.toString(planes), Long.toString(instances),
				String.format(Locale.ROOT, "%.3f", seconds), Integer.toString(attempt), quote(error == null ? "" : error));
	}

	static String csv(List<ImageRow> rows) {
		StringBuilder sb = new StringBuilder(HEADER).append('\n');
		for (ImageRow r : rows) sb.append(r.csv()).append('\n');
		return sb.toString();
	}

	private static String quote(String s) {
		return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
	}
}
