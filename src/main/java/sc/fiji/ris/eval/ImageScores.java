package sc.fiji.ris.eval;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import sc.fiji.ris.UserError;

/**
 * The instance segmentation scores of one image: a predicted label image P against a ground-truth label
 * image G (0 = background, every other value one instance; ids need not be consecutive).
 * <p>
 * With IoU(p, g) = |p &cap; g| / |p &cup; g| and Dice(a, b) = 2|a &cap; b| / (|a| + |b|):
 * <ul>
 * <li><b>Matching</b> at threshold &tau; &isin; {0.5, 0.55, ..., 0.9} ({@link #threshold(int)}): a pair
 * matches if IoU &ge; &tau; (compared as IoU &ge; &tau; - 10<sup>-9</sup>), one-to-one. TP = matched pairs,
 * FP = |P| - TP, FN = |G| - TP. Above IoU 0.5 a prediction can overlap at most one ground truth that much
 * (and vice versa), so the matching is unique; only pairs with IoU exactly 0.5 can compete (a prediction
 * split exactly in two halves of it, or the converse), and then one of them is matched.</li>
 * <li><b>Matched IoUs</b>: the IoU of every pair matched at &tau; = 0.5.</li>
 * <li><b>BestDice</b>(A, B) = mean over a &isin; A of max over b &isin; B of Dice(a, b);
 * <b>SBD</b> = min(BestDice(P, G), BestDice(G, P)). BestDice(&empty;, &empty;) = 1, BestDice(A, B) = 0 if
 * exactly one of them is empty, so SBD is 1 when both images are empty and 0 when just one is.</li>
 * <li><b>DiC</b> = |P| - |G|.</li>
 * <li><b>Coverage</b>: for each g the best IoU over P; MUCov = mean over g, MWCov = sum<sub>g</sub> |g|
 * bestIoU(g) / sum<sub>g</sub> |g|. Undefined without ground truth: then {@link #hasCoverage()} is false
 * and both read 0 (an {@link Evaluation} skips such images in its coverage averages).</li>
 * <li><b>FP with zero IoU</b>: predictions that overlap no ground truth at all; <b>FN with zero IoU</b>:
 * ground-truth instances that overlap no prediction at all.</li>
 * <li><b>Error kinds</b> at &tau; = 0.5 ({@link #errors()}): each unmatched ground truth g is <em>missed</em>
 * (predictions cover less than half of it), <em>split</em> (they cover at least half, but no single one does),
 * <em>merged</em> (the prediction covering most of it also covers at least half of another ground truth) or
 * <em>inexact</em> (one prediction covers most of it alone, with IoU below 0.5); it is also counted as
 * <em>small</em> if its area is below a quarter of the median ground-truth area of the image. Each unmatched
 * prediction p is <em>background</em> (less than half of it lies in ground truth), <em>inside</em> (at least half
 * of it lies inside a single ground truth: a piece or a duplicate of a nucleus) or <em>other</em>.</li>
 * </ul>
 * Instances are immutable. The computation builds the overlap (contingency) table in one pass over the
 * pixels, so it costs O(pixels + |P| |G|).
 */
public final class ImageScores {

	/** Number of matching thresholds: 0.5, 0.55, ..., 0.9. */
	public static final int THRESHOLD_COUNT = 9;

	/** Tolerance for comparing an IoU with a threshold, so that e.g. IoU = 0.55 computed as 11/20 matches at 0.55. */
	static final double THRESHOLD_TOLERANCE = 1e-9;

	/**
	 * Up to this many (prediction, ground truth) cells the overlaps are counted in a dense table; beyond
	 * it (thousands of instances on both sides) the overlapping pixel pairs are sorted instead.
	 */
	static final int DENSE_TABLE_LIMIT = 1 << 20;

