package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;

/** {@code ris tune} on the sample images: one row per combination, the best by mean F1 written to the model. */
class TuneCommandTest {

	@TempDir
	Path dir;

	@Test
	void triesEveryCombinationAndWritesTheBestIntoTheModel() throws Exception {
		Path out = dir.resolve("tuned.zip");
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "tune", "--threads", "2", "--model", ModelPackage.bundledCopy().toString(), "--images", "sample-images/images",
				"--labels", "sample-images/labels", "--confidences", "0.6,0.7", "--thresholds", "0.5", "--min-areas", "30", "--merge-solidities", "0,0.9",
				"--output", out.toString() }, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		String text = o.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + e.toString(StandardCharsets.UTF_8));
		List<String[]> rows = text.lines().map(String::trim).filter(l -> l.matches("0\\.\\d0 .*")).map(l -> l.split("\\s+")).collect(Collectors.toList());
		assertEquals(4, rows.size(), "2 confidences x 2 merge solidities:\n" + text);
		String[] best = rows.get(0);
		for (String[] r : rows) if (score(r) > score(best)) best = r;
		ModelConfig c = ModelPackage.readConfig(out);
		assertEquals(Double.parseDouble(best[0]), c.minConfidence, 1e-9);
		assertEquals(Double.parseDouble(best[3]), c.mergeSolidity, 1e-9);
		assertEquals(Double.parseDouble(best[5]), c.training.validation.get("whole_image_mean_f1"), 1e-4);
		assertTrue(text.contains(String.format(Locale.ROOT, "merge_solidity %.2f", c.mergeSolidity)), text);
	}

	/** Tune's criterion: mean F1, F1 at IoU 0.5 breaking ties. */
	private static double score(String[] row) {
		return Double.parseDouble(row[5]) + 1e-3 * Double.parseDouble(row[4]);
	}
}
