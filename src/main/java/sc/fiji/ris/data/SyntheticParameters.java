package sc.fiji.ris.data;

/**
 * The settings of {@link SyntheticNuclei}, starting at the BBBC039-like defaults. The builder validates and changes
 * its own copy; a built generator holds another copy that nothing changes any more, which the steps of generation
 * read. The meaning of each value is documented at its setter in {@link SyntheticNuclei.Builder}.
 */
final class SyntheticParameters implements Cloneable {

	/** Shapes: diameters in pixels, largest aspect ratio, strength of the outline's harmonics, bright fraction. */
	double minDiameter = 22;
	double maxDiameter = 35;
	double maxAspect = 2.5;
	double irregularity = 0.05;
	double brightFraction = 0.03;

	/** Amount: a fixed count range when {@code minCount >= 0}, otherwise nuclei per 696x520 field. */
	int minCount = -1;
	int maxCount = -1;
	double minDensity = 90;
	double maxDensity = 150;

	/** Layout: fraction of touching nuclei and the smallest area a nucleus may keep. */
	double clusterFraction = 0.2;
	int minArea = 30;

	/** Intensities in grey values, and the relative spreads of brightness and texture. */
	double background = 150;
	double foreground = 450;
	double brightnessSpread = 0.3;
	double texture = 0.18;

	/** Optics, background gradients and camera. */
	double blurSigma = 0.9;
	double halo = 0.06;
	double unevenBackground = 0.3;
	double gain = 0.12;
	double readNoise = 3;
	double maxValue = 4095;

	/** @return an independent copy of these settings */
	SyntheticParameters copy() {
		try {
			return (SyntheticParameters) clone();
		} catch (CloneNotSupportedException e) {
			throw new AssertionError(e);
		}
	}

	/** @return the settings as {@code name=value} pairs separated by commas, for {@link SyntheticNuclei#toString} */
	@Override
	public String toString() {
		String amount = minCount >= 0 ? "count=" + minCount + ".." + maxCount : "perField696x520=" + minDensity + ".." + maxDensity;
		return "diameter=" + minDiameter + ".." + maxDiameter + ", " + amount + ", clusterFraction="
				+ clusterFraction + ", maxAspect=" + maxAspect + ", irregularity=" + irregularity + ", brightFraction="
				+ brightFraction + ", minArea=" + minArea + ", background=" + background + ", foreground=" + foreground
				+ ", brightnessSpread=" + brightnessSpread + ", texture=" + texture + ", blurSigma=" + blurSigma
				+ ", halo=" + halo + ", unevenBackground=" + unevenBackground + ", gain=" + gain + ", readNoise="
				+ readNoise + ", maxValue=" + maxValue;
	}
}
