package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.scijava.command.ContextCommand;

/**
 * Cancellation through {@link StatusProgress}: it follows the command's cancellation, and an interrupt of the
 * working thread stops the work once and for all while leaving the thread free to write what it kept.
 */
class StatusProgressTest {

	/** A command that is never run, only cancelled. */
	private static final class Idle extends ContextCommand {
		@Override
		public void run() {}
	}

	@Test
	void followsTheCommandsCancellation() {
		Idle command = new Idle();
		StatusProgress p = new StatusProgress(null, command);
		assertFalse(p.isCancelled());
		command.cancel("stop");
		assertTrue(p.isCancelled());
	}

	@Test
	void anInterruptStopsTheWorkAndIsConsumed() {
		StatusProgress p = new StatusProgress(null, null);
		Thread.currentThread().interrupt();
		assertTrue(p.isCancelled());
		assertFalse(Thread.currentThread().isInterrupted(), "the thread can still write files");
		assertTrue(p.isCancelled(), "stays stopped");
	}
}
