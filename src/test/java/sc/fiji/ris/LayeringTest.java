package sc.fiji.ris;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The core packages stay free of ImageJ 1.x, SciJava commands, AWT and Swing (DESIGN.md, "Layers"). */
class LayeringTest {

	private static final String[] CORE = { "model", "loss", "train", "infer", "crf", "eval", "data", "io", "site" };
	private static final Pattern FORBIDDEN = Pattern.compile("^import\\s+(static\\s+)?(ij\\.|org\\.scijava\\.command|java\\.awt|javax\\.swing|javax\\.imageio|sc\\.fiji\\.ris\\.(cli|fiji)\\b)", Pattern.MULTILINE);

	@Test
	void corePackagesDoNotImportTheUserInterfaceLayers() throws IOException {
		Path root = Path.of("src/main/java/sc/fiji/ris");
		List<String> offences = new ArrayList<>();
		for (String pkg : CORE) {
			Path dir = root.resolve(pkg);
			if (!Files.isDirectory(dir)) continue;
			try (Stream<Path> files = Files.walk(dir)) {
				for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
					Matcher m = FORBIDDEN.matcher(Files.readString(f));
					while (m.find()) offences.add(f + ": " + m.group());
				}
			}
		}
		assertTrue(offences.isEmpty(), "core code imports UI layers: " + offences);
	}
}
