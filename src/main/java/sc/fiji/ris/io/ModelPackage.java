package sc.fiji.ris.io;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.model.RisNetwork;

/**
 * The one model file format: a zip holding {@code config.json} (a {@link ModelConfig}) and {@code weights.params}
 * (the DJL parameters of the {@link RisNetwork} that the config describes). Saving is atomic (a temporary file
 * beside the target, then a move); loading refuses a bad file with one sentence.
 */
public final class ModelPackage {

	public static final String CONFIG_ENTRY = "config.json";
	public static final String WEIGHTS_ENTRY = "weights.params";
	/** Name of the model bundled in the jar (a class-path resource). */
	public static final String BUNDLED_RESOURCE = "/sc/fiji/ris/models/nuclei-default.zip";

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

	private ModelPackage() {}

	/** Writes {@code model} to {@code file} atomically. */
	public static void save(RisModel model, Path file) throws IOException {
		ByteArrayOutputStream weights = new ByteArrayOutputStream();
		try (DataOutputStream out = new DataOutputStream(weights)) {
			model.network().saveParameters(out);
		}
		byte[] config = GSON.toJson(model.config()).getBytes(StandardCharsets.UTF_8);
		AtomicFiles.write(file, out -> {
			try (ZipOutputStream zip = new ZipOutputStream(out)) {
				zip.putNextEntry(new ZipEntry(CONFIG_ENTRY));
				zip.write(config);
				zip.closeEntry();
				zip.putNextEntry(new ZipEntry(WEIGHTS_ENTRY));
				weights.writeTo(zip);
				zip.closeEntry();
			}
		});
	}

	/** Loads a model package from a file. */
	public static RisModel load(Path file) throws IOException {
		if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "The model file " + file + " does not exist.");
		try (InputStream in = Files.newInputStream(file)) {
			return load(in, file.toString());
		}
	}

	/** Loads the model bundled in the jar. */
	public static RisModel loadBundled() throws IOException {
		try (InputStream in = ModelPackage.class.getResourceAsStream(BUNDLED_RESOURCE)) {
			if (in == null) throw new IOException("This build has no bundled model (" + BUNDLED_RESOURCE + "): give a model file.");
			return load(in, "the bundled model");
		}
	}

	/**
	 * A copy of the bundled model in a temporary file (removed when the JVM exits), for code that takes a model file,
	 * such as fine-tuning.
	 */
	public static Path bundledCopy() throws IOException {
		try (InputStream in = ModelPackage.class.getResourceAsStream(BUNDLED_RESOURCE)) {
			if (in == null) throw new IOException("This build has no bundled model (" + BUNDLED_RESOURCE + "): give a model file.");
			Path tmp = Files.createTempFile("ris-bundled-", ".zip");
			tmp.toFile().deleteOnExit();
			Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			return tmp;
		}
	}

	/** Reads only the configuration of a model package. */
	public static ModelConfig readConfig(Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			return parseConfig(readEntries(in, file.toString())[0], file.toString());
		}
	}

	/**
	 * Loads a model package from a stream.
	 *
	 * @param what how to name the source in messages
	 * @throws IOException with one sentence saying what is wrong with the file
	 */
	public static RisModel load(InputStream in, String what) throws IOException {
		byte[][] entries = readEntries(in, what);
		ModelConfig config = parseConfig(entries[0], what);
		if (entries[1] == null) throw new IOException("The model file " + what + " has no " + WEIGHTS_ENTRY + " entry: it is not a complete RIS model.");
		NDManager manager = PyTorchRuntime.start(0).newBaseManager();
		try {
			RisNetwork network = new RisNetwork(config);
			network.initialize(manager, DataType.FLOAT32, new Shape(1, 1, config.tileSize, config.tileSize));
			java.util.Map<String, Shape> expected = new java.util.LinkedHashMap<>();
			network.getParameters().forEach(p -> expected.put(p.getKey(), p.getValue().getArray().getShape()));
			try (DataInputStream weights = new DataInputStream(new ByteArrayInputStream(entries[1]))) {
				network.loadParameters(manager, weights);
				if (weights.read() != -1) throw new IOException("extra bytes after the last parameter");
				for (var p : network.getParameters()) {
					Shape got = p.getValue().getArray().getShape();
					if (!got.equals(expected.get(p.getKey())))
						throw new IOException("parameter " + p.getKey() + " has shape " + got + ", the config implies " + expected.get(p.getKey()));
				}
			} catch (MalformedModelException | IllegalArgumentException | IllegalStateException | IOException e) {
				throw new IOException("The weights in " + what + " do not match its config.json (" + e.getMessage() + "): the file is damaged or was edited by hand.", e);
			}
			return RisModel.wrap(config, manager, network);
		} catch (IOException | RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	private static ModelConfig parseConfig(byte[] json, String what) throws IOException {
		if (json == null) throw new IOException("The model file " + what + " has no " + CONFIG_ENTRY + " entry: it is not a RIS model.");
		ModelConfig config;
		try {
			com.google.gson.JsonElement tree = com.google.gson.JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
			config = GSON.fromJson(tree, ModelConfig.class);
			// packages written before the foreground head existed have none
			if (config != null && tree.isJsonObject() && !tree.getAsJsonObject().has("foregroundHead")) config.foregroundHead = false;
		} catch (JsonParseException e) {
			throw new IOException("The " + CONFIG_ENTRY + " in " + what + " is not valid JSON (" + e.getMessage() + ").", e);
		}
		if (config == null) throw new IOException("The " + CONFIG_ENTRY + " in " + what + " is empty.");
		try {
			config.validate();
		} catch (IllegalArgumentException e) {
			throw new IOException("The model file " + what + " is not usable: " + e.getMessage(), e);
		}
		return config;
	}

	/** Returns {config, weights} (either may be null); refuses non-zips and entries that leave the package. */
	private static byte[][] readEntries(InputStream in, String what) throws IOException {
		byte[][] out = new byte[2][];
		boolean any = false;
		try (ZipInputStream zip = new ZipInputStream(in)) {
			ZipEntry e;
			while ((e = zip.getNextEntry()) != null) {
				any = true;
				String name = e.getName().replace('\\', '/');
				if (name.startsWith("/") || name.contains("../") || name.equals("..") || name.matches("^[A-Za-z]:.*"))
					throw new IOException("The model file " + what + " has an entry '" + e.getName() + "' whose path leaves the package: refusing to read it.");
				if (name.equals(CONFIG_ENTRY)) out[0] = zip.readAllBytes();
				else if (name.equals(WEIGHTS_ENTRY)) out[1] = zip.readAllBytes();
			}
		} catch (ZipException e) {
			throw new IOException("The model file " + what + " is not a valid zip file (" + e.getMessage() + ").", e);
		}
		if (!any) throw new IOException("The model file " + what + " is not a zip file (or is empty): a RIS model is a .zip with config.json and weights.params.");
		return out;
	}

	/** Pretty JSON of a config. */
	public static String toJson(ModelConfig config) {
		return GSON.toJson(config);
	}
}
