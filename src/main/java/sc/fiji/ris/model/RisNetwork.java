package sc.fiji.ris.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import sc.fiji.ris.UserError;

/**
 * The recurrent instance segmentation network (Romera-Paredes &amp; Torr, "Recurrent Instance Segmentation",
 * ECCV 2016), shaped for CPUs and microscopy:
 *
 * <ol>
 * <li><b>Encoder</b> (once per image): four scales (1, 1/2, 1/4, 1/8) of two 3x3 conv + ReLU each, and an FCN-8s
 * style fusion of the 1/8 scale into the 1/4 scale: {@code F = relu(P4 e4 + up2(P8 e8))}; with three
 * {@link ModelConfig#encoderChannels} the 1/8 scale is left out ({@code F = relu(P4 e4)}).</li>
 * <li><b>Recurrence</b> (once per step) at 1/4 resolution: two {@link ConvLstmCell}s. Layer 1 sees {@code F}
 * (static) and, optionally, the running union of the masks emitted so far, average-pooled to 1/4 (dynamic);
 * layer 2 sees layer 1's hidden state.</li>
 * <li><b>Mask head</b> (once per step): {@code m = sigmoid(W1 relu(up2(conv3x3 relu(up2(W h2) + S2)) + S1))},
 * where {@code S2, S1} are 1x1 projections of the encoder's 1/2 and full-resolution features computed once per
 * image: a full-resolution mask at the cost of one small convolution per step.</li>
 * <li><b>Foreground head</b> (optional, {@link ModelConfig#foregroundHead}, the default for new models): the mask
 * head stops at 1/2 resolution ({@code m = sigmoid(W1 relu(conv3x3 relu(up2(W h2) + S2)))}), and a foreground
 * probability {@code f = sigmoid(Wf relu(conv3x3 relu(S1 + up2(P2 e2) + up4(P4 F))))} is computed once per tile at
 * full resolution. The per-step work at full resolution (about two thirds of a step) disappears; an instance is
 * then {@code min(up2(grow(m)), f)} (see the tile decoder), whose outline follows the foreground.</li>
 * <li><b>Core head</b> (optional, {@link ModelConfig#coreHead}): the probability that a pixel lies in the core of an
 * object (its inner half: at least half its greatest depth from its outline), computed once per tile at 1/2
 * resolution: {@code k = sigmoid(Wk relu(conv3x3 relu(conv3x3 relu(K2 e2 + up2(K4 F)))))}. Touching objects have
 * separate cores, so an instance holding two cores holds two objects (see the segmenter).</li>
 * <li><b>Confidence head</b>: {@code s = sigmoid(w . [maxpool(h2), avgpool(h2)] + b)}.</li>
 * </ol>
 *
 * {@link #forward} unrolls a given number of steps for training ({@code inputs = [image [B,1,H,W], steps
 * (int64 scalar)]}, optionally a third input {@code [x, y, size]} (int64): decode only that square window of the
 * encoded image, which then gives the window its context; see {@link #window}) and returns {@code [masks [B,T,H,W] in [0,1], confidence logits [B,T]]}, plus, with seed
 * attention, the seeds' log-probabilities over the 1/4-resolution grid {@code [B,T,H/4*W/4]} (for the seed loss). Inference uses
 * {@link #encode} and {@link #step} directly so that each tile of a batch can stop on its own.
 */
public final class RisNetwork extends AbstractBlock {

	private static final byte VERSION = 1;
	/** Channels of the foreground head's full-resolution 3x3 convolution. */
	private static final int FOREGROUND_CHANNELS = 8;

