package sc.fiji.ris.fiji.bridge;

import ij.IJ;
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
 * outputs. A failure reaches the user as one sentence: a dialog with a display (which, in a macro, also stops the
 * macro), the Log headless (and the macro stops).
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
		if (info == null) throw new IllegalArgumentException("There is no RIS command " + className + ": RIS_Bridge.jar does not match ris.jar; install both from the same release.");
		String title = info.getTitle();
		BridgeInputs inputs = new BridgeInputs(context, info);
		boolean macro = options != null;
		Map<String, Object> values;
		if (macro) values = inputs.fromMacro(options);
		else if (GraphicsEnvironment.isHeadless())
			throw new IllegalArgumentException(title + " needs a display for its dialog; headless, give its parameters as macro options: run(\"" + title + "\", \"key=value ...\").");
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
		if (refused != null) throw new IllegalArgumentException(refused.getCancelReason() != null ? refused.getCancelReason() : title + " could not start.");
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
	 * A command cancelled itself. Its failures are reported by {@link CommandFailure} (a dialog with a display, which
	 * in a macro has stopped the macro already; the log headless), a stop by Esc is not; so the sentence goes to the
	 * log headless unless it is there already, to the status bar otherwise, and a macro stops.
	 */
	private static void cancelled(String reason, boolean macro) {
		if (GraphicsEnvironment.isHeadless()) {
			if (!reason.equals(feedback.lastError())) IJ.log(reason);
		} else IJ.showStatus(reason);
		if (macro) stopMacro(reason);
	}

	/** One sentence to the user: a dialog with a display (in a macro, ImageJ's macro error, which stops it), else the log. */
	private static void report(String sentence, Throwable trace, boolean macro) {
		if (trace != null) {
			StringWriter s = new StringWriter();
			trace.printStackTrace(new PrintWriter(s));
			IJ.log(s.toString());
		}
		if (GraphicsEnvironment.isHeadless()) {
			IJ.log(sentence);
			if (macro) stopMacro(sentence);
		} else IJ.error(CommandFailure.TITLE, sentence);
	}

	/**
	 * Stops the running macro, if any, with {@code reason} as its error message. The interpreter's own error path
	 * opens a dialog, which cannot exist headless and which the sentence has had already; so it is told to ignore
	 * errors before it is stopped.
	 */
	private static void stopMacro(String reason) {
		Interpreter interpreter = Interpreter.getInstance();
		if (interpreter == null) return;
		interpreter.setIgnoreErrors(true);
		interpreter.abort(reason);
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
