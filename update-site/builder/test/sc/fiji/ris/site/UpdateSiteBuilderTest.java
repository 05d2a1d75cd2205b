package sc.fiji.ris.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/** Builds small update sites from jars made in the test and reads them back as the updater would. */
class UpdateSiteBuilderTest {

	private static final long T1 = 20260131235959L, T2 = 20260201120000L;

	/**
	 * The updater's order of children (imagej-updater, {@code XMLFileWriter}: its document type and the order in
	 * which it writes), as patterns over the space-separated element names.
	 */
	private static final String PLUGIN_CHILDREN = "(platform )*(category )*(version )?(previous-version )*";
	private static final String VERSION_CHILDREN = "(description )?(dependency )*(link )*(author )*";

	@TempDir
	Path dir;

	private Path pluginJar, libJar, nativeJar, macro;
	private List<SiteFile> files;

	@BeforeEach
	void makeFiles() throws IOException {
		pluginJar = TestJars.write(dir.resolve("in/demo.jar"), TestJars.HAND_COMPUTED);
		libJar = TestJars.write(dir.resolve("in/lib-2.0.jar"), "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n", "lib/A.txt", "a");
		nativeJar = TestJars.write(dir.resolve("in/natives-linux-x86_64.jar"), "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nAutomatic-Module-Name: demo.natives_linux-x86_64\r\n\r\n", "native/lib/demo.properties", "#built\nclassifier=linux-x86_64\n");
		macro = Files.writeString(dir.resolve("in/hello.ijm"), "print(\"hello\");\n", StandardCharsets.UTF_8);
		files = List.of(
			new SiteFile(pluginJar, "jars/demo-1.0.jar").withDescription("The demo plugin <with> \"markup\" & more.").withDependencies("jars/lib-2.0.jar"),
			new SiteFile(libJar, "jars/lib-2.0.jar"),
			new SiteFile(nativeJar, "jars/linuxx/natives-linux-x86_64.jar").withPlatforms("linux64").withDependencies("jars/lib-2.0.jar"),
			new SiteFile(macro, "macros/RIS/hello.ijm").withDependencies("jars/demo-1.0.jar"));
	}

	@Test
	void writesEveryFileAsPathDashTimestampWithItsSizeAndChecksumInTheIndex() throws Exception {
		Path site = dir.resolve("site");
		List<SiteRecord> records = new UpdateSiteBuilder().addAll(files).write(site, T1);
		assertEquals(List.of("jars/demo-1.0.jar", "jars/lib-2.0.jar", "jars/linuxx/natives-linux-x86_64.jar", "macros/RIS/hello.ijm"), records.stream().map(SiteRecord::path).toList());

		// the folder holds the index and the stored copies, nothing else
		assertEquals(Set.of("db.xml.gz", "jars/demo-1.0.jar-20260131235959", "jars/lib-2.0.jar-20260131235959", "jars/linuxx/natives-linux-x86_64.jar-20260131235959", "macros/RIS/hello.ijm-20260131235959"), filesIn(site));

		// each record of db.xml.gz against the file it names
		Document db = parseValidating(site.resolve("db.xml.gz"));
		List<Element> plugins = children(db.getDocumentElement());
		assertEquals("pluginRecords", db.getDocumentElement().getTagName());
		assertEquals(4, plugins.size());
		Map<String, Element> versions = new HashMap<>();
		for (Element plugin : plugins) {
			assertEquals("plugin", plugin.getTagName());
			String path = plugin.getAttribute("filename");
			Element version = only(plugin, "version");
			versions.put(path, version);
			Path stored = site.resolve(path + "-" + version.getAttribute("timestamp"));
			assertTrue(Files.isRegularFile(stored), stored.toString());
			assertEquals(Files.size(stored), Long.parseLong(version.getAttribute("filesize")), path);
			assertEquals(UpdaterChecksum.of(path, stored), version.getAttribute("checksum"), path);
			assertEquals(Long.toString(T1), version.getAttribute("timestamp"));
			Path source = files.stream().filter(f -> f.path().equals(path)).findFirst().get().source();
			assertEquals(-1, Files.mismatch(source, stored), "the stored copy of " + path + " differs from its source");
		}
		// checksums computed by hand (UpdaterChecksumTest): the plugin jar's is not the SHA-1 of its bytes
		assertEquals(TestJars.HAND_COMPUTED_CHECKSUM, versions.get("jars/demo-1.0.jar").getAttribute("checksum"));
		assertNotEquals(UpdaterChecksum.plainSha1(pluginJar), TestJars.HAND_COMPUTED_CHECKSUM);
		assertEquals("9c6252b9573fd21a188ded6d4539e6976d15d462", versions.get("macros/RIS/hello.ijm").getAttribute("checksum"));

		// platforms, description, dependencies as given
		Element nativePlugin = plugins.get(2);
		assertEquals("linux64", only(nativePlugin, "platform").getTextContent());
		Element demo = versions.get("jars/demo-1.0.jar");
		assertEquals("The demo plugin <with> \"markup\" & more.", only(demo, "description").getTextContent());
		List<String> dependencies = new ArrayList<>();
		for (Element dependency : children(demo)) {
			if (!dependency.getTagName().equals("dependency")) continue;
			dependencies.add(dependency.getAttribute("filename"));
			assertEquals(Long.toString(T1), dependency.getAttribute("timestamp"));
		}
		assertEquals(List.of("jars/lib-2.0.jar"), dependencies);
		assertTrue(children(plugins.get(1)).stream().noneMatch(e -> e.getTagName().equals("platform")), "a file for every platform has no platform element");
	}

