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
import sc.fiji.ris.Progress;
import sc.fiji.ris.crf.CrfParameters;
import sc.fiji.ris.crf.DenseCrf;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusRefiner;
import sc.fiji.ris.imagej.SegmentationFiles;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.io.LabelTiffWriter;

/**
 * {@code ris refine}: refines a label image with the dense CRF on its intensity image and writes the refined 16-bit
 * label image with the image's planes and calibration. Nothing is written unless every plane was refined.
 */
final class RefineCommand {

	/** The CRF's options, shared with {@code ris bench crf}. */
	static final Set<String> CRF_OPTIONS = Set.of("--spatial-width", "--intensity-width", "--smoothness-width", "--appearance-weight", "--smoothness-weight",
			"--iterations", "--label-confidence", "--margin");

	static final String CRF_HELP = String.join("\n",
			"  --spatial-width X      theta_alpha, appearance kernel width in pixels (default " + num(CrfParameters.DEFAULTS.spatialWidth()) + ")",
			"  --intensity-width X    theta_beta, appearance kernel width in intensity scaled by the 1st and 99.8th",
			"                         percentiles (default " + num(CrfParameters.DEFAULTS.intensityWidth()) + ")",
			"  --smoothness-width X   theta_gamma, smoothness kernel width in pixels (default " + num(CrfParameters.DEFAULTS.smoothnessWidth()) + ")",
			"  --appearance-weight X  w1, weight of the appearance kernel, 0 = off (default " + num(CrfParameters.DEFAULTS.appearanceWeight()) + ")",
			"  --smoothness-weight X  w2, weight of the smoothness kernel, 0 = off (default " + num(CrfParameters.DEFAULTS.smoothnessWeight()) + ")",
			"  --iterations N         mean-field iterations (default " + CrfParameters.DEFAULTS.iterations() + ")",
			"  --label-confidence X   probability of a pixel's own label, above 0.5 and below 1 (default " + num(CrfParameters.DEFAULTS.labelConfidence()) + ")",
			"  --margin N             how far, in pixels, an instance may grow beyond its box (default " + CrfParameters.DEFAULTS.margin() + ")");

	static final String HELP = String.join("\n",
			"Usage: ris refine --image FILE --labels FILE --output FILE [CRF options]",
			"",
			"  --image FILE           the intensity image (TIFF, PNG; 8, 16, 32-bit; stacks plane by plane)",
			"  --labels FILE          its label image (0 = background, whole numbers; the same size and planes)",
			"  --output FILE          where to write the refined 16-bit label image (TIFF)",
			CRF_HELP,
			"  --verbose              stack traces on errors");

	private RefineCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Set<String> valued = new java.util.HashSet<>(CRF_OPTIONS);
		valued.addAll(Set.of("--image", "--labels", "--output"));
		Args a = new Args("refine", args, 1, valued, Set.of("--help"));
		if (a.has("--help")) { out.println(HELP); return 0; }
		if (!a.positional().isEmpty()) throw new Args.UsageException("'ris refine' takes no positional arguments ('" + a.positional().get(0) + "'): give --image, --labels and --output.");
		Path imageFile = Path.of(a.required("--image")), labelsFile = Path.of(a.required("--labels")), output = Path.of(a.required("--output"));
		if (Files.isDirectory(output)) throw new Args.UsageException("--output " + output + " is a folder: give the name of the label image file to write.");
		DenseCrf crf = new DenseCrf(parameters(a));

		long t0 = System.nanoTime();
		ImagePlus image = ImageFiles.open(imageFile), labels = ImageFiles.open(labelsFile);
		List<Instances> planes = ImagePlusRefiner.refine(image, labels, "--labels", crf, Progress.NONE);
		List<int[]> refined = new ArrayList<>(planes.size());
		int count = 0;
		for (Instances p : planes) {
			refined.add(p.labels());
			count += p.count();
		}
		LabelTiffWriter.write(output, refined, image.getWidth(), image.getHeight(), SegmentationFiles.dimensions(image), SegmentationFiles.calibration(image));
		out.printf(Locale.ROOT, "%s: %d instance%s in %d plane%s after refinement (%.2f s); wrote %s%n", labelsFile.getFileName(), count, count == 1 ? "" : "s", planes.size(),
				planes.size() == 1 ? "" : "s", (System.nanoTime() - t0) / 1e9, output);
		return 0;
	}

	/** The CRF parameters from the command line, the defaults for those not given. */
	static CrfParameters parameters(Args a) {
		CrfParameters d = CrfParameters.DEFAULTS;
		try {
			return new CrfParameters(
					a.real("--spatial-width", d.spatialWidth(), CrfParameters.MIN_SPATIAL_WIDTH, CrfParameters.MAX_SPATIAL_WIDTH),
					a.real("--intensity-width", d.intensityWidth(), CrfParameters.MIN_INTENSITY_WIDTH, CrfParameters.MAX_INTENSITY_WIDTH),
					a.real("--smoothness-width", d.smoothnessWidth(), CrfParameters.MIN_SMOOTHNESS_WIDTH, CrfParameters.MAX_SMOOTHNESS_WIDTH),
					a.real("--appearance-weight", d.appearanceWeight(), 0, CrfParameters.MAX_WEIGHT),
					a.real("--smoothness-weight", d.smoothnessWeight(), 0, CrfParameters.MAX_WEIGHT),
					a.integer("--iterations", d.iterations(), 0, CrfParameters.MAX_ITERATIONS),
					a.real("--label-confidence", d.labelConfidence(), 0.5, 1),
					a.integer("--margin", d.margin(), 0, CrfParameters.MAX_MARGIN));
		} catch (IllegalArgumentException e) {
			// the ranges above are inclusive; the label confidence's are not, and the record says so
			throw new Args.UsageException(e.getMessage().replace("The CRF's label confidence", "The option --label-confidence"));
		}
	}

	private static String num(double v) {
		return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
	}
}
