package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;
import sc.fiji.ris.UserError;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.Progress;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.infer.AdvancedSettings;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;

/**
 * {@code ris segment}: segments image files or folders and writes, per image, a label image, an ImageJ RoiSet and
 * a table of instances. One bad file does not stop the others; the exit code says whether any failed.
 */
final class SegmentCommand {

	static final String HELP = String.join("\n",
			"Usage: ris segment [options] INPUT...",
			"",
			"  INPUT                 image files (TIFF, PNG; 8, 16, 32-bit; stacks plane by plane) or folders",
			"  --model FILE          model package (.zip); default: the bundled nuclei model",
			"  --output DIR          where to write NAME_labels.tif, NAME_rois.zip, NAME_instances.csv",
			"                        (default: ./ris-output)",
			"  --object-diameter D   typical object diameter in pixels: the image is rescaled so that objects",
			"                        have the size the model was trained for, and the results scaled back.",
			"                        'auto' or 0 (the default): measure the objects found at the model's size",
			"                        and, once, segment again at the measured size if their median diameter is",
			"                        more than 1.5 times larger or smaller, or if they were cut into pieces (a",
			"                        second pass with far more objects or work is rejected, with a warning);",
			"                        'model': the model's own size, no rescaling",
			"  --flips               also segment the image mirrored left-right, top-bottom and both, and keep",
			"                        the objects enough of the 4 views found (as the model was tuned for flips):",
			"                        better outlines, fewer stray pieces, about 3.3 times the time",
			"  --crf                 refine the masks with the dense CRF (default parameters, see 'ris refine')",
			"  --overlay             also write NAME_overlay.png: outlines on the normalised image (stacks:",
			"                        NAME_overlay_p0001.png, ... one per plane)",
			"  --threads N           PyTorch threads (default: all cores)",
			"  --settings FILE.json  advanced settings that the model otherwise owns, e.g.",
			"                        {\"minConfidence\": 0.6, \"coreMinArea\": 0}; the keys:",
			AdvancedSettings.describe().stream().map(l -> "                          " + l).collect(java.util.stream.Collectors.joining("\n")),
			"  --verbose             stack traces on errors",
			"",
			"The options of earlier versions for these settings (--min-confidence, --mask-threshold,",
			"--merge-solidity, --tile-size, --spot-min-area, --spot-min-foreground, --core-min-area,",
			"--core-threshold, --flip-votes, --no-fill, --separate-encoding) still work and override the file.");

