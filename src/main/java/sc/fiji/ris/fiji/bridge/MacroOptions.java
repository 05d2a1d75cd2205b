package sc.fiji.ris.fiji.bridge;

import ij.ImagePlus;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;
import sc.fiji.ris.UserError;

/**
 * ImageJ 1.x macro options ({@code key=value key=[value with spaces] key='value' flag}) read by exact key, and values
 * written back as text for the macro recorder, the way Fiji's legacy layer does for SciJava commands (an image by its
 * title, a file by its path, a boolean as {@code true} or {@code false}).
 * <p>
 * Keys are matched whole: ImageJ's own {@code Macro.getValue} would find {@code images_dir=} inside
 * {@code val_images_dir=}, which "Train Model" has both of.
 */
public final class MacroOptions {

	private MacroOptions() {}

	/**
	 * Splits macro options into keys and values, in order. A bare key (ImageJ's way of recording a ticked checkbox)
	 * maps to null; {@code key=[]} and {@code key=''} map to the empty string.
	 *
	 * @throws IllegalArgumentException if a bracket or quote is not closed, or a key is given twice
	 */
	public static Map<String, String> parse(String options) {
		Map<String, String> out = new LinkedHashMap<>();
		String s = options == null ? "" : options;
		int i = 0, n = s.length();
		while (i < n) {
			if (Character.isWhitespace(s.charAt(i))) {
				i++;
				continue;
			}
			int start = i;
			while (i < n && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) i++;
			String key = s.substring(start, i);
			String value = null;
			if (i < n && s.charAt(i) == '=') {
				i++;
				if (i < n && s.charAt(i) == '[') {
					int depth = 1, j = i + 1;
					for (; j < n && depth > 0; j++) {
						if (s.charAt(j) == '[') depth++;
						else if (s.charAt(j) == ']') depth--;
					}
					if (depth > 0) throw new UserError("The value of " + key + " in the macro options opens a [ that is never closed: write " + key + "=[value].");
					value = s.substring(i + 1, j - 1);
					i = j;
				} else if (i < n && s.charAt(i) == '\'') {
					int close = s.indexOf('\'', i + 1);
					if (close < 0) throw new UserError("The value of " + key + " in the macro options opens a quote that is never closed: write " + key + "='value'.");
					value = s.substring(i + 1, close);
					i = close + 1;
				} else {
					int end = i;
					while (end < n && !Character.isWhitespace(s.charAt(end))) end++;
					value = s.substring(i, end);
					i = end;
				}
			}
			if (out.containsKey(key)) throw new UserError("The macro options give " + key + " twice: give each parameter once.");
			out.put(key, value);
		}
		return out;
	}

	/**
	 * A value as macro text: an image by its title, a file by its path, a whole number without ".0", anything else by
	 * {@code toString()}; null as the empty string.
	 */
	public static String text(Object value) {
		if (value == null) return "";
		if (value instanceof ImagePlus imp) return imp.getTitle();
		if (value instanceof File f) return f.getPath();
		if ((value instanceof Double || value instanceof Float) && !Double.isInfinite(((Number) value).doubleValue())) {
			double d = ((Number) value).doubleValue();
			if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
		}
		return value.toString();
	}
}
