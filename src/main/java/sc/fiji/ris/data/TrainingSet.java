package sc.fiji.ris.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import sc.fiji.ris.UserError;

/**
 * Reads and checks the image/label pairs of a training or validation set, the same way for {@code ris train} and
 * the Fiji "Train Model" command. Reading the pixels of one pair is left to the caller (ImageJ's readers live
 * above this layer).
 */
public final class TrainingSet {

	private TrainingSet() {}

	/**
	 * Reads every pair. An image without any instance is kept (it teaches the network to stop at once), with a
	 * warning; a set without any instance at all is refused.
	 *
	 * @param pairs the pairs, e.g. from {@link ImagePairs#pair}
	 * @param reader reads one pair, normalised; throws {@link IllegalArgumentException} naming a bad file
	 * @param labelsOption how the user named the label folder (an option or a parameter), for messages
	 * @param warnings receives one sentence per image without instances
	 * @throws IllegalArgumentException if a pair cannot be read, or no label image has an instance
	 */
	public static List<LabeledImage> read(List<ImagePairs.Pair> pairs, Function<ImagePairs.Pair, LabeledImage> reader, String labelsOption,
			Consumer<String> warnings) {
		List<LabeledImage> out = new ArrayList<>(pairs.size());
		boolean anyInstance = false;
		for (ImagePairs.Pair p : pairs) {
			LabeledImage li = reader.apply(p);
			boolean any = false;
			for (int l : li.labels()) {
				if (l > 0) {
					any = true;
					break;
				}
			}
			if (!any) warnings.accept("The label image " + p.labels + " has no instances; it is used as an empty example.");
			anyInstance |= any;
			out.add(li);
		}
		if (!anyInstance)
			throw new UserError("The label images in " + labelsOption + " have no instances at all (every pixel is 0): there is nothing to learn from.");
		return out;
	}
}
