package sc.fiji.ris.data;

import java.util.Objects;
import sc.fiji.ris.UserError;

/**
 * One 2D plane with its instance labels: intensities as {@code float} in row-major order, labels as
 * {@code int} (0 = background, any positive value = one instance; values need not be consecutive;
 * {@link #NOT_ANNOTATED} where the image was not annotated, see {@link AnnotatedRegion}).
 * Labels may be {@code null} for an unannotated image.
 */
public final class LabeledImage {

	/**
	 * The label of a pixel outside the annotated region of a partly annotated image: neither background nor an
	 * instance, never shown to the network nor counted in the loss.
	 */
	public static final int NOT_ANNOTATED = -1;

	private final String name;
	private final int width;
	private final int height;
	private final float[] pixels;
	private final int[] labels;

	public LabeledImage(String name, int width, int height, float[] pixels, int[] labels) {
		if (width <= 0 || height <= 0) throw new UserError("Image '" + name + "' has an empty size " + width + "x" + height + ".");
		if (pixels.length != width * height) throw new UserError("Image '" + name + "' has " + pixels.length + " pixels, expected " + width * height + ".");
		if (labels != null && labels.length != width * height) throw new UserError("Labels of '" + name + "' have " + labels.length + " pixels, expected " + width * height + ".");
		this.name = Objects.requireNonNull(name);
		this.width = width;
		this.height = height;
		this.pixels = pixels;
		this.labels = labels;
	}

	public String name() { return name; }
	public int width() { return width; }
	public int height() { return height; }
	/** Row-major intensities, index {@code y * width + x}; the array itself, not a copy. */
	public float[] pixels() { return pixels; }
	/** Row-major labels, or {@code null}; the array itself, not a copy. */
	public int[] labels() { return labels; }
}
