package sc.fiji.ris.fiji.samples;

import org.scijava.command.Command;
import org.scijava.plugin.Plugin;

/** File > Open Samples > the 3rd bundled nuclei sample (see {@link SampleImages}). */
@Plugin(type = Command.class, menuPath = "File>Open Samples>RIS Nuclei 3 (BBBC039)", headless = true)
public final class OpenSample3Command extends OpenSampleCommand {

	public OpenSample3Command() {
		super(2);
	}
}
