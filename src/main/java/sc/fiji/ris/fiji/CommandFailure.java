package sc.fiji.ris.fiji;

import ij.IJ;
import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.scijava.Context;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.ui.UIService;

/**
 * How the commands report a failure: one sentence (which input, what is wrong, what to do) reaches the user, and the
 * command cancels itself with that sentence as the reason, so that SciJava reports a cancelled module rather than a
 * crash and publishes no outputs.
 * <p>
 * Where the sentence goes: headless (no display, or SciJava's {@code --headless}), to the log; while an ImageJ macro
 * runs (batch mode, {@code ImageJ -batch}, a macro of the interactive application), to the log too and never into a
 * dialog, as no one may be there to close it: the bridge (or Fiji's legacy layer) stops the macro with the sentence as
 * its error; with a display and a visible SciJava UI (Fiji), nowhere extra, because SciJava's {@code ModuleRunner}
 * hands the cancel reason to {@code StatusService.warn}, which that UI shows as a dialog (showing one here too would
 * give two dialogs); in an interactive run with a display but no SciJava UI (plain ImageJ through the bridge), an
 * ImageJ error dialog.
 */
public final class CommandFailure {

	/** The title of the error dialogs. */
	public static final String TITLE = "RIS";

	private CommandFailure() {}

	/** Reports {@code message} (one sentence) and cancels {@code command} with it. */
	public static void report(ContextCommand command, String message) {
		deliver(command, message, null);
	}

	/**
	 * Reports a failure: expected ones ({@link IllegalArgumentException}, {@link IOException}: the core throws them
	 * with a sentence for the user) by their message; anything else as an unexpected failure of {@code what}, with
	 * the stack trace in the log for a bug report.
	 *
	 * @param what what was being done, e.g. "Segmenting 'cells.tif'"
	 */
	public static void report(ContextCommand command, String what, Throwable e) {
		String message = sentence(e);
		if (message != null) {
			LogService log = log(command);
			// expected failures carry their whole story in the sentence; the trace only helps developers
			if (log != null) log.debug(e);
			deliver(command, message, null);
		} else {
			deliver(command, what + " failed unexpectedly (" + e + "): the log holds the details; please report them.", e);
		}
	}

	/** Shows or logs the sentence (and logs {@code trace}, if any), then cancels the command with the sentence. */
	private static void deliver(ContextCommand command, String message, Throwable trace) {
		Context context = command.getContext();
		LogService log = log(command);
		UIService ui = context == null ? null : context.getService(UIService.class);
		// headless also when asked for on the command line (--headless) on a machine that has a display
		boolean headless = GraphicsEnvironment.isHeadless() || ui != null && ui.isHeadless();
		// a macro stops with the sentence as its error instead: in ImageJ -batch, a modal dialog would wait forever
		boolean macro = IJ.isMacro();
		// headless and in a macro, the log is the channel; an unexpected failure's trace goes there in any case, for a
		// bug report
		if (headless || macro || trace != null) {
			if (log != null) log.error(message, trace);
			else System.err.println("[ERROR] " + message);
		}
		if (!headless && !macro && (ui == null || !ui.isVisible())) IJ.error(TITLE, message);
		command.cancel(message);
	}

	private static LogService log(ContextCommand command) {
		Context context = command.getContext();
		return context == null ? null : context.getService(LogService.class);
	}

	/** The sentence that {@code e} carries for the user, or null if it is not a failure the core expects. */
	public static String sentence(Throwable e) {
		if (e instanceof UncheckedIOException && e.getCause() != null) e = e.getCause();
		if (e instanceof FileSystemException f) {
			String reason = f.getReason();
			// the core puts a whole sentence into the reason; plain NIO exceptions carry only a file name
			if (reason != null && reason.endsWith(".")) return reason;
			String kind = f instanceof NoSuchFileException ? "it does not exist" : f instanceof AccessDeniedException ? "permission denied" : reason != null ? reason : f.getClass().getSimpleName();
			return "The path " + f.getFile() + (f.getOtherFile() != null ? " (or " + f.getOtherFile() + ")" : "") + " cannot be used: " + kind + ".";
		}
		if (e instanceof IllegalArgumentException || e instanceof IOException) {
			String m = e.getMessage();
			return m == null || m.isBlank() ? null : m;
		}
		return null;
	}
}
