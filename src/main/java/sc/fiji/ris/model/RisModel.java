package sc.fiji.ris.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;

/**
 * A {@link RisNetwork} with its configuration and the native memory that holds its weights. Close it when done:
 * the weights live outside the Java heap.
 */
public final class RisModel implements AutoCloseable {

	private final ModelConfig config;
	private final NDManager manager;
	private final RisNetwork network;

	private RisModel(ModelConfig config, NDManager manager, RisNetwork network) {
		this.config = config;
		this.manager = manager;
		this.network = network;
	}

	/**
	 * A new network with freshly initialised weights (He-normal convolutions, zero biases, forget-gate bias 1).
	 *
	 * @param seed seed of the engine's random generator, for reproducible initialisation
	 */
	public static RisModel create(ModelConfig config, long seed) {
		Engine engine = PyTorchRuntime.start(0);
		engine.setRandomSeed((int) seed);
		NDManager manager = engine.newBaseManager();
		try {
			RisNetwork network = new RisNetwork(config);
			network.setInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
					XavierInitializer.FactorType.IN, 2), Parameter.Type.WEIGHT);
			network.initialize(manager, DataType.FLOAT32, new Shape(1, 1, config.tileSize, config.tileSize));
			return new RisModel(config, manager, network);
		} catch (RuntimeException e) {
			manager.close();
			throw e;
		}
	}

	/** Wraps an initialised network whose weights live in {@code manager}; the model takes ownership of it. */
	public static RisModel wrap(ModelConfig config, NDManager manager, RisNetwork network) {
		return new RisModel(config, manager, network);
	}

	public ModelConfig config() { return config; }
	public RisNetwork network() { return network; }
	/** The manager that owns the weights; open sub-managers of it for intermediates. */
	public NDManager manager() { return manager; }

	@Override
	public void close() {
		manager.close();
	}
}
