package sc.fiji.ris.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.Progress;
import sc.fiji.ris.cli.Main;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.model.RisModel;

/**
 * The Spark job in local mode ({@code local[2]}: two tasks at once in one JVM, sharing the model) on the four sample
 * images: the same label images, RoiSets and tables, byte for byte, as {@code ris segment --threads 1}; a second run
 * skips every image and rewrites nothing; a corrupt file becomes an error row while the others complete; a run
 * killed (SIGKILL, in a child JVM) after its first image and started again redoes none of the finished images and
 * leaves no temporary file; a 448 x 448 mosaic of the samples cut into 4 blocks gives the instances of the unsplit
 * run, every nucleus once and none cut at a seam.
 */
class SegmentJobTest {

	private static final Path SAMPLES = Path.of("sample-images", "images");

	@TempDir
	static Path shared;
	private static JavaSparkContext jsc;
	private static Path input, reference;

	@BeforeAll
	static void start() throws IOException {
		input = Files.createDirectories(shared.resolve("in"));
		try (Stream<Path> s = Files.list(SAMPLES)) {
			for (Path p : s.sorted().toList()) Files.copy(p, input.resolve(p.getFileName()));
		}
		reference = shared.resolve("reference");
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int rc = Main.run(new String[] { "segment", "--threads", "1", "--output", reference.toString(), input.toString() },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
		jsc = new JavaSparkContext(sparkConf("local[2]"));
	}

	static SparkConf sparkConf(String master) {
		return new SparkConf().setMaster(master).setAppName("ris-test").set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
				.set("spark.driver.bindAddress", "127.0.0.1").set("spark.testing.memory", Long.toString(1L << 30));
	}

	@AfterAll
	static void stop() {
		if (jsc != null) jsc.close();
	}

	private static SegmentJob.Totals job(String... args) throws IOException {
		return SegmentJob.run(jsc, JobOptions.parse(args), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
	}

	private static List<String> names() throws IOException {
		try (Stream<Path> s = Files.list(input)) {
			return s.map(p -> JobFiles.stem(p.toString())).sorted().toList();
		}
	}

	private static void assertSameAsReference(Path out, List<String> names) throws IOException {
		for (String n : names) {
			for (String suffix : new String[] { "_labels.tif", "_instances.csv" })
				assertArrayEquals(Files.readAllBytes(reference.resolve(n + suffix)), Files.readAllBytes(out.resolve(n + suffix)), n + suffix + " differs from ris segment's");
			// a zip stores when each entry was written: compare the entries
			assertEquals(entries(reference.resolve(n + "_rois.zip")), entries(out.resolve(n + "_rois.zip")), n + "_rois.zip differs from ris segment's");
		}
	}

	private static Map<String, String> entries(Path zip) throws IOException {
		Map<String, String> out = new java.util.LinkedHashMap<>();
		try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
			for (var e : java.util.Collections.list(z.entries()))
				try (var in = z.getInputStream(e)) {
					out.put(e.getName(), java.util.HexFormat.of().formatHex(in.readAllBytes()));
				}
		}
		return out;
	}

	private static List<String> temporaries(Path dir) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(JobFiles.TEMPORARY)).toList();
		}
	}

	@Test
	void sameFilesAsRisSegmentThenSkipsEverything(@TempDir Path tmp) throws IOException {
		Path out = tmp.resolve("out");
		SegmentJob.Totals t = job(input.toString(), "--output", out.toString());
		assertEquals(4, t.done(), String.join("\n", t.summary()));
		assertEquals(0, t.failed());
		assertSameAsReference(out, names());
		List<String> summary = Files.readAllLines(out.resolve(JobFiles.SUMMARY));
		assertEquals(ImageRow.HEADER, summary.get(0));
		assertEquals(5, summary.size());
		for (String row : summary.subList(1, 5)) assertTrue(row.contains(",done,1,"), row);

		Map<Path, FileTime> before = new HashMap<>();
		try (Stream<Path> s = Files.list(out)) {
			for (Path p : s.toList()) if (!p.getFileName().toString().equals(JobFiles.SUMMARY)) before.put(p, Files.getLastModifiedTime(p));
		}
		SegmentJob.Totals again = job(input.toString(), "--output", out.toString());
		assertEquals(4, again.skipped(), String.join("\n", again.summary()));
		assertEquals(0, again.done());
		assertEquals(t.instances(), again.instances());
		for (Map.Entry<Path, FileTime> e : before.entrySet()) assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), e.getKey() + " was rewritten");
		assertEquals(List.of(), temporaries(out));
	}

	@Test
	void corruptFileIsAnErrorRowAndTheRestCompletes(@TempDir Path tmp) throws IOException {
		Path in = Files.createDirectories(tmp.resolve("in"));
		String good = names().get(0);
		Files.copy(input.resolve(good + ".tif"), in.resolve(good + ".tif"));
		byte[] bytes = Files.readAllBytes(input.resolve(names().get(1) + ".tif"));
		Files.write(in.resolve("broken.tif"), java.util.Arrays.copyOf(bytes, bytes.length / 3)); // truncated
		Files.write(in.resolve("garbage.tif"), "not an image at all".getBytes(StandardCharsets.UTF_8));
		Path out = tmp.resolve("out");
		SegmentJob.Totals t = job(in.toString(), "--output", out.toString());
		assertEquals(1, t.done(), String.join("\n", t.summary()));
		assertEquals(2, t.failed());
		assertSameAsReference(out, List.of(good));
		String rows = String.join("\n", t.summary());
		assertTrue(rows.contains("broken.tif,error,0,0,") && rows.contains("is not a readable TIFF or PNG image"), rows);
		assertTrue(rows.contains("garbage.tif,error,0,0,"), rows);
		assertFalse(rows.contains("ris-spark-"), "an error names the local copy instead of the input: " + rows);
		assertFalse(Files.exists(out.resolve("broken_labels.tif")));
		assertFalse(Files.exists(out.resolve("garbage" + JobFiles.MARKER)));
	}

	@Test
	void killedRunRestartsWithoutRedoingFinishedImages(@TempDir Path tmp) throws Exception {
		Path out = tmp.resolve("out");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments())
			if (a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")) command.add(a);
		command.addAll(List.of("-Xmx1g", "-Dspark.master=local[1]", "-Dspark.ui.enabled=false", "-Dspark.driver.host=127.0.0.1",
				"-Dspark.driver.bindAddress=127.0.0.1", "-cp", System.getProperty("java.class.path"), SegmentJob.class.getName(), input.toString(),
				"--output", out.toString()));
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
		List<String> finished = List.of();
		try {
			// a safety limit, far beyond the few seconds one image takes, so that a busy machine does not fail the test
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
			while (finished.isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
				Thread.sleep(20);
				finished = markers(out);
			}
		} finally {
			p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		finished = markers(out);
		assertFalse(finished.isEmpty(), "the child finished no image: " + Files.readString(tmp.resolve("child.log")));
		assertTrue(finished.size() < 4, "the child finished every image before it was killed; nothing was interrupted");
		SegmentJob.Totals t = job(input.toString(), "--output", out.toString());
		assertEquals(0, t.failed(), String.join("\n", t.summary()));
		assertEquals(finished.size(), t.skipped(), String.join("\n", t.summary()));
		assertEquals(4 - finished.size(), t.done());
		for (String n : finished) assertTrue(String.join("\n", t.summary()).contains(n + ".tif,skipped"), n);
		assertSameAsReference(out, names());
		assertEquals(List.of(), temporaries(out));
	}

	private static List<String> markers(Path out) throws IOException {
		if (!Files.isDirectory(out)) return List.of();
		try (Stream<Path> s = Files.list(out)) {
			return s.map(q -> q.getFileName().toString()).filter(n -> n.endsWith(JobFiles.MARKER))
					.map(n -> n.substring(0, n.length() - JobFiles.MARKER.length())).sorted().toList();
		}
	}

	/** Where an unsplit instance lies, and the blocked instances over it with their pixel counts. */
	private static String describe(int[] whole, int[] blocked, int width, int label) {
		int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
		Map<Integer, Integer> over = new java.util.TreeMap<>();
		for (int i = 0; i < whole.length; i++)
			if (whole[i] == label) {
				x0 = Math.min(x0, i % width);
				x1 = Math.max(x1, i % width);
				y0 = Math.min(y0, i / width);
				y1 = Math.max(y1, i / width);
				over.merge(blocked[i], 1, Integer::sum);
			}
		return "(x " + x0 + ".." + x1 + ", y " + y0 + ".." + y1 + "; blocked labels and pixels " + over + ")";
	}

	@Test
	void mosaicInBlocksGivesTheInstancesOfTheUnsplitRun(@TempDir Path tmp) throws IOException {
		// the four samples side by side, seen through a window that puts the block seams inside the samples, away
		// from where one sample meets the next (objects cut there by the samples' own borders tell nothing)
		List<String> names = names();
		ImagePlus first = ImageFiles.open(input.resolve(names.get(0) + ".tif"));
		int s = first.getWidth(), off = s / 4, side = 2 * s - off;
		ImageProcessor composite = first.getProcessor().createProcessor(2 * s, 2 * s);
		for (int k = 0; k < 4; k++) composite.insert(ImageFiles.open(input.resolve(names.get(k) + ".tif")).getProcessor(), (k % 2) * s, (k / 2) * s);
		composite.setRoi(off, off, side, side);
		ImageProcessor mosaic = composite.crop();
		Path in = Files.createDirectories(tmp.resolve("in"));
		Path file = in.resolve("mosaic.tif");
		assertTrue(new FileSaver(new ImagePlus("mosaic", mosaic)).saveAsTiff(file.toString()));
		ImagePlus imp = ImageFiles.open(file);
		int block = side / 2, margin = 64;
		String[] args = { in.toString(), "--output", tmp.resolve("out").toString(), "--block-size", Integer.toString(block), "--block-margin", Integer.toString(margin) };

		Instances whole;
		JobOptions options = JobOptions.parse(args);
		RisModel model = ExecutorModel.get(null, 1, new org.apache.hadoop.conf.Configuration(false));
		whole = new Segmenter(model, options.blockOptions()).segment(ImagePlusSegmenter.plane(imp, 1), side, side, Progress.NONE);
		assertEquals(4, MosaicBlocks.plan(side, side, block, margin).size());
		SegmentJob.Totals t = job(args);
		assertEquals(1, t.done(), String.join("\n", t.summary()));
		ImagePlus labels = ImageFiles.open(tmp.resolve("out").resolve("mosaic_labels.tif"));
		int[] blocked = ImageFiles.labels(labels, 1, file);
		int n = whole.count(), m = (int) t.instances();
		assertTrue(n >= 45, "the unsplit run found only " + n + " nuclei");

		// overlaps between the unsplit run's instances (rows) and the blocked run's (columns)
		Map<Long, Integer> overlap = new HashMap<>();
		int[] areaWhole = new int[n + 1], areaBlocked = new int[m + 1];
		int[] a = whole.labels();
		for (int i = 0; i < a.length; i++) {
			areaWhole[a[i]]++;
			areaBlocked[blocked[i]]++;
			if (a[i] > 0 && blocked[i] > 0) overlap.merge((long) a[i] * (m + 1) + blocked[i], 1, Integer::sum);
		}
		// the block seams: where one core ends and the next begins
		List<MosaicBlocks.Block> plan = MosaicBlocks.plan(side, side, block, margin);
		java.util.Set<Integer> seamsX = new java.util.TreeSet<>(), seamsY = new java.util.TreeSet<>();
		for (MosaicBlocks.Block b : plan) {
			if (b.coreX0() > 0) seamsX.add(b.coreX0());
			if (b.coreY0() > 0) seamsY.add(b.coreY0());
		}
		int[] x0 = new int[n + 1], x1 = new int[n + 1], y0 = new int[n + 1], y1 = new int[n + 1];
		java.util.Arrays.fill(x0, Integer.MAX_VALUE);
		java.util.Arrays.fill(y0, Integer.MAX_VALUE);
		for (int i = 0; i < a.length; i++) {
			int l = a[i];
			x0[l] = Math.min(x0[l], i % side);
			x1[l] = Math.max(x1[l], i % side);
			y0[l] = Math.min(y0[l], i / side);
			y1[l] = Math.max(y1[l], i / side);
		}
		int matched = 0, onSeams = 0;
		int[] partsOfWhole = new int[n + 1], best = new int[n + 1];
		for (Map.Entry<Long, Integer> e : overlap.entrySet()) {
			int i = (int) (e.getKey() / (m + 1)), j = (int) (e.getKey() % (m + 1));
			double iou = e.getValue() / (double) (areaWhole[i] + areaBlocked[j] - e.getValue());
			if (iou > 0.5) matched++;
			// a blocked instance holding a fifth or more of an unsplit one: a part of it
			if (e.getValue() >= 0.2 * areaWhole[i]) partsOfWhole[i]++;
		}
		StringBuilder cut = new StringBuilder();
		for (int i = 1; i <= n; i++) {
			final int l = i;
			boolean seam = seamsX.stream().anyMatch(x -> x0[l] < x && x1[l] >= x) || seamsY.stream().anyMatch(y -> y0[l] < y && y1[l] >= y);
			if (!seam) continue;
			onSeams++;
			if (partsOfWhole[i] != 1) cut.append(" nucleus ").append(i).append(" in ").append(partsOfWhole[i]).append(" parts ").append(describe(a, blocked, side, i));
		}
		String counts = n + " instances unsplit, " + m + " in blocks, " + matched + " matched at IoU > 0.5, " + onSeams + " across a seam";
		assertTrue(onSeams >= 5, "too few nuclei cross a seam to tell: " + counts);
		assertEquals("", cut.toString(), "nuclei across a seam were cut or lost: " + counts);
		assertTrue(Math.abs(n - m) <= 2, counts);
		assertTrue(matched >= n - 2, counts);
		System.out.println("mosaic: " + counts);
	}
}
