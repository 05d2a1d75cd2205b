package sc.fiji.ris;

/**
 * How long-running core work reports progress and learns that it should stop. Adapted to SciJava's
 * {@code StatusService} in the Fiji layer and to console lines in the launcher.
 */
public interface Progress {

	/** A short human-readable status line. */
	void status(String message);

	/** Fraction done, {@code done / total}. */
	void progress(long done, long total);

	/** Polled between units of work; when true, the work ends early and keeps what it has. */
	boolean isCancelled();

	/** Reports nothing and never cancels. */
	Progress NONE = new Progress() {
		@Override public void status(String message) {}
		@Override public void progress(long done, long total) {}
		@Override public boolean isCancelled() { return false; }
	};

	/** Progress of a share of the work, from fraction {@code from} to {@code to} of the whole. */
	static Progress share(Progress whole, double from, double to) {
		return new Progress() {
			@Override public void status(String message) { whole.status(message); }
			@Override public void progress(long done, long total) {
				whole.progress(Math.round(1000 * (from + (to - from) * done / (double) Math.max(1, total))), 1000);
			}
			@Override public boolean isCancelled() { return whole.isCancelled(); }
		};
	}

	/** Progress of part {@code index} of {@code parts} equal parts of the work, reported as a fraction of the whole. */
	static Progress part(Progress whole, int index, int parts) {
		return new Progress() {
			@Override public void status(String message) { whole.status(message); }
			@Override public void progress(long done, long total) { whole.progress(index * total + done, parts * total); }
			@Override public boolean isCancelled() { return whole.isCancelled(); }
		};
	}
}
