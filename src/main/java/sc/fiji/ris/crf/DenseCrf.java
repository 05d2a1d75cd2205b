package sc.fiji.ris.crf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.infer.InstancePainter;
import sc.fiji.ris.infer.Instances;

/**
 * Refines instance masks with a fully connected CRF over the labels {background, instance 1..n} (Kr&auml;henb&uuml;hl
 * and Koltun, NIPS 2011; energy and parameters in {@link CrfParameters}, inference in {@link MeanField}, filtering by
 * the {@link PermutohedralLattice}). One joint CRF over all instances of a group settles overlaps between them, which
 * a per-instance two-label CRF cannot.
 * <p>
 * Unaries: from the network's soft masks m_t when the {@link Instances} carry them,
 *
 * <pre>
 *   U_t = -log m_t,   U_bg = -log prod_t (1 - m_t)       (m clipped to [1e-4, 1 - 1e-4])
 * </pre>
 *
 * else from the labels alone: a pixel gives its own label the probability p ({@link CrfParameters#labelConfidence})
 * and spreads 1 - p evenly over the other labels it may take.
 * <p>
 * Regions: an instance may only take pixels within its bounding box grown by the margin, so labels never appear from
 * nothing and an instance cannot wander off. Instances whose grown boxes overlap are refined together, one group per
 * solve with only its own labels, groups in parallel (the common fork-join pool, one thread per core); a group of more
 * than {@value #MAX_GROUP_LABELS} instances (a confluent cluster) is cut into overlapping windows, each of which keeps
 * the pixels of its core. An instance the solve left with less than 80% of its pixels keeps its input mask
 * ({@link #KEEP_FRACTION}: the CRF refines outlines, it does not remove instances). Each instance finally keeps its
 * largest 4-connected piece; an instance without pixels in the input is removed and the labels are made consecutive
 * again, keeping their order, confidences and soft masks.
 * <p>
 * Intensities: the appearance kernel's width theta_beta is meant for intensities scaled by percentiles
 * ({@link #normalise}). Instances of this class are immutable and thread-safe.
 */
public final class DenseCrf {

	/** Most instances one solve carries before a group is cut into windows. */
	static final int MAX_GROUP_LABELS = 12;
	/** Side of a window's core when a large group is cut, and the context added around it. */
	static final int WINDOW_CORE = 128, WINDOW_HALO = 24;
	/**
	 * An instance the solve leaves with less than this fraction of its pixels keeps its input mask. Chosen on 25
	 * BBBC039 val images with the bundled model (bench/RESULTS.md, fourteenth round).
	 */
	static final double KEEP_FRACTION = 0.8;
	/** Soft-mask probabilities are clipped to [MIN_PROBABILITY, 1 - MIN_PROBABILITY] so that unaries stay finite. */
	static final float MIN_PROBABILITY = 1e-4f;

	/** What one refinement did and where its time went (the filter times are summed over the threads). */
	public static final class Stats {
		/** Solves (windows), and the most labels (background included) one of them carried. */
		public int windows, maxLabels;
		/** Instances before and after (vanished ones removed). */
		public int instancesIn, instancesOut;
		/** Sum over the windows of active pixels x labels: the work of one filtering pass. */
		public long pixelLabels;
		/** Time in the appearance (lattice) and smoothness (separable Gaussian) filters, summed over threads. */
		public long appearanceNanos, smoothnessNanos;
		/** Wall-clock time of the whole refinement. */
		public long totalNanos;
	}

	private final CrfParameters parameters;

	/** A CRF with the given parameters. */
	public DenseCrf(CrfParameters parameters) {
		this.parameters = Objects.requireNonNull(parameters, "parameters");
	}

	/** A CRF with {@link CrfParameters#DEFAULTS}. */
	public DenseCrf() {
		this(CrfParameters.DEFAULTS);
	}

	/** The parameters this CRF was made with. */
	public CrfParameters parameters() { return parameters; }

	/**
	 * Scales raw intensities as the CRF's intensity width expects: 1st percentile to 0, 99.8th to 1.
	 *
	 * @throws IllegalArgumentException if the image holds NaN or infinite values
	 */
	public static float[] normalise(float[] intensities) {
		return PercentileNormalizer.DEFAULT.normalize(intensities);
	}

