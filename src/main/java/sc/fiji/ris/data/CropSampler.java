package sc.fiji.ris.data;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import sc.fiji.ris.UserError;

/**
 * Draws square training crops from labelled images, augments them and relabels their instances.
 * <p>
 * Rules shared by {@link #sample} and {@link #crop}:
 * <ul>
 * <li>Sources are expected to be normalised already (see {@link PercentileNormalizer}); crops copy pixel values as
 * they are.</li>
 * <li>Parts of the crop outside the source (only when the source is smaller than the crop, or for explicit
 * positions outside it) take the mirror-reflected source intensities, so the network never sees artificial
 * constant borders, with label 0 there. The reflected copies of nuclei in such padding are therefore background in
 * the target: keep sources at least as large as the crop wherever possible.</li>
 * <li>Labels are renumbered 1..n in raster order of first appearance in the (augmented) crop. A nucleus cut by the
 * crop border is an instance like any other.</li>
 * <li>Pixels that are not annotated ({@link LabeledImage#NOT_ANNOTATED}, see {@link AnnotatedRegion}) keep that
 * label, and so does the padding outside a partly annotated source: its reflected nuclei are not annotated.</li>
 * <li>Instances with fewer than {@code minInstanceArea} pixels inside the crop become background: slivers of a
 * few pixels along the border carry no shape a network could learn to delineate, and asking for them as separate
 * instances only adds noise to the training target. Their pixels keep their intensity.</li>
 * </ul>
 * A crop can cut a strongly non-convex nucleus into two pieces that keep one label; with nuclei this is rare.
 * Labels of {@code null} (an unannotated source) give crops with {@code null} labels. Instances are immutable and
 * thread-safe as long as each thread passes its own random generator.
 */
public final class CropSampler {

	private final int cropSize;
	private final Augmentation augmentation;
	private final int minInstanceArea;
	private final double maxScale;

	/**
	 * @param cropSize        side of the square crops, {@code >= 1}
	 * @param augmentation    augmentation applied by {@link #sample}; {@link Augmentation#NONE} for none
	 * @param minInstanceArea instances with fewer pixels inside the crop are set to background; 0 or 1 keeps all
	 * @throws IllegalArgumentException if {@code cropSize < 1} or {@code minInstanceArea < 0}
	 */
	public CropSampler(int cropSize, Augmentation augmentation, int minInstanceArea) {
		this(cropSize, augmentation, minInstanceArea, 1);
	}

	/**
	 * @param maxScale {@link #sample} magnifies each crop by a factor drawn log-uniformly from
	 *        [1 / maxScale, maxScale] (pixels bilinear, labels nearest neighbour), so that the network sees nuclei of
	 *        more sizes than the sources hold; 1 = no rescaling
	 * @throws IllegalArgumentException also if {@code maxScale} is below 1 or above 4
	 */
	public CropSampler(int cropSize, Augmentation augmentation, int minInstanceArea, double maxScale) {
		if (cropSize < 1) throw new UserError("The crop size must be at least 1 pixel, got " + cropSize + ".");
		if (minInstanceArea < 0) throw new UserError("The minimum instance area must be >= 0, got " + minInstanceArea + ".");
		if (!(maxScale >= 1 && maxScale <= 4)) throw new UserError("The largest scale factor must lie in [1, 4], got " + maxScale + ".");
		this.cropSize = cropSize;
		this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
		this.minInstanceArea = minInstanceArea;
		this.maxScale = maxScale;
	}

	/** @return the largest magnification (and inverse of the smallest) {@link #sample} applies; 1 = none */
	public double maxScale() {
		return maxScale;
	}

	/** @return the side of the square crops */
	public int cropSize() {
		return cropSize;
	}

	/** @return the augmentation applied by {@link #sample} */
	public Augmentation augmentation() {
		return augmentation;
	}

	/** @return the smallest area (pixels inside the crop) an instance must have to keep its label */
	public int minInstanceArea() {
		return minInstanceArea;
	}

