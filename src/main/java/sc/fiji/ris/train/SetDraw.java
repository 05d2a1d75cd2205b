package sc.fiji.ris.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.InstanceSizes;
import sc.fiji.ris.data.LabeledImage;

/**
 * Draws training images so that each set gives an equal share of the crops: a set first (each with the same
 * chance), then one of its images (each with the same chance). With one set it draws exactly as
 * {@code rnd.nextInt(n)}, so that one-set recipes keep their random stream.
 */
final class SetDraw {

	private final int[][] members;

	/**
	 * @param n    training images
	 * @param sets the set of each image (0..k-1), or null for one set
	 * @throws IllegalArgumentException if {@code sets} does not give one set per image, or a set in 0..k-1 is empty
	 */
	SetDraw(int n, int[] sets) {
		members = groups(n, sets);
	}

	int next(SplittableRandom rnd) {
		if (members.length == 1) return rnd.nextInt(members[0].length);
		int[] set = members[rnd.nextInt(members.length)];
		return set[rnd.nextInt(set.length)];
	}

	/** The number of sets. */
	int sets() {
		return members.length;
	}

	/**
	 * The typical object diameter of sets drawn equally: the geometric mean of each set's median object diameter
	 * (the median over all objects with one set); NaN when no set has an object.
	 */
	static double diameter(List<LabeledImage> train, int[] sets) {
		int[][] groups = groups(train.size(), sets);
		if (groups.length == 1) return InstanceSizes.medianDiameter(train);
		double logSum = 0;
		int counted = 0;
		for (int[] g : groups) {
			List<LabeledImage> images = new ArrayList<>(g.length);
			for (int i : g) images.add(train.get(i));
			double d = InstanceSizes.medianDiameter(images);
			if (!Double.isNaN(d)) { logSum += Math.log(d); counted++; }
		}
		return counted == 0 ? Double.NaN : Math.exp(logSum / counted);
	}

	private static int[][] groups(int n, int[] sets) {
		if (sets == null) {
			int[] all = new int[n];
			for (int i = 0; i < n; i++) all[i] = i;
			return new int[][] { all };
		}
		if (sets.length != n) throw new UserError("The training images' sets name " + sets.length + " images, not the " + n + " given.");
		int k = 0;
		for (int s : sets) {
			if (s < 0) throw new UserError("A training image's set must not be negative, not " + s + ".");
			k = Math.max(k, s + 1);
		}
		int[] sizes = new int[k];
		for (int s : sets) sizes[s]++;
		int[][] out = new int[k][];
		for (int s = 0; s < k; s++) {
			if (sizes[s] == 0) throw new UserError("The training set " + (s + 1) + " holds no image.");
			out[s] = new int[sizes[s]];
		}
		int[] fill = new int[k];
		for (int i = 0; i < n; i++) out[sets[i]][fill[sets[i]]++] = i;
		return out;
	}
}