	private final String name;
	private final int numPredictions;
	private final int numGroundTruths;
	private final double[] matchedIous;
	private final double matchedIouSum;
	private final int[] tp;
	private final double bestDicePredToGt;
	private final double bestDiceGtToPred;
	private final double mucov;
	private final double mwcov;
	private final int fpZeroIou;
	private final int fnZeroIou;
	private final int[] errors;

	/** Indices into {@link #errors()}: the kinds of unmatched ground truth at IoU 0.5. */
	public static final int FN_MISSED = 0, FN_SPLIT = 1, FN_MERGED = 2, FN_INEXACT = 3, FN_SMALL = 4;
	/** Indices into {@link #errors()}: the kinds of unmatched prediction at IoU 0.5. */
	public static final int FP_BACKGROUND = 5, FP_INSIDE = 6, FP_OTHER = 7;
	/** Length of {@link #errors()}. */
	public static final int ERROR_KINDS = 8;
	/** Names of the error kinds, as in reports and JSON. */
	public static final List<String> ERROR_NAMES = List.of("fn_missed", "fn_split", "fn_merged", "fn_inexact", "fn_small", "fp_background",
		"fp_inside", "fp_other");

	private ImageScores(String name, int numPredictions, int numGroundTruths, double[] matchedIous, int[] tp,
		double bestDicePredToGt, double bestDiceGtToPred, double mucov, double mwcov, int fpZeroIou, int fnZeroIou, int[] errors)
	{
		this.errors = errors;
		this.name = name;
		this.numPredictions = numPredictions;
		this.numGroundTruths = numGroundTruths;
		this.matchedIous = matchedIous;
		double sum = 0;
		for (double iou : matchedIous) sum += iou;
		this.matchedIouSum = sum;
		this.tp = tp;
		this.bestDicePredToGt = bestDicePredToGt;
		this.bestDiceGtToPred = bestDiceGtToPred;
		this.mucov = mucov;
		this.mwcov = mwcov;
		this.fpZeroIou = fpZeroIou;
		this.fnZeroIou = fnZeroIou;
	}

	/**
	 * Matching threshold number k: &tau;<sub>k</sub> = 0.5 + 0.05 k.
	 *
	 * @param k 0 .. {@link #THRESHOLD_COUNT} - 1
	 * @return the IoU threshold
	 * @throws IndexOutOfBoundsException if k is out of range
	 */
	public static double threshold(int k) {
		Objects.checkIndex(k, THRESHOLD_COUNT);
		return 0.5 + 0.05 * k;
	}

	/**
	 * Scores a predicted label image against its ground truth.
	 *
	 * @param name name of the image, for reports
	 * @param prediction predicted labels, row-major; 0 = background
	 * @param groundTruth ground-truth labels, same length and layout
	 * @return the scores
	 * @throws IllegalArgumentException if the lengths differ or a label is negative
	 * @throws NullPointerException if an argument is {@code null}
	 */
	public static ImageScores compute(String name, int[] prediction, int[] groundTruth) {
		return compute(name, prediction, groundTruth, DENSE_TABLE_LIMIT);
	}

