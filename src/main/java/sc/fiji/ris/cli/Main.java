package sc.fiji.ris.cli;

import java.io.PrintStream;
import java.util.Arrays;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;

/**
 * The {@code ris} launcher: {@code java -jar target/ris.jar COMMAND [options]}. Runs the same core as the Fiji
 * commands, without Fiji. Exit codes: 0 success, 1 a failure while working (a bad file, a broken model), 2 a
 * mistake in the command line.
 */
public final class Main {

	static final String USAGE = String.join("\n",
			"Usage: ris COMMAND [options]",
			"",
			"Commands:",
			"  segment    find every nucleus in images (files or folders)",
			"  refine     refine a label image with the dense CRF",
			"  train      train a model on image/label folders",
			"  evaluate   score predicted label images against ground truth",
			"  tune       choose a model's thresholds on validation images",
			"  bench      time the network, whole-image segmentation or the dense CRF",
			"",
			"Run 'ris COMMAND --help' for the options of a command. Add --verbose for stack traces.");

	private Main() {}

	public static void main(String[] args) {
		quietLogging();
		System.exit(run(args, System.out, System.err));
	}

	/**
	 * The launcher has no SLF4J binding (Fiji brings its own), so SLF4J would open every command with three lines of
	 * warnings about it. It gets the no-operation provider and reports only its own errors, unless the user set either
	 * property.
	 */
	static void quietLogging() {
		if (System.getProperty("slf4j.provider") == null) System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
		if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
	}

	/** Runs a command and returns its exit code (for tests). */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		boolean verbose = Arrays.asList(args).contains("--verbose");
		String[] rest = Arrays.stream(args).filter(a -> !a.equals("--verbose")).toArray(String[]::new);
		if (rest.length == 0 || rest[0].equals("--help") || rest[0].equals("-h") || rest[0].equals("help")) {
			out.println(USAGE);
			return rest.length == 0 ? 2 : 0;
		}
		try {
			switch (rest[0]) {
			case "train": return TrainCommand.run(rest, out, err);
			case "evaluate": return EvaluateCommand.run(rest, out, err);
			case "bench": return BenchCommand.run(rest, out, err);
			case "tune": return TuneCommand.run(rest, out, err);
			case "segment": return SegmentCommand.run(rest, out, err, verbose);
			case "refine": return RefineCommand.run(rest, out, err);
			default:
				err.println("Error: Unknown command '" + rest[0] + "': see 'ris --help'.");
				return 2;
			}
		} catch (Args.UsageException e) {
			err.println("Error: " + e.getMessage());
			return 2;
		} catch (Exception | LinkageError e) {
			// a file error carries its sentence in its reason (or only a path, for plain NIO ones): say it as Fiji does
			String msg = FailureSentences.sentence(e, InvalidSetting::flag);
			if (msg != null) {
				err.println("Error: " + msg);
				if (verbose) e.printStackTrace(err);
			} else {
				// not a failure the core expects: its trace is what a bug report needs
				err.println("Error: ris " + rest[0] + " failed unexpectedly (" + e + "); please report it with the trace below.");
				e.printStackTrace(err);
			}
			return 1;
		}
	}
}
