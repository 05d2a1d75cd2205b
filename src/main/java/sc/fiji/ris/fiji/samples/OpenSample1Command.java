package sc.fiji.ris.fiji.samples;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** File > Open Samples > the 1st bundled nuclei sample (see {@link SampleImages}). */
@Plugin(type = Command.class, menuPath = "File>Open Samples>RIS Nuclei 1 (BBBC039)", headless = true)
public final class OpenSample1Command extends OpenSampleCommand {

	public OpenSample1Command() {
		super(0);
	}
}
