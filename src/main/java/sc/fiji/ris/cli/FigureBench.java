package sc.fiji.ris.cli;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import sc.fiji.ris.UserError;
import sc.fiji.ris.Progress;
import sc.fiji.ris.eval.Evaluation;
import sc.fiji.ris.imagej.ImageFiles;
import sc.fiji.ris.imagej.ImagePlusSegmenter;
import sc.fiji.ris.imagej.OverlayImages;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.infer.Segmenter;
import sc.fiji.ris.infer.SegmenterOptions;
import sc.fiji.ris.io.AtomicFiles;
import sc.fiji.ris.io.ModelPackage;
import sc.fiji.ris.model.RisModel;

/**
 * {@code ris bench figure}: three panels side by side for the README: the normalised input, the RIS result
 * (outlines) and the ground truth (outlines), with the image's F1 at IoU 0.5 printed.
 */
final class FigureBench {

	private FigureBench() {}

	static int run(Args a, PrintStream out) throws IOException {
		if (a.positional().size() < 2) throw new Args.UsageException("Give the image: ris bench figure --gt LABELS --output PNG IMAGE.");
		Path image = Path.of(a.positional().get(1));
		Path gtFile = a.path("--gt");
		if (gtFile == null) throw new Args.UsageException("Give the ground-truth label image with --gt.");
		Path output = a.path("--output");
		if (output == null) throw new Args.UsageException("Give the PNG to write with --output.");
		ImagePlus imp = ImageFiles.open(image);
		ImagePlus gtImp = ImageFiles.open(gtFile);
		int w = imp.getWidth(), h = imp.getHeight();
		if (gtImp.getWidth() != w || gtImp.getHeight() != h)
			throw new UserError("The ground truth " + gtFile + " is not the size of the image " + image + ".");
		float[] px = ImagePlusSegmenter.plane(imp, 1);
		int[] gt = ImageFiles.labels(gtImp, 1, gtFile);
		Instances result;
		try (RisModel model = a.has("--model") ? ModelPackage.load(a.path("--model")) : ModelPackage.loadBundled()) {
			result = new Segmenter(model, new SegmenterOptions().objectDiameterSetting(a.objectDiameter())).segment(px, w, h, Progress.NONE);
		}
		ColorProcessor empty = OverlayImages.render(px, new int[w * h], w, h);
		ColorProcessor ris = OverlayImages.render(px, result);
		ColorProcessor gtp = OverlayImages.render(px, gt, w, h);
		int gap = 8;
		ColorProcessor fig = new ColorProcessor(3 * w + 2 * gap, h);
		fig.setColor(java.awt.Color.WHITE);
		fig.fill();
		fig.insert(empty, 0, 0);
		fig.insert(ris, w + gap, 0);
		fig.insert(gtp, 2 * (w + gap), 0);
		AtomicFiles.write(output, o -> ImageIO.write(fig.getBufferedImage(), "png", o));
		Evaluation ev = new Evaluation();
		ev.add(image.getFileName().toString(), result.labels(), gt);
		out.printf(Locale.ROOT, "%s: %d instances (ground truth %d), F1@0.5 %.3f, mean F1 %.3f; wrote %s%n", image.getFileName(), result.count(),
				countLabels(gt), ev.result().f1(0), ev.result().meanF1(), output);
		return 0;
	}

	private static int countLabels(int[] labels) {
		return (int) java.util.Arrays.stream(labels).filter(l -> l > 0).distinct().count();
	}
}
