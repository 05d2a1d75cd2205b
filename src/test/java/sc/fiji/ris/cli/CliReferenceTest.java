package sc.fiji.ris.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command-line reference {@code docs/cli.md} is generated from the launcher's help texts: the top-level
 * {@code ris --help} and {@code ris COMMAND --help} for each command, verbatim, one section each. This test builds
 * that page from {@link Main#run} and checks that the file is equal to it, so that a changed help text cannot leave
 * the reference behind. With the system property {@code ris.docs.update=true} it writes the file instead:
 * {@code mvn -B test -Dtest=CliReferenceTest -Dris.docs.update=true}.
 */
class CliReferenceTest {

	static final Path REFERENCE = Path.of("docs", "cli.md");

	/** The commands in the order of the top-level help. */
	static final List<String> COMMANDS = List.of("segment", "refine", "train", "evaluate", "tune", "bench");

	static final String REGENERATE = "mvn -B test -Dtest=CliReferenceTest -Dris.docs.update=true";

	@Test
	void docsCliMdIsTheLaunchersHelp() throws IOException {
		String expected = reference();
		if (Boolean.parseBoolean(System.getProperty("ris.docs.update"))) {
			Files.createDirectories(REFERENCE.getParent());
			Files.writeString(REFERENCE, expected, StandardCharsets.UTF_8);
			return;
		}
		assertTrue(Files.exists(REFERENCE), REFERENCE + " is missing; generate it with: " + REGENERATE);
		String actual = Files.readString(REFERENCE, StandardCharsets.UTF_8).replace("\r\n", "\n");
		assertEquals(expected, actual, REFERENCE + " differs from the launcher's --help texts; regenerate it with: " + REGENERATE);
	}

	@Test
	void everyCommandOfTheTopLevelHelpHasASection() {
		List<String> listed = new ArrayList<>();
		boolean inCommands = false;
		for (String line : help("--help").split("\n")) {
			if (line.equals("Commands:")) inCommands = true;
			else if (line.isBlank()) inCommands = inCommands && listed.isEmpty();
			else if (inCommands) {
				Matcher m = Pattern.compile("^\\s+(\\S+)\\s").matcher(line);
				if (m.find()) listed.add(m.group(1));
			}
		}
		assertEquals(COMMANDS, listed, "the commands of 'ris --help' and the sections of " + REFERENCE + " differ: update COMMANDS here, then regenerate with: " + REGENERATE);
	}

	/** The text {@code docs/cli.md} must have. */
	static String reference() {
		StringBuilder s = new StringBuilder();
		s.append("# The `ris` command line\n\n");
		s.append("This page is generated from the launcher's own help, `ris --help` and `ris COMMAND --help` (`ris` stands for\n");
		s.append("`java -jar target/ris.jar`); do not edit it by hand. After changing a help text, regenerate it with\n\n");
		s.append("```bash\n").append(REGENERATE).append("\n```\n\n");
		s.append("`mvn -B test` fails while this page and the help texts differ (`CliReferenceTest`). The README has the\n");
		s.append("command line in brief.\n\n");
		s.append("Commands: ");
		for (int i = 0; i < COMMANDS.size(); i++)
			s.append(i == 0 ? "" : ", ").append("[").append(COMMANDS.get(i)).append("](#ris-").append(COMMANDS.get(i)).append(")");
		s.append(".\n\n");
		s.append("## ris\n\n");
		block(s, help("--help"));
		for (String command : COMMANDS) {
			s.append("\n## ris ").append(command).append("\n\n");
			block(s, help(command, "--help"));
		}
		return s.toString();
	}

	private static void block(StringBuilder s, String text) {
		s.append("```text\n").append(text.stripTrailing()).append("\n```\n");
	}

	/** What the launcher prints for these arguments; it must succeed and print nothing on its error stream. */
	static String help(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		String errors = err.toString(StandardCharsets.UTF_8);
		assertEquals(0, code, "ris " + String.join(" ", args) + " failed: " + errors);
		assertEquals("", errors, "ris " + String.join(" ", args) + " wrote to its error stream");
		return out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
	}
}
