package sc.fiji.ris.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import sc.fiji.ris.data.Augmentation;
import sc.fiji.ris.data.CropSampler;
import sc.fiji.ris.data.LabeledImage;

/**
 * Training or validation inputs with their targets: each input is the target's square (the window) with, where
 * {@code left}, {@code top} etc. say so, a margin of context around it that the network encodes but is not asked
 * to segment. All inputs of one batch have the same shape.
 */
final class Windows {

	/** Chance that a training window has context on a given side (with {@link TrainingOptions#contextMargin}). */
	static final double CONTEXT_SIDE = 0.75;

	final List<LabeledImage> targets;
	final float[] input;
	final int inputWidth, inputHeight, x, y, size;

	private Windows(List<LabeledImage> targets, float[] input, int inputWidth, int inputHeight, int x, int y, int size) {
		this.targets = targets;
		this.input = input;
		this.inputWidth = inputWidth;
		this.inputHeight = inputHeight;
		this.x = x;
		this.y = y;
		this.size = size;
	}

	int count() { return targets.size(); }

	/** Inputs {@code from} (inclusive) to {@code to} (exclusive). */
	Windows part(int from, int to) {
		int n = inputWidth * inputHeight;
		return new Windows(targets.subList(from, to), Arrays.copyOfRange(input, from * n, to * n), inputWidth, inputHeight, x, y, size);
	}

	boolean isEmpty() { return targets.isEmpty(); }

	boolean hasContext() { return inputWidth != size || inputHeight != size; }

	/** Crops of side {@code size + 2 margin} with context on every side; the targets are their centres. */
	static Windows of(List<LabeledImage> crops, int margin, int size) {
		return cut(crops, new CropSampler(size, Augmentation.NONE, 1), margin, size, true, true, true, true);
	}

	/**
	 * Context on each side with probability {@link #CONTEXT_SIDE} (the same for the whole batch), as tiles get it
	 * from their neighbours in a shared encoding, or not at the edge of the region or the image. Targets are the
	 * centres, relabelled by {@code centre} (and its minimum area).
	 */
	static Windows random(List<LabeledImage> crops, CropSampler centre, int margin, SplittableRandom rnd) {
		return cut(crops, centre, margin, centre.cropSize(), rnd.nextDouble() < CONTEXT_SIDE, rnd.nextDouble() < CONTEXT_SIDE,
				rnd.nextDouble() < CONTEXT_SIDE, rnd.nextDouble() < CONTEXT_SIDE);
	}

	private static Windows cut(List<LabeledImage> crops, CropSampler centre, int margin, int size, boolean left, boolean top, boolean right,
			boolean bottom) {
		List<LabeledImage> targets = new ArrayList<>(crops.size());
		if (margin == 0) {
			float[] x = new float[crops.size() * size * size];
			for (int i = 0; i < crops.size(); i++) System.arraycopy(crops.get(i).pixels(), 0, x, i * size * size, size * size);
			return new Windows(crops, x, size, size, 0, 0, size);
		}
		int x0 = left ? 0 : margin, y0 = top ? 0 : margin;
		int w = size + (left ? margin : 0) + (right ? margin : 0), h = size + (top ? margin : 0) + (bottom ? margin : 0);
		float[] x = new float[crops.size() * w * h];
		for (int i = 0; i < crops.size(); i++) {
			LabeledImage c = crops.get(i);
			targets.add(centre.crop(c, margin, margin));
			for (int row = 0; row < h; row++) System.arraycopy(c.pixels(), (y0 + row) * c.width() + x0, x, (i * h + row) * w, w);
		}
		return new Windows(targets, x, w, h, margin - x0, margin - y0, size);
	}
}
