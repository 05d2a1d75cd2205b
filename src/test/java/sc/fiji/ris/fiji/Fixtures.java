package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.Opener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.prefs.PrefService;

/** Sample images and a way to run a command through a real SciJava {@link Context} for the command tests. */
final class Fixtures {

	static final Path SAMPLES = Path.of("sample-images");

	private Fixtures() {}

	/** The sample image files, sorted. */
	static List<Path> sampleImages() throws IOException {
		try (Stream<Path> s = Files.list(SAMPLES.resolve("images"))) {
			return s.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
	}

	/** Opens a sample image ({@code images/NAME}) or label image ({@code labels/NAME}). */
	static ImagePlus open(String folder, String name) {
		ImagePlus imp = new Opener().openImage(SAMPLES.resolve(folder).resolve(name).toAbsolutePath().toString());
		assertNotNull(imp, "sample " + folder + "/" + name);
		return imp;
	}

	/** The name of the first sample image. */
	static String first() throws IOException {
		return sampleImages().get(0).getFileName().toString();
	}

	/**
	 * A context for command tests, with the remembered parameter values of {@code command} forgotten, so that
	 * neither an earlier run nor a user's Fiji settings on this machine change what a test runs.
	 */
	static Context context(Class<? extends Command> command) {
		Context context = new Context();
		forget(context, command);
		return context;
	}

	/** Forgets the parameter values SciJava remembered for {@code command}, then disposes of the context. */
	static void dispose(Context context, Class<? extends Command> command) {
		forget(context, command);
		context.dispose();
	}

	private static void forget(Context context, Class<? extends Command> command) {
		context.service(PrefService.class).clear(command);
	}

	/**
	 * Runs a command with pre- and postprocessing, as Fiji does, and waits for it; the values an earlier run left
	 * remembered are forgotten first, so that the inputs not given are the defaults, whatever ran before.
	 */
	static CommandModule run(Context context, Class<? extends Command> command, Object... inputs) throws Exception {
		forget(context, command);
		return context.service(CommandService.class).run(command, true, inputs).get();
	}

	/** The module was cancelled with one clear sentence that mentions each of {@code fragments}. */
	static void assertFailed(CommandModule module, String... fragments) {
		assertTrue(module.isCanceled(), "the command should have failed");
		String reason = module.getCancelReason();
		assertNotNull(reason, "a failure carries a reason");
		assertFalse(reason.contains("\n"), "one line: " + reason);
		assertFalse(reason.contains("Exception"), "no exception class names: " + reason);
		assertTrue(reason.endsWith("."), "a sentence: " + reason);
		for (String f : fragments) assertTrue(reason.contains(f), "'" + reason + "' should mention '" + f + "'");
	}

	/** The largest value of a label image, over all planes. */
	static int maxLabel(ImagePlus labels) {
		int max = 0;
		for (int z = 1; z <= labels.getStackSize(); z++) {
			var ip = labels.getStack().getProcessor(z);
			for (int i = 0; i < ip.getPixelCount(); i++) max = Math.max(max, (int) ip.getf(i));
		}
		return max;
	}

	/** The number of instances of a label image: the largest label per plane (labels are consecutive), summed. */
	static int countLabels(ImagePlus labels) {
		int n = 0;
		for (int z = 1; z <= labels.getStackSize(); z++) {
			var ip = labels.getStack().getProcessor(z);
			int max = 0;
			boolean[] seen = new boolean[65536];
			for (int i = 0; i < ip.getPixelCount(); i++) {
				int v = (int) ip.getf(i);
				seen[v] = true;
				max = Math.max(max, v);
			}
			for (int l = 1; l <= max; l++) assertTrue(seen[l], "labels are consecutive: label " + l + " of plane " + z + " is missing");
			n += max;
		}
		return n;
	}
}