	private SegmentCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err, boolean verbose) throws IOException {
		Args a = new Args("segment", args, 1, Set.of("--model", "--output", "--settings", "--min-confidence", "--mask-threshold", "--merge-solidity", "--tile-size", "--object-diameter", "--threads", "--flip-votes", "--spot-min-area", "--spot-min-foreground", "--core-min-area", "--core-threshold"),
				Set.of("--help", "--crf", "--overlay", "--shared-encoding", "--separate-encoding", "--no-fill", "--flips"));
		if (a.has("--help")) { out.println(HELP); return 0; }
		if (a.positional().isEmpty()) throw new Args.UsageException("Give at least one image file or folder to segment (see 'ris segment --help').");
		SegmenterOptions o = new SegmenterOptions();
		Path settings = a.path("--settings");
		if (settings != null) AdvancedSettings.read(settings, o);
		// the options of earlier versions for the advanced settings override the file
		o.minConfidence = a.real("--min-confidence", o.minConfidence, 0, 1);
		o.mergeSolidity = a.real("--merge-solidity", o.mergeSolidity, 0, 1);
		o.maskThreshold = a.real("--mask-threshold", o.maskThreshold, 0, 1);
		if (o.maskThreshold == 0 || o.maskThreshold == 1)
			throw new Args.UsageException("The option --mask-threshold must lie strictly between 0 and 1, not " + a.get("--mask-threshold", "") + ".");
		o.tileSize = a.integer("--tile-size", o.tileSize, 0, 4096);
		if (o.tileSize != 0 && (o.tileSize < 32 || o.tileSize % 8 != 0))
			throw new Args.UsageException("The option --tile-size must be 0 (the model's) or a multiple of 8 of at least 32, not " + o.tileSize + ".");
		o.objectDiameterSetting(a.objectDiameter());
		if (a.has("--shared-encoding") || a.has("--separate-encoding")) o.shareEncoder = a.sharedEncoding();
		if (a.has("--no-fill")) o.fillFromForeground = false;
		o.spotMinArea = a.integer("--spot-min-area", o.spotMinArea, 0, 1_000_000);
		o.spotMinForeground = a.real("--spot-min-foreground", o.spotMinForeground, 0.5, 1);
		o.coreMinArea = a.integer("--core-min-area", o.coreMinArea, 0, 1_000_000);
		o.coreThreshold = a.real("--core-threshold", o.coreThreshold, 0, 1);
		if (o.coreThreshold == 0 || o.coreThreshold == 1)
			throw new Args.UsageException("The option --core-threshold must lie strictly between 0 and 1, not " + a.get("--core-threshold", "") + ".");
		int fileVotes = o.flipVotes;
		o.flipVotes = a.flipVotes();
		// the file's votes apply when flips are asked for without --flip-votes
		if (o.flipVotes == -1 && fileVotes > 0) o.flipVotes = fileVotes;
		boolean overlay = a.has("--overlay");
		int threads = a.integer("--threads", 0, 0, 1024);
		DenseCrf crf = a.has("--crf") ? new DenseCrf() : null;
		o.keepSoftMasks = crf != null;
		Path outDir = Path.of(a.get("--output", "ris-output"));
		if (Files.exists(outDir) && !Files.isDirectory(outDir))
			throw new Args.UsageException("--output " + outDir + " is a file, not a folder: give a folder for the results.");
		Path modelFile = a.path("--model");
		if (modelFile != null && !Files.isRegularFile(modelFile))
			throw new UserError("The model file " + modelFile + " does not exist.");

		List<Path> inputs = new ArrayList<>();
		int failed = 0;
		for (String s : a.positional()) {
			Path p = Path.of(s);
			if (Files.isDirectory(p)) {
				try {
					inputs.addAll(ImagePairs.imageFiles(p, "The folder"));
				} catch (IllegalArgumentException e) {
					err.println("Error: " + e.getMessage());
					failed++;
				}
			} else if (Files.exists(p)) inputs.add(p);
			else {
				err.println("Error: The input " + p + " does not exist.");
				failed++;
			}
		}
		if (inputs.isEmpty()) {
			// nothing to segment: do not load the model, nor create an empty output folder
			err.printf(Locale.ROOT, "%d input%s failed; there is no image to segment.%n", failed, failed == 1 ? "" : "s");
			return 1;
		}
		PyTorchRuntime.start(threads);
		Path createdFrom = null; // the outermost folder of the output path that this run creates
		int written = 0;
		try (RisModel model = modelFile == null ? ModelPackage.loadBundled() : ModelPackage.load(modelFile)) {
			Segmenter segmenter = new Segmenter(model, o);
			if (segmenter.flipSettings() != null) out.println("Segmenting " + segmenter.flipSettings() + ".");
			try {
				for (Path q = outDir.toAbsolutePath(); q != null && !Files.exists(q); q = q.getParent()) createdFrom = q;
				Files.createDirectories(outDir);
			} catch (IOException e) {
				throw new IOException("The output folder " + outDir + " cannot be created (" + e.getMessage() + ").", e);
			}
			for (Path file : inputs) {
				long t0 = System.nanoTime();
				String name = ImagePairs.stem(file);
				try {
					ImagePlus imp = ImageFiles.open(file);
					String warning = ImagePlusSegmenter.check(imp);
					if (warning != null) err.println("Warning: " + warning);
					List<SegmentStats> stats = new java.util.ArrayList<>();
					List<Instances> planes = ImagePlusSegmenter.segment(imp, segmenter, Progress.NONE, stats);
					if (crf != null) planes = ImagePlusRefiner.refine(imp, planes, crf, Progress.NONE);
					SegmentationFiles.write(imp, planes, outDir, name, overlay);
					written++;
					int n = planes.stream().mapToInt(Instances::count).sum();
					for (int z = 0; z < stats.size(); z++)
						if (stats.get(z).warning != null)
							err.println("Warning: " + file.getFileName() + (stats.size() > 1 ? ", plane " + (z + 1) : "") + ": " + stats.get(z).warning + ".");
					String again = o.estimateDiameter ? SegmentStats.resegmented(stats) : null;
					String rescaled = again == null ? "" : ", segmented again " + again;
					out.printf(Locale.ROOT, "%s: %d instances in %d plane%s (%.2f s%s)%n", file.getFileName(), n, planes.size(),
							planes.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9, rescaled);
				} catch (UserError | IOException e) {
					String sentence = FailureSentences.sentence(e, InvalidSetting::flag);
					err.println("Error: " + (sentence != null ? sentence : "segmenting " + file + " failed (" + e + ")."));
					failed++;
				} catch (RuntimeException e) {
					// an unexpected failure on one image must not stop the others; say which image it was
					err.println("Error: segmenting " + file + " failed unexpectedly (" + e + "); please report it with the trace below.");
					e.printStackTrace(err);
					failed++;
				}
			}
		}
		if (written == 0) {
			// every image failed: remove the folders this run created, so that no empty output is left behind
			if (createdFrom != null) removeEmpty(outDir.toAbsolutePath(), createdFrom);
			err.printf(Locale.ROOT, "%d input%s failed; no results were written.%n", failed, failed == 1 ? "" : "s");
			return 1;
		}
		if (failed > 0) {
			err.printf(Locale.ROOT, "%d input%s failed; the results of the others are in %s.%n", failed, failed == 1 ? "" : "s", outDir);
			return 1;
		}
		out.printf(Locale.ROOT, "Wrote results for %d image%s to %s%n", inputs.size(), inputs.size() == 1 ? "" : "s", outDir);
		return 0;
	}

	/** Deletes {@code folder} and its parents up to {@code outermost}, as long as they are empty. */
	private static void removeEmpty(Path folder, Path outermost) {
		for (Path q = folder; q != null && q.startsWith(outermost); q = q.getParent()) {
			try {
				Files.deleteIfExists(q);
			} catch (IOException e) {
				return; // not empty (or not ours to delete): leave it
			}
		}
	}
}
