package sc.fiji.ris.fiji.bridge;

import ij.IJ;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogMessage;
import org.scijava.log.LogService;
import org.scijava.log.StderrLogService;

/**
 * Sends what the commands tell SciJava to where a plain ImageJ user looks: log messages (warnings, the per-file
 * errors of a batch run, summaries) to ImageJ's Log window, which prints to standard output where there is none, and
 * status and progress to ImageJ's status bar. Without it they would go to standard error and nowhere, which a user
 * of the ImageJ application never sees.
 */
final class ImageJFeedback {

	private volatile String lastError;

	private ImageJFeedback() {}

	/** Attaches to a context; the returned object must be kept, as SciJava holds event subscribers weakly. */
	static ImageJFeedback attach(Context context) {
		ImageJFeedback feedback = new ImageJFeedback();
		LogService log = context.service(LogService.class);
		// the ImageJ log takes the place of standard error, so that no message is printed twice
		if (log instanceof StderrLogService stderr) stderr.setPrintStreams(level -> new PrintStream(OutputStream.nullOutputStream()));
		log.addLogListener(feedback::logged);
		context.service(EventService.class).subscribe(feedback);
		return feedback;
	}

	/** The text of the last error logged, or null; the bridge uses it not to repeat a sentence a command logged. */
	String lastError() {
		return lastError;
	}

	private void logged(LogMessage m) {
		if (m.level() > LogLevel.INFO) return;
		String text = m.text();
		if (m.level() == LogLevel.ERROR) lastError = text;
		IJ.log(m.level() == LogLevel.WARN ? "Warning: " + text : text);
		// an unexpected failure: the trace is what a bug report needs
		if (m.throwable() != null) {
			StringWriter trace = new StringWriter();
			m.throwable().printStackTrace(new PrintWriter(trace));
			IJ.log(trace.toString());
		}
	}

	@EventHandler
	private void onStatus(StatusEvent e) {
		String message = e.getStatusMessage();
		if (message != null) IJ.showStatus(message);
		if (e.getProgressMaximum() > 0) IJ.showProgress(e.getProgressValue(), e.getProgressMaximum());
	}
}
