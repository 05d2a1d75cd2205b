package sc.fiji.ris.io;

import sc.fiji.ris.UserError;

/**
 * Spatial calibration of an image: the size of one pixel (and the z spacing) in a length unit. A plain value
 * without ImageJ's {@code ij.measure.Calibration}, which this package must not touch. Immutable.
 */
public final class Calibration {

	/** Uncalibrated: one pixel per pixel, ImageJ's default. */
	public static final Calibration NONE = new Calibration(1, 1, 1, "pixel");

	private final double pixelWidth;
	private final double pixelHeight;
	private final double pixelDepth;
	private final String unit;

	/**
	 * @param pixelWidth width of a pixel in {@code unit}, positive and finite
	 * @param pixelHeight height of a pixel in {@code unit}, positive and finite
	 * @param pixelDepth z spacing in {@code unit}, positive and finite (1 when there is none)
	 * @param unit length unit, e.g. "µm" (ImageJ also reads "um" as "µm"); null or empty means "pixel"
	 * @throws IllegalArgumentException if a size is not positive and finite
	 */
	public Calibration(double pixelWidth, double pixelHeight, double pixelDepth, String unit) {
		if (!(pixelWidth > 0 && pixelHeight > 0 && pixelDepth > 0) || Double.isInfinite(pixelWidth) || Double.isInfinite(pixelHeight) || Double.isInfinite(pixelDepth)) {
			throw new UserError("Pixel sizes must be positive and finite, not " + pixelWidth + " x " + pixelHeight + " x " + pixelDepth + ".");
		}
		this.pixelWidth = pixelWidth;
		this.pixelHeight = pixelHeight;
		this.pixelDepth = pixelDepth;
		this.unit = unit == null || unit.isEmpty() ? "pixel" : unit;
	}

	/** Width of a pixel in {@link #unit()}. */
	public double pixelWidth() { return pixelWidth; }

	/** Height of a pixel in {@link #unit()}. */
	public double pixelHeight() { return pixelHeight; }

	/** Distance between z slices in {@link #unit()}. */
	public double pixelDepth() { return pixelDepth; }

	/** The length unit, never null or empty. */
	public String unit() { return unit; }

	/** Whether this differs from {@link #NONE}, by ImageJ's own test. */
	public boolean isScaled() {
		return pixelWidth != 1 || pixelHeight != 1 || pixelDepth != 1 || !unit.equals("pixel");
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof Calibration)) return false;
		Calibration c = (Calibration) o;
		return Double.compare(c.pixelWidth, pixelWidth) == 0 && Double.compare(c.pixelHeight, pixelHeight) == 0 && Double.compare(c.pixelDepth, pixelDepth) == 0 && c.unit.equals(unit);
	}

	@Override
	public int hashCode() {
		return ((Double.hashCode(pixelWidth) * 31 + Double.hashCode(pixelHeight)) * 31 + Double.hashCode(pixelDepth)) * 31 + unit.hashCode();
	}

	@Override
	public String toString() {
		return pixelWidth + " x " + pixelHeight + " x " + pixelDepth + " " + unit;
	}
}
