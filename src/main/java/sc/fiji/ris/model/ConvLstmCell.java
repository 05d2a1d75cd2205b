package sc.fiji.ris.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import sc.fiji.ris.UserError;

/**
 * A convolutional LSTM cell (Shi et al., NIPS 2015) as used by RIS (Romera-Paredes &amp; Torr, ECCV 2016):
 *
 * <pre>
 * [i, f, o, g] = W_s * s + W_d * d + W_h * h + b          (3x3 convolutions, "same" padding)
 * i, f, o = sigmoid(.),  g = tanh(.)
 * c' = f . c + i . g
 * h' = o . tanh(c')
 * </pre>
 *
 * The input is split in two parts: a <em>static</em> part {@code s} that is the same at every step (the image
 * features) and a <em>dynamic</em> part {@code d} that changes (the fed-back union of masks, or the hidden state of
 * the layer below). {@code W_s * s} is computed once per image by {@link #projectStatic}, so that each step only
 * pays for the dynamic and recurrent convolutions. Either part may have zero channels. The gate bias {@code b} is
 * initialised to 1 for the forget gate and 0 elsewhere, so that the cell remembers by default.
 */
public final class ConvLstmCell extends AbstractBlock {

	private static final byte VERSION = 1;

	private final int staticChannels;
	private final int dynamicChannels;
	private final int hidden;
	private final Conv2d staticConv;
	private final Conv2d dynamicConv;
	private final Conv2d recurrentConv;
	private final Parameter gateBias;

	/**
	 * @param staticChannels channels of the static input (0 for none)
	 * @param dynamicChannels channels of the dynamic input (0 for none)
	 * @param hidden hidden (and cell) channels
	 */
	public ConvLstmCell(int staticChannels, int dynamicChannels, int hidden) {
		super(VERSION);
		if (hidden <= 0 || staticChannels < 0 || dynamicChannels < 0 || staticChannels + dynamicChannels == 0)
			throw new UserError("A ConvLSTM cell needs an input and a positive number of hidden channels.");
		this.staticChannels = staticChannels;
		this.dynamicChannels = dynamicChannels;
		this.hidden = hidden;
		staticConv = staticChannels > 0 ? addChildBlock("static", conv3x3(4 * hidden)) : null;
		dynamicConv = dynamicChannels > 0 ? addChildBlock("dynamic", conv3x3(4 * hidden)) : null;
		recurrentConv = addChildBlock("recurrent", conv3x3(4 * hidden));
		gateBias = addParameter(Parameter.builder().setName("gateBias").setType(Parameter.Type.BIAS)
				.optShape(new Shape(4L * hidden)).build());
		gateBias.setInitializer((manager, shape, dataType) -> {
			float[] b = new float[4 * hidden];
			for (int k = hidden; k < 2 * hidden; k++) b[k] = 1f; // forget gate
			return manager.create(b).toType(dataType, false);
		});
	}

