package sc.fiji.ris.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import sc.fiji.ris.UserError;

/**
 * The RIS loss (Romera-Paredes &amp; Torr, ECCV 2016, eq. 3), for a batch of B images with T predicted steps and
 * n<sub>b</sub> ground-truth instances each:
 *
 * <pre>
 * softIoU(x, y) = sum(x y) / (sum(x) + sum(y) - sum(x y))
 * L_b = ( sum over matched (t, j) of [1 - softIoU(m_t, g_j)]  +  lambda * sum_t BCE(s_t, [t &lt; n_b]) ) / T
 * L   = mean over b of L_b
 * </pre>
 *
 * The matching (t, j) is the Hungarian assignment that maximises the total soft IoU between the T predicted masks
 * and the n<sub>b</sub> instances (min(T, n<sub>b</sub>) pairs); it is computed on the values and not
 * differentiated, so that gradients of the IoU term reach the matched masks only. The BCE is taken on the
 * confidence logits (numerically stable form {@code max(z,0) - z y + log(1 + exp(-|z|))}). Using {@code 1 - IoU}
 * rather than {@code -IoU} only shifts the loss so that it is non-negative.
 *
 * <p><b>Seed term</b> (networks with seed attention, weight {@code mu}; not in the paper): each step's seed is a
 * softmax over the 1/4-resolution grid. For a matched pair (t, j) the term is {@code -log(sum_p seed_t(p) g_j(p))},
 * where {@code g_j} is the fraction of each grid cell covered by instance j: the step is told directly to point at
 * the instance it is matched to, instead of learning where to look only through the mask's IoU. With the seed term
 * the matching maximises {@code softIoU + seed mass}, so that it agrees with where the seeds point.
 *
 * <p><b>Foreground term</b> (networks with a foreground head; weight 1): the mean per-pixel BCE between the
 * foreground logits and the union of all instances. The masks may then be at a lower resolution than the labels
 * (1/2 for the foreground-head network); the IoU term compares them with the fraction of each cell an instance
 * covers.
 *
 * <p><b>Border weight</b> (weight {@code w}; not in the paper, 0 by default): pixels within {@link #BORDER_RADIUS}
 * pixels of two different instances (the seams between touching objects) count {@code 1 + w} times in the soft
 * IoU's sums, as U-Net weights the borders between touching cells: a mask that spills over the seam into its
 * neighbour, or covers both, loses more than one that stops at the seam.
 *
 * <p><b>Small-object weight</b> (weight {@code s}; not in the paper, 1 by default): an instance with fewer than
 * {@code smallArea} pixels in the labels counts {@code s} times in the IoU and seed terms, and so does the confidence
 * term of the step matched to it when that step is one of the first n<sub>b</sub>, so that the rare small objects
 * weigh more against the many nuclei.
 *
 * <p><b>Annotated region</b> (partly annotated images; not in the paper): an optional per-pixel weight {@code a} in
 * {0, 1}, 0 where the image was not annotated, multiplies the pixels in the soft IoU's sums (so that a mask is
 * neither rewarded nor penalised for what it covers there) and restricts the foreground term to the annotated pixels
 * (its mean is taken over them). The confidence term is left as it is: the trainer blanks the input where the image
 * is not annotated, so that the instance count is the count of what the network sees.
 *
 * <p>Labels: {@code [instances [B, N, H, W] (0/1, padded with empty masks), counts [B] (int)]}, optionally followed
 * by the annotated-region weights {@code [B, H, W]}. Predictions:
 * {@code [masks [B, T, H/d, W/d] in [0, 1], confidence logits [B, T]]}, optionally followed by the seeds'
 * log-probabilities {@code [B, T, H/4 * W/4]} and by the foreground logits {@code [B, 1, H, W]}.
 */
public final class RisLoss extends Loss {

	private static final float EPS = 1e-6f;

	/** Pixels within this many pixels (Chebyshev) of two different instances form the seams the border weight weighs. */
	public static final int BORDER_RADIUS = 3;