	/**
	 * Refines segmented instances (with soft masks if they have them) on raw intensities.
	 *
	 * @param intensities row-major raw intensities of the plane the instances were found in
	 */
	public Instances refine(float[] intensities, Instances instances) {
		checkSize(intensities.length, instances.width(), instances.height());
		if (instances.count() == 0) return instances;
		return refineNormalised(normalise(intensities), instances, null);
	}

	/**
	 * Refines a label image from elsewhere (no soft masks: unaries from the labels with the label confidence). The
	 * labels need not be consecutive; the result's are, in the order of the input's values. An image without labels is
	 * returned unchanged.
	 *
	 * @param intensities row-major raw intensities
	 * @param labels row-major labels, 0 = background, any positive value an instance
	 * @throws IllegalArgumentException with one sentence if the sizes differ or a label is negative
	 */
	public Instances refine(float[] intensities, int[] labels, int width, int height) {
		if (width < 1 || height < 1) throw new UserError("The image must be at least 1 x 1 pixels, not " + width + " x " + height + ".");
		if (labels.length != (long) width * height)
			throw new UserError("The label image has " + labels.length + " pixels but the image is " + width + " x " + height + ": they must have the same size.");
		checkSize(intensities.length, width, height);
		Instances instances = fromLabels(labels, width, height);
		if (instances.count() == 0) return instances;
		return refineNormalised(normalise(intensities), instances, null);
	}

	private static void checkSize(int pixels, int width, int height) {
		if (pixels != (long) width * height)
			throw new UserError("The image has " + pixels + " pixels but the label image is " + width + " x " + height + ": they must have the same size.");
	}

	/**
	 * Instances from a label image from elsewhere: labels made consecutive 1..n in the order of their values, each with
	 * confidence 1, no soft masks.
	 *
	 * @param labels row-major, 0 = background, any positive value an instance
	 * @throws IllegalArgumentException with one sentence if a label is negative
	 */
	public static Instances fromLabels(int[] labels, int width, int height) {
		int max = 0;
		for (int i = 0; i < labels.length; i++) {
			int l = labels[i];
			if (l < 0) throw new UserError("The label image holds the negative value " + l + " at x=" + (i % width) + ", y=" + (i / width) + ": labels must be 0 (background) or positive.");
			if (l > max) max = l;
		}
		if (max == 0) return new Instances(width, height, labels.clone(), new float[0], null);
		int[] values;
		if (max <= 4 * labels.length) {
			boolean[] seen = new boolean[max + 1];
			for (int l : labels) seen[l] = true;
			int n = 0;
			for (int l = 1; l <= max; l++) if (seen[l]) n++;
			values = new int[n];
			for (int l = 1, k = 0; l <= max; l++) if (seen[l]) values[k++] = l;
		} else values = Arrays.stream(labels).filter(l -> l > 0).sorted().distinct().toArray();
		int[] out = new int[labels.length];
		boolean dense = max <= 4 * labels.length;
		int[] map = dense ? new int[max + 1] : null;
		if (dense) for (int k = 0; k < values.length; k++) map[values[k]] = k + 1;
		for (int i = 0; i < labels.length; i++) {
			int l = labels[i];
			if (l != 0) out[i] = dense ? map[l] : Arrays.binarySearch(values, l) + 1;
		}
		float[] confidences = new float[values.length];
		Arrays.fill(confidences, 1f);
		return new Instances(width, height, out, confidences, null);
	}

