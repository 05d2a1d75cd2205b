package sc.fiji.ris.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * The Spark application: {@code spark-submit --class sc.fiji.ris.spark.SegmentJob ris.jar INPUT... --output DIR}.
 * One task per image; an image larger than the block size becomes one task per block and one stitching task
 * ({@link MosaicBlocks}). Writes each image's files as {@code ris segment} does, a summary table
 * ({@link JobFiles#SUMMARY}) at the end, and prints the totals. Exit code 0 when every image has its results, 1 when
 * some failed (their rows say why), 2 for a mistake in the command line.
 */
public final class SegmentJob {

	private SegmentJob() {}

	/** The totals of a run. */
	public record Totals(int images, int done, int skipped, int failed, long instances, double seconds, List<String> summary) {}

	public static void main(String[] args) throws IOException {
		if (JobOptions.wantsHelp(args)) {
			System.out.println(JobOptions.HELP);
			return;
		}
		JobOptions o;
		try {
			o = JobOptions.parse(args);
		} catch (JobOptions.UsageException e) {
			System.err.println("Error: " + e.getMessage());
			System.exit(2);
			return;
		}
		SparkConf conf = new SparkConf().setAppName("RIS segment");
		if (!conf.contains("spark.master")) conf.setMaster("local[*]");
		Totals t;
		try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
			t = run(jsc, o, System.out);
		}
		System.exit(t.failed() > 0 ? 1 : 0);
	}

	/** Runs the job in a Spark context and writes the summary; prints progress and the totals to {@code out}. */
	public static Totals run(JavaSparkContext jsc, JobOptions o, PrintStream out) throws IOException {
		long t0 = System.nanoTime();
		Configuration hconf = jsc.hadoopConfiguration();
		for (Map.Entry<String, String> e : hconf) o.hadoop.put(e.getKey(), e.getValue());
		o.taskThreads = Math.max(1, jsc.getConf().getInt("spark.task.cpus", 1));
		List<String> errors = new ArrayList<>();
		List<String> images = JobFiles.listInputs(o.inputs, hconf, errors);
		List<ImageRow> rows = new ArrayList<>();
		for (String e : errors) rows.add(ImageRow.error("", e, 0, 0));
		// two images of one name would write the same files
		Map<String, String> names = new LinkedHashMap<>();
		List<String> todo = new ArrayList<>();
		for (String image : images) {
			String name = JobFiles.stem(image), first = names.putIfAbsent(name, image);
			if (first == null) todo.add(image);
			else rows.add(ImageRow.error(image, "The image " + image + " has the same name as " + first + ", so their results would overwrite each other: rename one.", 0, 0));
		}
		org.apache.hadoop.fs.Path outDir = JobFiles.qualified(o.output, hconf);
		FileSystem fs = JobFiles.fileSystem(outDir, hconf);
		if (fs.exists(outDir) && !fs.getFileStatus(outDir).isDirectory())
			throw new JobOptions.UsageException("--output " + o.output + " is a file, not a folder: give a folder for the results.");
		fs.mkdirs(outDir);

		List<ImageRow> first = todo.isEmpty() ? List.of()
				: jsc.parallelize(todo, todo.size()).map(image -> SegmentTasks.image(image, JobFiles.stem(image), o)).collect();
		Map<String, ImageRow> mosaics = new HashMap<>();
		for (ImageRow r : first) {
			if (r.status == ImageRow.Status.BLOCKS) mosaics.put(r.image, r);
			else rows.add(r);
		}
		if (!mosaics.isEmpty()) {
			List<SegmentTasks.BlockTask> blocks = new ArrayList<>();
			for (ImageRow r : mosaics.values()) blocks.addAll(SegmentTasks.blocks(r, JobFiles.stem(r.image), o));
			out.printf(Locale.ROOT, "%d image%s cut into %d blocks of at most %d x %d pixels.%n", mosaics.size(), mosaics.size() == 1 ? "" : "s",
					blocks.size(), o.blockSize, o.blockSize);
			rows.addAll(jsc.parallelize(blocks, blocks.size())
					.mapToPair(b -> new Tuple2<>(b.image(), SegmentTasks.block(b, o)))
					.groupByKey(mosaics.size())
					.map(g -> SegmentTasks.stitch(mosaics.get(g._1()), JobFiles.stem(g._1()), g._2(), o))
					.collect());
		}
		// the summary in the order of the inputs
		Map<String, Integer> order = new HashMap<>();
		for (int i = 0; i < images.size(); i++) order.put(images.get(i), i);
		rows.sort(java.util.Comparator.comparingInt(r -> order.getOrDefault(r.image, -1)));
		String csv = ImageRow.csv(rows);
		JobFiles.upload(fs, outDir, JobFiles.SUMMARY, "summary-" + Long.toHexString(System.nanoTime()), s -> s.write(csv.getBytes(StandardCharsets.UTF_8)));
		int done = 0, skipped = 0, failed = 0;
		long instances = 0;
		for (ImageRow r : rows) {
			switch (r.status) {
			case DONE -> done++;
			case SKIPPED -> skipped++;
			default -> {
				failed++;
				out.println("Error: " + r.error);
			}
			}
			instances += r.instances;
		}
		double seconds = (System.nanoTime() - t0) / 1e9;
		out.printf(Locale.ROOT, "%d image%s: %d segmented, %d skipped (already complete), %d failed; %d instances; %.1f s (%.2f images/s); summary in %s%n",
				images.size(), images.size() == 1 ? "" : "s", done, skipped, failed, instances, seconds, done / seconds,
				new org.apache.hadoop.fs.Path(outDir, JobFiles.SUMMARY));
		return new Totals(images.size(), done, skipped, failed, instances, seconds, csv.lines().toList());
	}
}