	private final float lambda;
	private final float seedWeight;
	private final float borderWeight;
	private final float smallArea;
	private final float smallWeight;

	/** @param lambda weight of the confidence term (1 in the paper's code) */
	public RisLoss(float lambda) {
		this(lambda, 0f);
	}

	/**
	 * @param lambda weight of the confidence term (1 in the paper's code)
	 * @param seedWeight weight {@code mu} of the seed term (0: off, as in the paper)
	 */
	public RisLoss(float lambda, float seedWeight) {
		this(lambda, seedWeight, 0f);
	}

	/**
	 * @param lambda weight of the confidence term (1 in the paper's code)
	 * @param seedWeight weight {@code mu} of the seed term (0: off, as in the paper)
	 * @param borderWeight extra weight {@code w} of the seams between touching instances in the soft IoU (0: off)
	 */
	public RisLoss(float lambda, float seedWeight, float borderWeight) {
		this(lambda, seedWeight, borderWeight, 0f, 1f);
	}

	/**
	 * @param lambda weight of the confidence term (1 in the paper's code)
	 * @param seedWeight weight {@code mu} of the seed term (0: off, as in the paper)
	 * @param borderWeight extra weight {@code w} of the seams between touching instances in the soft IoU (0: off)
	 * @param smallArea instances with fewer pixels than this in the labels are small
	 * @param smallWeight how many times a small instance counts (1: off)
	 */
	public RisLoss(float lambda, float seedWeight, float borderWeight, float smallArea, float smallWeight) {
		super("RisLoss");
		if (!(lambda >= 0)) throw new UserError("lambda must be non-negative.");
		if (!(seedWeight >= 0)) throw new UserError("The seed weight must be non-negative.");
		if (!(borderWeight >= 0)) throw new UserError("The border weight must be non-negative.");
		if (!(smallArea >= 0)) throw new UserError("The small-object area must be non-negative.");
		if (!(smallWeight >= 1)) throw new UserError("The small-object weight must be at least 1.");
		this.lambda = lambda;
		this.seedWeight = seedWeight;
		this.borderWeight = borderWeight;
		this.smallArea = smallArea;
		this.smallWeight = smallWeight;
	}

	public float lambda() { return lambda; }

	public float seedWeight() { return seedWeight; }

	public float borderWeight() { return borderWeight; }

	public float smallWeight() { return smallWeight; }

	/**
	 * The per-pixel weights of the soft IoU, {@code [B, H, W]}: {@code 1 + w} on the seams (pixels within
	 * {@link #BORDER_RADIUS} of two different instances), 1 elsewhere.
	 */
	public NDArray pixelWeights(NDArray instances) {
		Shape s = instances.getShape();
		NDArray f = instances.toType(DataType.FLOAT32, false);
		int k = 2 * BORDER_RADIUS + 1;
		NDArray near = ai.djl.nn.pooling.Pool.maxPool2d(f, new Shape(k, k), new Shape(1, 1), new Shape(BORDER_RADIUS, BORDER_RADIUS), false);
		NDArray seam = near.sum(new int[] { 1 }).gte(2f).toType(DataType.FLOAT32, false);
		return seam.mul(borderWeight).add(1f).reshape(s.get(0), s.get(2), s.get(3));
	}

	@Override
	public NDArray evaluate(NDList labels, NDList predictions) {
		return total(evaluateParts(labels, predictions));
	}

	/** The weighted sum of the terms returned by {@link #evaluateParts}. */
	public NDArray total(NDList parts) {
		return parts.get(0).add(parts.get(1).mul(lambda)).add(parts.get(3).mul(seedWeight)).add(parts.get(4));
	}