	/**
	 * Refines instances on intensities already scaled by {@link #normalise}.
	 *
	 * @param stats if not null, filled with what the refinement did
	 */
	public Instances refineNormalised(float[] normalised, Instances instances, Stats stats) {
		long start = System.nanoTime();
		int width = instances.width(), height = instances.height(), count = instances.count();
		checkSize(normalised.length, width, height);
		if (count == 0) return instances;
		int[] labels = instances.labels();

		// bounding boxes, grown by the margin: the only place each instance may take pixels
		int m = parameters.margin();
		int[] gx0 = new int[count + 1], gy0 = new int[count + 1], gx1 = new int[count + 1], gy1 = new int[count + 1];
		Arrays.fill(gx0, Integer.MAX_VALUE);
		Arrays.fill(gy0, Integer.MAX_VALUE);
		Arrays.fill(gx1, -1);
		Arrays.fill(gy1, -1);
		for (int y = 0, i = 0; y < height; y++)
			for (int x = 0; x < width; x++, i++) {
				int l = labels[i];
				if (l == 0) continue;
				if (x < gx0[l]) gx0[l] = x;
				if (x > gx1[l]) gx1[l] = x;
				if (y < gy0[l]) gy0[l] = y;
				if (y > gy1[l]) gy1[l] = y;
			}
		List<Integer> present = new ArrayList<>();
		for (int l = 1; l <= count; l++) {
			if (gx1[l] < 0) continue; // an instance without pixels: it is dropped below
			present.add(l);
			gx0[l] = Math.max(0, gx0[l] - m);
			gy0[l] = Math.max(0, gy0[l] - m);
			gx1[l] = Math.min(width - 1, gx1[l] + m);
			gy1[l] = Math.min(height - 1, gy1[l] + m);
		}
		Boxes boxes = new Boxes(gx0, gy0, gx1, gy1);
		List<Window> windows = windows(groups(present, boxes), boxes);
		windows.sort(Comparator.comparingLong(Window::work).reversed());

		boolean soft = instances.hasSoftMasks();
		for (int l = 1; soft && l <= count; l++) soft = instances.softMask(l) != null;
		final boolean useSoft = soft;
		int[] raw = labels.clone();
		LongAdder appearance = new LongAdder(), smoothness = new LongAdder(), pixelLabels = new LongAdder();
		IntStream.range(0, windows.size()).parallel().forEach(k -> {
			Window w = windows.get(k);
			MeanField mf = new MeanField(parameters);
			pixelLabels.add(solve(w, boxes, instances, useSoft, normalised, raw, mf));
			appearance.add(mf.appearanceNanos);
			smoothness.add(mf.smoothnessNanos);
		});

		keepGutted(labels, raw, count);
		int[] kept = new int[count];
		int[] out = InstancePainter.largestPieces(raw, width, height, count, 1, kept);
		int n = 0;
		for (int l : out) n = Math.max(n, l);
		float[] confidences = new float[n];
		Instances.SoftMask[] masks = instances.hasSoftMasks() ? new Instances.SoftMask[n] : null;
		for (int l = 1; l <= n; l++) {
			confidences[l - 1] = instances.confidence(kept[l - 1] + 1);
			if (masks != null) masks[l - 1] = instances.softMask(kept[l - 1] + 1);
		}
		Instances result = new Instances(width, height, out, confidences, masks);
		if (stats != null) {
			stats.windows = windows.size();
			stats.maxLabels = windows.stream().mapToInt(w -> w.members.length + 1).max().orElse(0);
			stats.instancesIn = count;
			stats.instancesOut = n;
			stats.pixelLabels = pixelLabels.sum();
			stats.appearanceNanos = appearance.sum();
			stats.smoothnessNanos = smoothness.sum();
			stats.totalNanos = System.nanoTime() - start;
		}
		return result;
	}

	/**
	 * Gives each instance that the solve left with less than {@link #KEEP_FRACTION} of its pixels its input mask back
	 * (taking those pixels from whatever label the solve gave them): the CRF refines outlines, it does not remove the
	 * small, dim nuclei that the model found and the smoothness and appearance kernels would otherwise absorb.
	 */
	static void keepGutted(int[] labels, int[] raw, int count) {
		int[] before = new int[count + 1], after = new int[count + 1];
		for (int l : labels) before[l]++;
		for (int l : raw) after[l]++;
		boolean[] revert = new boolean[count + 1];
		boolean any = false;
		for (int l = 1; l <= count; l++) any |= revert[l] = before[l] > 0 && after[l] < KEEP_FRACTION * before[l];
		if (!any) return;
		for (int i = 0; i < raw.length; i++) {
			if (revert[raw[i]] && labels[i] != raw[i]) raw[i] = 0;
			if (revert[labels[i]]) raw[i] = labels[i];
		}
	}

	/** The grown boxes of the instances, inclusive, indexed by label. */
	record Boxes(int[] x0, int[] y0, int[] x1, int[] y1) {
		boolean overlap(int a, int b) {
			return x0[a] <= x1[b] && x0[b] <= x1[a] && y0[a] <= y1[b] && y0[b] <= y1[a];
		}

