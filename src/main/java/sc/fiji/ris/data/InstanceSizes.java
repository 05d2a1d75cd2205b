package sc.fiji.ris.data;

import java.util.Arrays;
import java.util.List;

/** Object sizes in annotated images, for the model's {@code objectDiameter}. */
public final class InstanceSizes {

	private InstanceSizes() {}

	/**
	 * The median equivalent diameter ({@code sqrt(4 area / pi)}) of all instances of the images, in pixels, or NaN
	 * when there is none.
	 */
	public static double medianDiameter(List<LabeledImage> images) {
		double[] all = new double[0];
		int n = 0;
		for (LabeledImage im : images) {
			int max = 0;
			for (int l : im.labels()) max = Math.max(max, l);
			int[] area = new int[max + 1];
			for (int l : im.labels()) area[l]++;
			for (int l = 1; l <= max; l++) {
				if (area[l] == 0) continue;
				if (n == all.length) all = Arrays.copyOf(all, Math.max(16, 2 * n));
				all[n++] = Math.sqrt(4 * area[l] / Math.PI);
			}
		}
		if (n == 0) return Double.NaN;
		double[] d = Arrays.copyOf(all, n);
		Arrays.sort(d);
		return n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	}
}
