package sc.fiji.ris.cli;

import java.io.PrintStream;
import sc.fiji.ris.Progress;

/** Progress as console lines; never cancels (Ctrl+C ends the process; checkpoints keep the work). */
final class ConsoleProgress implements Progress {

	private final PrintStream out;

	ConsoleProgress(PrintStream out) { this.out = out; }

	@Override public void status(String message) { out.println(message); out.flush(); }

	@Override public void progress(long done, long total) {}

	@Override public boolean isCancelled() { return false; }
}
