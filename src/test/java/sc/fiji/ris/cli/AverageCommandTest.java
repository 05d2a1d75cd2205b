package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/** {@code ris average}: the mean of checkpoints' weights, written only when every checkpoint fits. */
class AverageCommandTest {

	@TempDir
	Path dir;

	private Path model(String name, int hidden, long seed, double confidence) throws Exception {
		ModelConfig c = new ModelConfig();
		c.encoderChannels = new int[] { 4, 8, 8 };
		c.hiddenChannels = hidden;
		c.maskChannels = 4;
		c.tileSize = 32;
		c.tileOverlap = 8;
		c.minConfidence = confidence;
		Path f = dir.resolve(name);
		PyTorchRuntime.start(1);
		try (RisModel m = RisModel.create(c, seed)) {
			ModelPackage.save(m, f);
		}
		return f;
	}

	private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
		return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@Test
	void writesTheMeanWithTheFirstCheckpointsSettings() throws Exception {
		Path a = model("a.zip", 4, 1, 0.6), b = model("b.zip", 4, 2, 0.7), out = dir.resolve("avg.zip");
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		assertEquals(0, run(o, e, "average", "--output", out.toString(), a.toString(), b.toString()), e.toString(StandardCharsets.UTF_8));
		try (RisModel ma = ModelPackage.load(a); RisModel mb = ModelPackage.load(b); RisModel avg = ModelPackage.load(out)) {
			assertEquals(0.6, avg.config().minConfidence, 1e-12);
			assertTrue(avg.config().training.averaged.startsWith("mean weights of 2 checkpoints"));
			float[] x = ma.network().getParameters().get(0).getValue().getArray().toFloatArray();
			float[] y = mb.network().getParameters().get(0).getValue().getArray().toFloatArray();
			float[] m = avg.network().getParameters().get(0).getValue().getArray().toFloatArray();
			for (int i = 0; i < m.length; i++) assertEquals((x[i] + y[i]) / 2, m[i], 1e-6f);
		}
	}

	@Test
	void badInputGetsOneSentenceAndNoOutput() throws Exception {
		Path a = model("a.zip", 4, 1, 0.6), other = model("other.zip", 8, 2, 0.6), out = dir.resolve("avg.zip");
		ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
		assertEquals(1, run(o, e, "average", "--output", out.toString(), a.toString(), other.toString()));
		assertTrue(e.toString(StandardCharsets.UTF_8).contains("has another network"), e.toString(StandardCharsets.UTF_8));
		assertFalse(out.toFile().exists(), "nothing written");
		e.reset();
		assertEquals(2, run(o, e, "average", "--output", out.toString(), a.toString()));
		assertTrue(e.toString(StandardCharsets.UTF_8).contains("at least two checkpoints"), e.toString(StandardCharsets.UTF_8));
		e.reset();
		assertEquals(2, run(o, e, "average", "--output", out.toString(), a.toString(), dir.resolve("missing.zip").toString()));
		assertTrue(e.toString(StandardCharsets.UTF_8).contains("missing.zip does not exist"), e.toString(StandardCharsets.UTF_8));
		assertFalse(out.toFile().exists(), "nothing written");
	}
}
