package sc.fiji.ris.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The site description: reading it, and the real {@code update-site/site.json} against the pom. */
class SiteSpecTest {

	@TempDir
	Path dir;

	@Test
	void readsFilesWithPlaceholdersAndRelativeSources() throws IOException {
		Path spec = Files.writeString(dir.resolve("site.json"), """
			{ "fijiShips": ["gson"], "files": [
				{ "path": "jars/a-${v}.jar", "source": "in/a-${v}.jar", "platforms": ["win64"], "dependencies": [],
				  "description": "A ${v}.", "links": ["https://example.org/${v}"] } ] }
			""");
		SiteSpec site = SiteSpec.read(spec, dir, Map.of("v", "1.2"));
		SiteFile a = site.files().get(0);
		assertEquals("jars/a-1.2.jar", a.path());
		assertEquals(dir.resolve("in/a-1.2.jar"), a.source());
		assertEquals(List.of("win64"), a.platforms());
		assertEquals("A 1.2.", a.description());
		assertEquals(List.of("https://example.org/1.2"), a.links());
		assertEquals(List.of("gson"), site.fijiShips());
	}

	@Test
	void refusesMistakesWithOneSentenceThatSaysWhere() throws IOException {
		assertRefused("{ \"files\": [ { \"path\": \"jars/a.jar\", \"source\": \"a.jar\", \"platform\": [\"win64\"] } ] }", "unknown key \"platform\"");
		assertRefused("{ \"files\": [ { \"path\": \"jars/a-${v}.jar\", \"source\": \"a.jar\" } ] }", "--set v=VALUE");
		assertRefused("{ \"files\": [ { \"source\": \"a.jar\" } ] }", "\"path\" is missing");
		assertRefused("{ \"files\": [ { \"path\": \"lib/a.jar\", \"source\": \"a.jar\" } ] }", "file 1");
		assertRefused("{ \"files\": [ { \"path\": \"jars/a.jar\", \"source\": \"a.jar\", \"platforms\": \"win64\" } ] }", "list of strings");
		assertRefused("{ \"files\": [ ", "not valid JSON");
		assertRefused("[]", "JSON object");
	}

	@Test
	void checksTheSiteAgainstTheRuntimeClassPath() throws IOException {
		Path spec = Files.writeString(dir.resolve("site.json"), """
			{ "fijiShips": ["ij", "gson", "slf4j-api"], "files": [
				{ "path": "jars/api-0.36.0.jar", "source": "in/api-0.36.0.jar" } ] }
			""");
		SiteSpec site = SiteSpec.read(spec, dir, Map.of());
		site.checkAgainst(List.of(Path.of("/m2/api-0.36.0.jar"), Path.of("/m2/gson-2.10.1.jar"), Path.of("/m2/slf4j-api-2.0.17.jar"), Path.of("target/classes")));
		IllegalArgumentException forgotten = assertThrows(IllegalArgumentException.class, () -> site.checkAgainst(List.of(Path.of("/m2/jna-5.14.0.jar"))));
		assertTrue(forgotten.getMessage().contains("jna-5.14.0.jar"), forgotten.getMessage());
		Path shadowing = Files.writeString(dir.resolve("shadow.json"), "{ \"fijiShips\": [\"gson\"], \"files\": [ { \"path\": \"jars/gson-2.13.1.jar\", \"source\": \"gson-2.13.1.jar\" } ] }");
		IllegalArgumentException shipped = assertThrows(IllegalArgumentException.class, () -> SiteSpec.read(shadowing, dir, Map.of()).checkAgainst(List.of()));
		assertTrue(shipped.getMessage().contains("which Fiji ships itself"), shipped.getMessage());
	}

	@Test
	void artifactNameIsTheJarNameBeforeItsVersion() {
		assertEquals("slf4j-api", SiteSpec.artifactName("slf4j-api-2.0.17.jar"));
		assertEquals("pytorch-native-cpu", SiteSpec.artifactName("pytorch-native-cpu-2.7.1-linux-x86_64.jar"));
		assertEquals("imglib2", SiteSpec.artifactName("imglib2-8.0.0.jar"));
		assertEquals("ij", SiteSpec.artifactName("ij-1.54p.jar"));
		assertEquals("ris", SiteSpec.artifactName("ris.jar"));
	}

