package sc.fiji.ris.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.infer.SegmenterOptions;

/**
 * The command line of {@link SegmentJob}, parsed once on the driver and shipped to the tasks. The segmentation
 * options are those of {@code ris segment}, with the same names and defaults.
 */
public final class JobOptions implements Serializable {

	private static final long serialVersionUID = 1L;

	static final String HELP = String.join("\n",
			"Usage: spark-submit [Spark options] --class sc.fiji.ris.spark.SegmentJob ris.jar [options] INPUT... --output DIR",
			"",
			"  INPUT                 folders, globs (hdfs:///screen/plate1/*.tif) or text files listing one image",
			"                        path a line (any Hadoop file system: file:, hdfs:, s3a:); a list file must end",
			"                        in .txt or .list",
			"  --output DIR          where NAME_labels.tif, NAME_rois.zip, NAME_instances.csv and ris-summary.csv go",
			"  --model FILE          model package (.zip) on any Hadoop file system; default: the bundled model",
			"  --block-size N        images wider or taller than N pixels are cut into blocks of N x N (default 4096)",
			"  --block-margin N      pixels each block reaches beyond its core on every side, at least the largest",
			"                        object (default 128)",
			"  --overlay             also write NAME_overlay.png (not for images cut into blocks)",
			"  --min-confidence X, --mask-threshold X, --merge-solidity X, --tile-size N,",
			"  --object-diameter D|auto|model, --flips, --flip-votes N, --no-fill, --separate-encoding",
			"                        as for 'ris segment'; images cut into blocks are segmented at the object",
			"                        diameter given, or at the model's own with 'auto', and without flips",
			"",
			"PyTorch runs spark.task.cpus threads in each task. Outputs of an image are committed by NAME.ris-done,",
			"written last: a re-run skips the images that have one.");

	final List<String> inputs = new ArrayList<>();
	String output;
	String model;
	int blockSize = 4096;
	int blockMargin = 128;
	boolean overlay;
	double minConfidence = Double.NaN, maskThreshold = Double.NaN, mergeSolidity = Double.NaN;
	int tileSize;
	/** As {@code SegmenterOptions.objectDiameterSetting}: pixels, 0 for auto, -1 for the model's. */
	double objectDiameter;
	int flipVotes;
	boolean noFill, separateEncoding;
	/** PyTorch intra-op threads per task: {@code spark.task.cpus}, set by the driver. */
	int taskThreads = 1;
	/** The driver's Hadoop configuration ({@code spark.hadoop.*}, credentials for s3a:), for the tasks. */
	final java.util.HashMap<String, String> hadoop = new java.util.HashMap<>();
	private transient org.apache.hadoop.conf.Configuration conf;

	/** The Hadoop configuration the driver had. */
	synchronized org.apache.hadoop.conf.Configuration hadoopConf() {
		if (conf == null) {
			conf = new org.apache.hadoop.conf.Configuration(false);
			hadoop.forEach(conf::set);
		}
		return conf;
	}

