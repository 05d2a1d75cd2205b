package sc.fiji.ris.fiji.bridge;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Macro;
import ij.WindowManager;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import java.awt.GraphicsEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.process.CheckInputsPreprocessor;
import org.scijava.module.process.InitPreprocessor;
import org.scijava.module.process.LoggerPreprocessor;
import org.scijava.module.process.ModulePreprocessor;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.module.process.SaveInputsPreprocessor;
import org.scijava.module.process.ServicePreprocessor;
import org.scijava.module.process.ValidityPreprocessor;
import org.scijava.plugin.PluginService;
import sc.fiji.ris.UserError;
import sc.fiji.ris.fiji.CommandFailure;

/**
 * Runs a SciJava command of RIS for Fiji in plain ImageJ 1.x, where there is no SciJava user interface. One generic
 * IJ1 plugin serves every command: each line of the {@code plugins.config} in {@code RIS_Bridge.jar} names this class
 * with a command's class as argument, e.g.
 * {@code Plugins>Segmentation>RIS, "Segment Instances", sc.fiji.ris.fiji.bridge.CommandBridge("sc.fiji.ris.fiji.SegmentInstancesCommand")}.
 * <p>
 * Called by a macro ({@code run("Segment Instances", "input=[cells.tif] model_file=[] ...")}), it reads the options by
 * the command's parameter names, as Fiji does; options left out take the command's defaults and an image left out is
 * the active image. Called from the menu, it shows an ImageJ dialog built from the command's parameters and records
 * the call for the macro recorder under the same names. It then runs the command in a SciJava {@link Context} (one
 * per JVM, made on first use) on the calling thread, shows the images the command returns and logs its other
 * outputs. A failure reaches the user as one sentence: in an interactive run (a display, no macro) an error dialog;
 * in a macro (batch mode or not) and headless, the Log (standard output where ImageJ has no window), and the macro
 * stops with the sentence as its error, never in a dialog, which in {@code ImageJ -batch} no one could close; under
 * {@code ImageJ -batch} the process then exits with status 1, so that a pipeline sees the failure.
 * <p>
 * Not for Fiji: there the legacy layer runs the SciJava commands itself, and {@code RIS_Bridge.jar} must not be
 * installed.
 */
public class CommandBridge implements PlugIn {

	/** The preprocessors that make a module runnable; the others would ask for inputs or load remembered values. */
	private static final Set<Class<?>> PREPROCESSORS = Set.of(ValidityPreprocessor.class, InitPreprocessor.class, ServicePreprocessor.class, LoggerPreprocessor.class,
			CheckInputsPreprocessor.class);

	private static Context context;
	private static ImageJFeedback feedback;

	/**
	 * The SciJava context the bridge runs commands in, made on first use with the thread context class loader set to
	 * this plugin's (in ImageJ 1.x, the plugins class loader: the only one that sees SciJava's plugin index in the jars).
	 */
	public static synchronized Context context() {
		if (context == null) {
			Context c = withPluginClassLoader(() -> new Context());
			feedback = ImageJFeedback.attach(c);
			context = c;
		}
		return context;
	}

	/**
	 * Runs the command whose class name is {@code arg}.
	 *
	 * @param arg the command's class name, from {@code plugins.config}
	 */
	@Override
	public void run(String arg) {
		String options = Macro.getOptions();
		boolean macro = options != null;
		try {
			withPluginClassLoader(() -> {
				execute(arg == null ? "" : arg.trim(), options);
				return null;
			});
		} catch (IllegalArgumentException e) {
			// the bridge's own refusals (a bad macro option, a value out of range) carry a sentence for the user
			if (e.getMessage() != null) report(e.getMessage(), null, macro);
			else report("The RIS command " + arg + " failed unexpectedly (" + e + "): the Log holds the details; please report them.", e, macro);
		} catch (RuntimeException e) {
			// ImageJ stops a macro by this exception: it must reach the interpreter
			if (Macro.MACRO_CANCELED.equals(e.getMessage())) throw e;
			report("The RIS command " + arg + " failed unexpectedly (" + e + "): the Log holds the details; please report them.", e, macro);
		} catch (LinkageError e) {
			report("RIS for Fiji could not load its libraries (" + e + "): put ris.jar and the jars of its lib folder into ImageJ's jars folder, and RIS_Bridge.jar into plugins.", e, macro);
		}
	}

	private static void execute(String className, String options) {
		Context context = context();
		CommandInfo info = context.service(CommandService.class).getCommand(className);
		if (info == null) throw new UserError("There is no RIS command " + className + ": RIS_Bridge.jar does not match ris.jar; install both from the same release.");
		String title = info.getTitle();
		BridgeInputs inputs = new BridgeInputs(context, info);
		boolean macro = options != null;
		Map<String, Object> values;
		if (macro) values = inputs.fromMacro(options);
		else if (GraphicsEnvironment.isHeadless())
			throw new UserError(title + " needs a display for its dialog; headless, give its parameters as macro options: run(\"" + title + "\", \"key=value ...\").");
		else if (commandLineBatch())
			throw new UserError(title + " cannot ask for its parameters under ImageJ -batch, where no one can answer a dialog: give them as macro options: run(\""
					+ title + "\", \"key=value ...\").");
		else if (inputs.takesImages() && WindowManager.getImageCount() == 0) values = inputs.fromMacro(""); // the command says what is missing
		else {
			values = inputs.fromDialog();
			if (values == null) return;
			inputs.record(values);
		}
		Module module = inputs.module();
		for (Map.Entry<String, Object> e : values.entrySet()) {
			module.setInput(e.getKey(), e.getValue());
			module.resolveInput(e.getKey());
		}
		ModuleRunner runner = new ModuleRunner(context, module, preprocessors(context, !macro), List.of());
		ModulePreprocessor refused = runner.preProcess();
		if (refused != null) throw new UserError(refused.getCancelReason() != null ? refused.getCancelReason() : title + " could not start.");
		module.run();
		if (module instanceof Cancelable c && c.isCanceled()) {
			cancelled(c.getCancelReason() != null ? c.getCancelReason() : title + " was cancelled.", macro);
			return;
		}
		publish(title, info, module);
	}

