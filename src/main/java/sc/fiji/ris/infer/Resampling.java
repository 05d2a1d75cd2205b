package sc.fiji.ris.infer;

import sc.fiji.ris.UserError;

/**
 * Resizing of planes for the {@code object_diameter} option: the image is brought to the scale the model was
 * trained for, segmented, and the labels (and soft masks) are brought back.
 *
 * <p>Intensities use a separable linear (tent) filter whose support widens with the shrink factor, so that
 * shrinking averages the pixels it merges instead of skipping them (no aliasing of small bright spots); enlarging
 * is plain bilinear interpolation. Labels use nearest neighbour, so that no label is invented at a border.
 * Pixel centres are aligned: source pixel {@code x} covers {@code [x, x + 1)}.
 */
public final class Resampling {

	private Resampling() {}

	/** Resizes a row-major plane from {@code w x h} to {@code nw x nh}. */
	public static float[] resize(float[] src, int w, int h, int nw, int nh) {
		if (src.length != w * h) throw new UserError("The plane has " + src.length + " pixels, expected " + w * h + ".");
		if (nw < 1 || nh < 1) throw new UserError("The resized plane must have at least one pixel, not " + nw + "x" + nh + ".");
		// along x first (each of the h rows from w to nw samples), then along y (each of the nw columns from h to nh)
		float[] rows = filter(src, new Kernel(w, nw), h, w, 1, nw, 1);
		return filter(rows, new Kernel(h, nh), nw, 1, nw, 1, nw);
	}

	/**
	 * Applies {@code kernel} along one axis of {@code lines} lines: sample {@code i} of line {@code l} of the input
	 * is at {@code l * lineStep + i * step}, and of the output at {@code l * outLineStep + i * outStep}.
	 */
	private static float[] filter(float[] src, Kernel kernel, int lines, int lineStep, int step, int outLineStep, int outStep) {
		int n = kernel.start.length;
		float[] out = new float[lines * n];
		for (int l = 0; l < lines; l++)
			for (int i = 0; i < n; i++) {
				double s = 0;
				double[] w = kernel.weights[i];
				for (int k = kernel.start[i], j = 0; j < w.length; k++, j++) s += w[j] * src[l * lineStep + k * step];
				out[l * outLineStep + i * outStep] = (float) s;
			}
		return out;
	}

	/**
	 * Brings instances found on a rescaled plane back to a plane of {@code width x height} pixels: labels by nearest
	 * neighbour (labels that vanish are dropped, the others keep their order), soft masks bilinearly over their box.
	 */
	static Instances instances(Instances in, int width, int height) {
		int[] labels = Resampling.resizeLabels(in.labels(), in.width(), in.height(), width, height);
		int n = in.count();
		int[] newLabel = new int[n + 1];
		int next = 0;
		for (int l : labels) if (l > 0 && newLabel[l] == 0) newLabel[l] = -1;
		for (int l = 1; l <= n; l++) if (newLabel[l] == -1) newLabel[l] = ++next;
		for (int i = 0; i < labels.length; i++) labels[i] = newLabel[labels[i]];
		float[] conf = new float[next];
		Instances.SoftMask[] soft = in.hasSoftMasks() ? new Instances.SoftMask[next] : null;
		double fx = in.width() / (double) width, fy = in.height() / (double) height; // rescaled pixels per input pixel
		for (int l = 1; l <= n; l++) {
			int k = newLabel[l];
			if (k <= 0) continue;
			conf[k - 1] = in.confidence(l);
			if (soft != null) {
				Instances.SoftMask m = in.softMask(l);
				int x0 = Math.max(0, (int) Math.floor(m.x0 / fx)), y0 = Math.max(0, (int) Math.floor(m.y0 / fy));
				int x1 = Math.min(width, (int) Math.ceil((m.x0 + m.width) / fx)), y1 = Math.min(height, (int) Math.ceil((m.y0 + m.height) / fy));
				int bw = Math.max(1, x1 - x0), bh = Math.max(1, y1 - y0);
				float[] v = new float[bw * bh];
				for (int y = 0; y < bh; y++)
					for (int x = 0; x < bw; x++)
						v[y * bw + x] = bilinear(m, (x0 + x + 0.5) * fx - 0.5, (y0 + y + 0.5) * fy - 0.5);
				soft[k - 1] = new Instances.SoftMask(x0, y0, bw, bh, v);
			}
		}
		return new Instances(width, height, labels, conf, soft);
	}

	private static float bilinear(Instances.SoftMask m, double x, double y) {
		int xi = (int) Math.floor(x), yi = (int) Math.floor(y);
		double ax = x - xi, ay = y - yi;
		return (float) ((1 - ay) * ((1 - ax) * m.at(xi, yi) + ax * m.at(xi + 1, yi)) + ay * ((1 - ax) * m.at(xi, yi + 1) + ax * m.at(xi + 1, yi + 1)));
	}

	/** Resizes a label image by nearest neighbour. */
	public static int[] resizeLabels(int[] src, int w, int h, int nw, int nh) {
		if (src.length != w * h) throw new UserError("The label image has " + src.length + " pixels, expected " + w * h + ".");
		int[] out = new int[nw * nh];
		int[] mx = new int[nw];
		for (int x = 0; x < nw; x++) mx[x] = nearest(x, nw, w);
		for (int y = 0; y < nh; y++) {
			int sy = nearest(y, nh, h);
			for (int x = 0; x < nw; x++) out[y * nw + x] = src[sy * w + mx[x]];
		}
		return out;
	}

	/** Source index nearest to the centre of target pixel {@code i}. */
	private static int nearest(int i, int targetLength, int sourceLength) {
		double c = (i + 0.5) * sourceLength / targetLength - 0.5;
		return Math.max(0, Math.min(sourceLength - 1, (int) Math.round(c)));
	}

	/** Per target pixel, the first source index and the normalised weights of the tent filter. */
	private static final class Kernel {
		final int[] start;
		final double[][] weights;

		Kernel(int sourceLength, int targetLength) {
			double scale = sourceLength / (double) targetLength; // source pixels per target pixel
			double support = Math.max(1, scale); // tent half-width in source pixels
			start = new int[targetLength];
			weights = new double[targetLength][];
			for (int i = 0; i < targetLength; i++) {
				double c = (i + 0.5) * scale - 0.5;
				int lo = Math.max(0, (int) Math.ceil(c - support)), hi = Math.min(sourceLength - 1, (int) Math.floor(c + support));
				if (hi < lo) lo = hi = Math.max(0, Math.min(sourceLength - 1, (int) Math.round(c)));
				double[] wts = new double[hi - lo + 1];
				double sum = 0;
				for (int k = lo; k <= hi; k++) {
					double v = Math.max(0, 1 - Math.abs(k - c) / support);
					wts[k - lo] = v;
					sum += v;
				}
				if (sum <= 0) {
					// the centre falls between samples at an edge: take the nearest one
					java.util.Arrays.fill(wts, 0);
					wts[Math.max(0, Math.min(hi - lo, (int) Math.round(c) - lo))] = 1;
					sum = 1;
				}
				for (int k = 0; k < wts.length; k++) wts[k] /= sum;
				start[i] = lo;
				weights[i] = wts;
			}
		}
	}
}
