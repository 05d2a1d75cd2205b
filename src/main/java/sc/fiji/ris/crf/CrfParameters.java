package sc.fiji.ris.crf;

import java.util.Locale;
import sc.fiji.ris.UserError;

/**
 * The parameters of the dense CRF, immutable and checked on construction. With intensities I scaled by percentiles
 * (1st percentile to 0, 99.8th to 1, {@link DenseCrf#normalise}), pixel positions p in pixels and the Potts model
 * mu(a, b) = [a != b], the pairwise energy of two pixels i, j is
 *
 * <pre>
 *   mu(x_i, x_j) * ( w1 exp(-|p_i - p_j|^2 / 2 theta_alpha^2 - |I_i - I_j|^2 / 2 theta_beta^2)    appearance
 *                  + w2 exp(-|p_i - p_j|^2 / 2 theta_gamma^2) )                                    smoothness
 * </pre>
 *
 * (Kr&auml;henb&uuml;hl and Koltun, "Efficient Inference in Fully Connected CRFs with Gaussian Edge Potentials",
 * NIPS 2011), with both kernels normalised symmetrically, so that a weight is in units of the unary energy.
 *
 * @param spatialWidth theta_alpha, the appearance kernel's width in pixels: how far pixels of similar intensity pull
 *        each other towards the same label
 * @param intensityWidth theta_beta, the appearance kernel's width in normalised intensity: how different two
 *        intensities may be and still count as similar
 * @param smoothnessWidth theta_gamma, the smoothness kernel's width in pixels: removes small isolated pieces
 * @param appearanceWeight w1, the appearance kernel's weight (0 switches it off)
 * @param smoothnessWeight w2, the smoothness kernel's weight (0 switches it off)
 * @param iterations mean-field iterations
 * @param labelConfidence for a label image without soft masks: the probability a pixel's unary gives its own label
 *        (the rest is spread over the other labels it may take)
 * @param margin how far, in pixels, an instance may grow beyond its bounding box; instances closer than twice that
 *        are refined together
 */
public record CrfParameters(double spatialWidth, double intensityWidth, double smoothnessWidth, double appearanceWeight, double smoothnessWeight,
		int iterations, double labelConfidence, int margin) {

	/** The allowed ranges, for command-line and dialog checks. */
	public static final double MIN_SPATIAL_WIDTH = 0.5, MAX_SPATIAL_WIDTH = 200;
	public static final double MIN_INTENSITY_WIDTH = 0.001, MAX_INTENSITY_WIDTH = 10;
	public static final double MIN_SMOOTHNESS_WIDTH = 0.3, MAX_SMOOTHNESS_WIDTH = 20;
	public static final double MAX_WEIGHT = 100;
	public static final int MAX_ITERATIONS = 50;
	public static final int MAX_MARGIN = 100;

	/**
	 * Defaults for fluorescent nuclei, chosen on BBBC039 val images as a balance: a stronger appearance kernel helps
	 * coarse soft masks more, but moves the outlines of an already good segmentation (refining the annotation itself
	 * with these keeps its matched IoU near 0.99). Preliminary: to be confirmed with the final model.
	 */
	public static final CrfParameters DEFAULTS = new CrfParameters(8, 0.1, 1.5, 3, 1, 5, 0.8, 4);

	/**
	 * @throws IllegalArgumentException with one sentence naming the first parameter out of its range
	 */
	public CrfParameters {
		check("spatial width (theta_alpha)", spatialWidth, MIN_SPATIAL_WIDTH, MAX_SPATIAL_WIDTH);
		check("intensity width (theta_beta)", intensityWidth, MIN_INTENSITY_WIDTH, MAX_INTENSITY_WIDTH);
		check("smoothness width (theta_gamma)", smoothnessWidth, MIN_SMOOTHNESS_WIDTH, MAX_SMOOTHNESS_WIDTH);
		check("appearance weight (w1)", appearanceWeight, 0, MAX_WEIGHT);
		check("smoothness weight (w2)", smoothnessWeight, 0, MAX_WEIGHT);
		check("number of iterations", iterations, 0, MAX_ITERATIONS);
		if (!(labelConfidence > 0.5 && labelConfidence < 1))
			throw new UserError("The CRF's label confidence must lie strictly between 0.5 and 1, not " + format(labelConfidence) + ".");
		check("margin", margin, 0, MAX_MARGIN);
	}

	private static void check(String what, double value, double min, double max) {
		if (!(value >= min && value <= max))
			throw new UserError("The CRF's " + what + " must lie between " + format(min) + " and " + format(max) + ", not " + format(value) + ".");
	}

	private static String format(double v) {
		return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
	}

	public CrfParameters withSpatialWidth(double v) { return new CrfParameters(v, intensityWidth, smoothnessWidth, appearanceWeight, smoothnessWeight, iterations, labelConfidence, margin); }
	public CrfParameters withIntensityWidth(double v) { return new CrfParameters(spatialWidth, v, smoothnessWidth, appearanceWeight, smoothnessWeight, iterations, labelConfidence, margin); }
	public CrfParameters withSmoothnessWidth(double v) { return new CrfParameters(spatialWidth, intensityWidth, v, appearanceWeight, smoothnessWeight, iterations, labelConfidence, margin); }
	public CrfParameters withAppearanceWeight(double v) { return new CrfParameters(spatialWidth, intensityWidth, smoothnessWidth, v, smoothnessWeight, iterations, labelConfidence, margin); }
	public CrfParameters withSmoothnessWeight(double v) { return new CrfParameters(spatialWidth, intensityWidth, smoothnessWidth, appearanceWeight, v, iterations, labelConfidence, margin); }
	public CrfParameters withIterations(int v) { return new CrfParameters(spatialWidth, intensityWidth, smoothnessWidth, appearanceWeight, smoothnessWeight, v, labelConfidence, margin); }
	public CrfParameters withLabelConfidence(double v) { return new CrfParameters(spatialWidth, intensityWidth, smoothnessWidth, appearanceWeight, smoothnessWeight, iterations, v, margin); }
	public CrfParameters withMargin(int v) { return new CrfParameters(spatialWidth, intensityWidth, smoothnessWidth, appearanceWeight, smoothnessWeight, iterations, labelConfidence, v); }

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "theta_alpha %s px, theta_beta %s, theta_gamma %s px, w1 %s, w2 %s, %d iterations, label confidence %s, margin %d px",
				format(spatialWidth), format(intensityWidth), format(smoothnessWidth), format(appearanceWeight), format(smoothnessWeight), iterations,
				format(labelConfidence), margin);
	}
}
