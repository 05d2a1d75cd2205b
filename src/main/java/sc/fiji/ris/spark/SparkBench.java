package sc.fiji.ris.spark;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ImageProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.imagej.ImageFiles;

/**
 * {@code ris bench spark DIR}: images per second of the Spark job in {@code local[1]} and {@code local[2]} (one
 * PyTorch thread per task) and of {@code ris segment} (all cores) on the same folder, side by side, each run in its
 * own JVM through Spark's own launcher ({@code org.apache.spark.deploy.SparkSubmit}), with the label images of the
 * three compared; then a square mosaic tiled from the folder's images, segmented in blocks with {@code local[2]}: its
 * time and the peak resident memory of the JVM that ran its tasks (in local mode the executor is the driver's JVM).
 * Uses no Spark class itself, so that it loads without Spark; the children need Spark's jars on this JVM's class path.
 */
public final class SparkBench {

	private SparkBench() {}

	/** The job's class, by name: loading it would load Spark's classes in this JVM. */
	private static final String JOB = "sc.fiji.ris.spark.SegmentJob";

	/** One timed run of a child JVM. */
	private record Run(String what, int images, long instances, double wallSeconds, double jobSeconds, long peakRssMiB, Path output) {}

	/** Runs the benchmark; {@code args} as the launcher gives them ({@code bench spark [options] DIR}). */
	public static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		int repeat = 2, size = 16384, limit = 0;
		String model = null;
		Path work = null, dir = null;
		for (int i = 2; i < args.length; i++) {
			String a = args[i];
			if (!a.startsWith("--")) {
				dir = Path.of(a);
				continue;
			}
			if (i + 1 >= args.length) throw new JobOptions.UsageException("The option " + a + " of 'ris bench spark' needs a value.");
			String v = args[++i];
			switch (a) {
			case "--repeat" -> repeat = whole(a, v, 0, 100);
			case "--size" -> size = whole(a, v, 0, 65536);
			case "--limit" -> limit = whole(a, v, 0, 1_000_000);
			case "--output" -> work = Path.of(v);
			case "--model" -> model = v;
			default -> throw new JobOptions.UsageException("The option " + a + " does not apply to 'ris bench spark': use --repeat, --size, --limit, --output or --model.");
			}
		}
		if (dir == null) throw new JobOptions.UsageException("Give the folder of images to time: ris bench spark DIR.");
		try {
			Class.forName("org.apache.spark.deploy.SparkSubmit", false, SparkBench.class.getClassLoader());
		} catch (ClassNotFoundException e) {
			throw new JobOptions.UsageException("'ris bench spark' needs Apache Spark's jars on the class path: run it as java -cp \"target/ris.jar:target/lib/*:SPARK_HOME/jars/*\" sc.fiji.ris.cli.Main bench spark DIR.");
		}
		List<Path> images = ImagePairs.imageFiles(dir, "The folder");
		if (limit > 0 && images.size() > limit) images = images.subList(0, limit);
		if (work == null) work = Files.createTempDirectory("ris-bench-spark-");
		Files.createDirectories(work);
		Path input = work.resolve("input");
		if (!Files.isDirectory(input)) {
			Files.createDirectories(input);
			for (Path p : images) Files.copy(p, input.resolve(p.getFileName()));
		}
		out.printf(Locale.ROOT, "%d images of %s; %d cores; Java %s; work folder %s%n", images.size(), dir, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.version"), work);

		List<List<Run>> rounds = new ArrayList<>();
		for (int r = 0; r < repeat; r++) {
			List<Run> round = new ArrayList<>();
			round.add(spark("local[1]", input, work.resolve("r" + r + "-local1"), model, List.of(), "4g"));
			round.add(spark("local[2]", input, work.resolve("r" + r + "-local2"), model, List.of(), "4g"));
			round.add(segment(input, work.resolve("r" + r + "-segment"), model));
			rounds.add(round);
			out.printf(Locale.ROOT, "round %d:%n", r + 1);
			for (Run run : round) print(out, run);
		}
		if (repeat > 0) {
			out.println();
			out.println("| run | images | instances | wall s (median) | images/s, wall | job s (median) | images/s, job | peak RSS MiB (max) |");
			out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
			double[] jobRate = new double[3];
			for (int k = 0; k < 3; k++) {
				final int kk = k;
				double wall = median(rounds.stream().mapToDouble(x -> x.get(kk).wallSeconds()).toArray());
				double job = median(rounds.stream().mapToDouble(x -> x.get(kk).jobSeconds()).toArray());
				Run first = rounds.get(0).get(k);
				jobRate[k] = first.images() / job;
				long rss = rounds.stream().mapToLong(x -> x.get(kk).peakRssMiB()).max().orElse(0);
				out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.1f | %.2f | %d |%n", first.what(), first.images(), first.instances(), wall, first.images() / wall,
						job, first.images() / job, rss);
			}
			out.printf(Locale.ROOT, "local[2] / local[1]: %.2f times the images per second (job time, medians)%n", jobRate[1] / jobRate[0]);
			Run last1 = rounds.get(0).get(0), last2 = rounds.get(0).get(1), seg = rounds.get(0).get(2);
			out.printf(Locale.ROOT, "label images identical to ris segment's: local[1] %d/%d, local[2] %d/%d%n", sameLabels(last1.output(), seg.output(), images),
					images.size(), sameLabels(last2.output(), seg.output(), images), images.size());
			out.printf(Locale.ROOT, "complete results (markers) of local[2]: %d; summary rows: %d%n", count(last2.output(), JobFiles.MARKER),
					Files.readAllLines(last2.output().resolve(JobFiles.SUMMARY)).size() - 1);
		}
		if (size > 0) {
			Path mosaicDir = work.resolve("mosaic-" + size);
			Path mosaic = mosaicDir.resolve("mosaic" + size + ".tif");
			if (!Files.exists(mosaic)) {
				Files.createDirectories(mosaicDir);
				writeMosaic(images, size, mosaic);
			}
			out.printf(Locale.ROOT, "%nmosaic %d x %d tiled from the folder's images, blocks of 4096 x 4096 (margin 128), local[2]:%n", size, size);
			Run run = spark("local[2]", mosaicDir, work.resolve("mosaic-" + size + "-out"), model, List.of(), "14g");
			print(out, run);
		}
		return 0;
	}

	private static int whole(String key, String v, int min, int max) {
		try {
			int n = Integer.parseInt(v.trim());
			if (n >= min && n <= max) return n;
		} catch (NumberFormatException e) {
			// said below
		}
		throw new JobOptions.UsageException("The option " + key + " of 'ris bench spark' needs a whole number from " + min + " to " + max + ", not '" + v + "'.");
	}

	private static void print(PrintStream out, Run r) {
		out.printf(Locale.ROOT, "  %-30s %d images, %d instances, %.1f s wall, %.1f s in the job, peak RSS %d MiB%n", r.what(), r.images(), r.instances(),
				r.wallSeconds(), r.jobSeconds(), r.peakRssMiB());
	}

	private static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
	}

	/** The flags Spark's launcher gives its JVMs on Java 17 and 21 ({@code JavaModuleOptions}). */
	static final List<String> JAVA_OPTIONS = List.of("-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED",
			"--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
			"--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
			"--add-opens=java.base/java.util.concurrent=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
			"--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
			"--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
			"--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false", "-Dio.netty.tryReflectionSetAccessible=true");

	private static List<String> java(String heap) {
		List<String> c = new ArrayList<>();
		c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		c.addAll(JAVA_OPTIONS);
		c.add("-Xmx" + heap);
		c.add("-cp");
		c.add(System.getProperty("java.class.path"));
		return c;
	}

	/** What spark-submit runs, with the job: the jar that holds it, or "spark-internal" when it runs from a class folder. */
	private static Run spark(String master, Path input, Path output, String model, List<String> extra, String heap) throws IOException {
		List<String> c = java(heap);
		String jar = Path.of(toUri(SparkBench.class)).toString();
		c.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master, "--conf", "spark.ui.enabled=false", "--conf", "spark.driver.host=127.0.0.1",
				"--conf", "spark.driver.bindAddress=127.0.0.1", "--class", JOB, jar.endsWith(".jar") ? jar : "spark-internal",
				input.toString(), "--output", output.toString()));
		if (model != null) c.addAll(List.of("--model", model));
		c.addAll(extra);
		String[] log = new String[1];
		double[] t = time(c, output.resolveSibling(output.getFileName() + ".log"), log);
		Matcher m = Pattern.compile("(\\d+) images?: (\\d+) segmented, (\\d+) skipped .*?; (\\d+) instances; ([0-9.]+) s").matcher(log[0]);
		if (!m.find()) throw new IOException("The Spark job on " + input + " printed no totals; see " + output + ".log.");
		return new Run("SparkSubmit --master " + master, Integer.parseInt(m.group(2)), Long.parseLong(m.group(4)), t[0], Double.parseDouble(m.group(5)), (long) t[1], output);
	}

	private static java.net.URI toUri(Class<?> c) throws IOException {
		try {
			return c.getProtectionDomain().getCodeSource().getLocation().toURI();
		} catch (java.net.URISyntaxException e) {
			throw new IOException("The location of " + c.getName() + " is not a valid path (" + e.getMessage() + ").", e);
		}
	}

	private static Run segment(Path input, Path output, String model) throws IOException {
		List<String> c = java("4g");
		c.addAll(List.of("sc.fiji.ris.cli.Main", "segment", "--threads", Integer.toString(Runtime.getRuntime().availableProcessors()), "--output", output.toString()));
		if (model != null) c.addAll(List.of("--model", model));
		c.add(input.toString());
		String[] log = new String[1];
		double[] t = time(c, output.resolveSibling(output.getFileName() + ".log"), log);
		Matcher m = Pattern.compile(": (\\d+) instances in \\d+ planes? \\(([0-9.]+) s").matcher(log[0]);
		int n = 0;
		long instances = 0;
		double seconds = 0;
		while (m.find()) {
			n++;
			instances += Long.parseLong(m.group(1));
			seconds += Double.parseDouble(m.group(2));
		}
		return new Run("ris segment --threads " + Runtime.getRuntime().availableProcessors(), n, instances, t[0], seconds, (long) t[1], output);
	}

	/** Runs a child JVM to its end: wall seconds and its peak resident MiB (polled). */
	private static double[] time(List<String> command, Path log, String[] text) throws IOException {
		Files.createDirectories(log.getParent());
		long t0 = System.nanoTime();
		Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long peak = 0;
		Path status = Path.of("/proc", Long.toString(p.pid()), "status");
		try {
			while (!p.waitFor(200, java.util.concurrent.TimeUnit.MILLISECONDS)) peak = Math.max(peak, hwm(status));
		} catch (InterruptedException e) {
			p.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while timing " + command.get(command.size() - 1) + ".", e);
		}
		double wall = (System.nanoTime() - t0) / 1e9;
		text[0] = Files.readString(log, StandardCharsets.UTF_8);
		if (p.exitValue() != 0) throw new IOException("A benchmark run exited with " + p.exitValue() + "; see " + log + ".");
		return new double[] { wall, peak / 1024.0 };
	}

	/** VmHWM (peak resident set) of a running process, in KiB; 0 where /proc does not tell. */
	private static long hwm(Path status) {
		try {
			for (String line : Files.readAllLines(status))
				if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		} catch (IOException | NumberFormatException e) {
			// the process ended between two polls, or no /proc
		}
		return 0;
	}

	private static int sameLabels(Path a, Path b, List<Path> images) throws IOException {
		int same = 0;
		for (Path p : images) {
			String n = ImagePairs.stem(p) + "_labels.tif";
			if (Files.exists(a.resolve(n)) && Files.exists(b.resolve(n)) && Arrays.equals(Files.readAllBytes(a.resolve(n)), Files.readAllBytes(b.resolve(n)))) same++;
		}
		return same;
	}

	private static long count(Path dir, String suffix) throws IOException {
		try (Stream<Path> s = Files.list(dir)) {
			return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
		}
	}

	/** A square mosaic of side {@code size}, the images laid row by row (as often as needed), 16-bit. */
	static void writeMosaic(List<Path> images, int size, Path file) throws IOException {
		ImagePlus first = ImageFiles.open(images.get(0));
		ImageProcessor mosaic = new ij.process.ShortProcessor(size, size);
		int k = 0;
		for (int y = 0; y < size;) {
			int rowHeight = 0;
			for (int x = 0; x < size; k++) {
				ImageProcessor ip = ImageFiles.open(images.get(k % images.size())).getProcessor().convertToShort(false);
				mosaic.insert(ip, x, y);
				x += ip.getWidth();
				rowHeight = Math.max(rowHeight, ip.getHeight());
			}
			y += rowHeight;
		}
		ImagePlus imp = new ImagePlus(file.getFileName().toString(), mosaic);
		imp.setCalibration(first.getCalibration());
		Path tmp = file.resolveSibling("." + file.getFileName() + ".part");
		if (!new FileSaver(imp).saveAsTiff(tmp.toString())) throw new IOException("The mosaic " + tmp + " could not be written.");
		Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
	}
}
