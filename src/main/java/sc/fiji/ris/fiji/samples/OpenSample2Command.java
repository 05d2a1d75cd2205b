package sc.fiji.ris.fiji.samples;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** File > Open Samples > the 2nd bundled nuclei sample (see {@link SampleImages}). */
@Plugin(type = Command.class, menuPath = "File>Open Samples>RIS Nuclei 2 (BBBC039)", headless = true)
public final class OpenSample2Command extends OpenSampleCommand {

	public OpenSample2Command() {
		super(1);
	}
}
