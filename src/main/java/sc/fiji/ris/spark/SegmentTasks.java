package sc.fiji.ris.spark;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileInfo;
import ij.io.TiffDecoder;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import sc.fiji.ris.UserError;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.infer.TileDecoder;
import sc.fiji.ris.io.InstanceTable;
import sc.fiji.ris.io.RoiSetWriter;
import sc.fiji.ris.model.ModelConfig;
import sc.fiji.ris.model.RisModel;

/**
 * What the job's tasks do: segment a whole image, segment one block of a mosaic, stitch a mosaic's blocks. Each reads
 * its image through the Hadoop file system (a local copy for ImageJ's readers), writes the same files as
 * {@code ris segment} and commits them ({@link JobFiles#commit}); a bad image becomes an error row.
 */
final class SegmentTasks {

	private SegmentTasks() {}

	/** A block of a mosaic to segment, with what its task needs to know of the whole image. */
	record BlockTask(String image, String name, int plane, MosaicBlocks.Block block, int width, int height, float offset, float scale)
			implements Serializable {}

	/** The instances a block task found in its core, or its error. */
	record BlockResult(int plane, List<MosaicBlocks.Piece> pieces, double seconds, String error) implements Serializable {}

	private static int attempt() {
		TaskContext tc = TaskContext.get();
		return tc == null ? 0 : tc.attemptNumber();
	}

	/** A name for temporary files that no other attempt uses. */
	private static String attemptId() {
		TaskContext tc = TaskContext.get();
		return (tc == null ? "driver" : Long.toString(tc.taskAttemptId())) + "-" + Long.toHexString(System.nanoTime());
	}

	/** The error row's sentence: the failure's own where the core expects it, else "failed unexpectedly". */
	private static String sentence(Exception e, Path local, String image, String what) {
		String m = FailureSentences.sentence(e, InvalidSetting::flag);
		if (m == null) m = what + " failed unexpectedly (" + e + ").";
		return local == null ? m : m.replace(local.toString(), image);
	}

	/**
	 * Segments one image: skips it if its outputs are complete, segments it whole if it fits a block, or returns a
	 * {@link ImageRow.Status#BLOCKS} row with its size and normalisation.
	 */
	static ImageRow image(String image, String name, JobOptions o) {
		long t0 = System.nanoTime();
		int attempt = attempt();
		Path tmp = null, local = null;
		try {
			Configuration conf = o.hadoopConf();
			org.apache.hadoop.fs.Path outDir = JobFiles.qualified(o.output, conf);
			FileSystem fs = JobFiles.fileSystem(outDir, conf);
			Map<String, String> done = JobFiles.complete(fs, outDir, name);
			if (done != null)
				return new ImageRow(image, ImageRow.Status.SKIPPED, Integer.parseInt(done.getOrDefault("planes", "0")), Long.parseLong(done.get("instances")), 0, attempt, null);
			JobFiles.removeLeftovers(fs, outDir, name);
			tmp = Files.createTempDirectory("ris-spark-");
			local = JobFiles.localCopy(image, conf, tmp);
			int[] size = tiffSize(local);
			if (size != null && (size[0] > o.blockSize || size[1] > o.blockSize)) return mosaic(image, local, o, conf, attempt, t0);
			ImagePlus imp = ImageFiles.open(local);
			ImagePlusSegmenter.check(imp);
			if (imp.getWidth() > o.blockSize || imp.getHeight() > o.blockSize) return mosaic(image, local, o, conf, attempt, t0);
			RisModel model = ExecutorModel.get(o.model, o.taskThreads, conf);
			Segmenter segmenter = new Segmenter(model, o.segmenterOptions());
			List<Instances> planes = ImagePlusSegmenter.segment(imp, segmenter, Progress.NONE);
			Path staging = Files.createDirectory(tmp.resolve("out"));
			SegmentationFiles.write(imp, planes, staging, name, o.overlay);
			long n = planes.stream().mapToLong(Instances::count).sum();
			JobFiles.commit(fs, outDir, name, files(staging), record(planes.size(), n), attemptId());
			return new ImageRow(image, ImageRow.Status.DONE, planes.size(), n, (System.nanoTime() - t0) / 1e9, attempt, null);
		} catch (IOException | RuntimeException e) {
			return ImageRow.error(image, sentence(e, local, image, "Segmenting " + image), (System.nanoTime() - t0) / 1e9, attempt);
		} finally {
			JobFiles.deleteLocal(tmp);
		}
	}

	private static Map<String, String> record(int planes, long instances) {
		Map<String, String> r = new LinkedHashMap<>();
		r.put("planes", Integer.toString(planes));
		r.put("instances", Long.toString(instances));
		return r;
	}

