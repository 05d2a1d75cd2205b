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
				"--mask-growths", "3,5", "--spot-areas", "0,15", "--core-min-areas", "30", "--output", out.toString() }, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		String text = o.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + e.toString(StandardCharsets.UTF_8));
		List<String[]> rows = text.lines().map(String::trim).filter(l -> l.matches("0\\.\\d0 .*")).map(l -> l.split("\\s+")).collect(Collectors.toList());
		assertEquals(16, rows.size(), "2 confidences x 2 merge solidities x 2 spot areas x 2 mask growths (x 1 core area):\n" + text);
		boolean differs = false;
		for (int i = 0; i < 8; i++) differs |= !rows.get(i)[5].equals(rows.get(i + 8)[5]) || !rows.get(i)[6].equals(rows.get(i + 8)[6]);
		assertTrue(differs, "the same thresholds with another mask growth give other masks:\n" + text);
		double top = rows.stream().mapToDouble(r -> Double.parseDouble(r[5])).max().getAsDouble();
		String[] best = null;
		for (String[] r : rows)
			if (Double.parseDouble(r[5]) >= top - 0.003 - 1e-4 && (best == null || Double.parseDouble(r[7]) < Double.parseDouble(best[7])
					|| (r[7].equals(best[7]) && Double.parseDouble(r[5]) > Double.parseDouble(best[5])))) best = r;
		ModelConfig c = ModelPackage.readConfig(out);
		assertEquals(Double.parseDouble(best[0]), c.minConfidence, 1e-9);
		assertEquals(Double.parseDouble(best[3]), c.mergeSolidity, 1e-9);
		assertEquals(Integer.parseInt(best[8]), c.maskGrowth);
		assertEquals(Integer.parseInt(best[9]), c.spotMinArea);
		assertEquals(30, Integer.parseInt(best[11]), "the core area column");
		assertEquals(30, c.coreMinArea);
		assertEquals(Double.parseDouble(best[5]), c.training.validation.get("whole_image_mean_f1"), 1e-4);
		assertTrue(text.contains(String.format(Locale.ROOT, "merge_solidity %.2f", c.mergeSolidity)), text);
	}

	@Test
	void withFlipsTunesTheVotesAndWritesThemBesideTheOneViewThresholds() throws Exception {
		Path out = dir.resolve("flips.zip");
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		int code = Main.run(new String[] { "tune", "--threads", "2", "--model", ModelPackage.bundledCopy().toString(), "--images", "sample-images/images",
				"--labels", "sample-images/labels", "--confidences", "0.2", "--thresholds", "0.5", "--min-areas", "5", "--merge-solidities", "0.9",
				"--flips", "--flip-votes", "1,4", "--output", out.toString() }, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
		String text = o.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, text + e.toString(StandardCharsets.UTF_8));
		List<String[]> rows = text.lines().map(String::trim).filter(l -> l.matches("0\\.\\d0 .*")).map(l -> l.split("\\s+")).collect(Collectors.toList());
		assertEquals(2, rows.size(), "2 votes:\n" + text);
		assertEquals("1", rows.get(0)[13]);
		assertEquals("4", rows.get(1)[13]);
		assertTrue(Double.parseDouble(rows.get(0)[7]) != Double.parseDouble(rows.get(1)[7]) || !rows.get(0)[4].equals(rows.get(1)[4]), "1 vote of 4 and 4 differ:\n" + text);
		ModelConfig bundled = ModelPackage.readConfig(ModelPackage.bundledCopy()), c = ModelPackage.readConfig(out);
		double top = Math.max(Double.parseDouble(rows.get(0)[5]), Double.parseDouble(rows.get(1)[5]));
		int pick = -1;
		for (int i = 0; i < 2; i++) {
			String[] r = rows.get(i);
			if (Double.parseDouble(r[5]) < top - 0.003 - 1e-4) continue;
			if (pick < 0 || Double.parseDouble(r[7]) < Double.parseDouble(rows.get(pick)[7])
					|| (r[7].equals(rows.get(pick)[7]) && Double.parseDouble(r[5]) > Double.parseDouble(rows.get(pick)[5]))) pick = i;
		}
		assertEquals(Integer.parseInt(rows.get(pick)[13]), c.flips.votes);
		assertEquals(0.2, c.flips.minConfidence, 1e-9);
		assertEquals(5, c.flips.minArea);
		assertEquals(0.9, c.flips.mergeSolidity, 1e-9);
		assertEquals(bundled.minConfidence, c.minConfidence, 1e-9, "the one-view thresholds stay");
		assertEquals(bundled.minArea, c.minArea);
		assertEquals(Double.parseDouble(rows.get(pick)[5]), c.training.validation.get("whole_image_flips_mean_f1"), 1e-4);
		assertEquals(bundled.training.validation.get("whole_image_mean_f1"), c.training.validation.get("whole_image_mean_f1"), 1e-12);

		// 'ris segment --flips' with the tuned model uses its choice, and scores what tune said
		Path seg = dir.resolve("seg");
		assertEquals(0, Main.run(new String[] { "segment", "--threads", "2", "--model", out.toString(), "--flips", "--output",
				seg.toString(), "sample-images/images" }, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)), e.toString(StandardCharsets.UTF_8));
		ByteArrayOutputStream eo = new ByteArrayOutputStream();
		assertEquals(0, Main.run(new String[] { "evaluate", "--pred", seg.toString(), "--gt", "sample-images/labels" }, new PrintStream(eo, true, StandardCharsets.UTF_8),
				new PrintStream(e, true, StandardCharsets.UTF_8)));
		String report = eo.toString(StandardCharsets.UTF_8);
		assertTrue(report.contains(rows.get(pick)[5]), "mean F1 " + rows.get(pick)[5] + " expected in:\n" + report);
	}

	@Test
	void flipOptionsAreRefusedWhereTheyCannotApply() throws Exception {
		assertRefused("--flip-votes applies only with --flips", "--flip-votes", "2");
		assertRefused("--mask-growths cannot be tuned with --flips", "--flips", "--mask-growths", "4,5");
		assertRefused("The spots cannot be tuned with --flips", "--flips", "--spot-areas", "0,10");
		assertRefused("which --no-fill turns off", "--no-fill", "--spot-areas", "0,10");
		assertRefused("The cores cannot be tuned with --flips", "--flips", "--core-min-areas", "0,10");
		assertRefused("The values of --core-min-areas must be whole numbers", "--core-min-areas", "0,2.5");
	}

	/** 'ris tune' on the sample images with {@code options} is refused as a usage error whose message holds {@code fragment}. */
	private static void assertRefused(String fragment, String... options) throws Exception {
		List<String> args = new java.util.ArrayList<>(List.of("tune", "--model", ModelPackage.bundledCopy().toString(), "--images", "sample-images/images",
				"--labels", "sample-images/labels"));
		args.addAll(List.of(options));
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		assertEquals(2, Main.run(args.toArray(new String[0]), new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)));
		assertTrue(e.toString(StandardCharsets.UTF_8).contains(fragment), e.toString(StandardCharsets.UTF_8));
	}

	@Test
	void aMissingModelIsNamedOnce() {
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		String missing = dir.resolve("missing.zip").toString();
		assertEquals(1, Main.run(new String[] { "tune", "--model", missing, "--images", "sample-images/images", "--labels", "sample-images/labels" },
				new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8)));
		assertEquals("Error: The model file " + missing + " does not exist.", e.toString(StandardCharsets.UTF_8).strip());
	}

	/** 500 one-pixel nuclei on even pixels; the prediction misses the first {@code missed} and adds {@code spurious}. */
	private static sc.fiji.ris.eval.EvaluationResult result(int missed, int spurious) {
		int[] gt = new int[1000], pred = new int[1000];
		for (int k = 0; k < 500; k++) {
			gt[2 * k] = k + 1;
			if (k >= missed) pred[2 * k] = k + 1;
		}
		for (int k = 0; k < spurious; k++) pred[2 * k + 1] = 501 + k;
		sc.fiji.ris.eval.Evaluation ev = new sc.fiji.ris.eval.Evaluation();
		ev.add("a", pred, gt);
		return ev.result();
	}

	@Test
	void amongNearlyEqualMeanF1sTheSmallestCountErrorWins() {
		// mean F1 0.9960 with |DiC| 4, 0.9950 with |DiC| 1 (a tie: within 0.003), 0.9000 with |DiC| 0
		java.util.List<sc.fiji.ris.eval.EvaluationResult> results = List.of(result(0, 4), result(3, 2), result(100, 0));
		assertEquals(0.996, results.get(0).meanF1(), 1e-3);
		assertEquals(0.995, results.get(1).meanF1(), 1e-3);
		assertEquals(1, TuneCommand.choose(results), "the tie with the smaller count error; not the far worse one");
		assertEquals(0, TuneCommand.choose(List.of(result(0, 4), result(10, 0))), "a real loss in mean F1 is not traded for counts");
	}
}
