package sc.fiji.ris.fiji.samples;

import ij.ImagePlus;
import ij.io.Opener;
import java.io.IOException;
import java.io.InputStream;

/**
 * The sample images bundled in the plugin jar (256x256 crops of BBBC039 training images, CC0; see
 * {@code sample-images/README.md}), opened by the {@code File > Open Samples > RIS ...} commands.
 */
public final class SampleImages {

	/** The bundled samples: file name (without .tif) and menu label. */
	public static final String[][] SAMPLES = {
			{ "IXMtest_A16_s2_5AF2", "RIS Nuclei 1 (BBBC039)" },
			{ "IXMtest_G06_s7_9444", "RIS Nuclei 2 (BBBC039)" },
			{ "IXMtest_H07_s2_D8F3", "RIS Nuclei 3 (BBBC039)" },
			{ "IXMtest_M15_s8_1321", "RIS Nuclei 4 (BBBC039)" } };

	private SampleImages() {}

	/**
	 * Opens a bundled sample.
	 *
	 * @throws IOException when the jar does not hold it (a broken installation)
	 */
	public static ImagePlus open(String name) throws IOException {
		String resource = "/sc/fiji/ris/samples/" + name + ".tif";
		try (InputStream in = SampleImages.class.getResourceAsStream(resource)) {
			if (in == null) throw new IOException("The sample image " + name + " is missing from the plugin jar: reinstall RIS.");
			ImagePlus imp = new Opener().openTiff(in, name + ".tif");
			if (imp == null) throw new IOException("The sample image " + name + " in the plugin jar cannot be read: reinstall RIS.");
			return imp;
		}
	}
}
