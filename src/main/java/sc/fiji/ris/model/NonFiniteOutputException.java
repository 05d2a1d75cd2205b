package sc.fiji.ris.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The network computed NaN or infinity: an error, never an empty result (a NaN confidence would otherwise read as
 * "stop" and leave a tile without instances). With finite weights and inputs this means the native library computed
 * a wrong result; see {@link Convolutions} for the one case found so far.
 */
public final class NonFiniteOutputException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/** @param what the output, in the user's words ("the masks of a batch of tiles") */
	public NonFiniteOutputException(String what) {
		super("The network computed values that are not finite (NaN or infinity) for " + what
				+ ": nothing was made of them; check that the model file is one that 'ris train' wrote, and if it is, report this with the output of 'lscpu'.");
	}

	/** Whether every value is finite. */
	public static boolean finite(float[] values) {
		for (float v : values)
			if (!Float.isFinite(v)) return false;
		return true;
	}

	/** Whether every value of every array is finite (their sums are: the network's outputs are far from overflowing). */
	public static boolean finite(NDList arrays) {
		for (NDArray a : arrays) {
			if (a.size() == 0) continue;
			try (NDArray s = a.sum()) {
				if (!Float.isFinite(s.getFloat())) return false;
			}
		}
		return true;
	}

	/** {@code arrays}, or this exception for {@code what} when one of them holds a value that is not finite. */
	public static NDList require(NDList arrays, String what) {
		if (!finite(arrays)) throw new NonFiniteOutputException(what);
		return arrays;
	}
}
