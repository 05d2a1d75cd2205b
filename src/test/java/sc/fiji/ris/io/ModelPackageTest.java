package sc.fiji.ris.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/** Round trip of the model package and each of its refusals. */
class ModelPackageTest {

	@TempDir
	Path dir;

	static ModelConfig tiny() {
		return sc.fiji.ris.model.RisNetworkTest.tiny();
	}

	private static float[] outputs(RisModel model) {
		try (NDManager m = model.manager().newSubManager()) {
			float[] x = new float[2 * 32 * 32];
			for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.37);
			NDList out = model.network().forward(new ParameterStore(m, false), new NDList(m.create(x, new Shape(2, 1, 32, 32)), m.create(3L)), false);
			float[] a = out.get(0).toFloatArray(), b = out.get(1).toFloatArray();
			float[] all = new float[a.length + b.length];
			System.arraycopy(a, 0, all, 0, a.length);
			System.arraycopy(b, 0, all, a.length, b.length);
			return all;
		}
	}

	@Test
	void roundTripGivesTheSameOutputsAndConfig() throws IOException {
		Path file = dir.resolve("m.zip");
		ModelConfig config = tiny();
		config.minConfidence = 0.45;
		config.training.validation.put("f1@0.5", 0.9);
		try (RisModel a = RisModel.create(config, 3)) {
			ModelPackage.save(a, file);
			try (RisModel b = ModelPackage.load(file)) {
				assertArrayEquals(outputs(a), outputs(b), 0f);
				assertEquals(0.45, b.config().minConfidence);
				assertEquals(0.9, b.config().training.validation.get("f1@0.5"));
			}
		}
		try (var files = Files.list(dir)) {
			assertEquals(1, files.count(), "no temporary file is left behind");
		}
	}

	private Path zip(String name, String[] entries, byte[][] contents) throws IOException {
		Path file = dir.resolve(name);
		try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
			for (int i = 0; i < entries.length; i++) {
				zip.putNextEntry(new ZipEntry(entries[i]));
				zip.write(contents[i]);
				zip.closeEntry();
			}
		}
		return file;
	}

	private static byte[] weightsOf(ModelConfig config) throws IOException {
		try (RisModel m = RisModel.create(config, 1)) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (DataOutputStream out = new DataOutputStream(bytes)) {
				m.network().saveParameters(out);
			}
			return bytes.toByteArray();
		}
	}

	private static void assertRefused(Path file, String fragment) {
		IOException e = assertThrows(IOException.class, () -> ModelPackage.load(file).close());
		assertTrue(e.getMessage().contains(fragment), e.getMessage());
		assertTrue(e.getMessage().contains(file.toString()), "the message names the file: " + e.getMessage());
		assertFalse(e.getMessage().contains("\n"), "one sentence");
	}

	@Test
	void theBundledModelRecordsTheSizeAndCrowdingOfItsTrainingNuclei() throws IOException {
		sc.fiji.ris.model.PyTorchRuntime.start(0);
		try (RisModel m = ModelPackage.loadBundled()) {
			ModelConfig c = m.config();
			assertEquals(21.1, c.objectDiameter, 1e-9, "the geometric mean of the median equivalent diameters of BBBC039's (28.2) and DSB2018's training nuclei");
			// pooled over BBBC039's training labels: bench/probes/diameter_stats.py ../shared/data/bbbc039/train/labels/*.tif
			assertEquals(0.052, c.sharedOutline, 1e-9, "the fraction of their outlines that faces another nucleus");
			assertTrue(c.training.validation.containsKey("whole_image_bbbc039_val_f1@0.5") && c.training.validation.containsKey("whole_image_dsb2018_val_f1@0.5"),
					"tuned on both validation sets, their scores recorded");
		}
	}

	@Test
	void refusesAFileThatIsNotAZip() throws IOException {
		Path file = dir.resolve("notes.zip");
		Files.writeString(file, "this is not a model");
		assertRefused(file, "not a zip");
	}

	@Test
	void refusesAMissingFile() {
		IOException e = assertThrows(IOException.class, () -> ModelPackage.load(dir.resolve("absent.zip")).close());
		assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
	}

	@Test
	void refusesAZipWithoutConfig() throws IOException {
		assertRefused(zip("noconfig.zip", new String[] { "weights.params" }, new byte[][] { weightsOf(tiny()) }), "no config.json");
	}

	@Test
	void refusesAnUnknownFormatVersion() throws IOException {
		ModelConfig c = tiny();
		c.formatVersion = 99;
		assertRefused(zip("future.zip", new String[] { "config.json", "weights.params" },
				new byte[][] { ModelPackage.toJson(c).getBytes(StandardCharsets.UTF_8), weightsOf(tiny()) }), "format version 99");
	}

	@Test
	void aPackageWrittenBeforeTheForegroundHeadLoadsWithout() throws IOException {
		ModelConfig old = tiny();
		old.foregroundHead = false;
		com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(ModelPackage.toJson(old)).getAsJsonObject();
		json.remove("foregroundHead");
		Path file = zip("old.zip", new String[] { "config.json", "weights.params" },
				new byte[][] { json.toString().getBytes(StandardCharsets.UTF_8), weightsOf(old) });
		assertEquals(false, ModelPackage.readConfig(file).foregroundHead);
		try (RisModel model = ModelPackage.load(file)) {
			assertEquals(false, model.config().foregroundHead);
			assertEquals(2 * 3 * 32 * 32 + 2 * 3, outputs(model).length, "full-resolution masks");
		}
		assertEquals(true, ModelPackage.readConfig(roundTripFile()).foregroundHead, "new packages record the head");
	}

	private Path roundTripFile() throws IOException {
		Path file = dir.resolve("new.zip");
		try (RisModel a = RisModel.create(tiny(), 3)) {
			ModelPackage.save(a, file);
		}
		return file;
	}

	@Test
	void refusesWeightsThatDoNotMatchTheConfig() throws IOException {
		ModelConfig wider = tiny();
		wider.hiddenChannels = 6;
		assertRefused(zip("mismatch.zip", new String[] { "config.json", "weights.params" },
				new byte[][] { ModelPackage.toJson(tiny()).getBytes(StandardCharsets.UTF_8), weightsOf(wider) }), "do not match");
	}

	@Test
	void refusesEntriesThatLeaveThePackage() throws IOException {
		assertRefused(zip("slip.zip", new String[] { "config.json", "../../evil.sh" },
				new byte[][] { ModelPackage.toJson(tiny()).getBytes(StandardCharsets.UTF_8), new byte[] { 1 } }), "leaves the package");
		assertFalse(Files.exists(dir.getParent().getParent().resolve("evil.sh")));
	}

	@Test
	void refusesInvalidJson() throws IOException {
		assertRefused(zip("badjson.zip", new String[] { "config.json" }, new byte[][] { "{ not json".getBytes(StandardCharsets.UTF_8) }), "not valid JSON");
	}
}