	/** The mistake in a command line, in one sentence. */
	public static final class UsageException extends IllegalArgumentException {
		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}
	}

	/** Whether the arguments ask for help. */
	static boolean wantsHelp(String[] args) {
		for (String a : args) if (a.equals("--help") || a.equals("-h")) return true;
		return false;
	}

	/** Parses the job's arguments. */
	public static JobOptions parse(String[] args) {
		JobOptions o = new JobOptions();
		boolean flips = false;
		String flipVotes = null, diameter = "auto";
		for (int i = 0; i < args.length; i++) {
			String a = args[i];
			if (!a.startsWith("--")) {
				o.inputs.add(a);
				continue;
			}
			switch (a) {
			case "--overlay": o.overlay = true; continue;
			case "--flips": flips = true; continue;
			case "--no-fill": o.noFill = true; continue;
			case "--separate-encoding": o.separateEncoding = true; continue;
			default: break;
			}
			if (i + 1 >= args.length) throw new UsageException("The option " + a + " needs a value (see --help).");
			String v = args[++i];
			switch (a) {
			case "--output": o.output = v; break;
			case "--model": o.model = v; break;
			case "--block-size": o.blockSize = integer(a, v, 64, 1 << 16); break;
			case "--block-margin": o.blockMargin = integer(a, v, 0, 4096); break;
			case "--min-confidence": o.minConfidence = real(a, v, 0, 1); break;
			case "--mask-threshold": o.maskThreshold = real(a, v, 0, 1); break;
			case "--merge-solidity": o.mergeSolidity = real(a, v, 0, 1); break;
			case "--tile-size": o.tileSize = integer(a, v, 0, 4096); break;
			case "--object-diameter": diameter = v.trim(); break;
			case "--flip-votes": flipVotes = v; break;
			default: throw new UsageException("Unknown option " + a + " for the segmentation job: see --help.");
			}
		}
		if (o.inputs.isEmpty()) throw new UsageException("Give at least one input folder, glob or list file (see --help).");
		if (o.output == null) throw new UsageException("Give the output folder with --output DIR.");
		if (o.maskThreshold == 0 || o.maskThreshold == 1) throw new UsageException("The option --mask-threshold must lie strictly between 0 and 1.");
		if (o.tileSize != 0 && (o.tileSize < 32 || o.tileSize % 8 != 0))
			throw new UsageException("The option --tile-size must be 0 (the model's) or a multiple of 8 of at least 32, not " + o.tileSize + ".");
		if (2 * o.blockMargin >= o.blockSize) throw new UsageException("The option --block-margin must be less than half the block size.");
		if (diameter.equalsIgnoreCase("auto")) o.objectDiameter = 0;
		else if (diameter.equalsIgnoreCase("model")) o.objectDiameter = -1;
		else o.objectDiameter = real("--object-diameter", diameter, 0, 10000);
		if (flipVotes != null && !flips) throw new UsageException("--flip-votes applies only with --flips: add --flips or leave out --flip-votes.");
		o.flipVotes = !flips ? 0 : flipVotes == null ? -1 : integer("--flip-votes", flipVotes, 1, 4);
		return o;
	}

	private static int integer(String key, String v, int min, int max) {
		try {
			int n = Integer.parseInt(v.trim());
			if (n >= min && n <= max) return n;
		} catch (NumberFormatException e) {
			// said below
		}
		throw new UsageException("The option " + key + " needs a whole number from " + min + " to " + max + ", not '" + v + "'.");
	}

	private static double real(String key, String v, double min, double max) {
		try {
			double x = Double.parseDouble(v.trim());
			if (x >= min && x <= max) return x;
		} catch (NumberFormatException e) {
			// said below
		}
		throw new UsageException(String.format(Locale.ROOT, "The option %s needs a number from %s to %s, not '%s'.", key, min, max, v));
	}

	/** The segmenter options for whole images, as {@code ris segment} sets them. */
	SegmenterOptions segmenterOptions() {
		SegmenterOptions s = new SegmenterOptions();
		s.minConfidence = minConfidence;
		s.maskThreshold = maskThreshold;
		s.mergeSolidity = mergeSolidity;
		s.tileSize = tileSize;
		s.objectDiameterSetting(objectDiameter);
		s.shareEncoder = !separateEncoding;
		s.fillFromForeground = !noFill;
		s.flipVotes = flipVotes;
		return s;
	}

	/**
	 * The segmenter options for the blocks of a mosaic: one object size for all blocks (the given one, or the model's
	 * with 'auto', since an estimate per block could settle on different sizes on either side of a seam), one view.
	 */
	SegmenterOptions blockOptions() {
		SegmenterOptions s = segmenterOptions();
		s.objectDiameterSetting(objectDiameter > 0 ? objectDiameter : -1);
		s.flipVotes = 0;
		return s;
	}
}