	/** As {@link #compute(String, int[], int[])}, with the dense table size limit exposed for tests. */
	static ImageScores compute(String name, int[] prediction, int[] groundTruth, int denseTableLimit) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(prediction, "prediction");
		Objects.requireNonNull(groundTruth, "groundTruth");
		if (prediction.length != groundTruth.length)
			throw new UserError("Image '" + name + "': the prediction has " + prediction.length
				+ " pixels but the ground truth has " + groundTruth.length + ".");
		final LabelIndex p = LabelIndex.of(prediction, "prediction of '" + name + "'");
		final LabelIndex g = LabelIndex.of(groundTruth, "ground truth of '" + name + "'");
		final Pairs pairs = new Pairs(p, g);
		final int nP = p.count;
		final int nG = g.count;
		if (nP > 0 && nG > 0) {
			if ((long) nP * nG <= denseTableLimit) countDense(p, g, pairs);
			else countSorted(p, g, pairs);
		}
		return pairs.finish(name);
	}

	/** Contingency table as a dense nP x nG array: one pass over the pixels, one over the cells. */
	private static void countDense(LabelIndex p, LabelIndex g, Pairs pairs) {
		final int nG = g.count;
		final int[] table = new int[p.count * nG];
		final int[] pd = p.dense;
		final int[] gd = g.dense;
		for (int i = 0; i < pd.length; i++) {
			final int a = pd[i];
			final int b = gd[i];
			if (a >= 0 && b >= 0) table[a * nG + b]++;
		}
		for (int a = 0, cell = 0; a < p.count; a++) {
			for (int b = 0; b < nG; b++, cell++) {
				if (table[cell] > 0) pairs.visit(a, b, table[cell]);
			}
		}
	}

	/** Contingency table for very many instances: sort the (prediction, ground truth) key of every overlapping pixel. */
	private static void countSorted(LabelIndex p, LabelIndex g, Pairs pairs) {
		final int[] pd = p.dense;
		final int[] gd = g.dense;
		int overlapping = 0;
		for (int i = 0; i < pd.length; i++) if (pd[i] >= 0 && gd[i] >= 0) overlapping++;
		final long[] keys = new long[overlapping];
		for (int i = 0, k = 0; i < pd.length; i++) {
			if (pd[i] >= 0 && gd[i] >= 0) keys[k++] = ((long) pd[i] << 32) | gd[i];
		}
		Arrays.sort(keys);
		for (int start = 0; start < keys.length;) {
			int end = start + 1;
			while (end < keys.length && keys[end] == keys[start]) end++;
			pairs.visit((int) (keys[start] >>> 32), (int) keys[start], end - start);
			start = end;
		}
	}

	/** Accumulates the per-instance bests and the matching from the overlapping pairs. */
	private static final class Pairs {

		private final LabelIndex p;
		private final LabelIndex g;
		private final double[] bestDiceP;
		private final double[] bestDiceG;
		private final double[] bestIouG;
		private final boolean[] matchedP;
		private final boolean[] matchedG;
		/** Per ground truth: pixels covered by any prediction, the largest overlap with one, and which one. */
		private final long[] coveredG;
		private final int[] bestOverlapG;
		private final int[] bestPredG;
		/** Per prediction: pixels inside ground truth, the largest overlap with one, ground truths it half covers. */
		private final long[] insideP;
		private final int[] bestOverlapP;
		private final int[] halfCoveredP;
		private double[] matched = new double[8];
		private int matchedCount;

		Pairs(LabelIndex p, LabelIndex g) {
			this.p = p;
			this.g = g;
			bestDiceP = new double[p.count];
			bestDiceG = new double[g.count];
			bestIouG = new double[g.count];
			matchedP = new boolean[p.count];
			matchedG = new boolean[g.count];
			coveredG = new long[g.count];
			bestOverlapG = new int[g.count];
			bestPredG = new int[g.count];
			insideP = new long[p.count];
			bestOverlapP = new int[p.count];
			halfCoveredP = new int[p.count];
		}

		/** One pair with a positive intersection. */
		void visit(int a, int b, int intersection) {
			final long sizeSum = (long) p.sizes[a] + g.sizes[b];
			final long union = sizeSum - intersection;
			final double iou = (double) intersection / union;
			final double dice = 2.0 * intersection / sizeSum;
			if (dice > bestDiceP[a]) bestDiceP[a] = dice;
			if (dice > bestDiceG[b]) bestDiceG[b] = dice;
			if (iou > bestIouG[b]) bestIouG[b] = iou;
			coveredG[b] += intersection;
			if (intersection > bestOverlapG[b]) { bestOverlapG[b] = intersection; bestPredG[b] = a; }
			insideP[a] += intersection;
			if (intersection > bestOverlapP[a]) bestOverlapP[a] = intersection;
			if (2L * intersection >= g.sizes[b]) halfCoveredP[a]++;
			// IoU >= 0.5 tested exactly on integers. Conflicts arise only at exactly 0.5, in stars of one
			// instance and two halves of it, where any maximal matching is maximum: first come, first matched.
			if (2L * intersection >= union && !matchedP[a] && !matchedG[b]) {
				matchedP[a] = true;
				matchedG[b] = true;
				if (matchedCount == matched.length) matched = Arrays.copyOf(matched, 2 * matchedCount);
				matched[matchedCount++] = iou;
			}
		}

		ImageScores finish(String name) {
			final int nP = p.count;
			final int nG = g.count;
			final double[] ious = Arrays.copyOf(matched, matchedCount);
			Arrays.sort(ious);
			reverse(ious);
			final int[] tp = new int[THRESHOLD_COUNT];
			for (int k = 0; k < THRESHOLD_COUNT; k++) {
				final double tau = threshold(k) - THRESHOLD_TOLERANCE;
				int count = 0;
				// All matched pairs have IoU >= 0.5; above it each pair is the unique candidate of both ends.
				for (double iou : ious) if (iou >= tau) count++;
				tp[k] = count;
			}
			int fpZero = 0;
			double sumP = 0;
			for (int a = 0; a < nP; a++) {
				sumP += bestDiceP[a];
				if (bestDiceP[a] == 0) fpZero++;
			}
			int fnZero = 0;
			double sumG = 0;
			double sumIou = 0;
			double weightedIou = 0;
			long totalSize = 0;
			for (int b = 0; b < nG; b++) {
				sumG += bestDiceG[b];
				if (bestDiceG[b] == 0) fnZero++;
				sumIou += bestIouG[b];
				weightedIou += (double) g.sizes[b] * bestIouG[b];
				totalSize += g.sizes[b];
			}
			final double bestDicePG = bestDice(sumP, nP, nG);
			final double bestDiceGP = bestDice(sumG, nG, nP);
			final double mucov = nG == 0 ? 0 : sumIou / nG;
			final double mwcov = nG == 0 ? 0 : weightedIou / totalSize;
			return new ImageScores(name, nP, nG, ious, tp, bestDicePG, bestDiceGP, mucov, mwcov, fpZero, fnZero, errors());
		}

		/** Classifies the instances left unmatched at IoU 0.5 (see the class comment). */
		private int[] errors() {
			final int[] e = new int[ERROR_KINDS];
			final int[] sizes = Arrays.copyOf(g.sizes, g.count);
			Arrays.sort(sizes);
			final double median = g.count == 0 ? 0 : g.count % 2 == 1 ? sizes[g.count / 2] : 0.5 * (sizes[g.count / 2 - 1] + sizes[g.count / 2]);
			for (int b = 0; b < g.count; b++) {
				if (matchedG[b]) continue;
				final long size = g.sizes[b];
				if (2 * coveredG[b] < size) e[FN_MISSED]++;
				else if (2L * bestOverlapG[b] < size) e[FN_SPLIT]++;
				else if (halfCoveredP[bestPredG[b]] >= 2) e[FN_MERGED]++;
				else e[FN_INEXACT]++;
				if (4 * size < median) e[FN_SMALL]++;
			}
			for (int a = 0; a < p.count; a++) {
				if (matchedP[a]) continue;
				final long size = p.sizes[a];
				if (2 * insideP[a] < size) e[FP_BACKGROUND]++;
				else if (2L * bestOverlapP[a] >= size) e[FP_INSIDE]++;
				else e[FP_OTHER]++;
			}
			return e;
		}

		/** Mean of the bests over the n instances of A, with BestDice(empty, empty) = 1 and 0 if only one is empty. */
		private static double bestDice(double sumOfBests, int n, int nOther) {
			if (n == 0) return nOther == 0 ? 1 : 0;
			return sumOfBests / n;
		}

		private static void reverse(double[] values) {
			for (int i = 0, j = values.length - 1; i < j; i++, j--) {
				final double t = values[i];
				values[i] = values[j];
				values[j] = t;
			}
		}
	}

	/** @return the name given to {@link #compute(String, int[], int[])} */
	public String name() {
		return name;
	}

	/** @return |P|, the number of predicted instances */
	public int numPredictions() {
		return numPredictions;
	}

	/** @return |G|, the number of ground-truth instances */
	public int numGroundTruths() {
		return numGroundTruths;
	}

	/** @return the IoU of every pair matched at &tau; = 0.5, in decreasing order (a copy); its length is {@code tp(0)} */
	public double[] matchedIous() {
		return matchedIous.clone();
	}

	/** @return the sum of {@link #matchedIous()}, the numerator of panoptic quality */
	public double matchedIouSum() {
		return matchedIouSum;
	}

	/**
	 * @param k threshold number, see {@link #threshold(int)}
	 * @return TP at &tau;<sub>k</sub>: pairs matched with IoU &ge; &tau;<sub>k</sub>
	 */
	public int tp(int k) {
		Objects.checkIndex(k, THRESHOLD_COUNT);
		return tp[k];
	}

	/**
	 * @param k threshold number, see {@link #threshold(int)}
	 * @return FP at &tau;<sub>k</sub> = |P| - TP
	 */
	public int fp(int k) {
		return numPredictions - tp(k);
	}

	/**
	 * @param k threshold number, see {@link #threshold(int)}
	 * @return FN at &tau;<sub>k</sub> = |G| - TP
	 */
	public int fn(int k) {
		return numGroundTruths - tp(k);
	}

	/** @return BestDice(P, G) = mean over predictions of their best Dice with a ground truth (1 if both empty, 0 if one is) */
	public double bestDicePredToGt() {
		return bestDicePredToGt;
	}

	/** @return BestDice(G, P) = mean over ground truths of their best Dice with a prediction (1 if both empty, 0 if one is) */
	public double bestDiceGtToPred() {
		return bestDiceGtToPred;
	}

	/** @return SBD = min(BestDice(P, G), BestDice(G, P)) */
	public double sbd() {
		return Math.min(bestDicePredToGt, bestDiceGtToPred);
	}

	/** @return DiC = |P| - |G| (signed) */
	public int dic() {
		return numPredictions - numGroundTruths;
	}

	/** @return whether coverage is defined, i.e. the ground truth has at least one instance */
	public boolean hasCoverage() {
		return numGroundTruths > 0;
	}

	/** @return MUCov = mean over g of max over p of IoU(p, g); 0 when {@link #hasCoverage()} is false */
	public double mucov() {
		return mucov;
	}

	/** @return MWCov = sum over g of |g| max<sub>p</sub> IoU(p, g), divided by sum of |g|; 0 when {@link #hasCoverage()} is false */
	public double mwcov() {
		return mwcov;
	}

	/** @return the number of predictions whose IoU with every ground truth is 0 */
	public int fpZeroIou() {
		return fpZeroIou;
	}

	/** @return the number of ground-truth instances whose IoU with every prediction is 0 */
	public int fnZeroIou() {
		return fnZeroIou;
	}

	/**
	 * @return how many instances were left unmatched at IoU 0.5 for each reason (a copy), indexed by
	 *         {@link #FN_MISSED} ... {@link #FP_OTHER}; see the class comment. The FN kinds except
	 *         {@link #FN_SMALL} add up to {@code fn(0)}, the FP kinds to {@code fp(0)}.
	 */
	public int[] errors() {
		return errors.clone();
	}

	/** @return a one-line summary for logs */
	@Override
	public String toString() {
		return String.format(Locale.ROOT, "%s: pred=%d gt=%d tp@0.5=%d fp@0.5=%d fn@0.5=%d sbd=%.4f dic=%d", name,
			numPredictions, numGroundTruths, tp[0], fp(0), fn(0), sbd(), dic());
	}
}
