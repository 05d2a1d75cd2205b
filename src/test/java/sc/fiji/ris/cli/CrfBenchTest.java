package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ris bench crf} on given label images: no model, so no object diameter either. */
class CrfBenchTest {

	@TempDir
	Path dir;

	private String[] run(int expected, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		String o = out.toString(StandardCharsets.UTF_8), e = err.toString(StandardCharsets.UTF_8);
		assertEquals(expected, code, o + e);
		return new String[] { o, e };
	}

	@Test
	void labelImagesAreRefinedAndScoredAsTheyAre() throws IOException {
		TestImages.writeTrainingSet(dir, 2, 96);
		String images = dir.resolve("images").toString(), labels = dir.resolve("labels").toString();
		String out = run(0, "bench", "crf", images, "--labels-dir", labels, "--gt", labels, "--repeat", "1")[0];
		assertTrue(out.contains("images 2,"), out);
		// the given labels are the truth, so the plain row is perfect
		assertTrue(out.lines().anyMatch(l -> l.startsWith("plain") && l.contains(" 1.0000 ")), out);
		assertTrue(out.lines().anyMatch(l -> l.startsWith("CRF")), out);

		String err = run(2, "bench", "crf", images, "--labels-dir", labels, "--object-diameter", "30")[1];
		assertTrue(err.contains("--object-diameter") && err.contains("--labels-dir"), err);
		assertEquals(1, err.strip().lines().count(), err);
	}
}
