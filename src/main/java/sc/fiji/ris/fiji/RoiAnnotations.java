package sc.fiji.ris.fiji;

import ij.ImagePlus;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.process.ImageProcessor;
import java.awt.GraphicsEnvironment;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.UserError;
import sc.fiji.ris.data.AnnotatedRegion;
import sc.fiji.ris.data.LabeledImage;
import sc.fiji.ris.imagej.ImageFiles;

/**
 * Training pairs from an image and its ROIs, as a user leaves them after correcting a segmentation in the ROI
 * Manager: each area ROI is one instance of the plane its position names (every ROI belongs to a single-plane
 * image), rasterised in the ROIs' order (where two overlap, the later one wins). The ROIs whose name starts with
 * {@value #REGION} are not instances but the annotated region of their plane; without one, the region is the box
 * around the plane's instance ROIs. Only the region is trained on: nuclei outside it without a ROI are not taken as
 * background (see {@link AnnotatedRegion}). Planes with no ROI at all are left out.
 */
public final class RoiAnnotations {

	/** ROIs whose name starts with this (in any case) mark the annotated region of their plane. */
	public static final String REGION = "region";

	/** The training pairs (intensities not normalised) and what they hold, for the model's provenance. */
	public static final class Pairs {
		public final List<LabeledImage> planes;
		public final int instances;
		public final String description;

		Pairs(List<LabeledImage> planes, int instances, String description) {
			this.planes = planes;
			this.instances = instances;
			this.description = description;
		}
	}

	private RoiAnnotations() {}

	/**
	 * The training pairs of {@code image} annotated by {@code rois}.
	 *
	 * @throws IllegalArgumentException with one sentence when a ROI is no area, names no plane of a stack, or there
	 *         is no instance ROI at all
	 */
	public static Pairs of(ImagePlus image, Roi[] rois) {
		String title = image.getTitle();
		if (rois.length == 0)
			throw new UserError("There are no ROIs for '" + title + "': add one ROI per nucleus to the ROI Manager (e.g. segment the image, then correct its ROIs), or give folders of images and labels.");
		int planes = image.getStackSize(), w = image.getWidth(), h = image.getHeight();
		List<List<Roi>> instances = new ArrayList<>(), regions = new ArrayList<>();
		for (int z = 0; z <= planes; z++) {
			instances.add(new ArrayList<>());
			regions.add(new ArrayList<>());
		}
		for (Roi roi : rois) {
			if (!roi.isArea())
				throw new UserError("The ROI '" + name(roi) + "' is a line or point selection: each ROI must be the outline of a nucleus, or a region named '" + REGION + "'.");
			(isRegion(roi) ? regions : instances).get(plane(image, roi)).add(roi);
		}
		List<LabeledImage> out = new ArrayList<>();
		List<String> parts = new ArrayList<>();
		int total = 0;
		for (int z = 1; z <= planes; z++) {
			if (instances.get(z).isEmpty() && regions.get(z).isEmpty()) continue;
			int[] labels = new int[w * h];
			int label = 0;
			for (Roi roi : instances.get(z)) paint(roi, w, h, labels, ++label);
			int n = count(labels, label);
			total += n;
			boolean[] region = new boolean[w * h];
			String where;
			if (regions.get(z).isEmpty()) {
				Rectangle box = null;
				for (Roi roi : instances.get(z)) box = box == null ? roi.getBounds() : box.union(roi.getBounds());
				region = AnnotatedRegion.rectangle(w, h, box.x, box.y, box.width, box.height);
				where = "the box around them";
			} else {
				for (Roi roi : regions.get(z)) paint(roi, w, h, region);
				where = regions.get(z).size() == 1 ? "the region '" + name(regions.get(z).get(0)) + "'" : regions.get(z).size() + " regions";
			}
			String planeName = planes > 1 ? title + " plane " + z : title;
			LabeledImage li = new LabeledImage(planeName, w, h, ImageFiles.pixels(image, z), labels);
			out.add(AnnotatedRegion.restrict(li, region));
			parts.add(String.format(Locale.ROOT, "'%s' (%d instances from ROIs, trained inside %s)", planeName, n, where));
		}
		if (total == 0)
			throw new UserError("The ROIs for '" + title + "' hold no nucleus, only regions named '" + REGION + "': add one ROI per nucleus inside them.");
		return new Pairs(out, total, String.join(", ", parts));
	}

	/**
	 * The ROIs that annotate {@code image}: those of the ROI Manager (the hidden one of a batch-mode macro if one
	 * runs); without a ROI Manager holding any (always so headless, where there is none), those of the image's
	 * overlay.
	 */
	public static Roi[] rois(ImagePlus image) {
		RoiManager rm = GraphicsEnvironment.isHeadless() ? null : RoiManager.getInstance2();
		if (rm != null && rm.getCount() > 0) return rm.getRoisAsArray();
		Overlay overlay = image.getOverlay();
		return overlay == null ? new Roi[0] : overlay.toArray();
	}

	/** Whether the ROI marks an annotated region rather than an instance. */
	static boolean isRegion(Roi roi) {
		return roi.getName() != null && roi.getName().toLowerCase(Locale.ROOT).startsWith(REGION);
	}

	/** The plane (1-based stack index) a ROI belongs to. */
	static int plane(ImagePlus image, Roi roi) {
		int planes = image.getStackSize();
		if (planes == 1) return 1;
		int z;
		if (roi.hasHyperStackPosition())
			z = image.getStackIndex(Math.max(1, roi.getCPosition()), Math.max(1, roi.getZPosition()), Math.max(1, roi.getTPosition()));
		else z = roi.getPosition();
		if (z < 1 || z > planes)
			throw new UserError("The ROI '" + name(roi) + "' names no plane of '" + image.getTitle() + "', which has " + planes
					+ ": give every ROI its plane (in the ROI Manager: More > Options, 'Associate with slice', before adding the ROIs).");
		return z;
	}

	private static String name(Roi roi) {
		return roi.getName() == null ? "(unnamed " + roi.getTypeAsString() + ")" : roi.getName();
	}

	/** Sets the ROI's pixels inside the image to {@code label}. */
	private static void paint(Roi roi, int w, int h, int[] labels, int label) {
		Rectangle b = roi.getBounds();
		ImageProcessor mask = roi.getMask();
		for (int y = Math.max(0, b.y); y < Math.min(h, b.y + b.height); y++)
			for (int x = Math.max(0, b.x); x < Math.min(w, b.x + b.width); x++)
				if (mask == null || mask.get(x - b.x, y - b.y) != 0) labels[y * w + x] = label;
	}

	private static void paint(Roi roi, int w, int h, boolean[] region) {
		Rectangle b = roi.getBounds();
		ImageProcessor mask = roi.getMask();
		for (int y = Math.max(0, b.y); y < Math.min(h, b.y + b.height); y++)
			for (int x = Math.max(0, b.x); x < Math.min(w, b.x + b.width); x++)
				if (mask == null || mask.get(x - b.x, y - b.y) != 0) region[y * w + x] = true;
	}

	/** The number of labels 1..max that kept a pixel (a ROI wholly covered by later ones keeps none). */
	private static int count(int[] labels, int max) {
		boolean[] seen = new boolean[max + 1];
		for (int l : labels) seen[l] = true;
		int n = 0;
		for (int l = 1; l <= max; l++) if (seen[l]) n++;
		return n;
	}
}
