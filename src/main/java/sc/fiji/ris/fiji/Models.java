package sc.fiji.ris.fiji;

import java.io.File;
import java.io.IOException;
import sc.fiji.ris.UserError;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/** Opens the model a command was given: a model file, or the bundled nuclei model when none is given. */
public final class Models {

	private Models() {}

	/**
	 * Checks that a model file, if given, exists; cheap, so that commands can refuse a wrong path before they start
	 * any work.
	 *
	 * @param parameter the parameter's name, for the message
	 * @throws IllegalArgumentException naming the file and the parameter
	 */
	public static void check(File modelFile, String parameter) {
		if (isGiven(modelFile) && !modelFile.isFile())
			throw new UserError("The model file " + modelFile + " does not exist: choose a RIS model (.zip) for " + parameter
					+ ", or leave it empty to use the bundled nuclei model.");
	}

	/** Whether a file parameter holds a file (Fiji gives an empty path for an empty field). */
	public static boolean isGiven(File file) {
		return file != null && !file.getPath().isEmpty();
	}

	/**
	 * Starts the PyTorch engine (once per JVM) and loads the model; the caller closes it.
	 *
	 * @param modelFile a model package, or null / empty for the bundled model
	 * @throws IOException with one sentence when the file is not a usable model or the engine cannot start
	 */
	public static RisModel open(File modelFile) throws IOException {
		check(modelFile, "model_file");
		startEngine();
		return isGiven(modelFile) ? ModelPackage.load(modelFile.toPath()) : ModelPackage.loadBundled();
	}

	/**
	 * Starts the PyTorch engine once per JVM.
	 *
	 * @throws IOException with the runtime's sentence on what to do when the native library cannot be loaded
	 */
	public static void startEngine() throws IOException {
		try {
			PyTorchRuntime.start(0);
		} catch (UserError e) {
			// the runtime's message already says what to do; carried as an IOException because a native library file
			// could not be loaded
			throw new IOException(e.getMessage(), e);
		}
	}
}
