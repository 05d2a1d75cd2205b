package sc.fiji.ris.infer;

import java.util.Arrays;

/**
 * The instances of a pass as the object-size estimate measures them ({@link SizePolicy}): without the spots, and
 * without the pixels they grew into ({@link RimGrowth}), so that the estimate's limits keep the meaning they were set
 * with. For measurements only: no soft masks.
 */
final class MeasuredInstances {

	private MeasuredInstances() {}

	/** The pixels that {@code after} labels and {@code before} did not (null when none). */
	static boolean[] addedPixels(Instances before, Instances after) {
		if (before == after) return null;
		int[] b = before.labels(), a = after.labels();
		boolean[] added = new boolean[a.length];
		boolean any = false;
		for (int p = 0; p < a.length; p++)
			if (b[p] == 0 && a[p] != 0) any = added[p] = true;
		return any ? added : null;
	}

	/** The instances without the given pixels (for measurements only: no soft masks); themselves when there are none. */
	static Instances withoutPixels(Instances in, boolean[] drop) {
		if (drop == null) return in;
		int[] labels = in.labels().clone();
		for (int p = 0; p < labels.length; p++) if (drop[p]) labels[p] = 0;
		// an instance made only of such pixels (a piece cut at a core in the grown rim) is left out; the order holds
		boolean[] present = new boolean[in.count() + 1];
		for (int l : labels) present[l] = true;
		int[] map = new int[in.count() + 1];
		float[] conf = new float[in.count()];
		int m = 0;
		for (int l = 1; l <= in.count(); l++)
			if (present[l]) {
				map[l] = ++m;
				conf[m - 1] = in.confidence(l);
			}
		if (m < in.count()) for (int p = 0; p < labels.length; p++) labels[p] = map[labels[p]];
		return new Instances(in.width(), in.height(), labels, Arrays.copyOf(conf, m), null);
	}

	/** The instances without their {@code spots} highest labels (for measurements only: no soft masks). */
	static Instances withoutSpots(Instances in, int spots) {
		int keep = Math.max(0, in.count() - spots);
		if (keep == in.count()) return in;
		int[] labels = in.labels().clone();
		int max = 0;
		for (int i = 0; i < labels.length; i++) {
			if (labels[i] > keep) labels[i] = 0;
			max = Math.max(max, labels[i]);
		}
		return new Instances(in.width(), in.height(), labels, Arrays.copyOf(in.confidences(), max), null);
	}
}
