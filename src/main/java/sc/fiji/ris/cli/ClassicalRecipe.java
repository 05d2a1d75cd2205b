package sc.fiji.ris.cli;

import ij.ImagePlus;
import ij.Prefs;
import ij.measure.ResultsTable;
import ij.plugin.filter.EDM;
import ij.plugin.filter.ParticleAnalyzer;
import ij.process.AutoThresholder;
import ij.process.ByteProcessor;
import ij.process.ImageProcessor;

/**
 * The classical Fiji recipe that RIS is compared with: Gaussian blur (sigma 1), Otsu threshold, Convert to Mask,
 * Watershed, Analyze Particles (size &gt;= 10) as count masks. Runs headless with ImageJ 1.x classes; for benchmarks
 * only.
 */
final class ClassicalRecipe {

	private ClassicalRecipe() {}

	/** Labels (row-major, 0 = background) of one plane. */
	static int[] segment(ImageProcessor input) {
		ImageProcessor ip = input.convertToFloat();
		ip.blurGaussian(1.0);
		ImageProcessor work = input.getBitDepth() == 8 ? ip.convertToByte(false) : ip.convertToShort(false);
		work.setAutoThreshold(AutoThresholder.Method.Otsu, true, ImageProcessor.NO_LUT_UPDATE);
		double lo = work.getMinThreshold(), hi = work.getMaxThreshold();
		int w = work.getWidth(), h = work.getHeight();
		ByteProcessor mask = new ByteProcessor(w, h);
		for (int i = 0; i < w * h; i++) {
			float v = work.getf(i);
			if (v >= lo && v <= hi) mask.set(i, 255);
		}
		boolean black = Prefs.blackBackground;
		Prefs.blackBackground = true;
		try {
			new EDM().toWatershed(mask);
			ImagePlus imp = new ImagePlus("mask", mask);
			mask.setThreshold(255, 255, ImageProcessor.NO_LUT_UPDATE);
			ParticleAnalyzer pa = new ParticleAnalyzer(ParticleAnalyzer.SHOW_ROI_MASKS, 0, new ResultsTable(), 10, Double.POSITIVE_INFINITY);
			pa.setHideOutputImage(true);
			if (!pa.analyze(imp)) throw new IllegalStateException("Analyze Particles failed.");
			ImageProcessor counts = pa.getOutputImage().getProcessor();
			int[] out = new int[w * h];
			for (int i = 0; i < out.length; i++) out[i] = (int) counts.getf(i);
			return out;
		} finally {
			Prefs.blackBackground = black;
		}
	}
}
