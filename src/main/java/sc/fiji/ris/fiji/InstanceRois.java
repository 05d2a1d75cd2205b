package sc.fiji.ris.fiji;

import ij.ImagePlus;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.plugin.frame.RoiManager;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.UserError;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.io.PlaneInstances;
import sc.fiji.ris.io.RoiSetWriter;
import sc.fiji.ris.imagej.SegmentationFiles;

/**
 * The instances of a segmented image as ImageJ ROIs, the same ones the {@code RoiSet.zip} of {@link RoiSetWriter}
 * holds: outlines along pixel edges (a traced polygon, or a composite ROI for an instance with holes or several
 * pieces), named {@code "label 42 (0.97)"}, positioned on their plane (channel, slice and frame in a hyperstack,
 * the stack position in a plain stack).
 */
public final class InstanceRois {

	/** The choices of the {@code roi_manager} parameter. */
	public static final String REPLACE = "Replace", APPEND = "Append", DONT_ADD = "Don't add";

	private InstanceRois() {}

	/**
	 * Checks a value of the {@code roi_manager} parameter: SciJava enforces its choices in dialogs only, not for
	 * values that a macro or the command line passes.
	 *
	 * @throws IllegalArgumentException if it is none of the choices
	 */
	public static void checkMode(String mode) {
		if (!REPLACE.equals(mode) && !APPEND.equals(mode) && !DONT_ADD.equals(mode))
			throw new UserError("The roi_manager choice '" + mode + "' is none of " + REPLACE + ", " + APPEND + " and " + DONT_ADD + ".");
	}

	/** One ROI per instance, plane by plane, labels ascending; instances without pixels get none. */
	public static List<Roi> build(ImagePlus input, List<Instances> planes) {
		List<Roi> rois = new ArrayList<>();
		for (PlaneInstances plane : SegmentationFiles.positioned(input, planes)) {
			Instances inst = plane.instances();
			for (int label = 1; label <= inst.count(); label++) {
				List<int[]> loops = RoiSetWriter.outlines(inst, label);
				if (loops.isEmpty()) continue;
				Roi roi = roi(loops);
				roi.setName(RoiSetWriter.roiName(label, inst.confidence(label)));
				if (plane.hyperstack()) roi.setPosition(plane.channel(), plane.slice(), plane.frame());
				else if (plane.stackPosition() > 0) roi.setPosition(plane.stackPosition());
				rois.add(roi);
			}
		}
		return rois;
	}

	private static Roi roi(List<int[]> loops) {
		if (loops.size() == 1) {
			int[] loop = loops.get(0);
			int n = loop.length / 2;
			int[] xs = new int[n], ys = new int[n];
			for (int k = 0; k < n; k++) {
				xs[k] = loop[2 * k];
				ys[k] = loop[2 * k + 1];
			}
			return new PolygonRoi(xs, ys, n, Roi.TRACED_ROI);
		}
		// even-odd filling makes the hole outlines cut out, as ImageJ's "Create Selection" does
		Path2D.Double path = new Path2D.Double(Path2D.WIND_EVEN_ODD);
		for (int[] loop : loops) {
			path.moveTo(loop[0], loop[1]);
			for (int k = 2; k < loop.length; k += 2) path.lineTo(loop[k], loop[k + 1]);
			path.closePath();
		}
		return new ShapeRoi(path);
	}

	/**
	 * Puts the ROIs into the ROI Manager (the hidden one of a batch-mode macro if one runs): {@link #REPLACE}
	 * empties it first, {@link #APPEND} adds, {@link #DONT_ADD} leaves it alone. Only with a display; the ROIs are
	 * all built before, so that a failure cannot leave the manager half-filled.
	 */
	public static void addToManager(List<Roi> rois, String mode, ImagePlus input) {
		if (DONT_ADD.equals(mode)) return;
		RoiManager rm = RoiManager.getInstance2();
		if (rm == null) rm = RoiManager.getRoiManager();
		if (REPLACE.equals(mode)) rm.reset();
		// add(imp, roi, -1) lists each ROI under its own name and, unlike addRoi, records nothing in the macro
		// recorder per ROI
		for (Roi roi : rois) rm.add(input, roi, -1);
		// the hidden ROI Manager of a batch-mode macro has no "Show All" checkbox to set
		if (rm.isVisible()) rm.runCommand("show all");
	}
}
