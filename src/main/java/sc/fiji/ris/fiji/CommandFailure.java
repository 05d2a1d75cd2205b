package sc.fiji.ris.fiji;

import ij.IJ;
import java.awt.GraphicsEnvironment;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.scijava.Context;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.ui.UIService;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;

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
	 * Reports a failure: expected ones ({@link sc.fiji.ris.UserError}, {@link java.io.IOException}: the core throws
	 * them with a sentence for the user) by their sentence; anything else as an unexpected failure of {@code what}, with
	 * the stack trace in the log for a bug report.
	 *
	 * @param what what was being done, e.g. "Segmenting 'cells.tif'"
	 */
	public static void report(ContextCommand command, String what, Throwable e) {
		report(command, what, e, UnaryOperator.identity());
	}

	/**
	 * As {@link #report(ContextCommand, String, Throwable)}, with an {@link InvalidSetting} naming its setting as the
	 * command's dialog does.
	 *
	 * @param parameterOf the command's parameter name for a setting id (the id itself where they agree)
	 */
	public static void report(ContextCommand command, String what, Throwable e, UnaryOperator<String> parameterOf) {
		String message = FailureSentences.sentence(e, parameterOf);
		if (message != null) {
			LogService log = log(command);
			// expected failures carry their whole story in the sentence; the trace only helps developers
			if (log != null) log.debug(e);
			deliver(command, message, null);
		} else {
			deliver(command, what + " failed unexpectedly (" + e + "): the log holds the details; please report them.", e);
		}
	}

	/**
	 * A command's parameter names for the settings whose ids differ from them, e.g. {@code parameters("crop",
	 * "crop_size")}; other settings keep their ids.
	 *
	 * @param idThenName pairs of a setting id and the command's parameter name
	 */
	public static UnaryOperator<String> parameters(String... idThenName) {
		Map<String, String> names = new HashMap<>();
		for (int i = 0; i + 1 < idThenName.length; i += 2) names.put(idThenName[i], idThenName[i + 1]);
		return id -> names.getOrDefault(id, id);
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
}
