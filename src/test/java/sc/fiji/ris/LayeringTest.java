package sc.fiji.ris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of DESIGN.md, checked on the sources: the core packages stay free of ImageJ 1.x, SciJava, AWT and Swing
 * and of every layer above them; the ImageJ adapters ({@code imagej}) use ImageJ 1.x but neither SciJava nor the Fiji
 * commands; the launcher ({@code cli}) uses the adapters, never the Fiji commands or SciJava.
 */
class LayeringTest {

	private static final String UI = "ij\\.|org\\.scijava\\.|java\\.awt|javax\\.swing|javax\\.imageio|sc\\.fiji\\.ris\\.(cli|fiji|imagej|spark)\\b";

	/** What each package may not import. */
	private static final Map<String, Pattern> RULES = Map.ofEntries(
			Map.entry("model", forbidden(UI)), Map.entry("loss", forbidden(UI)), Map.entry("train", forbidden(UI)),
			Map.entry("infer", forbidden(UI)), Map.entry("crf", forbidden(UI)), Map.entry("eval", forbidden(UI)),
			Map.entry("data", forbidden(UI)), Map.entry("io", forbidden(UI)),
			Map.entry("imagej", forbidden("org\\.scijava\\.|sc\\.fiji\\.ris\\.(cli|fiji|spark)\\b")),
			Map.entry("cli", forbidden("org\\.scijava\\.|sc\\.fiji\\.ris\\.fiji\\b")));

	private static Pattern forbidden(String prefixes) {
		return Pattern.compile("^import\\s+(static\\s+)?(" + prefixes + ")[\\w.*]*;", Pattern.MULTILINE);
	}

	/** The forbidden imports of one source file of package {@code pkg}. */
	private static List<String> offences(String pkg, String source) {
		List<String> found = new ArrayList<>();
		Matcher m = RULES.get(pkg).matcher(source);
		while (m.find()) found.add(m.group());
		return found;
	}

	@Test
	void everyLayerImportsOnlyWhatIsBelowIt() throws IOException {
		Path root = Path.of("src/main/java/sc/fiji/ris");
		List<String> offences = new ArrayList<>();
		int files = 0;
		for (String pkg : RULES.keySet()) {
			Path dir = root.resolve(pkg);
			assertTrue(Files.isDirectory(dir), "the package " + pkg + " exists");
			try (Stream<Path> walk = Files.walk(dir)) {
				for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java"))::iterator) {
					files++;
					for (String o : offences(pkg, Files.readString(f))) offences.add(f + ": " + o);
				}
			}
		}
		assertTrue(files > 50, "sources found: " + files);
		assertTrue(offences.isEmpty(), "imports across the layers: " + offences);
	}

	@Test
	void theRulesCatchALauncherThatReachesIntoFiji() {
		String source = "package sc.fiji.ris.cli;\n\nimport java.util.List;\nimport sc.fiji.ris.imagej.ImageFiles;\nimport sc.fiji.ris.fiji.CommandFailure;\n"
				+ "import org.scijava.command.Command;\n\nclass X {}\n";
		assertEquals(List.of("import sc.fiji.ris.fiji.CommandFailure;", "import org.scijava.command.Command;"), offences("cli", source));
		assertEquals(List.of("import sc.fiji.ris.imagej.ImageFiles;", "import sc.fiji.ris.fiji.CommandFailure;", "import org.scijava.command.Command;"),
				offences("infer", source));
		assertEquals(List.of("import static ij.IJ.log;"), offences("crf", "import static ij.IJ.log;\n"));
		assertEquals(List.of(), offences("imagej", "import ij.ImagePlus;\nimport sc.fiji.ris.infer.Instances;\n"));
	}
}