	/**
	 * Draws one crop at a uniformly random position, fully inside the source in each dimension where the source is
	 * large enough; where it is smaller, the source lies at a random offset inside the crop and the rest is
	 * reflection padding with label 0. The crop is then augmented and relabelled.
	 *
	 * @param source a normalised image
	 * @param rnd    source of randomness (advanced by this call)
	 * @return a {@code cropSize x cropSize} image named after the source and the crop position
	 */
	public LabeledImage sample(LabeledImage source, SplittableRandom rnd) {
		if (maxScale > 1) {
			double scale = Math.exp((2 * rnd.nextDouble() - 1) * Math.log(maxScale));
			int window = Math.max(1, (int) Math.round(cropSize / scale));
			if (window != cropSize) {
				int x0 = randomOrigin(source.width(), window, rnd);
				int y0 = randomOrigin(source.height(), window, rnd);
				return relabel(augmentation.apply(resampled(source, x0, y0, window), rnd));
			}
		}
		int x0 = randomOrigin(source.width(), cropSize, rnd);
		int y0 = randomOrigin(source.height(), cropSize, rnd);
		LabeledImage crop = extract(source, x0, y0);
		return relabel(augmentation.apply(crop, rnd));
	}

	/**
	 * Draws one crop as {@link #sample} does, but placed so that it holds the source pixel ({@code px}, {@code py}) at
	 * least a quarter of the crop in from each side wherever the source allows (with scale augmentation, a quarter of
	 * the magnified window): for crops around chosen objects, such as rare small ones.
	 *
	 * @throws IllegalArgumentException if the pixel lies outside the source
	 */
	public LabeledImage sampleAround(LabeledImage source, int px, int py, SplittableRandom rnd) {
		if (px < 0 || py < 0 || px >= source.width() || py >= source.height())
			throw new UserError("The pixel (" + px + ", " + py + ") lies outside the " + source.width() + "x" + source.height() + " source.");
		if (maxScale > 1) {
			double scale = Math.exp((2 * rnd.nextDouble() - 1) * Math.log(maxScale));
			int window = Math.max(1, (int) Math.round(cropSize / scale));
			if (window != cropSize) {
				int x0 = originAround(px, source.width(), window, rnd);
				int y0 = originAround(py, source.height(), window, rnd);
				return relabel(augmentation.apply(resampled(source, x0, y0, window), rnd));
			}
		}
		int x0 = originAround(px, source.width(), cropSize, rnd);
		int y0 = originAround(py, source.height(), cropSize, rnd);
		return relabel(augmentation.apply(extract(source, x0, y0), rnd));
	}

	/** A window origin, uniform among those that keep {@code p} a quarter window in, and the window inside the source where it fits. */
	private static int originAround(int p, int size, int window, SplittableRandom rnd) {
		int inset = window / 4;
		int lo = p - window + 1 + inset, hi = p - inset;
		if (size >= window) {
			lo = Math.max(lo, 0);
			hi = Math.min(hi, size - window);
			if (lo > hi) return Math.min(Math.max(p - window / 2, 0), size - window);
		}
		return lo + rnd.nextInt(hi - lo + 1);
	}

	/**
	 * Draws a crop whose central window ({@code margin} pixels in from each side) is a training target and whose
	 * margin is context (see {@code RisTrainer}). In each dimension where the source holds the whole crop, the crop
	 * lies inside it at a uniformly random position, exactly as {@link #sample} draws it (same random stream, same
	 * result). Where the source is smaller, the central window is drawn as {@link #sample} draws a crop of its size,
	 * and the margin outside the source is blank (0, label 0), like the outside of an image at inference. With
	 * scale augmentation this is {@link #sample}.
	 *
	 * @param margin context pixels on each side, {@code 0 <= 2 margin < cropSize}
	 */
	public LabeledImage sampleWithContext(LabeledImage source, int margin, SplittableRandom rnd) {
		checkMargin(margin);
		if (margin == 0 || maxScale > 1) return sample(source, rnd);
		int x0 = contextOrigin(source.width(), margin, rnd);
		int y0 = contextOrigin(source.height(), margin, rnd);
		return relabel(augmentation.apply(extractWithContext(source, x0, y0, margin), rnd));
	}

	/**
	 * The crop at (x0, y0), relabelled, without augmentation: as {@link #crop(LabeledImage, int, int)} inside the
	 * source and in the central window, blank (0, label 0) in the margin outside the source.
	 */
	public LabeledImage cropWithContext(LabeledImage source, int x0, int y0, int margin) {
		checkMargin(margin);
		return relabel(extractWithContext(source, x0, y0, margin));
	}

	private void checkMargin(int margin) {
		if (margin < 0 || 2 * margin >= cropSize) throw new UserError("The margin must lie in [0, " + (cropSize - 1) / 2 + "], got " + margin + ".");
	}

