package sc.fiji.ris.imagej;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.io.Calibration;
import sc.fiji.ris.io.Dimensions;
import sc.fiji.ris.io.InstanceTable;
import sc.fiji.ris.io.LabelTiffWriter;
import sc.fiji.ris.io.PlaneInstances;
import sc.fiji.ris.io.RoiSetWriter;

/**
 * Writes the three result files of one segmented image, as {@code ris segment} and "Batch Segment Folder" do:
 * {@code NAME_labels.tif}, {@code NAME_rois.zip} and {@code NAME_instances.csv}. Each file is written atomically,
 * and if one fails the others of that image are removed, so that an image has all of its outputs or none.
 */
public final class SegmentationFiles {

	private SegmentationFiles() {}

	/** The files written for an image {@code name} in {@code dir}: labels, ROIs, table. */
	public static Path[] paths(Path dir, String name) {
		return new Path[] { dir.resolve(name + "_labels.tif"), dir.resolve(name + "_rois.zip"), dir.resolve(name + "_instances.csv") };
	}

	/** The instances as table rows, all planes together (intensities from {@code input}). */
	public static List<InstanceTable.Row> rows(ImagePlus input, List<Instances> planes) {
		List<InstanceTable.Row> rows = new ArrayList<>();
		for (int z = 0; z < planes.size(); z++)
			rows.addAll(InstanceTable.measure(planes.get(z), ImagePlusSegmenter.plane(input, z + 1), z + 1));
		return rows;
	}

	/** The ImageJ calibration as the core's. */
	public static Calibration calibration(ImagePlus imp) {
		ij.measure.Calibration c = imp.getCalibration();
		return new Calibration(c.pixelWidth, c.pixelHeight, c.pixelDepth, c.getUnit());
	}

	/** The ImageJ dimensions as the core's (a plain list of planes if they do not multiply up). */
	public static Dimensions dimensions(ImagePlus imp) {
		int c = imp.getNChannels(), z = imp.getNSlices(), t = imp.getNFrames();
		return c * z * t == imp.getStackSize() ? Dimensions.of(c, z, t) : Dimensions.of(1, imp.getStackSize(), 1);
	}

	/** The input's dimensions, or a plain list of planes when fewer planes were segmented (a cancelled run). */
	static Dimensions dimensions(ImagePlus input, List<Instances> planes) {
		return planes.size() == input.getStackSize() ? dimensions(input) : Dimensions.of(1, planes.size(), 1);
	}

	/** Where each plane sits, for the ROIs. */
	public static List<PlaneInstances> positioned(ImagePlus input, List<Instances> planes) {
		Dimensions dims = dimensions(input, planes);
		List<PlaneInstances> out = new ArrayList<>();
		for (int z = 0; z < planes.size(); z++) out.add(PlaneInstances.of(planes.get(z), dims, z));
		return out;
	}

	/**
	 * Writes the three files.
	 *
	 * @throws IOException naming the file that could not be written; no file of this image is left behind
	 */
	public static void write(ImagePlus input, List<Instances> planes, Path dir, String name) throws IOException {
		write(input, planes, dir, name, false);
	}

	/**
	 * Writes the three files and, with {@code overlay}, the outline overlay ({@link OverlayImages}).
	 *
	 * @throws IOException naming the file that could not be written; no file of this image is left behind
	 */
	public static void write(ImagePlus input, List<Instances> planes, Path dir, String name, boolean overlay) throws IOException {
		Path[] files = paths(dir, name);
		Files.createDirectories(dir);
		List<int[]> labels = new ArrayList<>();
		for (Instances inst : planes) labels.add(inst.labels());
		Dimensions dims = dimensions(input, planes);
		try {
			LabelTiffWriter.write(files[0], labels, input.getWidth(), input.getHeight(), dims, calibration(input));
			RoiSetWriter.write(files[1], positioned(input, planes));
			InstanceTable.writeCsv(files[2], rows(input, planes), calibration(input));
			if (overlay) OverlayImages.write(input, planes, dir, name);
		} catch (IOException | RuntimeException e) {
			for (Path f : files) Files.deleteIfExists(f);
			if (overlay) for (Path f : OverlayImages.paths(dir, name, planes.size())) Files.deleteIfExists(f);
			throw e;
		}
	}
}
