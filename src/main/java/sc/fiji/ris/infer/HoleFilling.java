package sc.fiji.ris.infer;

import java.util.Arrays;

/** Post-processing step: holes inside one instance (background it encloses) become part of it. */
final class HoleFilling {

	private HoleFilling() {}

	/** The instances with their holes filled ({@link InstancePainter#fillHoles}); confidences and soft masks stay. */
	static Instances apply(Instances in) {
		int[] filled = InstancePainter.fillHoles(in.labels(), in.width(), in.height());
		if (Arrays.equals(filled, in.labels())) return in;
		Instances.SoftMask[] soft = null;
		if (in.hasSoftMasks()) {
			soft = new Instances.SoftMask[in.count()];
			for (int l = 1; l <= in.count(); l++) soft[l - 1] = in.softMask(l);
		}
		return new Instances(in.width(), in.height(), filled, in.confidences(), soft);
	}
}