	private static Conv2d conv3x3(int filters) {
		return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).optBias(false)
				.setFilters(filters).build();
	}

	public int hiddenChannels() { return hidden; }

	/** {@code W_s * s + b}: the step-independent part of the gates, shape [B, 4*hidden, H, W]. */
	public NDArray projectStatic(ParameterStore ps, NDArray staticInput, boolean training) {
		NDArray bias = scoped(ps.getValue(gateBias, staticInput.getDevice(), training).reshape(1, 4L * hidden, 1, 1), staticInput);
		if (staticConv == null) return staticInput.getManager().zeros(new Shape(staticInput.getShape().get(0), 4L * hidden,
				staticInput.getShape().get(2), staticInput.getShape().get(3))).add(bias);
		return Convolutions.forward(ps, staticConv, staticInput, training).add(bias);
	}

	/**
	 * One step.
	 *
	 * @param staticGates result of {@link #projectStatic} (or {@code null} when the cell has no static input; the
	 *        bias is then added here)
	 * @param dynamic the dynamic input, or {@code null} when the cell has none
	 * @param h previous hidden state, or {@code null} for zeros
	 * @param c previous cell state, or {@code null} for zeros
	 * @return {@code [h', c']}
	 */
	public NDList step(ParameterStore ps, NDArray staticGates, NDArray dynamic, NDArray h, NDArray c, boolean training) {
		NDArray gates;
		if (dynamicConv != null && h != null) {
			// W_d * d + W_h * h as one convolution of [d, h] with [W_d, W_h]: one call and no sum of two gate tensors
			NDArray w = scoped(weight(ps, dynamicConv, dynamic, training).concat(weight(ps, recurrentConv, h, training), 1), dynamic);
			gates = Convolutions.conv2d(dynamic.concat(h, 1), w, null, UNIT);
		} else {
			gates = dynamicConv != null ? Convolutions.forward(ps, dynamicConv, dynamic, training) : null;
			if (h != null) {
				NDArray r = Convolutions.forward(ps, recurrentConv, h, training);
				gates = gates == null ? r : gates.add(r);
			}
		}
		if (staticGates != null) gates = gates == null ? staticGates : gates.add(staticGates);
		else gates = gates.add(scoped(ps.getValue(gateBias, gates.getDevice(), training).reshape(1, 4L * hidden, 1, 1), gates));
		NDList parts = gates.split(new long[] { 3L * hidden }, 1);
		NDList ifo = sigmoid(parts.get(0)).split(3, 1); // one call for the three sigmoid gates
		NDArray i = ifo.get(0);
		NDArray f = ifo.get(1);
		NDArray o = ifo.get(2);
		NDArray g = parts.get(1).tanh();
		NDArray cNext = c == null ? i.mul(g) : f.mul(c).add(i.mul(g));
		NDArray hNext = o.mul(cNext.tanh());
		return new NDList(hNext, cNext);
	}

	private static final Shape UNIT = new Shape(1, 1);

	/**
	 * {@code a}, moved to the manager of {@code like}. An array made from a weight alone (a reshaped bias, the
	 * concatenated gate weights) belongs to the weights' manager, which lives as long as the model: without this,
	 * every step would leave its copy there.
	 */
	private static NDArray scoped(NDArray a, NDArray like) {
		a.attach(like.getManager());
		return a;
	}

	private static NDArray weight(ParameterStore ps, Conv2d conv, NDArray like, boolean training) {
		return ps.getValue(conv.getParameters().get("weight"), like.getDevice(), training);
	}

	private static NDArray sigmoid(NDArray x) {
		return ai.djl.nn.Activation.sigmoid(x);
	}

	@Override
	protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
		// forward(s, d, h, c) with absent parts given as empty lists is not needed: use projectStatic and step.
		NDArray s = staticConv != null ? inputs.get(0) : null;
		int k = staticConv != null ? 1 : 0;
		NDArray d = dynamicConv != null ? inputs.get(k++) : null;
		NDArray h = inputs.size() > k ? inputs.get(k++) : null;
		NDArray c = inputs.size() > k ? inputs.get(k) : null;
		NDArray sg = s != null ? projectStatic(ps, s, training) : null;
		return step(ps, sg, d, h, c, training);
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		Shape in = inputShapes[0];
		Shape out = new Shape(in.get(0), hidden, in.get(2), in.get(3));
		return new Shape[] { out, out };
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		Shape in = inputShapes[0];
		long b = in.get(0), hh = in.get(2), ww = in.get(3);
		if (staticConv != null) staticConv.initialize(manager, dataType, new Shape(b, staticChannels, hh, ww));
		if (dynamicConv != null) dynamicConv.initialize(manager, dataType, new Shape(b, dynamicChannels, hh, ww));
		recurrentConv.initialize(manager, dataType, new Shape(b, hidden, hh, ww));
	}

	/** Input shapes for {@link #initialize}: any one of the cell's inputs, shape [B, C, H, W]. */
	public Shape initShape(long batch, long height, long width) {
		return new Shape(batch, staticChannels > 0 ? staticChannels : dynamicChannels, height, width);
	}
}