	@Test
	void indexFollowsTheUpdatersElementOrder() throws Exception {
		Path site = dir.resolve("site");
		new UpdateSiteBuilder().addAll(files).add(new SiteFile(libJar, "jars/all-3.0.jar", List.of("win64", "macos-arm64"), List.of("jars/lib-2.0.jar"), "Several platforms.", List.of("https://example.org/all"))).write(site, T1);
		Document db = parseValidating(site.resolve("db.xml.gz"));
		int checked = 0;
		String previous = "";
		for (Element plugin : children(db.getDocumentElement())) {
			String names = names(plugin);
			assertTrue(names.matches(PLUGIN_CHILDREN), "plugin children out of the updater's order: " + names);
			assertTrue(names.contains("version "), "no version in " + plugin.getAttribute("filename"));
			Element version = only(plugin, "version");
			assertTrue(names(version).matches(VERSION_CHILDREN), "version children out of the updater's order: " + names(version));
			assertTrue(version.getAttribute("checksum").matches("[0-9a-f]{40}"));
			assertTrue(plugin.getAttribute("filename").compareTo(previous) > 0, "records sorted by path");
			previous = plugin.getAttribute("filename");
			checked++;
		}
		assertEquals(5, checked);
		Element all = children(db.getDocumentElement()).get(0);
		assertEquals("jars/all-3.0.jar", all.getAttribute("filename"));
		assertEquals("platform platform version ", names(all));
		assertEquals("description dependency link ", names(only(all, "version")));
	}

	@Test
	void rebuildingReplacesTheEarlierVersion() throws Exception {
		Path site = dir.resolve("site");
		new UpdateSiteBuilder().addAll(files).write(site, T1);
		new UpdateSiteBuilder().addAll(files.subList(0, 3)).write(site, T2);
		assertEquals(Set.of("db.xml.gz", "jars/demo-1.0.jar-20260201120000", "jars/lib-2.0.jar-20260201120000", "jars/linuxx/natives-linux-x86_64.jar-20260201120000"), filesIn(site));
		assertFalse(Files.exists(site.resolve("macros")), "the emptied macros folder is removed");
		// the demo jar's dependency on the macro's jar still resolves; the macro itself is gone from the index
		Document db = parseValidating(site.resolve("db.xml.gz"));
		assertEquals(3, children(db.getDocumentElement()).size());
	}

	@Test
	void refusesAFolderThatIsNotAnUpdateSite() throws IOException {
		Path folder = Files.createDirectories(dir.resolve("documents"));
		Path notes = Files.writeString(folder.resolve("notes.txt"), "keep me");
		IOException e = assertThrows(IOException.class, () -> new UpdateSiteBuilder().addAll(files).write(folder, T1));
		assertOneSentence(e, "notes.txt");
		assertEquals("keep me", Files.readString(notes));
		assertEquals(Set.of("notes.txt"), filesIn(folder));
		Path jarsWithOther = Files.createDirectories(dir.resolve("other/jars"));
		Files.writeString(jarsWithOther.resolve("plain.jar"), "x");
		assertOneSentence(assertThrows(IOException.class, () -> new UpdateSiteBuilder().addAll(files).write(jarsWithOther.getParent(), T1)), "plain.jar");
	}

