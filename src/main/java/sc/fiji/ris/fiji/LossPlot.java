package sc.fiji.ris.fiji;

import ij.gui.Plot;
import java.util.function.Consumer;
import sc.fiji.ris.train.TrainingLog;

/**
 * A live plot of the training loss (and of the validation F1 at IoU 0.5, once there is one) against iterations,
 * updated with every log row. Only for a display: it opens an ImageJ plot window on the first row.
 */
final class LossPlot implements Consumer<TrainingLog.Row> {

	private final String title;
	private double[] iterations = new double[0], losses = new double[0];
	private double[] valIterations = new double[0], valF1 = new double[0];
	private Plot plot;
	private boolean hasF1;

	LossPlot(String title) {
		this.title = title;
	}

	@Override
	public synchronized void accept(TrainingLog.Row row) {
		iterations = append(iterations, row.iteration);
		losses = append(losses, row.loss);
		if (!Double.isNaN(row.valF1)) {
			valIterations = append(valIterations, row.iteration);
			valF1 = append(valF1, row.valF1);
		}
		boolean first = plot == null;
		if (first) plot = new Plot(title, "iteration", "loss (black), validation F1 at IoU 0.5 (red)");
		plot.setColor("black");
		if (first) plot.add("line", iterations, losses);
		else plot.replace(0, "line", iterations, losses);
		if (valF1.length > 0) {
			plot.setColor("red");
			// the F1 curve is added with its first point, so that the plot never holds an empty curve
			if (!hasF1) plot.add("connected circle", valIterations, valF1);
			else plot.replace(1, "connected circle", valIterations, valF1);
			hasF1 = true;
		}
		if (first) plot.show();
		else plot.setLimitsToFit(true);
	}

	private static double[] append(double[] a, double v) {
		double[] b = java.util.Arrays.copyOf(a, a.length + 1);
		b[a.length] = v;
		return b;
	}
}
