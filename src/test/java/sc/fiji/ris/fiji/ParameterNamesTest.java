package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.plugin.PluginIndex;
import org.scijava.plugin.PluginInfo;
import org.scijava.service.Service;

/**
 * The parameter names of the commands are the macro keys, so they must be lowercase snake_case; every command of
 * the plugin is found through SciJava's plugin index (the one Fiji reads), under {@code Plugins>Segmentation>RIS>} (the sample images under {@code File>Open Samples>RIS ...}).
 */
class ParameterNamesTest {

	@Test
	void everyParameterOfEveryCommandIsLowercaseSnakeCase() throws Exception {
		PluginIndex index = new PluginIndex();
		index.discover();
		Set<String> commands = new TreeSet<>();
		List<String> offences = new ArrayList<>();
		for (PluginInfo<Command> info : index.getPlugins(Command.class)) {
			if (!info.getClassName().startsWith("sc.fiji.ris.")) continue;
			commands.add(info.getClassName().substring(info.getClassName().lastIndexOf('.') + 1));
			Class<?> command = info.loadClass();
			String menu = command.getAnnotation(Plugin.class).menuPath();
			boolean sample = info.getClassName().startsWith("sc.fiji.ris.fiji.samples.");
			assertTrue(menu.startsWith(sample ? "File>Open Samples>RIS " : "Plugins>Segmentation>RIS>"), menu);
			for (Class<?> c = command; c != null && c != Object.class; c = c.getSuperclass())
				for (Field f : c.getDeclaredFields())
					if (f.isAnnotationPresent(Parameter.class) && !Service.class.isAssignableFrom(f.getType()) && !f.getName().matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"))
						offences.add(c.getSimpleName() + "." + f.getName());
		}
		assertEquals(Set.of("SegmentInstancesCommand", "BatchSegmentFolderCommand", "TrainModelCommand", "FineTuneCommand", "EvaluateSegmentationCommand", "RefineWithCrfCommand",
				"OpenSample1Command", "OpenSample2Command", "OpenSample3Command", "OpenSample4Command"), commands);
		assertTrue(offences.isEmpty(), "not lowercase snake_case: " + offences);
	}
}