	@Test
	void refusesBadSitesWithOneSentence() throws IOException {
		Path site = dir.resolve("site");
		assertRefused(() -> new SiteFile(libJar, "lib/x.jar"), "lib/x.jar");
		assertRefused(() -> new SiteFile(libJar, "jars/../x.jar"), "jars/../x.jar");
		assertRefused(() -> new SiteFile(libJar, "/jars/x.jar"), "/jars/x.jar");
		assertRefused(() -> new SiteFile(libJar, "jars\\x.jar"), "jars\\x.jar");
		assertRefused(() -> new SiteFile(libJar, "jars/x.jar").withPlatforms("macos-x64"), "macos-x64");
		assertRefused(() -> new SiteFile(libJar, "jars/x.jar").withDependencies("jars/x.jar"), "jars/x.jar");
		assertRefused(() -> new UpdateSiteBuilder().write(site, T1), "at least one file");
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(libJar, "jars/x.jar").withDependencies("jars/missing.jar")).write(site, T1), "jars/missing.jar");
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(libJar, "jars/x.jar")).add(new SiteFile(pluginJar, "jars/x.jar")).write(site, T1), "jars/x.jar");
		// the updater's command line installs dependencies on every platform of the file that needs them
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(pluginJar, "jars/x.jar").withDependencies("jars/linuxx/n.jar")).add(new SiteFile(nativeJar, "jars/linuxx/n.jar").withPlatforms("linux64")).write(site, T1), "only for linux64");
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(pluginJar, "jars/linuxx/x.jar").withPlatforms("linux64", "linux-arm64").withDependencies("jars/linuxx/n.jar")).add(new SiteFile(nativeJar, "jars/linuxx/n.jar").withPlatforms("linux64")).write(site, T1), "only for linux64");
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(libJar, "jars/x.jar")).add(new SiteFile(pluginJar, "jars/X.jar")).write(site, T1), "differ only in case");
		assertRefused(() -> new UpdateSiteBuilder().add(new SiteFile(dir.resolve("nothing.jar"), "jars/x.jar")).write(site, T1), "nothing.jar");
		assertRefused(() -> new UpdateSiteBuilder().addAll(files).write(site, 20261301000000L), "20261301000000");
		assertRefused(() -> UpdateSiteBuilder.parseTimestamp("2026-01-31"), "2026-01-31");
		assertFalse(Files.exists(site), "nothing written for a refused site");
		new UpdateSiteBuilder().add(new SiteFile(pluginJar, "jars/linuxx/x.jar").withPlatforms("linux64", "linux-arm64").withDependencies("jars/linuxx/n.jar")).add(new SiteFile(nativeJar, "jars/linuxx/n.jar").withPlatforms("linuxx")).write(site, T1);
	}

	@Test
	void refusesAJarThatWouldStopFijiFromStartingOnTheModulePath() throws IOException {
		Path site = dir.resolve("site");
		// Fiji's launcher puts jars/linux64 on the module path, where this jar's Automatic-Module-Name is invalid
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UpdateSiteBuilder().add(new SiteFile(nativeJar, "jars/linux64/natives-linux-x86_64.jar").withPlatforms("linux64")).write(site, T1));
		assertOneSentence(e, "jars/linux64/");
		assertTrue(e.getMessage().contains("jars/linuxx/"), e.getMessage());
		// without an Automatic-Module-Name the module name comes from the file name in Fiji: "native" is a keyword
		assertOneSentence(assertThrows(IllegalArgumentException.class, () -> new UpdateSiteBuilder().add(new SiteFile(libJar, "jars/linux64/native-lib-2.0.jar").withPlatforms("linux64")).write(site, T1)), "'native' is not a Java identifier");
		// a valid module may go there
		new UpdateSiteBuilder().add(new SiteFile(libJar, "jars/linux64/lib-2.0.jar").withPlatforms("linux64")).write(site, T1);
		assertEquals(Set.of("db.xml.gz", "jars/linux64/lib-2.0.jar-20260131235959"), filesIn(site));
	}

	@Test
	void commandLineWritesTheSiteAndExitsWithOneSentenceOnMistakes() throws IOException {
		Path spec = Files.writeString(dir.resolve("site.json"), """
			{
				"fijiShips": ["ij"],
				"files": [
					{ "path": "jars/lib-${v}.jar", "source": "in/lib-${v}.jar", "description": "A library." },
					{ "path": "macros/RIS/hello.ijm", "source": "in/hello.ijm", "dependencies": ["jars/lib-${v}.jar"] }
				]
			}
			""");
		Path site = dir.resolve("out");
		ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		int status = UpdateSiteMain.run(new String[] { "--spec", spec.toString(), "--base", dir.toString(), "--output", site.toString(), "--timestamp", "20260131235959", "--set", "v=2.0", "--classpath", dir.resolve("ij-1.54p.jar") + File.pathSeparator + libJar }, new PrintStream(out), new PrintStream(err));
		assertEquals(0, status, err.toString());
		assertEquals(Set.of("db.xml.gz", "jars/lib-2.0.jar-20260131235959", "macros/RIS/hello.ijm-20260131235959"), filesIn(site));
		assertTrue(out.toString().contains("Wrote the update site (2 files"), out.toString());

		err.reset();
		assertEquals(2, UpdateSiteMain.run(new String[] { "--spec", spec.toString(), "--frobnicate" }, new PrintStream(out), new PrintStream(err)));
		assertTrue(err.toString().startsWith("Unknown option --frobnicate."), err.toString());
		err.reset();
		assertEquals(1, UpdateSiteMain.run(new String[] { "--spec", spec.toString(), "--base", dir.toString(), "--output", site.toString(), "--set", "v=9.9" }, new PrintStream(out), new PrintStream(err)));
		assertEquals("The file " + dir.resolve("in/lib-9.9.jar") + " for jars/lib-9.9.jar does not exist.", err.toString().strip());
		err.reset();
		assertEquals(1, UpdateSiteMain.run(new String[] { "--spec", spec.toString(), "--base", dir.toString(), "--output", site.toString(), "--set", "v=2.0", "--classpath", dir.resolve("gson-2.10.1.jar").toString() }, new PrintStream(out), new PrintStream(err)));
		assertTrue(err.toString().startsWith("The runtime dependency gson-2.10.1.jar is neither on the update site"), err.toString());
	}

	// -- helpers --

	private static void assertRefused(Executable action, String mentioned) {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
		assertOneSentence(e, mentioned);
	}

	private static void assertOneSentence(Exception e, String mentioned) {
		String message = e.getMessage();
		assertTrue(message.contains(mentioned), "the message does not mention " + mentioned + ": " + message);
		assertTrue(message.endsWith(".") && !message.contains("\n"), "not one sentence: " + message);
	}

	private static Set<String> filesIn(Path root) throws IOException {
		try (Stream<Path> tree = Files.walk(root)) {
			return new TreeSet<>(tree.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).toList());
		}
	}

	/** Parses a gzip-compressed index with a validating parser: any departure from its document type fails. */
	static Document parseValidating(Path dbXmlGz) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setValidating(true);
		factory.setIgnoringElementContentWhitespace(true);
		DocumentBuilder builder = factory.newDocumentBuilder();
		builder.setErrorHandler(new ErrorHandler() {
			@Override
			public void warning(SAXParseException e) {}

			@Override
			public void error(SAXParseException e) throws SAXParseException {
				throw e;
			}

			@Override
			public void fatalError(SAXParseException e) throws SAXParseException {
				throw e;
			}
		});
		try (InputStream in = new GZIPInputStream(Files.newInputStream(dbXmlGz))) {
			Document db = builder.parse(in);
			assertTrue(db.getDoctype() != null && db.getDoctype().getName().equals("pluginRecords"), "no document type");
			return db;
		}
	}

	static List<Element> children(Element parent) {
		List<Element> result = new ArrayList<>();
		for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
			if (n instanceof Element e) result.add(e);
		return result;
	}

	private static String names(Element parent) {
		StringBuilder s = new StringBuilder();
		for (Element e : children(parent))
			s.append(e.getTagName()).append(' ');
		return s.toString();
	}

	private static Element only(Element parent, String name) {
		List<Element> matching = children(parent).stream().filter(e -> e.getTagName().equals(name)).toList();
		assertEquals(1, matching.size(), "expected one " + name + " in " + parent.getTagName());
		return matching.get(0);
	}
}
