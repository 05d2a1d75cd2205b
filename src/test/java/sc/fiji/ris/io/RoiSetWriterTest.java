package sc.fiji.ris.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.gui.Roi;
import ij.io.RoiDecoder;
import java.awt.Point;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.infer.Instances;

/** RoiSet.zip read back with ImageJ's own RoiDecoder: names, positions, and masks equal to the instances' pixels. */
class RoiSetWriterTest {

	@TempDir
	Path dir;

	/** A label image from rows of characters: '.' is background, '1'..'9' are labels. */
	static Instances image(float[] confidences, String... rows) {
		int w = rows[0].length(), h = rows.length;
		int[] labels = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				char c = rows[y].charAt(x);
				labels[y * w + x] = c == '.' ? 0 : c - '0';
			}
		return new Instances(w, h, labels, confidences, null);
	}

	static Map<String, Roi> read(Path zip) throws IOException {
		Map<String, Roi> rois = new LinkedHashMap<>();
		try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in)) {
			for (ZipEntry e; (e = z.getNextEntry()) != null;) {
				byte[] bytes = z.readAllBytes();
				Roi roi = new RoiDecoder(bytes, e.getName()).getRoi();
				assertNotNull(roi, e.getName());
				assertTrue(rois.put(e.getName(), roi) == null, "duplicate entry " + e.getName());
			}
		}
		return rois;
	}

	static Set<String> pixels(Instances inst, int label) {
		Set<String> set = new TreeSet<>();
		int[] labels = inst.labels();
		for (int i = 0; i < labels.length; i++) if (labels[i] == label) set.add((i % inst.width()) + "," + (i / inst.width()));
		return set;
	}

	static Set<String> pixels(Roi roi) {
		Set<String> set = new TreeSet<>();
		for (Point p : roi.getContainedPoints()) set.add(p.x + "," + p.y);
		return set;
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
		}
	}

	@Test
	void shapesComeBackAsTheirExactPixels() throws IOException {
		// 1 a square, 2 an L, 3 a single pixel, 4 touches the right and bottom border, 5 a U (concave).
		Instances inst = image(new float[] { 0.97f, 0.5f, 0.123f, 1f, 0.8f },
				"..........",
				".111...2..",
				".111...2..",
				".111...22.",
				"..........",
				"....3.5.5.",
				"......555.",
				"........44",
				"........44");
		Path file = dir.resolve("RoiSet.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(inst)));
		Map<String, Roi> rois = read(file);
		assertEquals(List.of("0001-c0.97.roi", "0002-c0.50.roi", "0003-c0.12.roi", "0004-c1.00.roi", "0005-c0.80.roi"), new ArrayList<>(rois.keySet()));
		int label = 1;
		for (Roi roi : rois.values()) {
			assertEquals(RoiSetWriter.roiName(label, inst.confidence(label)), roi.getName());
			assertEquals(Roi.TRACED_ROI, roi.getType(), "label " + label);
			assertEquals(pixels(inst, label), pixels(roi), "label " + label);
			assertEquals(0, roi.getPosition());
			assertFalse(roi.hasHyperStackPosition());
			label++;
		}
		assertEquals("label 1 (0.97)", rois.get("0001-c0.97.roi").getName());
		// A square's outline is its four corners, as the wand gives it.
		assertEquals(4, rois.get("0001-c0.97.roi").getPolygon().npoints);
		assertEquals(6, rois.get("0002-c0.50.roi").getPolygon().npoints);
		assertTrue(leftovers().isEmpty());
	}

	@Test
	void holesAndPiecesBecomeCompositeRois() throws IOException {
		// 1 a ring around a hole, 2 two separate pieces, 3 two pixels touching only diagonally.
		Instances inst = image(new float[] { 0.9f, 0.8f, 0.7f },
				"1111..2",
				"1..1...",
				"1111.22",
				"3......",
				".3.....");
		Path file = dir.resolve("composite.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(inst)));
		int label = 1;
		for (Roi roi : read(file).values()) {
			assertEquals(Roi.COMPOSITE, roi.getType(), "label " + label);
			assertEquals(pixels(inst, label), pixels(roi), "label " + label);
			assertEquals(RoiSetWriter.roiName(label, inst.confidence(label)), roi.getName());
			label++;
		}
		assertEquals(4, label);
		assertEquals(2, RoiSetWriter.outlines(inst, 1).size());
		assertEquals(2, RoiSetWriter.outlines(inst, 3).size());
	}

	@Test
	void stackPlanesCarryTheirPosition() throws IOException {
		Instances a = image(new float[] { 0.9f }, "11.", "...");
		Instances b = image(new float[] { 0.8f, 0.7f }, "1.2", "..2");
		Path file = dir.resolve("stack.zip");
		Dimensions dims = Dimensions.of(1, 1, 3);
		RoiSetWriter.write(file, List.of(PlaneInstances.of(a, dims, 0), PlaneInstances.of(b, dims, 2)));
		Map<String, Roi> rois = read(file);
		assertEquals(List.of("0001-0001-c0.90.roi", "0003-0001-c0.80.roi", "0003-0002-c0.70.roi"), new ArrayList<>(rois.keySet()));
		assertEquals(1, rois.get("0001-0001-c0.90.roi").getPosition());
		Roi roi = rois.get("0003-0002-c0.70.roi");
		assertEquals(3, roi.getPosition());
		assertFalse(roi.hasHyperStackPosition());
		assertEquals(pixels(b, 2), pixels(roi));
	}

	@Test
	void hyperstackPlanesCarryChannelSliceFrame() throws IOException {
		Instances inst = image(new float[] { 0.6f }, ".1", "11");
		Dimensions dims = Dimensions.of(2, 3, 4);
		// Plane 13 (0-based) is channel 2, slice 1, frame 3: stack position 14.
		PlaneInstances plane = PlaneInstances.of(inst, dims, 13);
		assertTrue(plane.hyperstack());
		Path file = dir.resolve("hyper.zip");
		RoiSetWriter.write(file, List.of(plane));
		Map<String, Roi> rois = read(file);
		Roi roi = rois.get("0014-0001-c0.60.roi");
		assertNotNull(roi, rois.keySet().toString());
		assertTrue(roi.hasHyperStackPosition());
		assertEquals(2, roi.getCPosition());
		assertEquals(1, roi.getZPosition());
		assertEquals(3, roi.getTPosition());
		assertEquals(0, roi.getPosition());
		assertEquals(pixels(inst, 1), pixels(roi));
	}

	@Test
	void coordinatesBeyondShortRangeSurvive() throws IOException {
		int w = 70010, h = 3;
		int[] labels = new int[w * h];
		// 1 at x = 40000 (past 32767), 2 at x = 70000 (past 65535), an L in each; 3 a hole-ful shape far right.
		for (int x = 40000; x < 40004; x++) labels[x] = 1;
		labels[w + 40000] = 1;
		for (int x = 70000; x < 70003; x++) labels[2 * w + x] = 2;
		labels[w + 70002] = 2;
		for (int x = 70005; x < 70008; x++) {
			labels[x] = 3;
			labels[2 * w + x] = 3;
		}
		labels[w + 70005] = 3;
		labels[w + 70007] = 3;
		Instances inst = new Instances(w, h, labels, new float[] { 0.9f, 0.8f, 0.7f }, null);
		Path file = dir.resolve("wide.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(inst)));
		int label = 1;
		for (Roi roi : read(file).values()) {
			assertEquals(pixels(inst, label), pixels(roi), "label " + label);
			label++;
		}
		assertEquals(4, label);
		assertEquals(40000, read(file).get("0001-c0.90.roi").getBounds().x);
	}

	@Test
	void outlineOfMoreThan65535CornersStillExact() throws IOException {
		// A comb: a full bottom row with a tooth on every other pixel of the top row, about 2 * width corners.
		int w = 40001, h = 2;
		int[] labels = new int[w * h];
		for (int x = 0; x < w; x++) {
			labels[w + x] = 1;
			if (x % 2 == 0) labels[x] = 1;
		}
		Instances inst = new Instances(w, h, labels, new float[] { 0.5f }, null);
		assertTrue(RoiSetWriter.outlines(inst, 1).get(0).length / 2 > 65535);
		Path file = dir.resolve("comb.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(inst)));
		Roi roi = read(file).values().iterator().next();
		assertEquals(Roi.COMPOSITE, roi.getType());
		assertEquals(pixels(inst, 1), pixels(roi));
	}

	@Test
	void randomLabelImagesComeBackExactly() throws IOException {
		// Noise makes every case at once: saddles, holes, pieces, borders; a fixed seed keeps it repeatable.
		java.util.Random random = new java.util.Random(42);
		for (int round = 0; round < 30; round++) {
			int w = 3 + random.nextInt(12), h = 3 + random.nextInt(12), n = 1 + random.nextInt(4);
			int[] labels = new int[w * h];
			for (int i = 0; i < labels.length; i++) labels[i] = random.nextInt(n + 1);
			for (int l = 1; l <= n; l++) labels[random.nextInt(labels.length)] = l;
			float[] confidences = new float[n];
			for (int l = 0; l < n; l++) confidences[l] = random.nextFloat();
			Instances inst = new Instances(w, h, labels, confidences, null);
			Path file = dir.resolve("random" + round + ".zip");
			RoiSetWriter.write(file, List.of(PlaneInstances.inStack(inst, round + 1)));
			Map<String, Roi> rois = read(file);
			int label = 1;
			for (Roi roi : rois.values()) {
				assertEquals(pixels(inst, label), pixels(roi), "round " + round + ", label " + label);
				assertEquals(RoiSetWriter.outlines(inst, label).size() == 1 ? Roi.TRACED_ROI : Roi.COMPOSITE, roi.getType());
				label++;
			}
			assertEquals(n + 1, label);
		}
	}

	@Test
	void emptyInstancesGiveAnEmptyZip() throws IOException {
		Path file = dir.resolve("empty.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(Instances.empty(4, 4))));
		assertTrue(read(file).isEmpty());
	}

	@Test
	void labelsWithoutPixelsAreSkipped() throws IOException {
		Instances inst = new Instances(3, 1, new int[] { 2, 0, 2 }, new float[] { 0.1f, 0.2f }, null);
		Path file = dir.resolve("gap.zip");
		RoiSetWriter.write(file, List.of(PlaneInstances.single(inst)));
		Map<String, Roi> rois = read(file);
		assertEquals(List.of("0002-c0.20.roi"), new ArrayList<>(rois.keySet()));
		assertEquals(Roi.COMPOSITE, rois.get("0002-c0.20.roi").getType());
		assertTrue(RoiSetWriter.outlines(inst, 1).isEmpty());
	}

	@Test
	void refusesPlanesThatWouldShareNames() {
		Instances inst = image(new float[] { 0.5f }, "1");
		Path file = dir.resolve("clash.zip");
		assertThrows(IllegalArgumentException.class, () -> RoiSetWriter.write(file, List.of(PlaneInstances.single(inst), PlaneInstances.single(inst))));
		assertThrows(IllegalArgumentException.class, () -> RoiSetWriter.write(file, List.of(PlaneInstances.inStack(inst, 2), PlaneInstances.inStack(inst, 2))));
		assertFalse(Files.exists(file));
		assertThrows(IllegalArgumentException.class, () -> new PlaneInstances(inst, 1, 0, 0, false, 1));
		assertThrows(IllegalArgumentException.class, () -> PlaneInstances.inHyperstack(inst, 0, 1, 1, 1));
		assertThrows(IllegalArgumentException.class, () -> PlaneInstances.inStack(inst, 0));
	}
}
