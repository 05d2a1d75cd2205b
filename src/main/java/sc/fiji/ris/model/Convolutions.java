package sc.fiji.ris.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;

/**
 * Stride-1 2-D convolutions that never hand oneDNN a tensor whose channels it would pad.
 *
 * <p>Why: PyTorch 2.7.1 on the CPU runs a batched 3x3 convolution through oneDNN, which reorders the tensor it
 * reads into a channel-blocked layout (blocks of 8 channels on AVX and AVX2, 16 on AVX-512). When the channel count
 * is not a multiple of the block, the padding channels of the reordered copy are read but not cleared: they hold
 * whatever the allocator's memory held before, and a NaN there makes every output it touches NaN (a finite value
 * makes it silently wrong). It depends on the CPU, on what ran before in the process and on the thread count, and it
 * showed as training that turned NaN within a few iterations and as bands of tiles that emitted nothing. Measured by
 * filling freed memory with NaN before each convolution ({@code ConvolutionsTest}): the forward pass goes wrong when
 * it reads more than 8 input channels that are not a multiple of 16 (12, 13 and 24 in this network); the backward
 * pass, when the output channels (whose gradient it reads) or the input channels (whose gradient it writes) are not a
 * multiple of 16, and for the weights' gradient of a layer whose input has no gradient (the first layer) when the
 * output channels are not. 1x1 convolutions were never affected, nor was any convolution with oneDNN held to SSE4.1.
 *
 * <p>So the tensors oneDNN reads and writes are padded here, with real zeros, to a multiple of 16 channels: the input
 * channels (and the weights' input channels) when there are more than 8 or when the input's gradient is recorded, and
 * the output channels (zero filters whose outputs are dropped again) whenever a gradient is recorded. The result is
 * the same convolution. At inference the padding costs about a third more work on the 24-channel layers; in training
 * the narrow full-resolution layers do up to four times their work.
 */
public final class Convolutions {

	/** The largest channel block oneDNN uses for 32-bit floats on x86-64 (AVX-512); a multiple of the others. */
	static final int BLOCK = 16;

	private Convolutions() {}

	/** {@code conv}'s convolution of {@code x}, with its own weights, bias and padding (stride and dilation 1). */
	public static NDArray forward(ParameterStore ps, Conv2d conv, NDArray x, boolean training) {
		NDArray w = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), training);
		ai.djl.nn.Parameter bias = conv.getParameters().get("bias");
		NDArray b = bias == null ? null : ps.getValue(bias, x.getDevice(), training);
		return conv2d(x, w, b, conv.getPadding());
	}

	/**
	 * The convolution of {@code x} [B, C, H, W] with {@code w} [F, C, k, k] and the optional bias {@code b} [F], stride
	 * and dilation 1, with {@code padding} pixels of zeros on each side; arrays made from the weights alone belong to
	 * {@code x}'s manager, so that a per-step manager frees them.
	 */
	public static NDArray conv2d(NDArray x, NDArray w, NDArray b, Shape padding) {
		Shape ws = w.getShape();
		long filters = ws.get(0), channels = ws.get(1);
		if (ws.get(2) == 1 && ws.get(3) == 1) return call(x, w, b, padding);
		// the gradients oneDNN would compute: the input's (from the output's gradient) and the weights'
		boolean inputGradient = x.hasGradient(), weightGradient = w.hasGradient();
		long inPad = (inputGradient || channels > BLOCK / 2) && channels % BLOCK != 0 ? BLOCK - channels % BLOCK : 0;
		long outPad = (inputGradient || weightGradient) && filters % BLOCK != 0 ? BLOCK - filters % BLOCK : 0;
		if (inPad == 0 && outPad == 0) return call(x, w, b, padding);
		Shape xs = x.getShape();
		NDArray xi = x, wi = w, bi = b;
		if (inPad > 0) {
			xi = x.concat(x.getManager().zeros(new Shape(xs.get(0), inPad, xs.get(2), xs.get(3)), x.getDataType()), 1);
			wi = scoped(w.concat(x.getManager().zeros(new Shape(filters, inPad, ws.get(2), ws.get(3)), w.getDataType()), 1), x);
		}
		if (outPad > 0) {
			wi = scoped(wi.concat(x.getManager().zeros(new Shape(outPad, channels + inPad, ws.get(2), ws.get(3)), w.getDataType()), 0), x);
			if (b != null) bi = scoped(b.concat(x.getManager().zeros(new Shape(outPad), b.getDataType()), 0), x);
		}
		NDArray y = call(xi, wi, bi, padding);
		return outPad == 0 ? y : y.get(new NDIndex(":, 0:{}", filters));
	}

	private static NDArray call(NDArray x, NDArray w, NDArray b, Shape padding) {
		Shape one = new Shape(1, 1);
		NDList out = Conv2d.conv2d(x, w, b, one, padding, one, 1);
		return out.singletonOrThrow();
	}

	/** {@code a}, moved to the manager of {@code like} (an array made from a weight belongs to the weights' manager). */
	private static NDArray scoped(NDArray a, NDArray like) {
		a.attach(like.getManager());
		return a;
	}
}
