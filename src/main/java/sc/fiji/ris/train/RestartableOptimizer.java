package sc.fiji.ris.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.function.Supplier;

/**
 * An optimiser whose state (Adam's moments) can be dropped: after going back to earlier weights, the moments gathered
 * during a loss spike would push the weights the same way again. The dropped moments are closed, so that each
 * restart gives their native memory back instead of holding it until the model closes.
 */
final class RestartableOptimizer extends Optimizer {

	private final Supplier<Optimizer> factory;
	private Optimizer inner;

	RestartableOptimizer(Supplier<Optimizer> factory) {
		super(new Builder());
		this.factory = factory;
		this.inner = factory.get();
	}

	@Override
	public void update(String parameterId, NDArray weight, NDArray grad) {
		inner.update(parameterId, weight, grad);
	}

	/** Starts with fresh state (moments, update counts); the old moments are closed. Returns how many were. */
	int restart() {
		int closed = closeMoments(inner);
		inner = factory.get();
		return closed;
	}

	/**
	 * Closes the moments that DJL's {@link Adam} keeps per parameter (fields it does not expose; the engine does not
	 * free them with the model's manager) and returns how many. With a DJL whose Adam keeps them otherwise, nothing is
	 * closed.
	 */
	@SuppressWarnings("unchecked")
	static int closeMoments(Optimizer optimizer) {
		int closed = 0;
		if (!(optimizer instanceof Adam)) return closed;
		for (String name : new String[] { "means", "variances" }) {
			try {
				Field f = Adam.class.getDeclaredField(name);
				f.setAccessible(true);
				Map<String, Map<Device, NDArray>> state = (Map<String, Map<Device, NDArray>>) f.get(optimizer);
				for (Map<Device, NDArray> perDevice : state.values())
					for (NDArray a : perDevice.values()) {
						a.close();
						closed++;
					}
				state.clear();
			} catch (ReflectiveOperationException | RuntimeException e) {
				return closed;
			}
		}
		return closed;
	}

	private static final class Builder extends OptimizerBuilder<Builder> {
		@Override
		protected Builder self() {
			return this;
		}
	}
}
