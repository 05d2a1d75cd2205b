package sc.fiji.ris.fiji.samples;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** File > Open Samples > the 4th bundled nuclei sample (see {@link SampleImages}). */
@Plugin(type = Command.class, menuPath = "File>Open Samples>RIS Nuclei 4 (BBBC039)", headless = true)
public final class OpenSample4Command extends OpenSampleCommand {

	public OpenSample4Command() {
		super(3);
	}
}
