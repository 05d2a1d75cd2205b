package sc.fiji.ris.fiji;

/** The descriptions of the parameters that several commands share, so that every dialog says the same. */
final class ParameterTexts {

	static final String OBJECT_DIAMETER = "Typical diameter of the objects in pixels; the image is rescaled so that they have the size the model works at (21 pixels for the bundled model, which also learnt nuclei from half to twice that size) and the results are scaled back. 0 = estimate it from the image (segment once more at the measured size when the objects found are more than 1.5 times larger or smaller than the model's, or were cut into pieces; never beyond 4 times larger or 2 times smaller, and that pass is dropped with a warning when it finds far more objects than the first); -1 = the model's own size, no rescaling.";

	static final String FLIP_AVERAGING = "Also segment the image mirrored left-right, top-bottom and both, and keep the objects that enough of the 4 views found (the votes the model was tuned with for flips, 2 for a model without them, such as the bundled one), with the pixels at least half of their views cover: smoother outlines and fewer stray pieces, though fewer touching nuclei cut apart; about 3.3 times the time.";

	private ParameterTexts() {}
}
