package sc.fiji.ris.io;

import java.util.Objects;
import sc.fiji.ris.UserError;
import sc.fiji.ris.infer.Instances;

/**
 * The instances of one plane together with where that plane sits in its image, so that each ROI written for it
 * belongs to that plane in ImageJ. Three cases, as ImageJ has them:
 * <ul>
 * <li>a single image ({@link #single}): no position, the ROIs show on every plane;</li>
 * <li>a plain stack, where only one of channels, slices, frames is above 1 ({@link #inStack}): the ROI's stack
 * position ({@code Roi.getPosition()});</li>
 * <li>a hyperstack ({@link #inHyperstack}): the ROI's channel, slice and frame
 * ({@code Roi.setPosition(c, z, t)}); the stack position is still kept, to name the ROIs.</li>
 * </ul>
 * {@link #of(Instances, Dimensions, int)} picks the right case from the image's dimensions. Immutable (the
 * {@link Instances} it holds are not copied).
 */
public final class PlaneInstances {

	private final Instances instances;
	private final int channel;
	private final int slice;
	private final int frame;
	private final boolean hyperstack;
	private final int stackPosition;

	/**
	 * @param channel 1-based channel, for a hyperstack plane; 0 otherwise
	 * @param slice 1-based slice, for a hyperstack plane; 0 otherwise
	 * @param frame 1-based frame, for a hyperstack plane; 0 otherwise
	 * @param hyperstack whether the plane belongs to a hyperstack
	 * @param stackPosition 1-based position of the plane in the ImageJ stack; 0 for a single image only
	 * @throws IllegalArgumentException if the positions do not fit the case
	 */
	public PlaneInstances(Instances instances, int channel, int slice, int frame, boolean hyperstack, int stackPosition) {
		this.instances = Objects.requireNonNull(instances, "instances");
		if (hyperstack) {
			if (channel < 1 || slice < 1 || frame < 1 || stackPosition < 1) throw new UserError("A hyperstack plane needs channel, slice, frame and stack position of at least 1, not " + channel + ", " + slice + ", " + frame + ", " + stackPosition + ".");
		} else {
			if (channel != 0 || slice != 0 || frame != 0) throw new UserError("A plane outside a hyperstack has only a stack position; channel, slice and frame must be 0.");
			if (stackPosition < 0) throw new UserError("The stack position must be at least 0, not " + stackPosition + ".");
		}
		this.channel = channel;
		this.slice = slice;
		this.frame = frame;
		this.hyperstack = hyperstack;
		this.stackPosition = stackPosition;
	}

	/** The instances of a single 2D image. */
	public static PlaneInstances single(Instances instances) {
		return new PlaneInstances(instances, 0, 0, 0, false, 0);
	}

	/** The instances of plane {@code position} (1-based) of a plain stack. */
	public static PlaneInstances inStack(Instances instances, int position) {
		if (position < 1) throw new UserError("A stack position is 1-based, not " + position + ".");
		return new PlaneInstances(instances, 0, 0, 0, false, position);
	}

	/** The instances of the plane at (channel, slice, frame), all 1-based, which is stack position {@code position}. */
	public static PlaneInstances inHyperstack(Instances instances, int channel, int slice, int frame, int position) {
		return new PlaneInstances(instances, channel, slice, frame, true, position);
	}

	/**
	 * The instances of plane {@code index} (0-based, ImageJ order: channel fastest) of an image with dimensions
	 * {@code dims}: a single image, a plain stack or a hyperstack as the dimensions say.
	 */
	public static PlaneInstances of(Instances instances, Dimensions dims, int index) {
		if (index < 0 || index >= dims.planes()) throw new IndexOutOfBoundsException("Plane " + index + " is outside a stack of " + dims.planes() + " planes.");
		if (dims.planes() == 1) return single(instances);
		if (dims.isHyperstack()) return inHyperstack(instances, dims.channelOf(index), dims.sliceOf(index), dims.frameOf(index), index + 1);
		return inStack(instances, index + 1);
	}

	/** The instances of this plane. */
	public Instances instances() { return instances; }

	/** 1-based channel in a hyperstack, else 0. */
	public int channel() { return channel; }

	/** 1-based slice in a hyperstack, else 0. */
	public int slice() { return slice; }

	/** 1-based frame in a hyperstack, else 0. */
	public int frame() { return frame; }

	/** Whether the plane belongs to a hyperstack (then the ROIs carry channel, slice and frame). */
	public boolean hyperstack() { return hyperstack; }

	/** 1-based stack position, or 0 for a single image. */
	public int stackPosition() { return stackPosition; }
}
