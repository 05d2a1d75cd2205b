package sc.fiji.ris.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.io.AtomicFiles;

/** The rows of a training log, written as CSV. Validation columns are NaN (empty in the CSV) where not measured. */
public final class TrainingLog {

	/** One log line: averages over the iterations since the previous line. */
	public static final class Row {
		public final long iteration;
		public final int stage;
		public final double loss, iouTerm, bceTerm, matchedIou;
		public final double valScore, valF1, valMeanF1;
		public final double seconds;

		public Row(long iteration, int stage, double loss, double iouTerm, double bceTerm, double matchedIou,
				double valScore, double valF1, double valMeanF1, double seconds) {
			this.iteration = iteration;
			this.stage = stage;
			this.loss = loss;
			this.iouTerm = iouTerm;
			this.bceTerm = bceTerm;
			this.matchedIou = matchedIou;
			this.valScore = valScore;
			this.valF1 = valF1;
			this.valMeanF1 = valMeanF1;
			this.seconds = seconds;
		}

		public boolean hasValidation() { return !Double.isNaN(valScore); }
	}

	public static final String HEADER = "iteration,stage,loss,iou_term,bce_term,train_matched_iou,val_score,val_f1_0.5,val_mean_f1,seconds";

	private final List<Row> rows = new ArrayList<>();

	public synchronized void add(Row row) { rows.add(row); }

	public synchronized List<Row> rows() { return Collections.unmodifiableList(new ArrayList<>(rows)); }

	/** CSV text with a header line. */
	public synchronized String toCsv() {
		StringBuilder sb = new StringBuilder(HEADER).append('\n');
		for (Row r : rows)
			sb.append(r.iteration).append(',').append(r.stage).append(',').append(num(r.loss)).append(',')
					.append(num(r.iouTerm)).append(',').append(num(r.bceTerm)).append(',').append(num(r.matchedIou)).append(',')
					.append(num(r.valScore)).append(',').append(num(r.valF1)).append(',').append(num(r.valMeanF1)).append(',')
					.append(String.format(Locale.ROOT, "%.1f", r.seconds)).append('\n');
		return sb.toString();
	}

	/** Parses a CSV written by {@link #toCsv()} (for resuming). */
	public static TrainingLog parse(String csv) {
		TrainingLog log = new TrainingLog();
		String[] lines = csv.split("\n");
		for (int i = 1; i < lines.length; i++) {
			String[] f = lines[i].split(",", -1);
			if (f.length < 10) continue;
			log.add(new Row(Long.parseLong(f[0]), Integer.parseInt(f[1]), val(f[2]), val(f[3]), val(f[4]), val(f[5]), val(f[6]),
					val(f[7]), val(f[8]), val(f[9])));
		}
		return log;
	}

	public void writeCsv(Path file) throws IOException {
		AtomicFiles.write(file, toCsv().getBytes(StandardCharsets.UTF_8));
	}

	private static String num(double v) {
		return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
	}

	private static double val(String s) {
		return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
	}
}
