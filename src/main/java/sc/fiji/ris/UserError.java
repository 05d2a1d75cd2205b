package sc.fiji.ris;

/**
 * A failure the user can fix (a bad input, a file that does not fit, a training that needs other settings): its message
 * is one sentence for the user (which input, what is wrong, what to do), shown without a stack trace. Everything else
 * that reaches a front end, a plain {@link IllegalArgumentException} from a library included, is an unexpected failure
 * and keeps its trace in the log.
 * <p>
 * It extends {@link IllegalArgumentException} so that callers that check arguments keep catching it as one.
 */
public class UserError extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	/** @param sentence one sentence for the user */
	public UserError(String sentence) {
		super(sentence);
	}

	/** @param sentence one sentence for the user; {@code cause} goes to the log only */
	public UserError(String sentence, Throwable cause) {
		super(sentence, cause);
	}
}