	/**
	 * {@code update-site/site.json} and the {@code update-site} profile of the pom describe the same files: every
	 * artifact that the profile copies is on the site under its Maven name, the natives carry the updater platform
	 * of their classifier and lie in folders that Fiji's launcher keeps off the module path, the plugin jar depends
	 * on all of them, and the libraries that Fiji ships are declared and left off.
	 */
	@Test
	void theRisSiteDescriptionMatchesThePom() throws Exception {
		Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
		Element project = pom.getDocumentElement();
		Map<String, String> properties = new HashMap<>();
		Element props = child(project, "properties");
		for (Element p : elements(props.getChildNodes()))
			properties.put(p.getTagName(), p.getTextContent().trim());
		properties.put("project.version", child(project, "version").getTextContent().trim());
		properties.put("project.url", child(project, "url").getTextContent().trim());
		properties.put("project.build.directory", "target");
		properties.put("project.build.finalName", child(child(project, "build"), "finalName").getTextContent().trim());
		properties.put("update-site.inputs", "target/update-site-inputs");
		SiteSpec site = SiteSpec.read(Path.of("update-site/site.json"), Path.of(""), properties);

		Element profile = null;
		for (Element p : elements(project.getElementsByTagName("profile")))
			if (child(p, "id").getTextContent().trim().equals("update-site")) profile = p;
		assertTrue(profile != null, "the pom has no update-site profile");
		Set<String> copied = new TreeSet<>();
		Map<String, String> platformOfClassifier = Map.of("linux-x86_64", "linux64", "linux-aarch64", "linux-arm64", "win-x86_64", "win64", "osx-aarch64", "macos-arm64");
		Map<String, SiteFile> bySource = site.files().stream().collect(Collectors.toMap(f -> f.source().getFileName().toString(), f -> f));
		for (Element item : elements(profile.getElementsByTagName("artifactItem"))) {
			String version = SiteSpec.substitute(child(item, "version").getTextContent().trim(), "pom.xml", properties);
			Element classifier = child(item, "classifier");
			String name = child(item, "artifactId").getTextContent().trim() + "-" + version + (classifier == null ? "" : "-" + classifier.getTextContent().trim()) + ".jar";
			copied.add(name);
			SiteFile file = bySource.get(name);
			assertTrue(file != null, name + " is copied by the profile but not on the site");
			assertEquals("target/update-site-inputs/" + name, file.source().toString().replace('\\', '/'));
			assertTrue(file.path().endsWith("/" + name), file.path() + " does not keep the Maven name " + name);
			if (classifier != null) {
				assertEquals(List.of(platformOfClassifier.get(classifier.getTextContent().trim())), file.platforms(), name);
				assertTrue(!UpdateSiteBuilder.MODULE_PATH_FOLDERS.contains(file.path().substring(0, file.path().lastIndexOf('/'))), file.path() + " is in a folder on Fiji's module path");
			} else {
				assertEquals(List.of(), file.platforms(), name);
			}
		}
		assertEquals(Set.of("linux-x86_64", "linux-aarch64", "win-x86_64", "osx-aarch64"), platformOfClassifier.keySet());
		assertEquals(7, copied.size());

		SiteFile plugin = bySource.get(properties.get("project.build.finalName") + ".jar");
		assertEquals("jars/ris-fiji-" + properties.get("project.version") + ".jar", plugin.path());
		List<String> otherJars = new ArrayList<>();
		for (SiteFile f : site.files())
			if (f.isJar() && f != plugin && f.platforms().isEmpty()) otherJars.add(f.path());
		assertEquals(Set.copyOf(otherJars), Set.copyOf(plugin.dependencies()), "the plugin jar depends on every other jar of the site for all platforms (the natives come with the site, for the user's platform)");
		for (SiteFile f : site.files())
			if (!f.isJar()) assertTrue(f.path().startsWith("macros/RIS/") && Files.isRegularFile(f.source()), f.path());

		assertTrue(site.fijiShips().containsAll(List.of("gson", "jna", "commons-compress", "slf4j-api", "ij", "scijava-common", "imglib2")), site.fijiShips().toString());
		// the pom's run-time dependencies (Fiji's own versions come from pom-scijava) are all covered
		List<Path> runtime = new ArrayList<>();
		for (Element dependency : elements(child(project, "dependencies").getChildNodes())) {
			Element scope = child(dependency, "scope");
			// test and provided dependencies (Spark: the cluster brings it) are on no user's class path
			if (scope != null && (scope.getTextContent().trim().equals("test") || scope.getTextContent().trim().equals("provided"))) continue;
			Element version = child(dependency, "version");
			Element classifier = child(dependency, "classifier");
			String v = version == null ? "0" : SiteSpec.substitute(version.getTextContent().trim(), "pom.xml", properties);
			String c = classifier == null ? "" : "-" + SiteSpec.substitute(classifier.getTextContent().trim(), "pom.xml", properties);
			runtime.add(Path.of(child(dependency, "artifactId").getTextContent().trim() + "-" + v + c + ".jar"));
		}
		for (String shared : List.of("gson-2.10.1.jar", "jna-5.14.0.jar", "commons-compress-1.28.0.jar", "slf4j-api-2.0.17.jar"))
			runtime.add(Path.of(shared));
		site.checkAgainst(runtime);
	}

	private void assertRefused(String json, String mentioned) throws IOException {
		Path spec = Files.writeString(dir.resolve("bad.json"), json);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SiteSpec.read(spec, dir, Map.of()));
		assertTrue(e.getMessage().contains(mentioned) && e.getMessage().contains("bad.json"), e.getMessage());
		assertTrue(e.getMessage().endsWith(".") && !e.getMessage().contains("\n"), e.getMessage());
	}

	private static List<Element> elements(NodeList nodes) {
		List<Element> result = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++)
			if (nodes.item(i) instanceof Element e) result.add(e);
		return result;
	}

	private static Element child(Element parent, String name) {
		for (Element e : elements(parent.getChildNodes()))
			if (e.getTagName().equals(name)) return e;
		return null;
	}
}
