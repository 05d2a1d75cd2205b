package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.infer.Instances;

/**
 * ROIs of instances on tiny hand-drawn label images: each ROI's mask is exactly its label's pixels (a ring with a
 * hole and a label in two diagonal pieces become composite ROIs, a plain blob a traced polygon), the names carry
 * label and confidence, and the positions follow the planes of a stack and of a hyperstack.
 */
class InstanceRoisTest {

	// 1 = a ring around a hole, 2 = two pieces touching only at a corner, 3 = a plain rectangle
	private static final int[] LABELS = {
			1, 1, 1, 0, 0, 0, 0, 0,
			1, 0, 1, 0, 2, 0, 0, 0,
			1, 1, 1, 0, 0, 2, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0,
			0, 3, 3, 3, 0, 0, 0, 0,
			0, 3, 3, 3, 0, 0, 0, 0 };
	private static final int W = 8, H = 6;

	private static Instances instances() {
		return new Instances(W, H, LABELS.clone(), new float[] { 0.9f, 0.75f, 0.5f }, null);
	}

	@Test
	void masksAreExactlyTheLabelsPixels() {
		ImagePlus imp = new ImagePlus("tiny", new ByteProcessor(W, H));
		List<Roi> rois = InstanceRois.build(imp, List.of(instances()));
		assertEquals(3, rois.size());
		assertEquals("label 1 (0.90)", rois.get(0).getName());
		assertEquals("label 2 (0.75)", rois.get(1).getName());
		assertEquals("label 3 (0.50)", rois.get(2).getName());
		assertTrue(rois.get(0) instanceof ShapeRoi, "a ring is a composite ROI");
		assertTrue(rois.get(1) instanceof ShapeRoi, "two pieces are a composite ROI");
		assertTrue(rois.get(2) instanceof PolygonRoi, "a blob is a polygon");
		for (int l = 1; l <= 3; l++) {
			Roi roi = rois.get(l - 1);
			assertEquals(0, roi.getPosition(), "a single image's ROIs show on every plane");
			for (int y = 0; y < H; y++)
				for (int x = 0; x < W; x++)
					assertEquals(LABELS[y * W + x] == l, inMask(roi, x, y), "label " + l + " at " + x + "," + y);
		}
	}

	@Test
	void roisSitOnTheirPlaneOfAStack() {
		ImagePlus stack = stack(3);
		List<Roi> rois = InstanceRois.build(stack, List.of(instances(), instances(), instances()));
		assertEquals(9, rois.size());
		for (int k = 0; k < 9; k++) assertEquals(k / 3 + 1, rois.get(k).getPosition());
	}

	@Test
	void roisSitOnTheirChannelSliceAndFrameOfAHyperstack() {
		ImagePlus hyper = stack(4);
		hyper.setDimensions(2, 1, 2);
		hyper.setOpenAsHyperStack(true);
		List<Instances> planes = new ArrayList<>();
		for (int i = 0; i < 4; i++) planes.add(instances());
		List<Roi> rois = InstanceRois.build(hyper, planes);
		assertEquals(12, rois.size());
		int[][] expected = { { 1, 1, 1 }, { 2, 1, 1 }, { 1, 1, 2 }, { 2, 1, 2 } };
		for (int k = 0; k < 12; k++) {
			Roi r = rois.get(k);
			int[] e = expected[k / 3];
			assertEquals(e[0], r.getCPosition());
			assertEquals(e[1], r.getZPosition());
			assertEquals(e[2], r.getTPosition());
		}
	}

	private static ImagePlus stack(int n) {
		ImageStack s = new ImageStack(W, H);
		for (int i = 0; i < n; i++) s.addSlice(new ByteProcessor(W, H));
		return new ImagePlus("stack", s);
	}

	private static boolean inMask(Roi roi, int x, int y) {
		Rectangle b = roi.getBounds();
		if (!b.contains(x, y)) return false;
		ImageProcessor mask = roi.getMask();
		return mask == null || mask.get(x - b.x, y - b.y) != 0;
	}
}
