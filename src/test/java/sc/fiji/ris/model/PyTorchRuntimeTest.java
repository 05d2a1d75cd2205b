package sc.fiji.ris.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Gradient recording is per thread: inference scopes turn it off on any thread and restore it afterwards. */
class PyTorchRuntimeTest {

	@Test
	void noGradientsHoldsOnAnyThreadAndRestoresTheMode() throws InterruptedException {
		PyTorchRuntime.start(0);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread worker = new Thread(() -> {
			try {
				assertTrue(JniUtils.isGradMode(), "a new thread records gradients by default (which is why the scope exists)");
				try (PyTorchRuntime.GradientScope s = PyTorchRuntime.noGradients()) {
					assertFalse(JniUtils.isGradMode());
					try (PyTorchRuntime.GradientScope inner = PyTorchRuntime.noGradients()) {
						assertFalse(JniUtils.isGradMode());
					}
					assertFalse(JniUtils.isGradMode(), "a nested scope leaves the outer one in force");
				}
				assertTrue(JniUtils.isGradMode(), "the thread's mode is restored");
			} catch (Throwable t) {
				failure.set(t);
			}
		});
		worker.start();
		worker.join();
		assertNull(failure.get(), () -> String.valueOf(failure.get()));
		try (PyTorchRuntime.GradientScope s = PyTorchRuntime.noGradients()) {
			assertFalse(JniUtils.isGradMode());
		}
	}
}
