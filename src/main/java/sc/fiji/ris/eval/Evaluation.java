package sc.fiji.ris.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Accumulates the {@link ImageScores} of the images of a set and summarises them into an
 * {@link EvaluationResult}: TP/FP/FN pooled over the images, per-image scores averaged (see
 * {@link EvaluationResult} for every formula and edge case).
 * <p>
 * Not thread-safe; {@link #result()} may be called at any time and does not reset the accumulator.
 */
public final class Evaluation {

	private final List<ImageScores> images = new ArrayList<>();

	/** Creates an empty evaluation. */
	public Evaluation() {
	}

	/**
	 * Adds the scores of one image.
	 *
	 * @param scores scores of one image pair
	 * @throws NullPointerException if {@code scores} is {@code null}
	 */
	public void add(ImageScores scores) {
		images.add(Objects.requireNonNull(scores, "scores"));
	}

	/**
	 * Scores one image pair with {@link ImageScores#compute(String, int[], int[])} and adds it.
	 *
	 * @param name name of the image
	 * @param prediction predicted labels, row-major, 0 = background
	 * @param groundTruth ground-truth labels, same length
	 * @return the scores of this image
	 * @throws IllegalArgumentException if the lengths differ or a label is negative
	 */
	public ImageScores add(String name, int[] prediction, int[] groundTruth) {
		final ImageScores scores = ImageScores.compute(name, prediction, groundTruth);
		images.add(scores);
		return scores;
	}

	/** @return the number of images added so far */
	public int size() {
		return images.size();
	}

	/** @return the summary of all images added so far */
	public EvaluationResult result() {
		return new EvaluationResult(images);
	}
}
