package sc.fiji.ris;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.function.UnaryOperator;

/**
 * The one sentence that a failure carries for the user, shared by the command line, Fiji and the Spark job: a
 * {@link UserError} (an {@link InvalidSetting} with the setting named as the front end names it), or a file error
 * ({@link IOException}, whose reason or message the core writes as a sentence). Anything else is unexpected: no
 * sentence, and the front end logs its stack trace.
 */
public final class FailureSentences {

	private FailureSentences() {}

	/** The sentence that {@code e} carries, settings named by their ids; null if it is not a failure the core expects. */
	public static String sentence(Throwable e) {
		return sentence(e, UnaryOperator.identity());
	}

	/**
	 * The sentence that {@code e} carries for the user, or null if it is not a failure the core expects.
	 *
	 * @param nameOf the front end's name of a setting, from its id
	 */
	public static String sentence(Throwable e, UnaryOperator<String> nameOf) {
		if (e instanceof UncheckedIOException && e.getCause() != null) e = e.getCause();
		if (e instanceof InvalidSetting s) return s.sentence(nameOf);
		if (e instanceof FileSystemException f) {
			String reason = f.getReason();
			// the core puts a whole sentence into the reason; plain NIO exceptions carry only a file name
			if (reason != null && reason.endsWith(".")) return reason;
			String kind = f instanceof NoSuchFileException ? "it does not exist" : f instanceof AccessDeniedException ? "permission denied" : reason != null ? reason : f.getClass().getSimpleName();
			return "The path " + f.getFile() + (f.getOtherFile() != null ? " (or " + f.getOtherFile() + ")" : "") + " cannot be used: " + kind + ".";
		}
		if (e instanceof UserError || e instanceof IOException) {
			String m = e.getMessage();
			return m == null || m.isBlank() ? null : m;
		}
		return null;
	}
}