	private int contextOrigin(int size, int margin, SplittableRandom rnd) {
		return size >= cropSize ? rnd.nextInt(size - cropSize + 1) : randomOrigin(size, cropSize - 2 * margin, rnd) - margin;
	}

	private LabeledImage extractWithContext(LabeledImage source, int x0, int y0, int margin) {
		LabeledImage c = extract(source, x0, y0);
		int w = source.width(), h = source.height(), n = cropSize;
		if (x0 >= 0 && y0 >= 0 && x0 + n <= w && y0 + n <= h) return c;
		float[] pixels = c.pixels();
		int[] labels = c.labels();
		for (int y = 0; y < n; y++)
			for (int x = 0; x < n; x++) {
				boolean inSource = x0 + x >= 0 && x0 + x < w && y0 + y >= 0 && y0 + y < h;
				boolean inWindow = x >= margin && x < n - margin && y >= margin && y < n - margin;
				if (!inSource && !inWindow) {
					pixels[y * n + x] = 0;
					if (labels != null) labels[y * n + x] = 0;
				}
			}
		return c;
	}

	/**
	 * The {@code window x window} square at (x0, y0) resampled to the crop size: pixels bilinearly, labels from the
	 * nearest source pixel; reflection padding with label 0 outside the source, as in {@link #extract}.
	 */
	LabeledImage resampled(LabeledImage source, int x0, int y0, int window) {
		int w = source.width(), h = source.height(), c = cropSize;
		float[] src = source.pixels();
		int[] srcLabels = source.labels();
		float[] pixels = new float[c * c];
		int[] labels = srcLabels == null ? null : new int[c * c];
		int pad = padLabel(source, x0, y0, window);
		double step = window / (double) c;
		int[] xa = new int[c], xb = new int[c], xn = new int[c];
		float[] fx = new float[c];
		for (int x = 0; x < c; x++) {
			double sx = x0 + (x + 0.5) * step - 0.5;
			int i = (int) Math.floor(sx);
			fx[x] = (float) (sx - i);
			xa[x] = reflect(i, w);
			xb[x] = reflect(i + 1, w);
			int n = (int) Math.floor(sx + 0.5);
			xn[x] = n >= 0 && n < w ? n : -1;
		}
		for (int y = 0; y < c; y++) {
			double sy = y0 + (y + 0.5) * step - 0.5;
			int j = (int) Math.floor(sy);
			float fy = (float) (sy - j);
			int ra = reflect(j, h) * w, rb = reflect(j + 1, h) * w;
			int n = (int) Math.floor(sy + 0.5);
			int rn = n >= 0 && n < h ? n * w : -1;
			for (int x = 0; x < c; x++) {
				float top = src[ra + xa[x]] + fx[x] * (src[ra + xb[x]] - src[ra + xa[x]]);
				float bottom = src[rb + xa[x]] + fx[x] * (src[rb + xb[x]] - src[rb + xa[x]]);
				pixels[y * c + x] = top + fy * (bottom - top);
				if (labels != null) labels[y * c + x] = rn >= 0 && xn[x] >= 0 ? srcLabels[rn + xn[x]] : pad;
			}
		}
		return new LabeledImage(source.name() + "@" + x0 + "," + y0 + "x" + window, c, c, pixels, labels);
	}

	/**
	 * Crop at a fixed position, without augmentation (for fixed validation crops), relabelled like {@link #sample}.
	 *
	 * @param source a normalised image
	 * @param x0     column of the crop's top-left corner in the source; may be negative or reach past the source,
	 *               the outside is reflection padding with label 0
	 * @param y0     row of the crop's top-left corner in the source; same rules
	 * @return a {@code cropSize x cropSize} image
	 */
	public LabeledImage crop(LabeledImage source, int x0, int y0) {
		return relabel(extract(source, x0, y0));
	}

	/**
	 * The crop centred on the source (padded symmetrically where the source is smaller), without augmentation.
	 *
	 * @param source a normalised image
	 * @return a {@code cropSize x cropSize} image
	 */
	public LabeledImage centerCrop(LabeledImage source) {
		return crop(source, Math.floorDiv(source.width() - cropSize, 2), Math.floorDiv(source.height() - cropSize, 2));
	}

	private static int randomOrigin(int size, int window, SplittableRandom rnd) {
		// A source smaller than the window goes anywhere inside it, hence the negative origins.
		return size >= window ? rnd.nextInt(size - window + 1) : -rnd.nextInt(window - size + 1);
	}

