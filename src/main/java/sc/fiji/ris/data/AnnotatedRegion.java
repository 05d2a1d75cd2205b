package sc.fiji.ris.data;

import java.util.Arrays;
import sc.fiji.ris.UserError;

/**
 * Partly annotated training images: an annotated region (a user-drawn rectangle, the bounding box of the annotated
 * instances, or a mask), inside which every object is annotated, and an outside that nobody looked at. Outside the
 * region a label says {@link LabeledImage#NOT_ANNOTATED}, so that the unannotated nuclei there are not learnt as
 * background: the trainer blanks those pixels in the network's input ({@link #hide}), as the outside of an image is
 * blank, and gives them no weight in the loss ({@link #weights}). An instance cut by the region's edge keeps its
 * inside part as a target, as a nucleus cut by a crop's border does.
 *
 * <p>Hiding the outside from the network, and not only from the loss, is what keeps the recurrent decoder right: it
 * learns when to stop from the number of instances in a crop, and a crop that showed unannotated nuclei with a count
 * that leaves them out would teach it to stop before them.
 */
public final class AnnotatedRegion {

	private AnnotatedRegion() {}

	/**
	 * The image with its labels outside {@code annotated} set to {@link LabeledImage#NOT_ANNOTATED}; the image itself
	 * when every pixel is annotated. The pixels are shared, the labels copied.
	 *
	 * @param annotated one entry per pixel, row-major, true where the image is annotated
	 * @throws IllegalArgumentException if the mask does not fit the image or holds no annotated pixel
	 */
	public static LabeledImage restrict(LabeledImage image, boolean[] annotated) {
		int n = image.width() * image.height();
		if (annotated.length != n)
			throw new UserError("The annotated region of '" + image.name() + "' has " + annotated.length + " pixels, the image " + n + ".");
		int inside = 0;
		for (boolean a : annotated) if (a) inside++;
		if (inside == 0) throw new UserError("The annotated region of '" + image.name() + "' is empty: it must hold the pixels whose labels are complete.");
		if (inside == n) return image;
		int[] labels = image.labels().clone();
		for (int i = 0; i < n; i++) if (!annotated[i]) labels[i] = LabeledImage.NOT_ANNOTATED;
		return new LabeledImage(image.name(), image.width(), image.height(), image.pixels(), labels);
	}

	/** The annotated region of a rectangle clipped to a {@code width x height} image. */
	public static boolean[] rectangle(int width, int height, int x, int y, int w, int h) {
		boolean[] region = new boolean[width * height];
		for (int row = Math.max(0, y); row < Math.min(height, y + h); row++)
			Arrays.fill(region, row * width + Math.max(0, x), row * width + Math.max(Math.max(0, x), Math.min(width, x + w)), true);
		return region;
	}

	/** Whether some pixel of the image is not annotated. */
	public static boolean isPartial(LabeledImage image) {
		int[] labels = image.labels();
		if (labels == null) return false;
		for (int l : labels) if (l < 0) return true;
		return false;
	}

	/** The indices (row-major) of the annotated pixels of a partly annotated image, for drawing crops that hold some. */
	public static int[] annotatedPixels(LabeledImage image) {
		int[] labels = image.labels();
		int n = 0;
		for (int l : labels) if (l >= 0) n++;
		int[] out = new int[n];
		int k = 0;
		for (int i = 0; i < labels.length; i++) if (labels[i] >= 0) out[k++] = i;
		return out;
	}

	/**
	 * Blanks the pixels of a training crop that are not annotated (sets them to 0, the value outside an image), in
	 * place: crops are fresh copies. Returns whether there were any.
	 */
	public static boolean hide(LabeledImage crop) {
		int[] labels = crop.labels();
		if (labels == null) return false;
		float[] pixels = crop.pixels();
		boolean any = false;
		for (int i = 0; i < labels.length; i++)
			if (labels[i] < 0) {
				pixels[i] = 0;
				any = true;
			}
		return any;
	}

	/** The loss weight of each pixel of a crop: 1 where it is annotated, 0 where not. */
	public static float[] weights(LabeledImage crop) {
		int[] labels = crop.labels();
		float[] w = new float[labels.length];
		for (int i = 0; i < w.length; i++) w[i] = labels[i] < 0 ? 0f : 1f;
		return w;
	}
}
