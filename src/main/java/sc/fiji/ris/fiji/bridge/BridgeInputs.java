package sc.fiji.ris.fiji.bridge;

import ij.ImagePlus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.plugin.frame.Recorder;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.service.Service;
import sc.fiji.ris.UserError;
import sc.fiji.ris.fiji.RetiredParameters;
import sc.fiji.ris.fiji.SegmentInstancesCommand;

/**
 * The user-facing inputs of one command, for the bridge: read from macro options by their parameter names, or asked
 * for in an ImageJ dialog built from their {@code @Parameter} annotations (label, description, min/max, choices,
 * style), checked against those annotations, and recorded for the macro recorder under their parameter names.
 * Services and the context are left to SciJava's preprocessors.
 */
final class BridgeInputs {

	private final Context context;
	private final CommandInfo info;
	private final Module module;
	private final List<ModuleItem<?>> items = new ArrayList<>();

	BridgeInputs(Context context, CommandInfo info) {
		this.context = context;
		this.info = info;
		// a fresh instance holds the field initialisers: the defaults of a macro call and of a first dialog
		this.module = context.service(ModuleService.class).createModule(info);
		for (ModuleItem<?> item : info.inputs()) {
			Class<?> type = item.getType();
			if (Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type)) continue;
			if (item.getVisibility() == ItemVisibility.MESSAGE || item.getVisibility() == ItemVisibility.INVISIBLE) continue;
			items.add(item);
		}
	}

	/** The module these inputs belong to, holding the defaults until the values are set. */
	Module module() {
		return module;
	}

	/** The parameter names, in declaration order. */
	List<String> names() {
		return items.stream().map(ModuleItem::getName).toList();
	}

	/** Whether the command takes an image. */
	boolean takesImages() {
		return items.stream().anyMatch(i -> i.getType() == ImagePlus.class);
	}

	/**
	 * The values given by macro options; parameters the options leave out get the command's default (never a
	 * remembered value, so that a macro does the same on every machine), and an image left out is the active image.
	 *
	 * @throws IllegalArgumentException with one sentence naming the key, for an unknown key or a bad value
	 */
	Map<String, Object> fromMacro(String options) {
		Map<String, String> given = MacroOptions.parse(options);
		// the knobs that left Segment Instances: a recorded macro's "the model's own" values still run
		if (SegmentInstancesCommand.class.getName().equals(info.getDelegateClassName())) given = RetiredParameters.without(given);
		for (String key : given.keySet())
			if (items.stream().noneMatch(i -> i.getName().equals(key)))
				throw new UserError("The macro option '" + key + "' is not a parameter of " + info.getTitle() + ": use " + String.join(", ", names()) + ".");
		Map<String, Object> values = new LinkedHashMap<>();
		for (ModuleItem<?> item : items) {
			String name = item.getName();
			Object value;
			if (!given.containsKey(name)) value = item.getType() == ImagePlus.class ? WindowManager.getCurrentImage() : item.getValue(module);
			else value = convert(item, given.get(name));
			check(item, value);
			values.put(name, value);
		}
		return values;
	}

	/**
	 * Asks for the values in an ImageJ dialog (defaults: the values remembered from the last run, else the command's
	 * defaults; images: the active one, then the others).
	 *
	 * @return the values, or null if the user cancelled
	 * @throws IllegalArgumentException with one sentence naming the parameter, for a value out of its range
	 */
	Map<String, Object> fromDialog() {
		ModuleService modules = context.service(ModuleService.class);
		GenericDialog gd = new GenericDialog(info.getTitle());
		List<String> images = imagesActiveFirst();
		int imageInputs = 0;
		StringBuilder help = new StringBuilder("<html><b>").append(info.getTitle()).append("</b><br>Macro: run(\"").append(info.getTitle())
				.append("\", \"key=value ...\") with these keys:<ul>");
		for (ModuleItem<?> item : items) {
			String label = label(item);
			Class<?> type = item.getType();
			Object remembered = item.isPersisted() ? modules.load(item) : null;
			Object initial = remembered != null ? remembered : item.getValue(module);
			if (type == ImagePlus.class) gd.addImageChoice(label, images.isEmpty() ? null : images.get(Math.min(imageInputs++, images.size() - 1)));
			else if (type == File.class) {
				String path = initial == null ? "" : MacroOptions.text(initial);
				if (isDirectory(item)) gd.addDirectoryField(label, path, 30);
				else gd.addFileField(label, path, 30);
			} else if (type == boolean.class || type == Boolean.class) gd.addCheckbox(label, Boolean.TRUE.equals(initial));
			else if (isNumber(type)) {
				double d = initial == null ? 0 : ((Number) initial).doubleValue();
				gd.addNumericField(label, d, isWhole(type) ? 0 : Math.max(decimals(d), item.getStepSize() == null ? 0 : decimals(item.getStepSize().doubleValue())));
			} else if (item.getChoices() != null && !item.getChoices().isEmpty()) {
				String[] choices = item.getChoices().stream().map(String::valueOf).toArray(String[]::new);
				gd.addChoice(label, choices, initial == null ? choices[0] : initial.toString());
			} else gd.addStringField(label, initial == null ? "" : initial.toString(), 20);
			help.append("<li><b>").append(item.getName()).append("</b>: ").append(item.getDescription() == null ? label : item.getDescription()).append("</li>");
		}
		gd.addHelp(help.append("</ul></html>").toString());
		// the dialog's own recording would use the first word of each label as the key; the bridge records the
		// parameter names itself (record), so the dialog must record nothing
		boolean recording = Recorder.record;
		Recorder.record = false;
		Map<String, Object> values = new LinkedHashMap<>();
		try {
			gd.showDialog();
			if (gd.wasCanceled()) return null;
			for (ModuleItem<?> item : items) {
				Class<?> type = item.getType();
				Object value;
				if (type == ImagePlus.class) value = gd.getNextImage();
				else if (type == File.class) value = file(gd.getNextString());
				else if (type == boolean.class || type == Boolean.class) value = gd.getNextBoolean();
				else if (isNumber(type)) {
					double d = gd.getNextNumber();
					if (Double.isNaN(d)) throw new UserError("The " + label(item) + " (" + item.getName() + ") of " + info.getTitle() + " must be a number.");
					value = number(item, d, Double.toString(d));
				} else if (item.getChoices() != null && !item.getChoices().isEmpty()) value = gd.getNextChoice();
				else value = convert(item, gd.getNextString());
				check(item, value);
				values.put(item.getName(), value);
			}
		} finally {
			Recorder.record = recording;
		}
		return values;
	}

	/** Records the values under the parameter names, the way Fiji records a SciJava command. */
	void record(Map<String, Object> values) {
		if (!Recorder.record) return;
		for (Map.Entry<String, Object> e : values.entrySet()) {
			String text = MacroOptions.text(e.getValue());
			if (e.getValue() instanceof File) Recorder.recordPath(e.getKey(), text);
			else Recorder.recordOption(e.getKey(), text.isEmpty() ? "[]" : text);
		}
	}

	/** The value of a macro option as the parameter's type. */
	private Object convert(ModuleItem<?> item, String text) {
		Class<?> type = item.getType();
		String name = item.getName();
		if (type == boolean.class || type == Boolean.class) {
			// a bare key is ImageJ's way of recording a ticked checkbox
			if (text == null || text.equalsIgnoreCase("true")) return true;
			if (text.equalsIgnoreCase("false")) return false;
			throw new UserError("The macro option " + name + " of " + info.getTitle() + " must be true or false, not '" + text + "'.");
		}
		if (text == null) throw new UserError("The macro option " + name + " of " + info.getTitle() + " has no value: write " + name + "=[value].");
		if (type == ImagePlus.class) return image(name, text);
		if (type == File.class) return file(text);
		if (type == String.class) return text;
		if (isNumber(type)) {
			try {
				return number(item, Double.parseDouble(text.trim()), text);
			} catch (NumberFormatException e) {
				throw new UserError("The macro option " + name + " of " + info.getTitle() + " must be a number, not '" + text + "'.");
			}
		}
		ConvertService convert = context.service(ConvertService.class);
		if (!convert.supports(text, type))
			throw new UserError("The macro option " + name + " of " + info.getTitle() + " cannot be read from the text '" + text + "' (it is a " + type.getSimpleName() + ").");
		return convert.convert(text, type);
	}

	/** A number as the parameter's type, refusing a fraction for a whole-number parameter. */
	private Object number(ModuleItem<?> item, double d, String text) {
		Class<?> type = item.getType();
		if (isWhole(type) && d != Math.rint(d))
			throw new UserError("The " + item.getName() + " of " + info.getTitle() + " must be a whole number, not " + text + ".");
		if (type == int.class || type == Integer.class) return (int) d;
		if (type == long.class || type == Long.class) return (long) d;
		if (type == short.class || type == Short.class) return (short) d;
		if (type == byte.class || type == Byte.class) return (byte) d;
		if (type == float.class || type == Float.class) return (float) d;
		return d;
	}

	/** Checks a value against the parameter's range and choices, which SciJava itself enforces in its dialogs only. */
	private void check(ModuleItem<?> item, Object value) {
		if (value instanceof Number n) {
			double d = n.doubleValue();
			Object min = item.getMinimumValue(), max = item.getMaximumValue();
			boolean low = min instanceof Number m && d < m.doubleValue(), high = max instanceof Number m && d > m.doubleValue();
			if (low || high || Double.isNaN(d))
				throw new UserError("The " + item.getName() + " of " + info.getTitle() + " must be " + range(min, max) + ", not " + MacroOptions.text(value) + ".");
		}
		List<?> choices = item.getChoices();
		if (value instanceof String s && choices != null && !choices.isEmpty() && !choices.contains(s))
			throw new UserError("The " + item.getName() + " of " + info.getTitle() + " must be one of "
					+ choices.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ", not '" + s + "'.");
	}

	private static String range(Object min, Object max) {
		if (min != null && max != null) return "between " + MacroOptions.text(min) + " and " + MacroOptions.text(max);
		return min != null ? "at least " + MacroOptions.text(min) : "at most " + MacroOptions.text(max);
	}

	/** The open image with this title (the active one first, as titles need not be unique). */
	private static ImagePlus image(String key, String title) {
		ImagePlus current = WindowManager.getCurrentImage();
		if (current != null && current.getTitle().equals(title)) return current;
		ImagePlus imp = WindowManager.getImage(title);
		if (imp == null) throw new UserError("There is no open image titled '" + title + "' for " + key + ": open it first, or give the title of an open image.");
		return imp;
	}

	/** The titles of the open images, the active one first. */
	private static List<String> imagesActiveFirst() {
		List<String> titles = new ArrayList<>();
		ImagePlus current = WindowManager.getCurrentImage();
		if (current != null) titles.add(current.getTitle());
		for (String t : WindowManager.getImageTitles()) if (!titles.contains(t)) titles.add(t);
		return titles;
	}

	/** An empty path means "none": Fiji passes one for an empty file field. */
	private static File file(String path) {
		return path == null || path.isBlank() ? null : new File(path.trim());
	}

	private static String label(ModuleItem<?> item) {
		String label = item.getLabel();
		return label == null || label.isBlank() ? item.getName() : label;
	}

	private static boolean isDirectory(ModuleItem<?> item) {
		String style = item.getWidgetStyle();
		return style != null && style.contains("directory");
	}

	private static boolean isNumber(Class<?> type) {
		return Number.class.isAssignableFrom(type) || type == int.class || type == long.class || type == double.class || type == float.class || type == short.class
				|| type == byte.class;
	}

	private static boolean isWhole(Class<?> type) {
		return type == int.class || type == Integer.class || type == long.class || type == Long.class || type == short.class || type == Short.class || type == byte.class
				|| type == Byte.class;
	}

	/** The decimals needed to show {@code v} exactly, at most 6. */
	private static int decimals(double v) {
		if (!Double.isFinite(v)) return 0;
		return Math.max(0, Math.min(6, BigDecimal.valueOf(v).stripTrailingZeros().scale()));
	}
}
