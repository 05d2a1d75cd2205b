package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.ContextCommand;

/**
 * What a failure becomes for the user: the core's sentences unchanged, bare NIO exceptions turned into a sentence
 * naming the path, and anything unexpected into one sentence saying so, the command cancelled with it in every case.
 */
class CommandFailureTest {

	/** A command that only fails. */
	private static final class Failing extends ContextCommand {
		@Override
		public void run() {}
	}

	@Test
	void keepsTheCoresSentences() {
		assertEquals("The image 'a' is empty.", CommandFailure.sentence(new IllegalArgumentException("The image 'a' is empty.")));
		assertEquals("The model file m.zip is not a zip file.", CommandFailure.sentence(new UncheckedIOException(new IOException("The model file m.zip is not a zip file."))));
		assertEquals("The model file m.zip does not exist.", CommandFailure.sentence(new NoSuchFileException("m.zip", null, "The model file m.zip does not exist.")));
	}

	@Test
	void turnsBareFileErrorsIntoSentences() {
		assertEquals("The path /out cannot be used: permission denied.", CommandFailure.sentence(new AccessDeniedException("/out")));
		assertEquals("The path /in/a.tif cannot be used: it does not exist.", CommandFailure.sentence(new NoSuchFileException("/in/a.tif")));
	}

	@Test
	void reportsUnexpectedFailuresAsOneSentenceAndCancels() {
		assertNull(CommandFailure.sentence(new NullPointerException()));
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
