package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as a user runs it, in a JVM of its own: what it prints is the command's, not its libraries'. */
class LauncherOutputTest {

	@TempDir
	Path tmp;

	@Test
	void segmentPrintsNoLoggingWarnings() throws IOException, InterruptedException {
		Path image = Path.of("sample-images", "images", "IXMtest_A16_s2_5AF2.tif");
		Path outDir = tmp.resolve("out");
		Path stdout = tmp.resolve("stdout.txt"), stderr = tmp.resolve("stderr.txt");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "segment",
				"--threads", "1", "--output", outDir.toString(), image.toString()))
				.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
		assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
		String out = Files.readString(stdout, StandardCharsets.UTF_8), err = Files.readString(stderr, StandardCharsets.UTF_8);
		assertEquals(0, p.exitValue(), out + err);
		assertTrue(out.contains("IXMtest_A16_s2_5AF2.tif: ") && out.contains(" instances in 1 plane"), out);
		assertTrue(Files.exists(outDir.resolve("IXMtest_A16_s2_5AF2_labels.tif")), out);
		assertFalse(err.contains("SLF4J"), err);
	}
}
