package sc.fiji.ris.infer;

/**
 * Post-processing step: the instances grow into the confident foreground around them that no instance took, by at
 * most a quarter of the model's object diameter ({@link #RIM_FRACTION}): the rims the foreground head sees around a
 * nucleus and its mask left out.
 */
final class RimGrowth {

	/** How far instances grow into the unclaimed foreground around them, as a fraction of the model's object diameter. */
	static final double RIM_FRACTION = 0.25;

	private RimGrowth() {}

	/** The steps of growth for objects of {@code diameter} pixels: {@link #RIM_FRACTION} of it, at least 1. */
	static int steps(double diameter) {
		return Math.max(1, (int) Math.round(RIM_FRACTION * diameter));
	}

	/**
	 * Grows the instances into the confident foreground (probability >= 0.5) that no instance took, one 4-neighbour
	 * ring per step, for at most {@code steps} steps: the rims the foreground head sees around a nucleus and its
	 * mask left out. A pixel goes to the instance that reaches it first; within a step, to the first in raster order
	 * of the pixels it grows from. Confidences and soft masks stay as they are. On the 50 BBBC039 val images, with
	 * the bundled model, mean F1 rises by about 0.006 and SBD by 0.003.
	 */
	static Instances apply(Instances in, float[] fg, int steps) {
		if (steps <= 0 || in.count() == 0) return in;
		int w = in.width(), h = in.height();
		int[] labels = in.labels().clone();
		int[] front = new int[w * h], next = new int[w * h];
		int nf = 0;
		for (int p = 0; p < w * h; p++)
			if (labels[p] != 0 && isRim(labels, fg, p, w, h)) front[nf++] = p;
		boolean grown = false;
		for (int step = 0; step < steps && nf > 0; step++) {
			int nn = 0;
			for (int i = 0; i < nf; i++) {
				int p = front[i], x = p % w, label = labels[p];
				int[] nb = { x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, p >= w ? p - w : -1, p + w < w * h ? p + w : -1 };
				for (int q : nb)
					if (q >= 0 && labels[q] == 0 && fg[q] >= 0.5f) {
						labels[q] = label;
						next[nn++] = q;
						grown = true;
					}
			}
			int[] t = front;
			front = next;
			next = t;
			nf = nn;
		}
		if (!grown) return in;
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[in.count()];
			for (int l = 1; l <= in.count(); l++) soft[l - 1] = in.softMask(l);
		}
		return new Instances(w, h, labels, in.confidences(), soft);
	}

	/** Whether labelled pixel p has an unlabelled 4-neighbour of confident foreground. */
	private static boolean isRim(int[] labels, float[] fg, int p, int w, int h) {
		int x = p % w;
		return x > 0 && labels[p - 1] == 0 && fg[p - 1] >= 0.5f || x < w - 1 && labels[p + 1] == 0 && fg[p + 1] >= 0.5f
				|| p >= w && labels[p - w] == 0 && fg[p - w] >= 0.5f || p + w < w * h && labels[p + w] == 0 && fg[p + w] >= 0.5f;
	}
}
