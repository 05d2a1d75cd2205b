package sc.fiji.ris.spark;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * The model of an executor JVM: loaded by the first task that needs it and kept for every later task, with the
 * PyTorch engine started at {@code spark.task.cpus} intra-op threads. Concurrent tasks share the weights (inference
 * only reads them: every decoding opens its own sub-manager and parameter store, with gradients off on its thread)
 * and each builds its own {@link sc.fiji.ris.infer.Segmenter}, which is not thread-safe.
 */
final class ExecutorModel {

	private static RisModel model;
	private static String source;

	private ExecutorModel() {}

	/**
	 * The model of {@code path} (null: the bundled one), loaded once per JVM.
	 *
	 * @throws IOException with one sentence if the model file cannot be read
	 * @throws IllegalStateException if another model was loaded in this JVM before
	 */
	static synchronized RisModel get(String path, int threads, Configuration conf) throws IOException {
		String key = path == null ? "bundled" : path;
		if (model != null) {
			if (!key.equals(source))
				throw new IllegalStateException("This executor already holds the model " + source + ": run one model per application.");
			return model;
		}
		PyTorchRuntime.start(threads);
		if (path == null) model = ModelPackage.loadBundled();
		else {
			org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
			try (InputStream in = JobFiles.fileSystem(p, conf).open(p)) {
				model = ModelPackage.load(in, path);
			} catch (java.io.FileNotFoundException e) {
				throw new IOException("The model file " + path + " does not exist.", e);
			}
		}
		source = key;
		return model;
	}
}