	private static List<Path> files(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.sorted().toList();
		}
	}

	/** Width and height from a TIFF's first IFD, without reading its pixels; null for other files or unreadable headers. */
	static int[] tiffSize(Path file) {
		String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (!n.endsWith(".tif") && !n.endsWith(".tiff")) return null;
		try {
			Path abs = file.toAbsolutePath();
			FileInfo[] info = new TiffDecoder(abs.getParent().toString() + java.io.File.separator, abs.getFileName().toString()).getTiffInfo();
			return info == null || info.length == 0 ? null : new int[] { info[0].width, info[0].height };
		} catch (IOException | RuntimeException e) {
			return null; // ImageFiles.open says what is wrong with it
		}
	}

	/** The row that sends an image to the block tasks: its size, planes and each plane's normalisation. */
	private static ImageRow mosaic(String image, Path local, JobOptions o, Configuration conf, int attempt, long t0) throws IOException {
		ImagePlus imp = ImageFiles.open(local);
		ImagePlusSegmenter.check(imp);
		ModelConfig config = ExecutorModel.get(o.model, o.taskThreads, conf).config();
		PercentileNormalizer normalizer = new PercentileNormalizer(config.normLowPercentile, config.normHighPercentile);
		int n = imp.getStackSize();
		float[][] norm = new float[n][];
		for (int z = 1; z <= n; z++) norm[z - 1] = FixedNormalisation.parameters(normalizer, ImagePlusSegmenter.plane(imp, z));
		ImageRow r = new ImageRow(image, ImageRow.Status.BLOCKS, n, 0, (System.nanoTime() - t0) / 1e9, attempt, null);
		r.width = imp.getWidth();
		r.height = imp.getHeight();
		r.normalisation = norm;
		return r;
	}

	/** The block tasks of an image that a {@link ImageRow.Status#BLOCKS} row describes. */
	static List<BlockTask> blocks(ImageRow row, String name, JobOptions o) {
		List<BlockTask> out = new ArrayList<>();
		for (int z = 1; z <= row.planes; z++)
			for (MosaicBlocks.Block b : MosaicBlocks.plan(row.width, row.height, o.blockSize, o.blockMargin))
				out.add(new BlockTask(row.image, name, z, b, row.width, row.height, row.normalisation[z - 1][0], row.normalisation[z - 1][1]));
		return out;
	}

	/** Segments one block (the task reads the whole image and crops the block) and keeps the instances its core owns. */
	static BlockResult block(BlockTask t, JobOptions o) {
		long t0 = System.nanoTime();
		Path tmp = null, local = null;
		try {
			Configuration conf = o.hadoopConf();
			tmp = Files.createTempDirectory("ris-spark-");
			local = JobFiles.localCopy(t.image(), conf, tmp);
			ImagePlus imp = ImageFiles.open(local);
			MosaicBlocks.Block b = t.block();
			float[] raw = crop(imp, t.plane(), b);
			imp = null; // the whole image is no longer needed while the block is segmented
			RisModel model = ExecutorModel.get(o.model, o.taskThreads, conf);
			SegmenterOptions so = o.blockOptions();
			FixedNormalisation decoder = new FixedNormalisation(new TileDecoder(model, so.shareEncoder, so.regionMargin), raw, b.width(), b.height(), t.offset(), t.scale());
			Segmenter segmenter = new Segmenter(model.config(), model, decoder, so);
			Instances inst = segmenter.segment(raw, b.width(), b.height(), Progress.NONE);
			return new BlockResult(t.plane(), MosaicBlocks.owned(inst, b), (System.nanoTime() - t0) / 1e9, null);
		} catch (IOException | RuntimeException e) {
			return new BlockResult(t.plane(), List.of(), (System.nanoTime() - t0) / 1e9, sentence(e, local, t.image(), "Segmenting a block of " + t.image()));
		} finally {
			JobFiles.deleteLocal(tmp);
		}
	}

	/** The block's raw intensities (RGB as luminance), row-major; NaN refused as {@link ImagePlusSegmenter#plane} does. */
	static float[] crop(ImagePlus imp, int plane, MosaicBlocks.Block b) {
		ImageProcessor ip = imp.getStack().getProcessor(plane);
		if (imp.getType() == ImagePlus.COLOR_RGB) ip = ip.convertToByte(false);
		float[] out = new float[b.width() * b.height()];
		for (int y = 0; y < b.height(); y++)
			for (int x = 0; x < b.width(); x++) {
				float v = ip.getf(b.x0() + x, b.y0() + y);
				if (Float.isNaN(v))
					throw new UserError("The image '" + imp.getTitle() + "' has NaN pixels (plane " + plane + "): replace them first (Process>Math>Remove NaNs).");
				out[y * b.width() + x] = v;
			}
		return out;
	}

	/**
	 * Stitches the blocks of one image into one label image per plane and writes the image's files: 16-bit labels as
	 * {@code ris segment} writes them, or a 32-bit label image when a plane holds more than 65,535 instances.
	 */
	static ImageRow stitch(ImageRow row, String name, Iterable<BlockResult> results, JobOptions o) {
		long t0 = System.nanoTime();
		int attempt = attempt();
		double seconds = row.seconds;
		Path tmp = null, local = null;
		try {
			List<List<MosaicBlocks.Piece>> pieces = new ArrayList<>();
			for (int z = 0; z < row.planes; z++) pieces.add(new ArrayList<>());
			for (BlockResult r : results) {
				seconds += r.seconds();
				if (r.error() != null) return ImageRow.error(row.image, r.error(), seconds + (System.nanoTime() - t0) / 1e9, attempt);
				pieces.get(r.plane() - 1).addAll(r.pieces());
			}
			Configuration conf = o.hadoopConf();
			org.apache.hadoop.fs.Path outDir = JobFiles.qualified(o.output, conf);
			FileSystem fs = JobFiles.fileSystem(outDir, conf);
			Map<String, String> done = JobFiles.complete(fs, outDir, name);
			if (done != null) // a retried task whose first attempt committed
				return new ImageRow(row.image, ImageRow.Status.SKIPPED, row.planes, Long.parseLong(done.get("instances")), 0, attempt, null);
			JobFiles.removeLeftovers(fs, outDir, name);
			List<Instances> planes = new ArrayList<>();
			for (List<MosaicBlocks.Piece> p : pieces) planes.add(MosaicBlocks.stitch(p, row.width, row.height));
			pieces = null;
			tmp = Files.createTempDirectory("ris-spark-");
			local = JobFiles.localCopy(row.image, conf, tmp);
			ImagePlus imp = ImageFiles.open(local);
			Path staging = Files.createDirectory(tmp.resolve("out"));
			int most = planes.stream().mapToInt(Instances::count).max().orElse(0);
			if (most <= 65535) SegmentationFiles.write(imp, planes, staging, name, false);
			else writeWide(imp, planes, staging, name);
			long n = planes.stream().mapToLong(Instances::count).sum();
			JobFiles.commit(fs, outDir, name, files(staging), record(planes.size(), n), attemptId());
			return new ImageRow(row.image, ImageRow.Status.DONE, planes.size(), n, seconds + (System.nanoTime() - t0) / 1e9, attempt, null);
		} catch (IOException | RuntimeException e) {
			return ImageRow.error(row.image, sentence(e, local, row.image, "Stitching " + row.image), seconds + (System.nanoTime() - t0) / 1e9, attempt);
		} finally {
			JobFiles.deleteLocal(tmp);
		}
	}

	/**
	 * The files of an image with more than 65,535 instances in a plane: a 32-bit (float, exact up to 16,777,216)
	 * label image as ImageJ writes it, with the input's calibration, and the RoiSet and table as for 16-bit labels.
	 */
	private static void writeWide(ImagePlus input, List<Instances> planes, Path dir, String name) throws IOException {
		Path[] files = SegmentationFiles.paths(dir, name);
		ImageStack stack = new ImageStack(input.getWidth(), input.getHeight());
		for (Instances inst : planes) {
			if (inst.count() > 1 << 24) throw new UserError("The image " + input.getTitle() + " has more than 16,777,216 instances in one plane: no label image can hold them exactly.");
			int[] labels = inst.labels();
			float[] px = new float[labels.length];
			for (int i = 0; i < px.length; i++) px[i] = labels[i];
			stack.addSlice(new FloatProcessor(input.getWidth(), input.getHeight(), px));
		}
		ImagePlus out = new ImagePlus(name + "_labels", stack);
		if (planes.size() == input.getStackSize()) out.setDimensions(input.getNChannels(), input.getNSlices(), input.getNFrames());
		ij.measure.Calibration cal = input.getCalibration().copy();
		cal.disableDensityCalibration();
		out.setCalibration(cal);
		ij.io.FileSaver saver = new ij.io.FileSaver(out);
		boolean ok = stack.getSize() == 1 ? saver.saveAsTiff(files[0].toString()) : saver.saveAsTiffStack(files[0].toString());
		if (!ok) throw new IOException("The label image " + files[0] + " could not be written.");
		RoiSetWriter.write(files[1], SegmentationFiles.positioned(input, planes));
		InstanceTable.writeCsv(files[2], SegmentationFiles.rows(input, planes), SegmentationFiles.calibration(input));
	}
}
