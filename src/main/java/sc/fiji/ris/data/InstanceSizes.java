package sc.fiji.ris.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Object sizes and crowding in annotated images, for the model's {@code objectDiameter} and {@code sharedOutline}.
 * Pixels that are not annotated ({@link LabeledImage#NOT_ANNOTATED}) belong to no object and to no outline.
 */
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
			for (int l : im.labels()) if (l > 0) area[l]++;
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

	/**
	 * The objects smaller than {@code fraction} times the median area of all objects of the images, each as
	 * {@code {image index, x, y}} of its pixel nearest its centroid (a pixel of the object even when it is not convex).
	 */
	public static List<int[]> smallObjects(List<LabeledImage> images, double fraction) {
		List<int[]> all = new ArrayList<>();
		List<Integer> areas = new ArrayList<>();
		for (int i = 0; i < images.size(); i++) {
			LabeledImage im = images.get(i);
			int[] labels = im.labels();
			int w = im.width(), max = 0;
			for (int l : labels) max = Math.max(max, l);
			long[] sx = new long[max + 1], sy = new long[max + 1];
			int[] area = new int[max + 1];
			for (int k = 0; k < labels.length; k++) {
				int l = labels[k];
				if (l <= 0) continue;
				area[l]++;
				sx[l] += k % w;
				sy[l] += k / w;
			}
			double[] best = new double[max + 1];
			int[] at = new int[max + 1];
			Arrays.fill(best, Double.POSITIVE_INFINITY);
			for (int k = 0; k < labels.length; k++) {
				int l = labels[k];
				if (l <= 0) continue;
				double dx = k % w - sx[l] / (double) area[l], dy = k / w - sy[l] / (double) area[l], d = dx * dx + dy * dy;
				if (d < best[l]) { best[l] = d; at[l] = k; }
			}
			for (int l = 1; l <= max; l++) {
				if (area[l] == 0) continue;
				all.add(new int[] { i, at[l] % w, at[l] / w });
				areas.add(area[l]);
			}
		}
		if (all.isEmpty()) return all;
		int[] sorted = areas.stream().mapToInt(Integer::intValue).sorted().toArray();
		int n = sorted.length;
		double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
		List<int[]> small = new ArrayList<>();
		for (int k = 0; k < all.size(); k++) if (areas.get(k) < fraction * median) small.add(all.get(k));
		return small;
	}

	/**
	 * One point on each seam between two touching objects (4-connected), as {@code {image index, x, y}}: of the pixels
	 * of the lower-labelled object that touch the other one, the one nearest their centroid. For crops around the
	 * places where touching objects must be told apart.
	 */
	public static List<int[]> touchingPairs(List<LabeledImage> images) {
		List<int[]> out = new ArrayList<>();
		int[] dx = { 1, -1, 0, 0 }, dy = { 0, 0, 1, -1 };
		for (int i = 0; i < images.size(); i++) {
			LabeledImage im = images.get(i);
			int[] labels = im.labels();
			int w = im.width(), h = im.height();
			// per pair (lower label first), in the order first met: its seam pixels, each once
			java.util.Map<Long, List<Integer>> seams = new java.util.LinkedHashMap<>();
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					int a = labels[y * w + x];
					if (a <= 0) continue;
					for (int d = 0; d < 4; d++) {
						int nx = x + dx[d], ny = y + dy[d];
						if (nx < 0 || ny < 0 || nx >= w || ny >= h || labels[ny * w + nx] <= a) continue;
						List<Integer> seam = seams.computeIfAbsent(((long) a << 32) | labels[ny * w + nx], k -> new ArrayList<>());
						// a pixel that touches the other object on two sides is one seam pixel
						if (seam.isEmpty() || seam.get(seam.size() - 1) != y * w + x) seam.add(y * w + x);
					}
				}
			for (List<Integer> seam : seams.values()) {
				double mx = 0, my = 0;
				for (int k : seam) { mx += k % w; my += k / w; }
				mx /= seam.size();
				my /= seam.size();
				int best = seam.get(0);
				double bestDist = Double.POSITIVE_INFINITY;
				for (int k : seam) {
					double dist = (k % w - mx) * (k % w - mx) + (k / w - my) * (k / w - my);
					if (dist < bestDist) { bestDist = dist; best = k; }
				}
				out.add(new int[] { i, best % w, best / w });
			}
		}
		return out;
	}

	/**
	 * The fraction of the objects' outlines that faces another object rather than background, pooled over the images
	 * (pixel edges inside each image, 4-connected); 0 without objects.
	 */
	public static double sharedOutline(List<LabeledImage> images) {
		long toBackground = 0, between = 0;
		for (LabeledImage im : images) {
			long[] e = outlineEdges(im.labels(), im.width(), im.height());
			toBackground += e[0];
			between += e[1];
		}
		return sharedFraction(toBackground, between);
	}

	/**
	 * The pixel edges (4-connected, inside the image) of a row-major label image that lie on an object's outline:
	 * {@code {between an object and background, between two objects}}.
	 */
	public static long[] outlineEdges(int[] labels, int width, int height) {
		long toBackground = 0, between = 0;
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				int a = labels[y * width + x];
				// an edge to a pixel that is not annotated (a negative label) is on no known outline
				if (x + 1 < width) {
					int b = labels[y * width + x + 1];
					if (a != b && a >= 0 && b >= 0) { if (a > 0 && b > 0) between++; else toBackground++; }
				}
				if (y + 1 < height) {
					int b = labels[(y + 1) * width + x];
					if (a != b && a >= 0 && b >= 0) { if (a > 0 && b > 0) between++; else toBackground++; }
				}
			}
		return new long[] { toBackground, between };
	}

	/** Of all outline edges (an edge between two objects is on both outlines), the fraction between two objects. */
	public static double sharedFraction(long toBackground, long between) {
		long total = toBackground + 2 * between;
		return total == 0 ? 0 : 2.0 * between / total;
	}
}