		boolean overlaps(int l, int wx0, int wy0, int wx1, int wy1) {
			return x0[l] <= wx1 && wx0 <= x1[l] && y0[l] <= wy1 && wy0 <= y1[l];
		}
	}

	/** Instances whose grown boxes overlap, directly or through others (union-find over a sweep along x). */
	static List<int[]> groups(List<Integer> present, Boxes b) {
		int[] order = present.stream().sorted(Comparator.comparingInt(l -> b.x0[l])).mapToInt(Integer::intValue).toArray();
		int[] parent = new int[order.length];
		for (int i = 0; i < parent.length; i++) parent[i] = i;
		for (int i = 0; i < order.length; i++)
			for (int j = i + 1; j < order.length && b.x0[order[j]] <= b.x1[order[i]]; j++)
				if (b.overlap(order[i], order[j])) {
					int ri = root(parent, i), rj = root(parent, j);
					if (ri != rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
				}
		List<List<Integer>> byRoot = new ArrayList<>();
		int[] groupOf = new int[order.length];
		Arrays.fill(groupOf, -1);
		for (int i = 0; i < order.length; i++) {
			int r = root(parent, i);
			if (groupOf[r] < 0) {
				groupOf[r] = byRoot.size();
				byRoot.add(new ArrayList<>());
			}
			byRoot.get(groupOf[r]).add(order[i]);
		}
		List<int[]> out = new ArrayList<>(byRoot.size());
		for (List<Integer> g : byRoot) out.add(g.stream().mapToInt(Integer::intValue).sorted().toArray());
		return out;
	}

	private static int root(int[] parent, int i) {
		while (parent[i] != i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	}

	/**
	 * One solve: a window of the image (inclusive bounds), the core whose pixels it decides, and the instances it
	 * carries (labels, ascending).
	 */
	record Window(int x0, int y0, int x1, int y1, int cx0, int cy0, int cx1, int cy1, int[] members) {
		long work() {
			return (long) (x1 - x0 + 1) * (y1 - y0 + 1) * (members.length + 1);
		}
	}

	/** One window per group; a group of more than {@link #MAX_GROUP_LABELS} instances is cut into several. */
	static List<Window> windows(List<int[]> groups, Boxes b) {
		List<Window> out = new ArrayList<>();
		for (int[] g : groups) {
			int rx0 = Integer.MAX_VALUE, ry0 = Integer.MAX_VALUE, rx1 = -1, ry1 = -1;
			for (int l : g) {
				rx0 = Math.min(rx0, b.x0[l]);
				ry0 = Math.min(ry0, b.y0[l]);
				rx1 = Math.max(rx1, b.x1[l]);
				ry1 = Math.max(ry1, b.y1[l]);
			}
			if (g.length <= MAX_GROUP_LABELS) {
				out.add(new Window(rx0, ry0, rx1, ry1, rx0, ry0, rx1, ry1, g));
				continue;
			}
			int nx = (rx1 - rx0 + WINDOW_CORE) / WINDOW_CORE, ny = (ry1 - ry0 + WINDOW_CORE) / WINDOW_CORE;
			for (int ty = 0; ty < ny; ty++)
				for (int tx = 0; tx < nx; tx++) {
					// cores partition the group's rectangle evenly; windows add the halo, within the rectangle
					int cx0 = rx0 + (int) ((long) tx * (rx1 - rx0 + 1) / nx), cx1 = rx0 + (int) ((long) (tx + 1) * (rx1 - rx0 + 1) / nx) - 1;
					int cy0 = ry0 + (int) ((long) ty * (ry1 - ry0 + 1) / ny), cy1 = ry0 + (int) ((long) (ty + 1) * (ry1 - ry0 + 1) / ny) - 1;
					int wx0 = Math.max(rx0, cx0 - WINDOW_HALO), wy0 = Math.max(ry0, cy0 - WINDOW_HALO);
					int wx1 = Math.min(rx1, cx1 + WINDOW_HALO), wy1 = Math.min(ry1, cy1 + WINDOW_HALO);
					int[] members = Arrays.stream(g).filter(l -> b.overlaps(l, wx0, wy0, wx1, wy1)).toArray();
					if (members.length > 0) out.add(new Window(wx0, wy0, wx1, wy1, cx0, cy0, cx1, cy1, members));
				}
		}
		return out;
	}

	/**
	 * Solves one window and writes the labels of its core's active pixels into {@code raw} (windows write disjoint
	 * pixels, so they can run in parallel).
	 *
	 * @return active pixels x labels, for the statistics
	 */
	private long solve(Window win, Boxes b, Instances instances, boolean soft, float[] normalised, int[] raw, MeanField mf) {
		int imageWidth = instances.width();
		int w = win.x1 - win.x0 + 1, h = win.y1 - win.y0 + 1;
		int[] members = win.members;
		int L = members.length + 1;
		// active: the window's pixels inside some member's grown box; only they take part
		boolean[] inside = new boolean[w * h];
		int n = 0;
		for (int l : members) {
			int ax0 = Math.max(b.x0[l], win.x0), ax1 = Math.min(b.x1[l], win.x1), ay0 = Math.max(b.y0[l], win.y0), ay1 = Math.min(b.y1[l], win.y1);
			for (int y = ay0; y <= ay1; y++)
				for (int x = ax0, i = (y - win.y0) * w + ax0 - win.x0; x <= ax1; x++, i++)
					if (!inside[i]) {
						inside[i] = true;
						n++;
					}
		}
		int[] active = new int[n];
		for (int i = 0, k = 0; i < inside.length; i++) if (inside[i]) active[k++] = i;

		float[] unary = new float[n * L];
		int[] labels = instances.labels();
		Instances.SoftMask[] masks = soft ? new Instances.SoftMask[L] : null;
		if (soft) for (int t = 1; t < L; t++) masks[t] = instances.softMask(members[t - 1]);
		float own = (float) -Math.log(parameters.labelConfidence());
		for (int i = 0; i < n; i++) {
			int x = win.x0 + active[i] % w, y = win.y0 + active[i] / w;
			int o = i * L;
			if (soft) {
				float bg = 0;
				for (int t = 1; t < L; t++) {
					int l = members[t - 1];
					if (x < b.x0[l] || x > b.x1[l] || y < b.y0[l] || y > b.y1[l]) {
						unary[o + t] = Float.POSITIVE_INFINITY;
						continue;
					}
					float p = Math.min(1 - MIN_PROBABILITY, Math.max(MIN_PROBABILITY, masks[t].at(x, y)));
					unary[o + t] = (float) -Math.log(p);
					bg -= (float) Math.log(1 - p);
				}
				unary[o] = bg;
			} else {
				int g = labels[y * imageWidth + x], mine = 0, allowed = 1;
				for (int t = 1; t < L; t++) {
					int l = members[t - 1];
					if (l == g) mine = t;
					if (x < b.x0[l] || x > b.x1[l] || y < b.y0[l] || y > b.y1[l]) unary[o + t] = Float.POSITIVE_INFINITY;
					else allowed++;
				}
				// allowed >= 2: an active pixel lies in some member's box, and background is always allowed
				float other = (float) -Math.log((1 - parameters.labelConfidence()) / (allowed - 1));
				for (int t = 0; t < L; t++) if (unary[o + t] != Float.POSITIVE_INFINITY) unary[o + t] = t == mine ? own : other;
			}
		}

		int[] local = new int[4 * members.length];
		for (int t = 0; t < members.length; t++) {
			int l = members[t];
			local[4 * t] = Math.max(b.x0[l], win.x0) - win.x0;
			local[4 * t + 1] = Math.max(b.y0[l], win.y0) - win.y0;
			local[4 * t + 2] = Math.min(b.x1[l], win.x1) - win.x0;
			local[4 * t + 3] = Math.min(b.y1[l], win.y1) - win.y0;
		}
		int[] best = mf.solve(win.x0, win.y0, w, h, active, L, local, unary, normalised, imageWidth);
		for (int i = 0; i < n; i++) {
			int x = win.x0 + active[i] % w, y = win.y0 + active[i] / w;
			if (x < win.cx0 || x > win.cx1 || y < win.cy0 || y > win.cy1) continue;
			raw[y * imageWidth + x] = best[i] == 0 ? 0 : members[best[i] - 1];
		}
		return (long) n * L;
	}
}