	private LabeledImage extract(LabeledImage source, int x0, int y0) {
		int w = source.width();
		int h = source.height();
		int c = cropSize;
		float[] src = source.pixels();
		int[] srcLabels = source.labels();
		float[] pixels = new float[c * c];
		int[] labels = srcLabels == null ? null : new int[c * c];
		int pad = padLabel(source, x0, y0, c);
		int[] xs = new int[c];
		boolean[] xInside = new boolean[c];
		for (int x = 0; x < c; x++) {
			int sx = x0 + x;
			xInside[x] = sx >= 0 && sx < w;
			xs[x] = reflect(sx, w);
		}
		for (int y = 0; y < c; y++) {
			int sy = y0 + y;
			boolean yInside = sy >= 0 && sy < h;
			int row = reflect(sy, h) * w;
			int o = y * c;
			if (yInside && x0 >= 0 && x0 + c <= w) {
				// Common case: a plain row copy.
				System.arraycopy(src, row + x0, pixels, o, c);
				if (labels != null) System.arraycopy(srcLabels, row + x0, labels, o, c);
				continue;
			}
			for (int x = 0; x < c; x++) {
				pixels[o + x] = src[row + xs[x]];
				if (labels != null) labels[o + x] = yInside && xInside[x] ? srcLabels[row + xs[x]] : pad;
			}
		}
		return new LabeledImage(source.name() + "@" + x0 + "," + y0, c, c, pixels, labels);
	}

	/** The label of the padding of a window at (x0, y0): 0, or not annotated for a partly annotated source. */
	private static int padLabel(LabeledImage source, int x0, int y0, int window) {
		boolean padded = x0 < 0 || y0 < 0 || x0 + window > source.width() || y0 + window > source.height();
		return padded && AnnotatedRegion.isPartial(source) ? LabeledImage.NOT_ANNOTATED : 0;
	}

	/** Mirror reflection without repeating the edge pixel (-1 -> 1), repeated as often as needed. */
	public static int reflect(int i, int n) {
		if (n == 1) return 0;
		int period = 2 * (n - 1);
		int m = Math.floorMod(i, period);
		return m < n ? m : period - m;
	}

	/**
	 * Renumbers labels 1..n in raster order of first appearance and removes instances below the minimum area. The
	 * crop's arrays are always fresh copies made by {@link #extract}, so its pixels can be reused as they are.
	 */
	private LabeledImage relabel(LabeledImage crop) {
		int[] in = crop.labels();
		float[] pixels = crop.pixels();
		if (in == null) return new LabeledImage(crop.name(), crop.width(), crop.height(), pixels, null);
		int[] out = new int[in.length];
		int max = 0;
		for (int v : in) if (v > max) max = v;
		if (max <= 4 * in.length + 1024) {
			// Usual case (labels are small numbers): count areas in a dense table.
			int[] area = new int[max + 1];
			for (int v : in) if (v > 0) area[v]++;
			int[] map = new int[max + 1];
			int next = 0;
			for (int i = 0; i < in.length; i++) {
				int v = in[i];
				if (v < 0) out[i] = LabeledImage.NOT_ANNOTATED;
				if (v <= 0) continue;
				if (map[v] == 0) map[v] = area[v] >= minInstanceArea ? ++next : -1;
				if (map[v] > 0) out[i] = map[v];
			}
		} else {
			Map<Integer, Integer> area = new HashMap<>();
			for (int v : in) if (v > 0) area.merge(v, 1, Integer::sum);
			Map<Integer, Integer> map = new HashMap<>();
			int next = 0;
			for (int i = 0; i < in.length; i++) {
				int v = in[i];
				if (v < 0) out[i] = LabeledImage.NOT_ANNOTATED;
				if (v <= 0) continue;
				Integer m = map.get(v);
				if (m == null) {
					m = area.get(v) >= minInstanceArea ? ++next : -1;
					map.put(v, m);
				}
				if (m > 0) out[i] = m;
			}
		}
		return new LabeledImage(crop.name(), crop.width(), crop.height(), pixels, out);
	}

	@Override
	public String toString() {
		return "CropSampler[cropSize=" + cropSize + ", minInstanceArea=" + minInstanceArea + ", maxScale=" + maxScale + ", " + augmentation + "]";
	}
}
