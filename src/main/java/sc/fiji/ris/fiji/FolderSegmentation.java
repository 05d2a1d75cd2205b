package sc.fiji.ris.fiji;

import ij.ImagePlus;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import sc.fiji.ris.UserError;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.Progress;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmentStats;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.imagej.LabelImages;

/**
 * Segments every image of a folder whose name matches a glob, writing per image the three files of
 * {@code ris segment} ({@link SegmentationFiles}). One bad file does not stop the others.
 */
public final class FolderSegmentation {

	/** What a run did. */
	public record Summary(int processed, int failed, boolean stopped) {

		/** The log's summary of a run over {@code files} images into {@code outDir}. */
		public String sentence(int files, Path outDir) {
			return "Batch Segment Folder: " + processed + " of " + files + " images segmented" + (failed > 0 ? ", " + failed + " failed" : "")
					+ (stopped ? ", stopped before the end" : "") + "; results in " + outDir + ".";
		}
	}

	private FolderSegmentation() {}

	/**
	 * The files of {@code dir} whose names match {@code pattern} (a glob such as {@code *.tif}), sorted by name,
	 * without the result files that segmenting another of them writes into {@code outDir} (so that a second run into
	 * the same folder does not segment its own label images).
	 *
	 * @throws IllegalArgumentException if {@code dir} is not a folder, the pattern is not a glob, or nothing matches
	 */
	public static List<Path> files(Path dir, String pattern, Path outDir) throws IOException {
		if (Files.exists(outDir) && !Files.isDirectory(outDir)) throw new UserError("The output folder " + outDir + " is a file: choose a folder for the results.");
		if (!Files.isDirectory(dir)) throw new UserError("The input folder " + dir + " does not exist or is not a folder: choose the folder that holds the images.");
		PathMatcher matcher;
		try {
			matcher = FileSystems.getDefault().getPathMatcher("glob:" + (pattern == null || pattern.isBlank() ? "*" : pattern.trim()));
		} catch (PatternSyntaxException e) {
			throw new UserError("The file pattern '" + pattern + "' is not a valid pattern (" + e.getDescription() + "): use a glob such as *.tif.");
		}
		List<Path> all = new ArrayList<>();
		try (Stream<Path> s = Files.list(dir)) {
			s.filter(p -> Files.isRegularFile(p) && matcher.matches(p.getFileName())).sorted().forEach(all::add);
		}
		Set<Path> results = new HashSet<>();
		for (Path p : all)
			for (Path r : SegmentationFiles.paths(outDir, ImagePairs.stem(p)))
				if (!r.equals(p)) results.add(r.toAbsolutePath().normalize());
		List<Path> out = new ArrayList<>();
		for (Path p : all) if (!results.contains(p.toAbsolutePath().normalize())) out.add(p);
		if (out.isEmpty()) throw new UserError("The input folder " + dir + " holds no file matching '" + pattern + "': choose another folder or file pattern.");
		return out;
	}

	/**
	 * Segments each file and writes its results into {@code outDir}.
	 *
	 * @param errors receives one sentence per file that failed, with the exception when it was unexpected (a bug to
	 *        report), else null
	 * @param warnings receives one sentence per file segmented with a caveat (RGB as luminance, a size estimate
	 *        whose second pass was rejected)
	 */
	public static Summary run(List<Path> files, Path outDir, Segmenter segmenter, Progress progress, BiConsumer<String, Throwable> errors, Consumer<String> warnings) {
		return run(files, outDir, segmenter, null, progress, errors, warnings);
	}

	/**
	 * As {@link #run(List, Path, Segmenter, Progress, BiConsumer, Consumer)}, refining every plane with {@code crf}
	 * (which needs a segmenter that keeps soft masks) unless it is null.
	 */
	public static Summary run(List<Path> files, Path outDir, Segmenter segmenter, DenseCrf crf, Progress progress, BiConsumer<String, Throwable> errors,
			Consumer<String> warnings) {
		int processed = 0, failed = 0;
		for (int i = 0; i < files.size(); i++) {
			if (progress.isCancelled()) return new Summary(processed, failed, true);
			Path file = files.get(i);
			progress.status("Segmenting " + (i + 1) + "/" + files.size() + ": " + file.getFileName());
			try {
				ImagePlus imp = ImageFiles.open(file);
				String warning = ImagePlusSegmenter.check(imp);
				LabelImages.checkNotLabels(imp);
				if (warning != null) warnings.accept(warning);
				// a stop is honoured between images only: a stack cut short would leave files with some of its planes
				List<SegmentStats> stats = new ArrayList<>();
				List<Instances> planes = ImagePlusSegmenter.segment(imp, segmenter, Progress.NONE, stats);
				for (int z = 0; z < stats.size(); z++)
					if (stats.get(z).warning != null)
						warnings.accept(file.getFileName() + (stats.size() > 1 ? ", plane " + (z + 1) : "") + ": " + stats.get(z).warning + ".");
				if (crf != null) planes = ImagePlusRefiner.refine(imp, planes, crf, Progress.NONE);
				SegmentationFiles.write(imp, planes, outDir, ImagePairs.stem(file));
				processed++;
			} catch (IllegalArgumentException | IOException e) {
				String sentence = FailureSentences.sentence(e);
				errors.accept(sentence != null ? sentence : "The file " + file + " could not be segmented (" + e + ").", sentence != null ? null : e);
				failed++;
			} catch (RuntimeException e) {
				// one image failing in an unexpected way must not stop the others; say which image it was
				errors.accept("Segmenting " + file + " failed unexpectedly (" + e + ").", e);
				failed++;
			}
			progress.progress(i + 1, files.size());
		}
		return new Summary(processed, failed, false);
	}
}
