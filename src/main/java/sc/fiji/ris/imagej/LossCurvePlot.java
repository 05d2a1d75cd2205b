package sc.fiji.ris.imagej;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import sc.fiji.ris.io.AtomicFiles;
import sc.fiji.ris.train.TrainingLog;

/** Draws the training loss and the validation F1 against iterations into a PNG (headless-safe). */
public final class LossCurvePlot {

	private LossCurvePlot() {}

	public static void write(TrainingLog log, Path file) throws IOException {
		int w = 800, h = 400, left = 60, right = 60, top = 30, bottom = 40;
		BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = img.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
		g.setColor(Color.WHITE);
		g.fillRect(0, 0, w, h);
		g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
		List<TrainingLog.Row> rows = log.rows();
		g.setColor(Color.DARK_GRAY);
		g.drawRect(left, top, w - left - right, h - top - bottom);
		g.drawString("iteration", w / 2 - 25, h - 8);
		if (!rows.isEmpty()) {
			double maxIt = Math.max(1, rows.get(rows.size() - 1).iteration);
			double maxLoss = rows.stream().mapToDouble(r -> r.loss).filter(Double::isFinite).max().orElse(1);
			g.drawString(String.format("%.0f", maxIt), w - right - 20, h - bottom + 15);
			g.drawString("0", left, h - bottom + 15);
			// where the curriculum moved to stage 2 (the loss jumps there: more steps, more instances)
			for (int i = 1; i < rows.size(); i++)
				if (rows.get(i).stage != rows.get(i - 1).stage) {
					int x = left + (int) Math.round((w - left - right) * rows.get(i).iteration / maxIt);
					g.setColor(Color.GRAY);
					g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] { 4f, 4f }, 0f));
					g.drawLine(x, top, x, h - bottom);
					g.drawString("stage " + rows.get(i).stage, x + 4, top + 14);
				}
			g.setColor(new Color(0, 90, 200));
			g.drawString(String.format("loss (max %.3f)", maxLoss), left, top - 10);
			curve(g, rows, r -> r.loss / maxLoss, maxIt, left, top, w - left - right, h - top - bottom, new Color(0, 90, 200));
			g.setColor(new Color(200, 60, 0));
			g.drawString("validation F1@0.5 / stage-1 IoU (0..1)", w - right - 250, top - 10);
			curve(g, rows.stream().filter(TrainingLog.Row::hasValidation).toList(), r -> r.valScore, maxIt, left, top,
					w - left - right, h - top - bottom, new Color(200, 60, 0));
		}
		g.dispose();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		ImageIO.write(img, "png", bytes);
		AtomicFiles.write(file, bytes.toByteArray());
	}

	private static void curve(Graphics2D g, List<TrainingLog.Row> rows, ToDoubleFunction<TrainingLog.Row> y, double maxIt, int x0, int y0,
			int w, int h, Color color) {
		Path2D.Double p = new Path2D.Double();
		boolean first = true;
		for (TrainingLog.Row r : rows) {
			double v = y.applyAsDouble(r);
			if (!Double.isFinite(v)) continue;
			double px = x0 + w * r.iteration / maxIt, py = y0 + h * (1 - Math.max(0, Math.min(1, v)));
			if (first) p.moveTo(px, py); else p.lineTo(px, py);
			first = false;
		}
		g.setColor(color);
		g.setStroke(new BasicStroke(1.5f));
		g.draw(p);
	}
}
