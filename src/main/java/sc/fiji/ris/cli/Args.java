package sc.fiji.ris.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import sc.fiji.ris.infer.SegmenterOptions;

/** Parses {@code --key value}, {@code --flag} and positional arguments against a fixed set of known options. */
final class Args {

	private final Map<String, String> values = new LinkedHashMap<>();
	private final List<String> positional = new ArrayList<>();
	/** Every value of each valued option, in the order given (options that may be given more than once). */
	private final Map<String, List<String>> every = new LinkedHashMap<>();

	/**
	 * @param valued options that take a value
	 * @param flags options without a value
	 * @throws UsageException for an unknown option or a missing value
	 */
	Args(String command, String[] args, int from, Set<String> valued, Set<String> flags) {
		for (int i = from; i < args.length; i++) {
			String a = args[i];
			if (a.startsWith("--")) {
				String key = a, value = null;
				int eq = a.indexOf('=');
				if (eq > 0) { key = a.substring(0, eq); value = a.substring(eq + 1); }
				if (flags.contains(key)) {
					if (value != null) throw new UsageException("The option " + key + " of 'ris " + command + "' takes no value.");
					values.put(key, "true");
				} else if (valued.contains(key)) {
					if (value == null) {
						if (i + 1 >= args.length) throw new UsageException("The option " + key + " of 'ris " + command + "' needs a value.");
						value = args[++i];
					}
					values.put(key, value);
					every.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
				} else throw new UsageException("Unknown option " + key + " for 'ris " + command + "': see 'ris " + command + " --help'.");
			} else positional.add(a);
		}
	}

	boolean has(String key) { return values.containsKey(key); }

	/** Every value given to an option that may be repeated, in order; empty when it was not given. */
	List<String> all(String key) { return every.getOrDefault(key, List.of()); }


	String get(String key, String def) { return values.getOrDefault(key, def); }

	String required(String key) {
		String v = values.get(key);
		if (v == null) throw new UsageException("The option " + key + " is required.");
		return v;
	}

	Path path(String key) {
		String v = values.get(key);
		return v == null ? null : Path.of(v);
	}

	int integer(String key, int def, int min, int max) {
		String v = values.get(key);
		if (v == null) return def;
		int x;
		try { x = Integer.parseInt(v.trim()); } catch (NumberFormatException e) {
			throw new UsageException("The option " + key + " needs a whole number, not '" + v + "'.");
		}
		if (x < min || x > max) throw new UsageException("The option " + key + " must lie between " + min + " and " + max + ", not " + x + ".");
		return x;
	}

	long longValue(String key, long def, long min) {
		String v = values.get(key);
		if (v == null) return def;
		long x;
		try { x = Long.parseLong(v.trim()); } catch (NumberFormatException e) {
			throw new UsageException("The option " + key + " needs a whole number, not '" + v + "'.");
		}
		if (x < min) throw new UsageException("The option " + key + " must be at least " + min + ", not " + x + ".");
		return x;
	}

	double real(String key, double def, double min, double max) {
		String v = values.get(key);
		if (v == null) return def;
		double x;
		try { x = Double.parseDouble(v.trim()); } catch (NumberFormatException e) {
			throw new UsageException("The option " + key + " needs a number, not '" + v + "'.");
		}
		if (!(x >= min && x <= max)) throw new UsageException("The option " + key + " must lie between " + min + " and " + max + ", not " + v + ".");
		return x;
	}

	List<String> positional() { return positional; }

	/**
	 * Whether tiles share one encoding of their region: yes by default and with {@code --shared-encoding}, no with
	 * {@code --separate-encoding}.
	 */
	boolean sharedEncoding() {
		if (has("--shared-encoding") && has("--separate-encoding"))
			throw new UsageException("Give --shared-encoding or --separate-encoding, not both.");
		return !has("--separate-encoding");
	}

	/**
	 * {@code --object-diameter D|auto|model} as {@code SegmenterOptions.objectDiameterSetting} takes it: D pixels, 0
	 * for 'auto' (the default) or -1 for 'model'.
	 */
	double objectDiameter() {
		String diameter = get("--object-diameter", "auto").trim();
		if (diameter.equalsIgnoreCase("auto")) return 0;
		if (diameter.equalsIgnoreCase("model")) return -1;
		if (!diameter.matches("[0-9.eE+-]+"))
			throw new UsageException("The option --object-diameter needs a number of pixels, 'auto' or 'model', not '" + diameter + "'.");
		return real("--object-diameter", 0, 0, 10000);
	}

	/**
	 * {@code --flips} and {@code --flip-votes N}: the votes of the flipped views, 0 without {@code --flips}, -1 (the
	 * model's) with {@code --flips} alone.
	 */
	int flipVotes() {
		if (!has("--flips")) {
			if (get("--flip-votes", null) != null) throw new UsageException("--flip-votes applies only with --flips: add --flips or leave out --flip-votes.");
			return 0;
		}
		return get("--flip-votes", null) == null ? -1 : integer("--flip-votes", 2, 1, 4);
	}

	/** A mistake in the command line: one sentence, exit code 2. */
	static final class UsageException extends RuntimeException {
		UsageException(String message) { super(message); }
	}
}
