package sc.fiji.ris.cli;

import ij.ImagePlus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sc.fiji.ris.UserError;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.data.ImagePairs;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.eval.EvaluationResult;
import sc.fiji.ris.io.AtomicFiles;

/**
 * {@code ris evaluate}: pairs each predicted label image with its ground truth by name ({@code NAME.tif} or
 * {@code NAME_labels.tif}), prints the metrics pooled over all images, and optionally writes them as JSON.
 */
final class EvaluateCommand {

	static final String HELP = String.join("\n",
			"Usage: ris evaluate --pred DIR --gt DIR [--json FILE]",
			"",
			"  --pred DIR    predicted label images (NAME.tif or NAME_labels.tif)",
			"  --gt DIR      ground-truth label images (NAME.tif or NAME_labels.tif)",
			"  --json FILE   also write the scores as JSON");

	private EvaluateCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Args a = new Args("evaluate", args, 1, Set.of("--pred", "--gt", "--json"), Set.of("--help"));
		if (a.has("--help")) { out.println(HELP); return 0; }
		Path predDir = Path.of(a.required("--pred"));
		Path gtDir = Path.of(a.required("--gt"));
		Path json = a.path("--json");
		if (json != null && Files.isDirectory(json)) throw new Args.UsageException("--json " + json + " is a folder: give a file name.");
		EvaluationResult r = evaluate(predDir, gtDir);
		out.print(r.toTable());
		if (json != null) {
			AtomicFiles.write(json, r.toJson().getBytes(StandardCharsets.UTF_8));
			out.println("Wrote " + json);
		}
		return 0;
	}

	/** Scores every ground-truth image against the prediction of the same name. */
	static EvaluationResult evaluate(Path predDir, Path gtDir) throws IOException {
		Map<String, Path> preds = new HashMap<>();
		for (Path p : ImagePairs.imageFiles(predDir, "--pred")) preds.put(ImagePairs.stem(p), p);
		List<Path> gts = ImagePairs.imageFiles(gtDir, "--gt");
		Evaluation evaluation = new Evaluation();
		for (Path g : gts) {
			String name = ImagePairs.stem(g);
			Path p = preds.get(name);
			if (p == null) throw new UserError("The ground truth " + g + " has no prediction named " + name + ".tif or " + name + "_labels.tif in " + predDir + ".");
			ImagePlus gi = ImageFiles.open(g), pi = ImageFiles.open(p);
			if (gi.getWidth() != pi.getWidth() || gi.getHeight() != pi.getHeight() || gi.getStackSize() != pi.getStackSize())
				throw new UserError("The prediction " + p + " does not have the size of its ground truth " + g + ".");
			for (int z = 1; z <= gi.getStackSize(); z++)
				evaluation.add(gi.getStackSize() == 1 ? name : name + ":" + z, ImageFiles.labels(pi, z, p), ImageFiles.labels(gi, z, g));
		}
		return evaluation.result();
	}
}
