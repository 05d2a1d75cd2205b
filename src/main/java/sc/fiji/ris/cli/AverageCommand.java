package sc.fiji.ris.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.PyTorchRuntime;
import sc.fiji.ris.model.RisModel;
import sc.fiji.ris.train.WeightAveraging;

/**
 * {@code ris average}: one model whose weights are the mean of several checkpoints of one training run (kept with
 * {@code ris train --keep-checkpoints}). The first checkpoint gives the configuration; choose the thresholds of the
 * result with {@code ris tune}.
 */
final class AverageCommand {

	static final String HELP = String.join("\n",
			"Usage: ris average --output MODEL.zip CHECKPOINT.zip... ",
			"",
			"Writes a model whose weights are the mean of the checkpoints' weights (stochastic weight averaging).",
			"The checkpoints must come from one training run (ris train --keep-checkpoints keeps them); the",
			"first gives the thresholds and other settings. Run ris tune on the result to choose its thresholds.",
			"",
			"  --output FILE   the averaged model package to write",
			"  --verbose       stack traces on errors");

	private AverageCommand() {}

	static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
		Args a = new Args("average", args, 1, Set.of("--output"), Set.of("--help"));
		if (a.has("--help")) { out.println(HELP); return 0; }
		Path output = Path.of(a.required("--output"));
		if (a.positional().size() < 2) throw new Args.UsageException("Give at least two checkpoints to average after --output.");
		if (Files.isDirectory(output)) throw new Args.UsageException("--output " + output + " is a folder: give the name of the model file to write.");
		List<Path> files = new ArrayList<>();
		for (String f : a.positional()) {
			Path p = Path.of(f);
			if (!Files.isRegularFile(p)) throw new Args.UsageException("The checkpoint " + p + " does not exist.");
			files.add(p);
		}
		PyTorchRuntime.start(1);
		List<RisModel> models = new ArrayList<>();
		List<String> names = new ArrayList<>();
		try {
			for (Path p : files) {
				models.add(ModelPackage.load(p));
				names.add(p.toString());
			}
			WeightAveraging.averageInto(models.get(0), models, names);
			ModelPackage.save(models.get(0), output);
			out.println("Averaged " + models.size() + " checkpoints (" + models.get(0).config().training.averaged + "); wrote " + output);
			return 0;
		} finally {
			for (RisModel m : models) m.close();
		}
	}
}