	/**
	 * The terms before weighting: {@code [mean_b sum_matched(1 - IoU) / T, mean_b sum_t BCE / T]}, the matched soft
	 * IoUs as a 1-D array (for reporting), the seed term {@code mean_b sum_matched -log(seed mass) / T} (zero
	 * when the seed weight is 0 or the network has no seeds) and the foreground term (zero without a foreground
	 * head).
	 */
	public NDList evaluateParts(NDList labels, NDList predictions) {
		NDArray masks = predictions.get(0);
		NDArray logits = predictions.get(1);
		NDArray seedLogProb = null, foreground = null;
		for (int i = 2; i < predictions.size(); i++) {
			NDArray p = predictions.get(i);
			if (p.getShape().dimension() == 3) seedLogProb = p;
			else if (p.getShape().dimension() == 4) foreground = p;
		}
		NDArray full = labels.get(0);
		NDArray annotated = labels.size() > 2 ? labels.get(2) : null; // [B, H, W], 0 where not annotated
		NDArray gt = full;
		int[] counts = labels.get(1).toType(DataType.INT32, false).toIntArray();
		Shape ms = masks.getShape();
		long b = ms.get(0), t = ms.get(1), hw = ms.get(2) * ms.get(3);
		long n = gt.getShape().get(1);
		NDManager manager = masks.getManager();
		long down = full.getShape().get(2) / ms.get(2);
		if (down > 1 && n > 0) {
			// masks at a lower resolution: compare with the fraction of each cell the instance covers
			Shape ds = new Shape(down, down);
			gt = ai.djl.nn.pooling.Pool.avgPool2d(full.toType(masks.getDataType(), false), ds, ds, new Shape(0, 0), false, true);
		}

		float[] stepWeight = null; // [B * T], the confidence term's weights: null when all are 1
		NDArray iouTerm;
		NDArray matchedIou;
		NDArray seedTerm = manager.zeros(new Shape());
		boolean seeds = seedWeight > 0 && seedLogProb != null;
		if (n == 0) {
			iouTerm = manager.zeros(new Shape());
			matchedIou = manager.zeros(new Shape(0));
		} else {
			NDArray m = masks.reshape(b, t, hw);
			NDArray g = gt.reshape(b, n, hw).toType(masks.getDataType(), false);
			NDArray mw = m, gw = g;
			if (borderWeight > 0 || annotated != null) {
				NDArray w = borderWeight > 0 ? pixelWeights(full).toType(masks.getDataType(), false) : null;
				if (annotated != null) {
					NDArray a = annotated.toType(masks.getDataType(), false);
					w = w == null ? a : w.mul(a);
				}
				if (down > 1) {
					Shape ds = new Shape(down, down);
					w = ai.djl.nn.pooling.Pool.avgPool2d(w.expandDims(1), ds, ds, new Shape(0, 0), false, true);
				}
				w = w.reshape(b, 1, hw);
				mw = m.mul(w);
				gw = g.mul(w);
			}
			NDArray inter = mw.matMul(g.transpose(0, 2, 1)); // [B, T, N]
			NDArray sm = mw.sum(new int[] { 2 }, true); // [B, T, 1]
			NDArray sg = gw.sum(new int[] { 2 }).reshape(b, 1, n); // [B, 1, N]
			NDArray iou = inter.div(sm.add(sg).sub(inter).add(EPS));
			NDArray mass = null;
			float[] values = iou.toType(DataType.FLOAT32, false).toFloatArray();
			if (seeds) {
				NDArray logProb = seedLogProb; // [B, T, P]
				int r = sc.fiji.ris.model.ModelConfig.RECURRENT_STRIDE;
				Shape rs = new Shape(r, r);
				NDArray cover = ai.djl.nn.pooling.Pool.avgPool2d(full.toType(masks.getDataType(), false), rs, rs, new Shape(0, 0), false, true)
						.reshape(b, n, -1); // [B, N, P]
				mass = logProb.exp().matMul(cover.transpose(0, 2, 1)); // [B, T, N]
				float[] mv = mass.toType(DataType.FLOAT32, false).toFloatArray();
				for (int i = 0; i < values.length; i++) values[i] += mv[i];
			}
			long[] index = matchedIndices(values, counts, (int) b, (int) t, (int) n);
			if (index.length == 0) {
				iouTerm = manager.zeros(new Shape());
				matchedIou = manager.zeros(new Shape(0));
			} else {
				NDArray flat = manager.create(index);
				matchedIou = iou.flatten().take(flat);
				NDArray pairWeight = null;
				if (smallWeight != 1f) {
					float[] area = full.toType(DataType.FLOAT32, false).sum(new int[] { 2, 3 }).toFloatArray(); // [B * N]
					float[] pw = new float[index.length];
					stepWeight = new float[(int) (b * t)];
					java.util.Arrays.fill(stepWeight, 1f);
					for (int k = 0; k < index.length; k++) {
						int bt = (int) (index[k] / n), i = bt / (int) t, s = bt % (int) t;
						boolean small = area[i * (int) n + (int) (index[k] % n)] < smallArea;
						pw[k] = small ? smallWeight : 1f;
						if (small && s < counts[i]) stepWeight[bt] = smallWeight;
					}
					pairWeight = manager.create(pw).toType(masks.getDataType(), false);
				}
				NDArray lost = matchedIou.neg().add(1);
				iouTerm = (pairWeight == null ? lost : lost.mul(pairWeight)).sum().div((float) (b * t));
				if (seeds) {
					NDArray nll = mass.flatten().take(flat).add(EPS).log().neg();
					seedTerm = (pairWeight == null ? nll : nll.mul(pairWeight)).sum().div((float) (b * t));
				}
			}
		}
		float[] target = new float[(int) (b * t)];
		for (int i = 0; i < b; i++)
			for (int s = 0; s < t; s++)
				target[i * (int) t + s] = s < counts[i] ? 1f : 0f;
		NDArray y = manager.create(target, new Shape(b, t)).toType(logits.getDataType(), false);
		NDArray z = logits.reshape(b, t);
		NDArray bce = z.maximum(0).sub(z.mul(y)).add(z.abs().neg().exp().add(1).log());
		if (stepWeight != null) bce = bce.mul(manager.create(stepWeight, new Shape(b, t)).toType(logits.getDataType(), false));
		NDArray bceTerm = bce.sum().div((float) (b * t));
		NDArray fgTerm = manager.zeros(new Shape());
		if (foreground != null) {
			NDArray fy = n == 0 ? foreground.zerosLike() : full.toType(foreground.getDataType(), false).max(new int[] { 1 }, true);
			NDArray fz = foreground;
			NDArray perPixel = fz.maximum(0).sub(fz.mul(fy)).add(fz.abs().neg().exp().add(1).log());
			if (annotated == null) fgTerm = perPixel.mean();
			else {
				Shape fs = foreground.getShape();
				NDArray a = annotated.toType(foreground.getDataType(), false).reshape(fs);
				fgTerm = perPixel.mul(a).sum().div(Math.max(1f, a.sum().getFloat()));
			}
		}
		return new NDList(iouTerm, bceTerm, matchedIou.stopGradient(), seedTerm, fgTerm);
	}

	/** Flat indices into [B, T, N] of the Hungarian pairs maximising the IoU, per batch entry. */
	static long[] matchedIndices(float[] iou, int[] counts, int b, int t, int n) {
		long[] out = new long[b * Math.min(t, n)];
		int k = 0;
		for (int i = 0; i < b; i++) {
			int ni = Math.min(counts[i], n);
			if (ni == 0) continue;
			double[][] score = new double[t][ni];
			for (int s = 0; s < t; s++)
				for (int j = 0; j < ni; j++)
					score[s][j] = iou[(i * t + s) * n + j];
			int[] assignment = HungarianAssignment.maximize(score);
			for (int s = 0; s < t; s++)
				if (assignment[s] >= 0) out[k++] = ((long) i * t + s) * n + assignment[s];
		}
		return java.util.Arrays.copyOf(out, k);
	}
}