	private final ModelConfig config;
	private final Block[] encoder = new Block[8];
	private final Conv2d fuse4;
	private final Conv2d fuse8;
	private final ConvLstmCell cell1;
	private final ConvLstmCell cell2;
	private final Conv2d hiddenToMask;
	private final Conv2d skip2;
	private final Conv2d skip1;
	private final Conv2d maskConv;
	private final Conv2d maskOut;
	private final Linear confidence;
	private final Conv2d seedScore;
	private final Conv2d contextA;
	private final Conv2d contextB;
	private final Linear contextGlobal;
	private final Conv2d fg2;
	private final Conv2d fg4;
	private final Conv2d fgConv;
	private final Conv2d fgOut;
	private final Conv2d core2;
	private final Conv2d core4;
	private final Conv2d coreConvA;
	private final Conv2d coreConvB;
	private final Conv2d coreOut;

	public RisNetwork(ModelConfig config) {
		super(VERSION);
		config.validate();
		this.config = config;
		int[] c = config.encoderChannels;
		for (int s = 0; s < c.length; s++) {
			encoder[2 * s] = addChildBlock("enc" + s + "a", conv(c[s], 3, true));
			encoder[2 * s + 1] = addChildBlock("enc" + s + "b", conv(c[s], 3, true));
		}
		fuse4 = addChildBlock("fuse4", conv(c[2], 1, true));
		fuse8 = c.length > 3 ? addChildBlock("fuse8", conv(c[2], 1, false)) : null;
		int h = config.hiddenChannels;
		cell1 = addChildBlock("lstm1", new ConvLstmCell(c[2], config.feedbackUnion ? 1 : 0, h));
		cell2 = addChildBlock("lstm2", new ConvLstmCell(0, h, h));
		int k = config.maskChannels;
		hiddenToMask = addChildBlock("hiddenToMask", conv(k, 1, true));
		skip2 = addChildBlock("skip2", conv(k, 1, false));
		skip1 = addChildBlock("skip1", conv(k, 1, false));
		maskConv = addChildBlock("maskConv", conv(k, 3, true));
		maskOut = addChildBlock("maskOut", conv(1, 1, true));
		confidence = addChildBlock("confidence", Linear.builder().setUnits(1).build());
		seedScore = config.seedAttention ? addChildBlock("seedScore", conv(1, 1, true)) : null;
		if (config.coarseContext) {
			contextA = addChildBlock("contextA", conv(h, 3, true));
			contextB = addChildBlock("contextB", conv(h, 3, true));
			contextGlobal = addChildBlock("contextGlobal", Linear.builder().setUnits(h).build());
		} else {
			contextA = contextB = null;
			contextGlobal = null;
		}
		if (config.foregroundHead) {
			fg2 = addChildBlock("fg2", conv(k, 1, false));
			fg4 = addChildBlock("fg4", conv(k, 1, false));
			fgConv = addChildBlock("fgConv", conv(FOREGROUND_CHANNELS, 3, true));
			fgOut = addChildBlock("fgOut", conv(1, 1, true));
		} else {
			fg2 = fg4 = fgConv = fgOut = null;
		}
		// added last: the blocks of a network without a core head keep their order
		if (config.coreHead) {
			int kc = config.coreChannels;
			core2 = addChildBlock("core2", conv(kc, 1, true));
			core4 = addChildBlock("core4", conv(kc, 1, false));
			coreConvA = addChildBlock("coreConvA", conv(kc, 3, true));
			coreConvB = addChildBlock("coreConvB", conv(kc, 3, true));
			coreOut = addChildBlock("coreOut", conv(1, 1, true));
		} else {
			core2 = core4 = coreConvA = coreConvB = coreOut = null;
		}
	}

