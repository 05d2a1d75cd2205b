package sc.fiji.ris.infer;

import java.util.List;
import java.util.function.BooleanSupplier;

/** What decodes a batch of tiles into instances; {@link TileDecoder} runs the network, tests plug in oracles. */
@FunctionalInterface
public interface Decoder {

	/**
	 * @param tiles row-major normalised tiles of {@code size x size} pixels
	 * @param maxSteps most steps per tile
	 * @param minConfidence a step below this confidence stops its tile
	 * @param cancelled polled once per step, may be null
	 * @return the emissions of every tile, in emission order
	 */
	List<List<TileDecoder.Emission>> decode(List<float[]> tiles, int size, int maxSteps, double minConfidence, BooleanSupplier cancelled);
}
