package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ij.Menus;
import java.awt.GraphicsEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.command.Command;
import org.scijava.plugin.Plugin;
import org.scijava.plugin.PluginIndex;
import org.scijava.plugin.PluginInfo;

/**
 * {@code plugins.config} of {@code RIS_Bridge.jar} lists every command of the plugin once, under its SciJava menu
 * path and title, run by the bridge; the main jar carries none (Fiji would list every command twice). With a display,
 * ImageJ 1.x itself installs the bridge jar from {@code plugins/}, and reads no {@code plugins.config} from
 * {@code jars/} or from a jar without an underscore.
 */
class PluginsConfigTest {

	@Test
	void listsEveryCommandOnceUnderItsMenuPath() throws Exception {
		PluginIndex index = new PluginIndex();
		index.discover();
		Map<String, String> expected = new TreeMap<>(), listed = new TreeMap<>();
		for (PluginInfo<Command> info : index.getPlugins(Command.class)) {
			if (!info.getClassName().startsWith("sc.fiji.ris.")) continue;
			String path = info.loadClass().getAnnotation(Plugin.class).menuPath();
			int leaf = path.lastIndexOf('>');
			expected.put(path.substring(leaf + 1), path.substring(0, leaf) + " | " + CommandBridge.class.getName() + "(\"" + info.getClassName() + "\")");
		}
		for (ImageJSession.Entry e : ImageJSession.entries())
			assertNull(listed.put(e.label(), e.menu() + " | " + e.plugin()), "listed twice: " + e.label());
		assertEquals(expected, listed, "plugins.config must list each command of the plugin (a new command needs its line)");
	}

	@Test
	void theMainJarHasNoPluginsConfig() throws Exception {
		assertFalse(Files.exists(Path.of("src/main/resources/plugins.config")));
		Path classes = Path.of(CommandBridge.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		assertFalse(Files.exists(classes.resolve("plugins.config")), "plugins.config among the main classes in " + classes);
	}

	@Test
	void imageJInstallsTheBridgeJarFromItsPluginsFolderOnly(@TempDir Path imagej) throws Exception {
		assumeFalse(GraphicsEnvironment.isHeadless(), "no display: ImageJ 1.x builds its command table with its AWT menus (run the tests under xvfb-run)");
		ImageJSession.writeBridgeJar(imagej.resolve("plugins"));
		// the same lines under other labels, where ImageJ must not look: a jar in jars/, a jar without underscore
		probe(imagej.resolve("jars").resolve("ris.jar"), "RIS jars probe");
		probe(imagej.resolve("plugins").resolve("RISBridge.jar"), "RIS no underscore probe");
		String previous = System.getProperty("plugins.dir");
		System.setProperty("plugins.dir", imagej.toString());
		try {
			ImageJSession.rebuildCommandTable();
			Map<?, ?> commands = Menus.getCommands();
			for (ImageJSession.Entry e : ImageJSession.entries()) {
				assertEquals(e.plugin(), commands.get(e.label()), e.label());
				assertTrue(Menus.getJarFileForMenuEntry(e.label()).endsWith("RIS_Bridge.jar"), Menus.getJarFileForMenuEntry(e.label()));
			}
			assertFalse(commands.containsKey("RIS jars probe"), "ImageJ 1.x read plugins.config from jars/");
			assertFalse(commands.containsKey("RIS no underscore probe"), "ImageJ 1.x read plugins.config from a jar without underscore");
		} finally {
			if (previous == null) System.clearProperty("plugins.dir");
			else System.setProperty("plugins.dir", previous);
			ImageJSession.rebuildCommandTable();
			ImageJSession.installCommands();
		}
	}

	/** A jar whose plugins.config lists Segment Instances under another label. */
	private static void probe(Path jar, String label) throws Exception {
		Files.createDirectories(jar.getParent());
		try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
			zip.putNextEntry(new ZipEntry("plugins.config"));
			zip.write(("Plugins>Segmentation>RIS, \"" + label + "\", " + CommandBridge.class.getName() + "(\"sc.fiji.ris.fiji.SegmentInstancesCommand\")\n").getBytes());
			zip.closeEntry();
		}
	}
}
