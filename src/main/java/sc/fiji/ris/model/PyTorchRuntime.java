package sc.fiji.ris.model;

import ai.djl.engine.Engine;
import sc.fiji.ris.UserError;

/**
 * Starts the DJL PyTorch engine once per JVM, offline, with a fixed number of intra-op threads and one inter-op
 * thread (so that PyTorch does not oversubscribe the cores), and with the thread context class loader set to this
 * plugin's loader: inside Fiji, DJL discovers its engine through that loader.
 */
public final class PyTorchRuntime {

	private static volatile Engine engine;
	private static volatile int threads;

	private PyTorchRuntime() {}

	/** The intra-op threads of the running engine, or 0 before {@link #start}. */
	public static int threads() {
		return threads;
	}

	/** The number of threads used when none is asked for: the available processors. */
	public static int defaultThreads() {
		return Math.max(1, Runtime.getRuntime().availableProcessors());
	}

	/** What {@link #noGradients()} returns: closing it restores the thread's previous gradient mode. */
	public interface GradientScope extends AutoCloseable {
		@Override
		void close();
	}

	/**
	 * Turns off gradient recording on the calling thread until the returned scope is closed. PyTorch's gradient mode
	 * is per thread and on by default; the engine turns it off only on the thread that started it. Inference on any
	 * other thread (a Fiji command's, a worker's) would otherwise record a backward graph for every operation on the
	 * weights: slower, and holding every intermediate array until the step's arrays are freed.
	 */
	public static GradientScope noGradients() {
		boolean previous = ai.djl.pytorch.jni.JniUtils.isGradMode();
		if (previous) ai.djl.pytorch.jni.JniUtils.setGradMode(false);
		return () -> {
			if (previous) ai.djl.pytorch.jni.JniUtils.setGradMode(true);
		};
	}

	/** glibc's {@code mallopt} parameter for the size from which allocations are mapped on their own. */
	private static final int M_MMAP_THRESHOLD = -3;
	/** The size from which allocations are mapped on their own: 32 MiB, the most glibc's own threshold rises to. */
	private static final int MMAP_THRESHOLD = 32 * 1024 * 1024;

	/**
	 * Fixes glibc's mmap threshold at 32 MiB instead of letting it rise from 128 KiB as mapped blocks are freed. At a
	 * low fixed threshold (128 KiB or 1 MiB) every large intermediate array of the network is mapped and unmapped
	 * again, and segmentation ran 4 times slower (BBBC039 fields: 4.7 s against 1.2 s, median of 20 with
	 * {@code ris bench images}), for a peak resident memory of 0.7 instead of 1.3 GiB; at 32 MiB from the start, the
	 * speed is that of glibc's default and the threshold no longer wanders. Only on Linux (glibc); elsewhere, or where
	 * the call fails, nothing changes. An explicit {@code MALLOC_MMAP_THRESHOLD_} wins.
	 */
	private static void fixMallocThreshold() {
		if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux") || System.getenv("MALLOC_MMAP_THRESHOLD_") != null) return;
		try {
			com.sun.jna.Function mallopt = com.sun.jna.NativeLibrary.getInstance("c").getFunction("mallopt");
			mallopt.invokeInt(new Object[] { M_MMAP_THRESHOLD, MMAP_THRESHOLD });
		} catch (RuntimeException | LinkageError e) {
			// memory use is higher, results are the same
		}
	}

	/** c10's log level for errors: warnings below it are not printed. */
	private static final int NATIVE_LOG_ERROR = 2;

	/**
	 * Raises the native library's log level from warnings to errors, unless {@code TORCH_CPP_LOG_LEVEL} asks for a
	 * level. On CPUs that NNPACK does not support, every small convolution that PyTorch runs without oneDNN logs "Could
	 * not initialize NNPACK! Reason: Unsupported hardware." (PyTorch then uses another implementation); c10 reads that
	 * variable only where Python starts it, so the level is set in its flag directly. Where the flag cannot be found
	 * (another platform's library), the warnings stay.
	 */
	private static void quietNativeWarnings() {
		if (System.getenv("TORCH_CPP_LOG_LEVEL") != null) return;
		String name = System.mapLibraryName("c10");
		try {
			java.nio.file.Path library = java.nio.file.Path.of(ai.djl.pytorch.jni.LibUtils.getLibtorchPath(), name);
			if (!java.nio.file.Files.isRegularFile(library)) return;
			com.sun.jna.NativeLibrary c10 = com.sun.jna.NativeLibrary.getInstance(library.toString());
			c10.getGlobalVariableAddress("FLAGS_caffe2_log_level").setInt(0, NATIVE_LOG_ERROR);
		} catch (RuntimeException | LinkageError e) {
			// the warnings are noise, not errors: leave them
		}
	}

	/**
	 * Starts (or returns) the engine. The thread count only takes effect on the first call in a JVM.
	 *
	 * @param threads intra-op threads, or 0 for {@link #defaultThreads()}
	 * @throws IllegalStateException with a sentence saying what to do when the native library cannot load
	 */
	public static synchronized Engine start(int threads) {
		if (engine != null) return engine;
		int n = threads > 0 ? threads : defaultThreads();
		System.setProperty("ai.djl.offline", "true");
		System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
		System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
		System.setProperty("ai.djl.default_engine", "PyTorch");
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(PyTorchRuntime.class.getClassLoader());
		try {
			fixMallocThreshold();
			engine = Engine.getEngine("PyTorch");
			quietNativeWarnings();
			PyTorchRuntime.threads = n;
			return engine;
		} catch (RuntimeException | UnsatisfiedLinkError e) {
			throw new UserError("The PyTorch native library could not be loaded (" + e.getMessage()
					+ "): make sure the pytorch-native-cpu jar for this platform is in Fiji's jars folder (or on the class path) and that ~/.djl.ai is writable.", e);
		} finally {
			thread.setContextClassLoader(previous);
		}
	}
}
