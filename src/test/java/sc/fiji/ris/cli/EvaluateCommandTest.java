package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@code ris evaluate} on two hand-made 8x8 ground truths with two squares each: one prediction perfect, one
 * that misses an object, so that at every IoU threshold TP = 3, FP = 0, FN = 1 and F1 = 6/7. The JSON must hold 2
 * images, 9 thresholds and that F1; predictions named {@code NAME_labels.tif} must pair as well as
 * {@code NAME.tif}; a ground truth without prediction gives exit code 1 and one sentence naming it; a missing
 * {@code --gt} gives exit code 2.
 */
class EvaluateCommandTest {

	private static final int W = 8, H = 8;
	private static final int[] SQUARE_1 = { 1, 1, 1, 3, 3 };
	private static final int[] SQUARE_2 = { 2, 4, 4, 3, 3 };

	@TempDir
	Path dir;

	private Path gt;
	private Path pred;
	private Path json;

	/** What one call of the launcher printed and returned. */
	private static final class Run {
		int code;
		String out;
		String err;
	}

	@BeforeEach
	void writeGroundTruth() throws IOException {
		gt = dir.resolve("gt");
		pred = dir.resolve("pred");
		json = dir.resolve("scores.json");
		TestImages.writeLabels(gt.resolve("a.tif"), W, H, SQUARE_1, SQUARE_2);
		TestImages.writeLabels(gt.resolve("b.tif"), W, H, SQUARE_1, SQUARE_2);
	}

	/** The perfect prediction of a (with the label numbers swapped) and the prediction of b that misses square 2. */
	private void writePredictions(String nameA, String nameB) throws IOException {
		TestImages.writeLabels(pred.resolve(nameA), W, H, new int[] { 7, 1, 1, 3, 3 }, new int[] { 3, 4, 4, 3, 3 });
		TestImages.writeLabels(pred.resolve(nameB), W, H, SQUARE_1);
	}

	private static Run run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		Run r = new Run();
		r.code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		r.out = out.toString(StandardCharsets.UTF_8);
		r.err = err.toString(StandardCharsets.UTF_8);
		return r;
	}

	private static int count(Pattern p, String text) {
		Matcher m = p.matcher(text);
		int n = 0;
		while (m.find()) n++;
		return n;
	}

	/** Runs the evaluation and checks the JSON against the hand count. */
	private void assertScores() throws IOException {
		Run r = run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString());
		assertEquals(0, r.code, r.err);
		assertEquals("", r.err);
		assertTrue(Files.isRegularFile(json), "JSON written");
		String j = Files.readString(json).trim();
		assertTrue(j.startsWith("{") && j.endsWith("}"), j);
		assertEquals(count(Pattern.compile("\\{"), j), count(Pattern.compile("\\}"), j), "braces balance: " + j);
		assertEquals(count(Pattern.compile("\\["), j), count(Pattern.compile("\\]"), j), "brackets balance: " + j);
		assertTrue(Pattern.compile("\"images\"\\s*:\\s*2\\s*,").matcher(j).find(), j);
		assertEquals(9, count(Pattern.compile("\\{\\s*\"iou\"\\s*:"), j), "9 thresholds: " + j);
		Pattern entry = Pattern.compile("\\{\\s*\"iou\"\\s*:\\s*([0-9.]+)\\s*,([^}]*)\\}");
		Pattern num = Pattern.compile("\"(tp|fp|fn|f1)\"\\s*:\\s*(-?[0-9.eE+-]+)");
		Matcher m = entry.matcher(j);
		int k = 0;
		while (m.find()) {
			assertEquals(0.5 + 0.05 * k, Double.parseDouble(m.group(1)), 1e-9, "threshold " + k);
			Matcher f = num.matcher(m.group(2));
			int fields = 0;
			while (f.find()) {
				double v = Double.parseDouble(f.group(2));
				switch (f.group(1)) {
				case "tp": assertEquals(3, v, "TP at " + m.group(1)); break;
				case "fp": assertEquals(0, v, "FP at " + m.group(1)); break;
				case "fn": assertEquals(1, v, "FN at " + m.group(1)); break;
				default: assertEquals(6.0 / 7, v, 1e-12, "F1 = 2TP / (2TP + FP + FN) = 6/7 at " + m.group(1));
				}
				fields++;
			}
			assertEquals(4, fields, "tp, fp, fn and f1 at " + m.group(1));
			k++;
		}
		assertEquals(9, k);
		Matcher meanF1 = Pattern.compile("\"mean_f1\"\\s*:\\s*([0-9.eE+-]+)").matcher(j);
		assertTrue(meanF1.find(), j);
		assertEquals(6.0 / 7, Double.parseDouble(meanF1.group(1)), 1e-12);
		assertTrue(r.out.contains("Wrote " + json), r.out);
	}

	@Test
	void scoresPredictionsNamedLikeTheGroundTruth() throws IOException {
		writePredictions("a.tif", "b.tif");
		assertScores();
	}

	@Test
	void pairsPredictionsNamedWithLabelsSuffix() throws IOException {
		writePredictions("a_labels.tif", "b_labels.tif");
		assertScores();
	}

	@Test
	void groundTruthWithoutPredictionIsNamed() throws IOException {
		writePredictions("a.tif", "b.tif");
		Path c = TestImages.writeLabels(gt.resolve("c.tif"), W, H, SQUARE_1);
		Run r = run("evaluate", "--pred", pred.toString(), "--gt", gt.toString(), "--json", json.toString());
		assertEquals(1, r.code, r.err);
		List<String> lines = r.err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
		assertEquals(1, lines.size(), r.err);
		String line = lines.get(0);
		assertTrue(line.startsWith("Error: ") && line.endsWith("."), line);
		assertTrue(line.contains(c.toString()), line);
		assertFalse(r.err.lines().anyMatch(l -> l.startsWith("\tat ")), r.err);
		assertFalse(Files.exists(json), "no JSON after a failure");
	}

	@Test
	void missingGroundTruthOption() throws IOException {
		writePredictions("a.tif", "b.tif");
		Run r = run("evaluate", "--pred", pred.toString(), "--json", json.toString());
		assertEquals(2, r.code, r.err);
		List<String> lines = r.err.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
		assertEquals(1, lines.size(), r.err);
		assertTrue(lines.get(0).startsWith("Error: ") && lines.get(0).contains("--gt"), lines.get(0));
		assertFalse(Files.exists(json), "no JSON after a failure");
	}
}
