package sc.fiji.ris.fiji.samples;

import ij.ImagePlus;
import java.io.IOException;
import org.scijava.ItemIO;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;

/** Opens one bundled sample image; each subclass is one entry of File > Open Samples. */
public abstract class OpenSampleCommand extends ContextCommand {

	private final int index;

	@Parameter(type = ItemIO.OUTPUT, label = "Sample")
	private ImagePlus sample;

	protected OpenSampleCommand(int index) {
		this.index = index;
	}

	/** The opened image (after {@link #run()}). */
	public ImagePlus sample() { return sample; }

	@Override
	public void run() {
		try {
			sample = SampleImages.open(SampleImages.SAMPLES[index][0]);
			sample.setTitle(SampleImages.SAMPLES[index][0] + ".tif");
		} catch (IOException e) {
			cancel(e.getMessage());
		}
	}
}