	private static Conv2d conv(int filters, int kernel, boolean bias) {
		return Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(kernel / 2, kernel / 2))
				.optBias(bias).setFilters(filters).build();
	}

	public ModelConfig config() { return config; }

	/** Per-image state of the decoder: encoder outputs that every step reuses, and the recurrent state. */
	public static final class State {
		NDArray staticGates, skip1, skip2, h1, c1, h2, c2, union;
		/** Foreground logits [B, 1, H, W] (networks with a foreground head; computed once per tile). */
		NDArray foreground;
		/** Core logits [B, 1, H/2, W/2] (networks with a core head; computed once per tile). */
		NDArray core;

		/** The core logits of each tile, [B, 1, H/2, W/2], or null when the network has no core head. */
		public NDArray core() { return core; }

		/** The foreground logits of each tile, [B, 1, H, W], or null when the network has no foreground head. */
		public NDArray foreground() { return foreground; }

		/** Keeps only the batch entries at {@code index} (int64, shape [K]). */
		public State select(NDArray index) {
			State s = new State();
			s.staticGates = pick(staticGates, index);
			s.skip1 = pick(skip1, index);
			s.skip2 = pick(skip2, index);
			s.h1 = pick(h1, index);
			s.c1 = pick(c1, index);
			s.h2 = pick(h2, index);
			s.c2 = pick(c2, index);
			s.union = pick(union, index);
			s.foreground = pick(foreground, index);
			s.core = pick(core, index);
			return s;
		}

		/**
		 * Moves every array of this state to {@code manager}, so that a per-step manager can free everything a step
		 * made except the state it hands on.
		 */
		public void attachAll(NDManager manager) {
			for (NDArray a : new NDArray[] { staticGates, skip1, skip2, h1, c1, h2, c2, union, foreground, core })
				if (a != null) a.attach(manager);
		}

		private static NDArray pick(NDArray a, NDArray index) {
			return a == null ? null : a.get(new ai.djl.ndarray.index.NDIndex("{}", index));
		}
	}

	private NDArray relu(NDArray x) { return Activation.relu(x); }

	private NDArray run(Block b, ParameterStore ps, NDArray x, boolean training) {
		// convolutions go through the channel padding that keeps oneDNN from reading uncleared memory
		if (b instanceof Conv2d) return Convolutions.forward(ps, (Conv2d) b, x, training);
		return b.forward(ps, new NDList(x), training).singletonOrThrow();
	}


	/**
	 * {@code fine + up(coarse)}, with {@code up} the nearest-neighbour upsampling by {@code factor}, as one
	 * broadcast addition (no upsampled copy of {@code coarse} is made).
	 */
	static NDArray addUp(NDArray fine, NDArray coarse, int factor) {
		Shape f = fine.getShape(), c = coarse.getShape();
		if (c.get(2) * factor != f.get(2) || c.get(3) * factor != f.get(3))
			throw new UserError("Cannot add " + c + " upsampled " + factor + " times to " + f + ".");
		long b = f.get(0), ch = f.get(1), h = c.get(2), w = c.get(3);
		return fine.reshape(b, ch, h, factor, w, factor).add(coarse.reshape(c.get(0), c.get(1), h, 1, w, 1)).reshape(b, ch, h * factor, w * factor);
	}

	private static NDArray pool2(NDArray x) {
		return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
	}

	/**
	 * Runs the encoder on a batch of normalised tiles [B, 1, H, W] (H, W multiples of 8) and returns the initial
	 * decoder state.
	 */
	public State encode(ParameterStore ps, NDArray image, boolean training) {
		Shape shape = image.getShape();
		if (shape.dimension() != 4 || shape.get(1) != 1 || shape.get(2) % 8 != 0 || shape.get(3) % 8 != 0)
			throw new UserError("The network needs tiles of shape [B, 1, H, W] with H and W multiples of 8, not " + shape + ".");
		NDArray[] e = encoderOutputs(ps, image, training);
		NDArray features = e[e.length - 1];
		State st = new State();
		st.staticGates = cell1.projectStatic(ps, features, training);
		st.skip2 = run(skip2, ps, e[1], training);
		if (fgOut == null) {
			st.skip1 = run(skip1, ps, e[0], training);
			if (config.feedbackUnion) st.union = image.zerosLike();
		} else {
			// the full-resolution detail comes from here, once per tile; the steps work at 1/2 resolution
			NDArray f = addUp(run(skip1, ps, e[0], training), addUp(run(fg2, ps, e[1], training), run(fg4, ps, features, training), 2), 2);
			st.foreground = run(fgOut, ps, relu(run(fgConv, ps, relu(f), training)), training);
			if (config.feedbackUnion) st.union = Pool.avgPool2d(image, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false, true).zerosLike();
		}
		if (coreOut != null) st.core = core(ps, e[1], features, training);
		return st;
	}

	/** The encoder's output at each scale, then the fused 1/4-resolution features. */
	private NDArray[] encoderOutputs(ParameterStore ps, NDArray image, boolean training) {
		int depth = config.encoderChannels.length;
		NDArray[] e = new NDArray[depth + 1];
		NDArray x = image;
		for (int s = 0; s < depth; s++) {
			if (s > 0) x = pool2(x);
			x = relu(run(encoder[2 * s], ps, x, training));
			x = relu(run(encoder[2 * s + 1], ps, x, training));
			e[s] = x;
		}
		NDArray p4 = run(fuse4, ps, e[2], training);
		e[depth] = relu(fuse8 == null ? p4 : addUp(p4, run(fuse8, ps, e[3], training), 2));
		return e;
	}

	/**
	 * The core logits [B, 1, H/2, W/2] of a batch of normalised tiles (as {@link #encode} takes them), with the
	 * gradient stopped at the encoder: for training the core head alone on a trained network.
	 */
	public NDArray coreLogits(ParameterStore ps, NDArray image, boolean training) {
		if (coreOut == null) throw new IllegalStateException("This network has no core head.");
		NDArray[] e = encoderOutputs(ps, image, training);
		return core(ps, e[1].stopGradient(), e[e.length - 1].stopGradient(), training);
	}

	/** The core logits [B, 1, H/2, W/2] from the encoder's 1/2-resolution features and the fused 1/4-resolution ones. */
	private NDArray core(ParameterStore ps, NDArray e2, NDArray features, boolean training) {
		NDArray k = relu(addUp(run(core2, ps, e2, training), run(core4, ps, features, training), 2));
		k = relu(run(coreConvA, ps, k, training));
		k = relu(run(coreConvB, ps, k, training));
		return run(coreOut, ps, k, training);
	}

	/** The core head's blocks (empty without one): the only ones the core head's training changes. */
	public java.util.List<Block> coreBlocks() {
		return coreOut == null ? java.util.List.of() : java.util.List.of(core2, core4, coreConvA, coreConvB, coreOut);
	}

	/**
	 * The initial decoder state of tiles cut from the state of one encoded region (batch size 1): tile k covers
	 * {@code [x[k], x[k] + size) x [y[k], y[k] + size)} of the region, with {@code x[k], y[k]} multiples of
	 * {@link ModelConfig#RECURRENT_STRIDE}. Encoding a region once instead of each overlapping tile on its own saves
	 * the encoder's work on the overlaps; features near a tile's border then see the image beyond it.
	 */
	public State tiles(State region, int[] x, int[] y, int size) {
		int r = ModelConfig.RECURRENT_STRIDE;
		for (int k = 0; k < x.length; k++)
			if (x[k] % r != 0 || y[k] % r != 0 || x[k] < 0 || y[k] < 0)
				throw new UserError("Tile origins must be non-negative multiples of " + r + ", not (" + x[k] + ", " + y[k] + ").");
		return cut(region, size, (a, stride) -> {
			NDList parts = new NDList(x.length);
			for (int k = 0; k < x.length; k++) parts.add(window(a, x[k], y[k], size, stride));
			return NDArrays.concat(parts, 0);
		});
	}

	/**
	 * The same square window of every image of a batch encoded with context around it: the state of the {@code size}
	 * square at ({@code x}, {@code y}), origins multiples of {@link ModelConfig#RECURRENT_STRIDE}, as if the network
	 * had encoded a larger image and decoded only that window (the shared encoding at inference, and training with a
	 * context margin). Differentiable.
	 */
	public State window(State region, int x, int y, int size) {
		int r = ModelConfig.RECURRENT_STRIDE;
		if (x % r != 0 || y % r != 0 || x < 0 || y < 0)
			throw new UserError("Window origins must be non-negative multiples of " + r + ", not (" + x + ", " + y + ").");
		Shape g = region.staticGates.getShape();
		if (size % r != 0 || (x + size) / r > g.get(3) || (y + size) / r > g.get(2))
			throw new UserError("A window of " + size + " at (" + x + ", " + y + ") does not fit in an encoding of " + g.get(3) * r + " x "
					+ g.get(2) * r + " pixels.");
		return cut(region, size, (a, stride) -> window(a, x, y, size, stride));
	}

	/** The state of {@code size}-pixel squares of {@code region}: {@code cut} takes each array and its stride. */
	private State cut(State region, int size, java.util.function.BiFunction<NDArray, Integer, NDArray> cut) {
		int r = ModelConfig.RECURRENT_STRIDE;
		State st = new State();
		st.staticGates = cut.apply(region.staticGates, r);
		st.skip2 = region.skip2 == null ? null : cut.apply(region.skip2, 2);
		st.skip1 = region.skip1 == null ? null : cut.apply(region.skip1, 1);
		st.foreground = region.foreground == null ? null : cut.apply(region.foreground, 1);
		st.core = region.core == null ? null : cut.apply(region.core, 2);
		if (region.union != null) {
			int d = fgOut == null ? 1 : 2;
			st.union = st.staticGates.getManager().zeros(new Shape(st.staticGates.getShape().get(0), 1, size / d, size / d), region.union.getDataType());
		}
		return st;
	}

	private static NDArray window(NDArray a, int x, int y, int size, int stride) {
		int s = size / stride, x0 = x / stride, y0 = y / stride;
		return a.get(new ai.djl.ndarray.index.NDIndex(":, :, {}:{}, {}:{}", y0, y0 + s, x0, x0 + s));
	}

	/**
	 * One decoding step: advances {@code state} in place and returns {@code [mask [B,1,H,W] in [0,1], confidence
	 * logit [B,1]]}, plus the seed's log-probabilities {@code [B, H/4*W/4]} when the network has seed attention.
	 */
	public NDList step(ParameterStore ps, State state, boolean training) {
		NDArray dynamic = null;
		if (config.feedbackUnion) {
			int r = fgOut == null ? ModelConfig.RECURRENT_STRIDE : ModelConfig.RECURRENT_STRIDE / 2;
			dynamic = Pool.avgPool2d(state.union, new Shape(r, r), new Shape(r, r), new Shape(0, 0), false, true);
		}
		NDList l1 = cell1.step(ps, state.staticGates, dynamic, state.h1, state.c1, training);
		state.h1 = l1.get(0);
		state.c1 = l1.get(1);
		NDArray toLayer2 = state.h1;
		if (contextA != null) {
			// coarse path: 1/16 resolution, two 3x3 convolutions (a reach of 80 px per step), plus a global summary
			NDArray coarse = Pool.avgPool2d(state.h1, new Shape(4, 4), new Shape(4, 4), new Shape(0, 0), false, true);
			coarse = run(contextB, ps, relu(run(contextA, ps, coarse, training)), training);
			long b = state.h1.getShape().get(0), hc = state.h1.getShape().get(1);
			NDArray global = run(contextGlobal, ps, Pool.globalAvgPool2d(state.h1), training).reshape(b, hc, 1, 1);
			toLayer2 = addUp(state.h1, coarse.add(global), 4);
		}
		NDList l2 = cell2.step(ps, null, toLayer2, state.h2, state.c2, training);
		state.h2 = l2.get(0);
		state.c2 = l2.get(1);

		NDArray head = state.h2;
		NDArray seedLogProb = null;
		if (seedScore != null) {
			Shape hs = state.h2.getShape();
			NDArray score = run(seedScore, ps, state.h2, training).reshape(hs.get(0), hs.get(2) * hs.get(3));
			seedLogProb = score.logSoftmax(1);
			NDArray seed = seedLogProb.exp().reshape(hs.get(0), 1, hs.get(2), hs.get(3));
			Shape five = new Shape(5, 5), one = new Shape(1, 1), two = new Shape(2, 2);
			seed = Pool.avgPool2d(seed, five, one, two, false, true);
			seed = Pool.avgPool2d(seed, five, one, two, false, true).mul(25f);
			head = state.h2.concat(seed, 1);
		}
		NDArray m = addUp(state.skip2, run(hiddenToMask, ps, head, training), 2);
		m = relu(run(maskConv, ps, relu(m), training));
		if (fgOut == null) m = relu(addUp(state.skip1, m, 2));
		NDArray mask = Activation.sigmoid(run(maskOut, ps, m, training));

		NDArray pooled = Pool.globalMaxPool2d(state.h2).concat(Pool.globalAvgPool2d(state.h2), 1);
		NDArray conf = run(confidence, ps, pooled, training);
		if (config.feedbackUnion) state.union = state.union.maximum(mask.stopGradient());
		return seedLogProb == null ? new NDList(mask, conf) : new NDList(mask, conf, seedLogProb);
	}

	@Override
	protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
		NDArray image = inputs.get(0);
		long steps = inputs.size() > 1 ? inputs.get(1).toType(DataType.INT64, false).getLong() : config.maxSteps;
		State state = encode(ps, image, training);
		if (inputs.size() > 2) {
			// a window with context: {x, y, size} of the square to decode inside the encoded image
			long[] w = inputs.get(2).toType(DataType.INT64, false).toLongArray();
			state = window(state, (int) w[0], (int) w[1], (int) w[2]);
		}
		NDList masks = new NDList();
		NDList confs = new NDList();
		NDList seeds = new NDList();
		for (int t = 0; t < steps; t++) {
			NDList out = step(ps, state, training);
			masks.add(out.get(0));
			confs.add(out.get(1));
			if (out.size() > 2) seeds.add(out.get(2).expandDims(1));
		}
		NDList result = new NDList(NDArrays.concat(masks, 1), NDArrays.concat(confs, 1));
		if (!seeds.isEmpty()) result.add(NDArrays.concat(seeds, 1));
		if (state.foreground != null) result.add(state.foreground);
		return result;
	}

	@Override
	public Shape[] getOutputShapes(Shape[] inputShapes) {
		Shape in = inputShapes[0];
		int d = fgOut == null ? 1 : 2;
		java.util.List<Shape> out = new java.util.ArrayList<>();
		out.add(new Shape(in.get(0), -1, in.get(2) / d, in.get(3) / d));
		out.add(new Shape(in.get(0), -1));
		int r = ModelConfig.RECURRENT_STRIDE;
		if (seedScore != null) out.add(new Shape(in.get(0), -1, in.get(2) / r * (in.get(3) / r)));
		if (fgOut != null) out.add(new Shape(in.get(0), 1, in.get(2), in.get(3)));
		return out.toArray(new Shape[0]);
	}

	@Override
	protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
		Shape in = inputShapes[0];
		long b = in.get(0), hh = in.get(2), ww = in.get(3);
		int[] c = config.encoderChannels;
		long inC = in.get(1);
		for (int s = 0; s < c.length; s++) {
			long sh = hh >> s, sw = ww >> s;
			encoder[2 * s].initialize(manager, dataType, new Shape(b, inC, sh, sw));
			encoder[2 * s + 1].initialize(manager, dataType, new Shape(b, c[s], sh, sw));
			inC = c[s];
		}
		fuse4.initialize(manager, dataType, new Shape(b, c[2], hh / 4, ww / 4));
		if (fuse8 != null) fuse8.initialize(manager, dataType, new Shape(b, c[3], hh / 8, ww / 8));
		cell1.initialize(manager, dataType, cell1.initShape(b, hh / 4, ww / 4));
		cell2.initialize(manager, dataType, cell2.initShape(b, hh / 4, ww / 4));
		int h = config.hiddenChannels, k = config.maskChannels;
		hiddenToMask.initialize(manager, dataType, new Shape(b, h + (seedScore != null ? 1 : 0), hh / 4, ww / 4));
		if (seedScore != null) seedScore.initialize(manager, dataType, new Shape(b, h, hh / 4, ww / 4));
		skip2.initialize(manager, dataType, new Shape(b, c[1], hh / 2, ww / 2));
		skip1.initialize(manager, dataType, new Shape(b, c[0], hh, ww));
		maskConv.initialize(manager, dataType, new Shape(b, k, hh / 2, ww / 2));
		maskOut.initialize(manager, dataType, fgOut == null ? new Shape(b, k, hh, ww) : new Shape(b, k, hh / 2, ww / 2));
		if (fgOut != null) {
			fg2.initialize(manager, dataType, new Shape(b, c[1], hh / 2, ww / 2));
			fg4.initialize(manager, dataType, new Shape(b, c[2], hh / 4, ww / 4));
			fgConv.initialize(manager, dataType, new Shape(b, k, hh, ww));
			fgOut.initialize(manager, dataType, new Shape(b, FOREGROUND_CHANNELS, hh, ww));
		}
		if (coreOut != null) {
			core2.initialize(manager, dataType, new Shape(b, c[1], hh / 2, ww / 2));
			core4.initialize(manager, dataType, new Shape(b, c[2], hh / 4, ww / 4));
			int kc = config.coreChannels;
			coreConvA.initialize(manager, dataType, new Shape(b, kc, hh / 2, ww / 2));
			coreConvB.initialize(manager, dataType, new Shape(b, kc, hh / 2, ww / 2));
			coreOut.initialize(manager, dataType, new Shape(b, kc, hh / 2, ww / 2));
		}
		confidence.initialize(manager, dataType, new Shape(b, 2L * h));
		if (contextA != null) {
			contextA.initialize(manager, dataType, new Shape(b, h, hh / 16, ww / 16));
			contextB.initialize(manager, dataType, new Shape(b, h, hh / 16, ww / 16));
			contextGlobal.initialize(manager, dataType, new Shape(b, h));
		}
	}

	/**
	 * Multiply-accumulate count of the encoder (once per tile) and of one decoding step, for a tile of the given
	 * size; FLOPs are twice these.
	 */
	public static long[] macs(ModelConfig config, int tile) {
		int[] c = config.encoderChannels;
		long enc = 0;
		long inC = 1;
		for (int s = 0; s < c.length; s++) {
			long px = (long) (tile >> s) * (tile >> s);
			enc += px * 9 * (inC * c[s] + (long) c[s] * c[s]);
			inC = c[s];
		}
		long p4 = (long) (tile / 4) * (tile / 4), p2 = (long) (tile / 2) * (tile / 2), p1 = (long) tile * tile;
		int h = config.hiddenChannels, k = config.maskChannels;
		enc += p4 * c[2] * c[2] + (c.length > 3 ? p4 / 4 * c[3] * c[2] : 0) + p4 * 9L * c[2] * 4 * h + p2 * c[1] * k + p1 * c[0] * k;
		if (config.foregroundHead) enc += p2 * c[1] * k + p4 * c[2] * k + p1 * 9L * k * FOREGROUND_CHANNELS + p1 * FOREGROUND_CHANNELS;
		int kc = config.coreChannels;
		if (config.coreHead) enc += p2 * c[1] * kc + p4 * c[2] * kc + 2 * p2 * 9L * kc * kc + p2 * kc;
		long step = p4 * 9L * 4 * h * ((config.feedbackUnion ? 1 : 0) + h) // layer 1: union + recurrent
				+ p4 * 9L * 4 * h * (2L * h) // layer 2: input + recurrent
				+ p4 * h * k + p2 * 9L * k * k + (config.foregroundHead ? p2 * k : p1 * k)
				+ (config.coarseContext ? p4 / 16 * 9L * 2 * h * h + (long) h * h : 0);
		return new long[] { enc, step };
	}
}
