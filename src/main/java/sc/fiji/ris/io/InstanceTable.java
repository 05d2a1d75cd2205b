package sc.fiji.ris.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.UserError;
import sc.fiji.ris.infer.Instances;

/**
 * Per-instance measurements (the results table) and their CSV file. Measurements are in pixels, with ImageJ's
 * conventions: a pixel (x, y) covers x..x+1, y..y+1, so the centroid is the mean of the pixel centres,
 * {@code mean(x) + 0.5, mean(y) + 0.5}, as ImageJ's "Centroid" measures it on an uncalibrated image.
 */
public final class InstanceTable {

	/** The CSV header; calibrated columns, when written, follow it. */
	public static final String HEADER = "label,plane,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height,mean_intensity,confidence";
	/** Columns appended when the calibration is not {@link Calibration#NONE}-like. */
	public static final String CALIBRATED_HEADER = "area_calibrated,centroid_x_calibrated,centroid_y_calibrated,unit";

	/**
	 * The measurements of one instance.
	 *
	 * @param label the instance's label, 1..n
	 * @param plane the plane it was found in, as the caller numbers planes (ImageJ's 1-based stack position in the
	 *        Fiji commands)
	 * @param area number of pixels
	 * @param centroidX mean x of the pixel centres, in pixels
	 * @param centroidY mean y of the pixel centres, in pixels
	 * @param bboxX left column of the bounding box
	 * @param bboxY top row of the bounding box
	 * @param bboxWidth width of the bounding box, in pixels
	 * @param bboxHeight height of the bounding box, in pixels
	 * @param meanIntensity mean of the raw intensities over the instance's pixels; NaN when none were given
	 * @param confidence the network's confidence in the instance
	 */
	public record Row(int label, int plane, long area, double centroidX, double centroidY, int bboxX, int bboxY, int bboxWidth, int bboxHeight, double meanIntensity, float confidence) {}

	private InstanceTable() {}

	/**
	 * Measures every instance of {@code inst} in one pass over its pixels. Labels without any pixel get no row.
	 *
	 * @param intensities the raw image plane, row-major, same size as the label image; null gives NaN means
	 * @param plane the plane number put in each row
	 * @return one row per instance, labels ascending
	 */
	public static List<Row> measure(Instances inst, float[] intensities, int plane) {
		int w = inst.width(), n = inst.count();
		int[] labels = inst.labels();
		if (intensities != null && intensities.length != labels.length) throw new UserError("The intensities have " + intensities.length + " pixels but the label image has " + labels.length + ".");
		long[] area = new long[n + 1];
		long[] sumX = new long[n + 1], sumY = new long[n + 1];
		double[] sumI = new double[n + 1];
		int[] minX = new int[n + 1], minY = new int[n + 1], maxX = new int[n + 1], maxY = new int[n + 1];
		for (int i = 0; i < labels.length; i++) {
			int l = labels[i];
			if (l <= 0) continue;
			int x = i % w, y = i / w;
			if (area[l]++ == 0) {
				minX[l] = maxX[l] = x;
				minY[l] = y;
			} else {
				if (x < minX[l]) minX[l] = x;
				if (x > maxX[l]) maxX[l] = x;
			}
			maxY[l] = y; // rows come in order
			sumX[l] += x;
			sumY[l] += y;
			if (intensities != null) sumI[l] += intensities[i];
		}
		List<Row> rows = new ArrayList<>();
		for (int l = 1; l <= n; l++) {
			if (area[l] == 0) continue;
			double a = area[l];
			rows.add(new Row(l, plane, area[l], sumX[l] / a + 0.5, sumY[l] / a + 0.5, minX[l], minY[l], maxX[l] - minX[l] + 1, maxY[l] - minY[l] + 1, intensities == null ? Double.NaN : sumI[l] / a, inst.confidence(l)));
		}
		return rows;
	}

	/**
	 * Writes {@code rows} as CSV (comma separated, '.' decimals, UTF-8, one header line) atomically. When {@code cal}
	 * is calibrated ({@link Calibration#isScaled()}), the columns {@value #CALIBRATED_HEADER} follow: area in
	 * unit², centroid in unit, and the unit itself. An empty list writes just the header.
	 */
	public static void writeCsv(Path file, List<Row> rows, Calibration cal) throws IOException {
		boolean calibrated = cal.isScaled();
		String unit = csvText(cal.unit());
		AtomicFiles.write(file, out -> {
			Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
			writer.write(HEADER);
			if (calibrated) writer.write("," + CALIBRATED_HEADER);
			writer.write('\n');
			StringBuilder sb = new StringBuilder();
			for (Row r : rows) {
				sb.setLength(0);
				sb.append(r.label()).append(',').append(r.plane()).append(',').append(r.area()).append(',');
				sb.append(number(r.centroidX(), 10)).append(',').append(number(r.centroidY(), 10)).append(',');
				sb.append(r.bboxX()).append(',').append(r.bboxY()).append(',').append(r.bboxWidth()).append(',').append(r.bboxHeight()).append(',');
				// Intensities are floats: more than 7 significant digits would only show rounding noise.
				sb.append(number(r.meanIntensity(), 7)).append(',');
				sb.append(Float.isFinite(r.confidence()) ? new BigDecimal(Float.toString(r.confidence())).toPlainString() : Float.toString(r.confidence()));
				if (calibrated) {
					sb.append(',').append(number(r.area() * cal.pixelWidth() * cal.pixelHeight(), 10));
					sb.append(',').append(number(r.centroidX() * cal.pixelWidth(), 10));
					sb.append(',').append(number(r.centroidY() * cal.pixelHeight(), 10));
					sb.append(',').append(unit);
				}
				sb.append('\n');
				writer.write(sb.toString());
			}
			writer.flush();
		});
	}

	/** Plain decimal notation (never an exponent, whatever the locale) with at most {@code digits} significant digits. */
	static String number(double v, int digits) {
		if (!Double.isFinite(v)) return Double.toString(v);
		if (v == 0) return "0";
		return new BigDecimal(v).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
	}

	private static String csvText(String s) {
		if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
		return '"' + s.replace("\"", "\"\"") + '"';
	}
}
