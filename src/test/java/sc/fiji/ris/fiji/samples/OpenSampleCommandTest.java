package sc.fiji.ris.fiji.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.Opener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.plugin.Plugin;

/**
 * Each File &gt; Open Samples entry opens its bundled image, pixel for pixel the file in {@code sample-images/images},
 * and is listed under the menu path Fiji shows.
 */
class OpenSampleCommandTest {

	private static final List<Class<? extends Command>> COMMANDS = List.of(OpenSample1Command.class, OpenSample2Command.class,
			OpenSample3Command.class, OpenSample4Command.class);

	@Test
	void eachEntryOpensItsSampleImage() throws Exception {
		assertEquals(SampleImages.SAMPLES.length, COMMANDS.size());
		try (Context context = new Context(CommandService.class)) {
			for (int i = 0; i < COMMANDS.size(); i++) {
				Class<? extends Command> c = COMMANDS.get(i);
				String name = SampleImages.SAMPLES[i][0];
				assertEquals("File>Open Samples>" + SampleImages.SAMPLES[i][1], c.getAnnotation(Plugin.class).menuPath());
				CommandModule m = context.service(CommandService.class).run(c, true).get();
				assertFalse(m.isCanceled(), () -> "cancelled: " + m.getCancelReason());
				ImagePlus opened = (ImagePlus) m.getOutput("sample");
				ImagePlus file = new Opener().openImage(Path.of("sample-images", "images", name + ".tif").toAbsolutePath().toString());
				assertEquals(name + ".tif", opened.getTitle());
				assertEquals(file.getBitDepth(), opened.getBitDepth());
				assertEquals(file.getWidth(), opened.getWidth());
				assertEquals(file.getHeight(), opened.getHeight());
				assertArrayEquals((short[]) file.getProcessor().getPixels(), (short[]) opened.getProcessor().getPixels(), name);
				assertTrue(opened.getProcessor().getStatistics().max > 0);
			}
		}
	}
}
