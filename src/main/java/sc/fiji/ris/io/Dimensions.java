package sc.fiji.ris.io;

import sc.fiji.ris.UserError;

/**
 * The non-spatial dimensions of an image stack in ImageJ's terms: channels, slices (z) and frames (time). Planes are
 * stored in ImageJ's order, channel fastest, then slice, then frame; plane index {@code i} (0-based) is stack
 * position {@code i + 1}. Immutable.
 */
public final class Dimensions {

	/** One plane: no channels, slices or frames to speak of. */
	public static final Dimensions SINGLE = new Dimensions(1, 1, 1);

	private final int channels;
	private final int slices;
	private final int frames;

	private Dimensions(int channels, int slices, int frames) {
		this.channels = channels;
		this.slices = slices;
		this.frames = frames;
	}

	/**
	 * @param channels number of channels, at least 1
	 * @param slices number of z slices, at least 1
	 * @param frames number of time frames, at least 1
	 * @throws IllegalArgumentException if a count is below 1 or the number of planes does not fit an int
	 */
	public static Dimensions of(int channels, int slices, int frames) {
		if (channels < 1 || slices < 1 || frames < 1) throw new UserError("Channels, slices and frames must each be at least 1, not " + channels + ", " + slices + ", " + frames + ".");
		if ((long) channels * slices * frames > Integer.MAX_VALUE) throw new UserError("A stack of " + channels + " x " + slices + " x " + frames + " planes is too large.");
		return new Dimensions(channels, slices, frames);
	}

	/** Number of channels (C). */
	public int channels() { return channels; }

	/** Number of z slices (Z). */
	public int slices() { return slices; }

	/** Number of time frames (T). */
	public int frames() { return frames; }

	/** Number of planes, C x Z x T. */
	public int planes() { return channels * slices * frames; }

	/**
	 * Whether ImageJ treats the stack as a hyperstack: more than one of C, Z, T is above 1. A stack with only one
	 * such dimension is a plain stack, whose planes ImageJ addresses by stack position alone.
	 */
	public boolean isHyperstack() {
		int above = (channels > 1 ? 1 : 0) + (slices > 1 ? 1 : 0) + (frames > 1 ? 1 : 0);
		return above > 1;
	}

	/** The 1-based channel of plane {@code index} (0-based, ImageJ order). */
	public int channelOf(int index) {
		check(index);
		return index % channels + 1;
	}

	/** The 1-based slice of plane {@code index} (0-based, ImageJ order). */
	public int sliceOf(int index) {
		check(index);
		return index / channels % slices + 1;
	}

	/** The 1-based frame of plane {@code index} (0-based, ImageJ order). */
	public int frameOf(int index) {
		check(index);
		return index / (channels * slices) + 1;
	}

	private void check(int index) {
		if (index < 0 || index >= planes()) throw new IndexOutOfBoundsException("Plane " + index + " is outside a stack of " + planes() + " planes.");
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof Dimensions && ((Dimensions) o).channels == channels && ((Dimensions) o).slices == slices && ((Dimensions) o).frames == frames;
	}

	@Override
	public int hashCode() {
		return (channels * 31 + slices) * 31 + frames;
	}

	@Override
	public String toString() {
		return "channels=" + channels + ", slices=" + slices + ", frames=" + frames;
	}
}
