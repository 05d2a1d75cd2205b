package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.ContextCommand;
import sc.fiji.ris.InvalidSetting;

/**
 * What a failure becomes for the user in Fiji: an invalid setting named by the command's parameter, anything
 * unexpected (a library's IllegalArgumentException too) one sentence saying so, the command cancelled with it in every
 * case. {@link sc.fiji.ris.FailureSentencesTest} covers the sentences themselves.
 */
class CommandFailureTest {

	/** A command that only fails. */
	private static final class Failing extends ContextCommand {
		@Override
		public void run() {}
	}

	@Test
	void namesAnInvalidSettingByTheCommandsParameter() {
		Context context = new Context();
		try {
			Failing command = new Failing();
			command.setContext(context);
			CommandFailure.report(command, "Train Model", new InvalidSetting("crop", "{setting} must be a multiple of 8, not 30."), CommandFailure.parameters("crop", "crop_size"));
			assertTrue(command.isCanceled());
			assertEquals("crop_size must be a multiple of 8, not 30.", command.getCancelReason());
		} finally {
			context.dispose();
		}
	}

	@Test
	void reportsALibrarysIllegalArgumentAsUnexpected() {
		Context context = new Context();
		try {
			Failing command = new Failing();
			command.setContext(context);
			CommandFailure.report(command, "Segmenting 'a.tif'", new IllegalArgumentException("index 3 out of bounds"));
			assertTrue(command.getCancelReason().startsWith("Segmenting 'a.tif' failed unexpectedly"), command.getCancelReason());
		} finally {
			context.dispose();
		}
	}

	@Test
	void reportsUnexpectedFailuresAsOneSentenceAndCancels() {
		Context context = new Context();
		try {
			Failing command = new Failing();
			command.setContext(context);
			CommandFailure.report(command, "Segmenting 'a.tif'", new ArrayIndexOutOfBoundsException(7));
			assertTrue(command.isCanceled());
			String reason = command.getCancelReason();
			assertTrue(reason.startsWith("Segmenting 'a.tif' failed unexpectedly") && reason.endsWith(".") && !reason.contains("\n"), reason);
		} finally {
			context.dispose();
		}
	}
}