	/** SciJava's preprocessors that run a module whose inputs are all set; with {@code remember}, the values are saved for the next dialog. */
	private static List<ModulePreprocessor> preprocessors(Context context, boolean remember) {
		List<ModulePreprocessor> out = new ArrayList<>();
		for (PreprocessorPlugin p : context.service(PluginService.class).createInstancesOfType(PreprocessorPlugin.class))
			if (PREPROCESSORS.contains(p.getClass()) || remember && p instanceof SaveInputsPreprocessor) out.add(p);
		return out;
	}

	/** Shows the images a command returns (the last one becomes the active image) and logs its other outputs. */
	private static void publish(String title, CommandInfo info, Module module) {
		List<String> values = new ArrayList<>();
		for (ModuleItem<?> item : info.outputs()) {
			Object value = module.getOutput(item.getName());
			if (value instanceof ImagePlus imp) imp.show();
			else if (value != null) values.add(item.getName() + "=" + MacroOptions.text(value));
		}
		if (!values.isEmpty()) IJ.log(title + ": " + String.join(", ", values));
	}

	/**
	 * A command cancelled itself. Its failures are reported by {@link CommandFailure} (a dialog in an interactive run;
	 * the log in a macro and headless), a stop by Esc is not; so in an interactive run the sentence goes to the status
	 * bar, and otherwise it goes where {@link #stop} puts it, to the Log unless it is there already.
	 */
	private static void cancelled(String reason, boolean macro) {
		if (interactive(macro)) IJ.showStatus(reason);
		else stop(reason, reason.equals(feedback.lastError()));
	}

	/**
	 * One sentence to the user: in an interactive run an error dialog, otherwise as {@link #stop} does.
	 *
	 * @param trace an unexpected failure's cause, for the Log, or null
	 */
	private static void report(String sentence, Throwable trace, boolean macro) {
		if (trace != null) {
			StringWriter s = new StringWriter();
			trace.printStackTrace(new PrintWriter(s));
			IJ.log(s.toString());
		}
		if (interactive(macro)) IJ.error(CommandFailure.TITLE, sentence);
		else stop(sentence, false);
	}

	/** Whether someone is there to close a dialog: a display and no macro running (an IJ1 macro, or IJ.run with options). */
	private static boolean interactive(boolean macro) {
		return !macro && Interpreter.getInstance() == null && !GraphicsEnvironment.isHeadless();
	}

	/**
	 * A failure outside an interactive run: the sentence goes to the Log (standard output where ImageJ has no window)
	 * unless {@code logged}, and the running macro, if any, stops with it as its error. Under {@code ImageJ -batch}
	 * the process ends right away with exit status 1: ImageJ itself would end it with status 0 once the macro stopped.
	 */
	private static void stop(String sentence, boolean logged) {
		if (!logged) IJ.log(sentence);
		IJ.showStatus(sentence);
		if (commandLineBatch()) exitWithFailure();
		stopMacro(sentence);
	}

	/**
	 * Stops the running macro, if any, with {@code reason} as its error message, without the interpreter's own error
	 * path: that opens a modal dialog, which cannot exist headless, which nothing closes in batch runs, and which would
	 * show the sentence a second time. So the interpreter is told to ignore errors before it is stopped.
	 */
	private static void stopMacro(String reason) {
		Interpreter interpreter = Interpreter.getInstance();
		if (interpreter == null) return;
		interpreter.setIgnoreErrors(true);
		interpreter.abort(reason);
	}

	/**
	 * For the macros in {@code macros/}, before they stop with {@code exit(sentence)}: under {@code ImageJ -batch},
	 * prints the sentence and ends ImageJ with exit status 1 at once, so that a pipeline sees a macro's own refusal (a
	 * missing argument or file) as a failure; ImageJ -batch would exit with status 0 after the macro's {@code exit}.
	 * Elsewhere it does nothing, and the macro's {@code exit} shows the sentence. A macro calls it as
	 * {@code call("sc.fiji.ris.fiji.bridge.CommandBridge.exitIfBatch", sentence)}.
	 *
	 * @return the empty string, for the macro's {@code call}
	 */
	public static String exitIfBatch(String sentence) {
		if (commandLineBatch()) {
			IJ.log(sentence);
			exitWithFailure();
		}
		return "";
	}

	/** Ends the JVM with exit status 1, after what was printed has gone out. */
	private static void exitWithFailure() {
		System.out.flush();
		System.err.flush();
		System.exit(1);
	}

	/**
	 * Whether ImageJ runs a macro from the command line without its window ({@code ImageJ -batch macro.ijm}): the
	 * process lives as long as the macro, and no one can answer a dialog.
	 */
	private static boolean commandLineBatch() {
		if (IJ.getInstance() != null) return false;
		String[] args = ImageJ.getArgs();
		if (args == null) return false;
		for (String a : args)
			if (a != null && a.startsWith("-batch")) return true;
		return false;
	}

	/** Runs {@code work} with the thread context class loader set to this plugin's, as SciJava and DJL discover plugins through it. */
	private static <T> T withPluginClassLoader(java.util.function.Supplier<T> work) {
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(CommandBridge.class.getClassLoader());
		try {
			return work.get();
		} finally {
			thread.setContextClassLoader(previous);
		}
	}
}
