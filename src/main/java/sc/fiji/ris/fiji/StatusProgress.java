package sc.fiji.ris.fiji;

import ij.IJ;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import sc.fiji.ris.Progress;

/**
 * {@link Progress} for the Fiji commands: status line and progress bar through SciJava's {@link StatusService};
 * cancelled when the command is cancelled, when its thread is interrupted, or when the user presses Esc (ImageJ
 * 1.x's way to stop a long operation).
 */
public final class StatusProgress implements Progress {

	private final StatusService status;
	private final Cancelable command;
	private volatile boolean stopped;

	/**
	 * @param status where to show progress, or null to show nothing
	 * @param command whose cancellation stops the work, or null
	 */
	public StatusProgress(StatusService status, Cancelable command) {
		this.status = status;
		this.command = command;
		// an Esc pressed before this run started must not stop it
		IJ.resetEscape();
	}

	@Override
	public void status(String message) {
		if (status != null) status.showStatus(message);
	}

	@Override
	public void progress(long done, long total) {
		if (status == null || total <= 0) return;
		// StatusService takes ints; scale to per mille so that long counts cannot overflow
		status.showProgress((int) Math.round(1000.0 * Math.min(done, total) / total), 1000);
	}

	/**
	 * Latches the first request to stop. An interrupt is consumed here on purpose: the interrupted work ends at its
	 * next check and then still has to write what it kept (the best model of a cancelled training), and NIO file
	 * channels refuse to write on a thread whose interrupt flag is set.
	 */
	@Override
	public boolean isCancelled() {
		if (!stopped && (Thread.interrupted() || IJ.escapePressed() || command != null && command.isCanceled())) stopped = true;
		return stopped;
	}

	/** Clears the status line and the progress bar. */
	public void done() {
		if (status != null) status.clearStatus();
	}
}
