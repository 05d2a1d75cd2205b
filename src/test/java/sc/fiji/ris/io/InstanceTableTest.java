package sc.fiji.ris.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.infer.Instances;

/** Measurements against hand-counted values, and the CSV they make. */
class InstanceTableTest {

	@TempDir
	Path dir;

	/*
	 * 5 x 4, labels:        intensities:
	 *   . 1 1 . .            0 1 2 0 0
	 *   . 1 . . 2            0 3 0 0 9
	 *   . . . . 2            0 0 0 0 5
	 *   . . . . .            0 0 0 0 0
	 * label 1: (1,0) (2,0) (1,1): area 3, centroid x = (1+2+1)/3 + 0.5 = 1.8333.., y = (0+0+1)/3 + 0.5 = 0.8333..,
	 *          box (1, 0, 2 x 2), mean (1+2+3)/3 = 2.
	 * label 2: (4,1) (4,2): area 2, centroid (4.5, 2.0), box (4, 1, 1 x 2), mean (9+5)/2 = 7.
	 */
	static Instances tiny() {
		int[] labels = { 0, 1, 1, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0 };
		return new Instances(5, 4, labels, new float[] { 0.97f, 0.5f }, null);
	}

	static final float[] INTENSITIES = { 0, 1, 2, 0, 0, 0, 3, 0, 0, 9, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0 };

	@Test
	void measuresHandCountedValues() {
		List<InstanceTable.Row> rows = InstanceTable.measure(tiny(), INTENSITIES, 7);
		assertEquals(2, rows.size());
		InstanceTable.Row a = rows.get(0), b = rows.get(1);
		assertEquals(new InstanceTable.Row(1, 7, 3, 4.0 / 3 + 0.5, 1.0 / 3 + 0.5, 1, 0, 2, 2, 2.0, 0.97f), a);
		assertEquals(new InstanceTable.Row(2, 7, 2, 4.5, 2.0, 4, 1, 1, 2, 7.0, 0.5f), b);
	}

	@Test
	void withoutIntensitiesTheMeanIsNaN() {
		assertTrue(Double.isNaN(InstanceTable.measure(tiny(), null, 1).get(0).meanIntensity()));
		assertThrows(IllegalArgumentException.class, () -> InstanceTable.measure(tiny(), new float[3], 1));
	}

	@Test
	void writesCsv() throws IOException {
		Path file = dir.resolve("instances.csv");
		InstanceTable.writeCsv(file, InstanceTable.measure(tiny(), INTENSITIES, 1), Calibration.NONE);
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		assertEquals(List.of(InstanceTable.HEADER,
				"1,1,3,1.833333333,0.8333333333,1,0,2,2,2,0.97",
				"2,1,2,4.5,2,4,1,1,2,7,0.5"), lines);
		assertEquals("label,plane,area,centroid_x,centroid_y,bbox_x,bbox_y,bbox_width,bbox_height,mean_intensity,confidence", lines.get(0));
	}

	@Test
	void calibratedColumnsComeLast() throws IOException {
		Path file = dir.resolve("calibrated.csv");
		InstanceTable.writeCsv(file, InstanceTable.measure(tiny(), INTENSITIES, 1).subList(1, 2), new Calibration(0.5, 0.25, 1, "\u00B5m"));
		List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		assertEquals(InstanceTable.HEADER + "," + InstanceTable.CALIBRATED_HEADER, lines.get(0));
		// area 2 px * 0.5 * 0.25 = 0.25 µm², centroid (4.5 * 0.5, 2.0 * 0.25).
		assertEquals("2,1,2,4.5,2,4,1,1,2,7,0.5,0.25,2.25,0.5,\u00B5m", lines.get(1));
	}

	@Test
	void emptyInstancesWriteOnlyTheHeader() throws IOException {
		Path file = dir.resolve("empty.csv");
		List<InstanceTable.Row> rows = InstanceTable.measure(Instances.empty(3, 3), new float[9], 1);
		assertTrue(rows.isEmpty());
		InstanceTable.writeCsv(file, rows, Calibration.NONE);
		assertEquals(InstanceTable.HEADER + "\n", Files.readString(file, StandardCharsets.UTF_8));
	}

	@Test
	void numbersNeverUseAnExponentOrALocaleComma() {
		java.util.Locale saved = java.util.Locale.getDefault();
		try {
			java.util.Locale.setDefault(java.util.Locale.GERMANY);
			assertEquals("0.0000123", InstanceTable.number(1.23e-5, 7));
			assertEquals("12345678", InstanceTable.number(1.2345678e7, 10));
			assertEquals("0.1", InstanceTable.number(0.1f, 7));
		} finally {
			java.util.Locale.setDefault(saved);
		}
	}
}
