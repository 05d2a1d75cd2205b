package sc.fiji.ris.site;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an update site's index, {@code db.xml.gz}: gzip-compressed XML, a {@code <pluginRecords>} root with one
 * {@code <plugin>} per file. The children keep the order that the updater declares in its own document type
 * (plugin: platform*, category*, version?, previous-version*; version: description?, dependency*, link*,
 * author*); the document carries that type, so a validating parser can check a file.
 */
final class DbXml {

	/** The index's file name in the site's folder. */
	static final String FILE_NAME = "db.xml.gz";

	/** The part of the updater's document type that a site's index uses (a site lists no other sites). */
	static final String DOCTYPE = """
			<!DOCTYPE pluginRecords [
			<!ELEMENT pluginRecords (plugin*)>
			<!ELEMENT plugin (platform*, category*, version?, previous-version*)>
			<!ATTLIST plugin filename CDATA #REQUIRED>
			<!ATTLIST plugin executable CDATA #IMPLIED>
			<!ELEMENT platform (#PCDATA)>
			<!ELEMENT category (#PCDATA)>
			<!ELEMENT version (description?, dependency*, link*, author*)>
			<!ATTLIST version checksum CDATA #REQUIRED>
			<!ATTLIST version timestamp CDATA #REQUIRED>
			<!ATTLIST version filesize CDATA #REQUIRED>
			<!ELEMENT description (#PCDATA)>
			<!ELEMENT dependency EMPTY>
			<!ATTLIST dependency filename CDATA #REQUIRED>
			<!ATTLIST dependency timestamp CDATA #IMPLIED>
			<!ATTLIST dependency overrides CDATA #IMPLIED>
			<!ELEMENT link (#PCDATA)>
			<!ELEMENT author (#PCDATA)>
			<!ELEMENT previous-version EMPTY>
			<!ATTLIST previous-version checksum CDATA #REQUIRED>
			<!ATTLIST previous-version timestamp CDATA #REQUIRED>
			<!ATTLIST previous-version timestamp-obsolete CDATA #IMPLIED>
			<!ATTLIST previous-version filename CDATA #IMPLIED>
			]>""";

	private DbXml() {}

	/**
	 * Writes the gzip-compressed index of {@code records} to {@code out} (and closes it). Each dependency names the
	 * versioned path of a file of the same site, with that file's timestamp; the updater reduces the name to its
	 * unversioned key when it reads the index, exactly as it does for the file itself.
	 */
	static void write(List<SiteRecord> records, OutputStream out) throws IOException {
		Map<String, Long> timestamps = new HashMap<>();
		for (SiteRecord record : records)
			timestamps.put(record.path(), record.timestamp());
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(gzip, "UTF-8");
			xml.writeStartDocument("UTF-8", "1.0");
			xml.writeCharacters("\n");
			xml.writeDTD(DOCTYPE);
			xml.writeCharacters("\n");
			xml.writeStartElement("pluginRecords");
			for (SiteRecord record : records) {
				indent(xml, 1);
				xml.writeStartElement("plugin");
				xml.writeAttribute("filename", record.path());
				for (String platform : record.platforms())
					simple(xml, 2, "platform", platform);
				indent(xml, 2);
				xml.writeStartElement("version");
				xml.writeAttribute("checksum", record.checksum());
				xml.writeAttribute("timestamp", Long.toString(record.timestamp()));
				xml.writeAttribute("filesize", Long.toString(record.filesize()));
				if (record.description() != null) simple(xml, 3, "description", record.description());
				for (String dependency : record.dependencies()) {
					Long timestamp = timestamps.get(dependency);
					if (timestamp == null) throw new IllegalArgumentException("The file " + record.path() + " depends on " + dependency + ", which is not a file of this site.");
					indent(xml, 3);
					xml.writeEmptyElement("dependency");
					xml.writeAttribute("filename", dependency);
					xml.writeAttribute("timestamp", Long.toString(timestamp));
				}
				for (String link : record.links())
					simple(xml, 3, "link", link);
				indent(xml, 2);
				xml.writeEndElement();
				indent(xml, 1);
				xml.writeEndElement();
			}
			indent(xml, 0);
			xml.writeEndElement();
			xml.writeCharacters("\n");
			xml.writeEndDocument();
			xml.flush();
			xml.close();
		} catch (XMLStreamException e) {
			throw new IOException("Could not write the update site index (" + e.getMessage() + ").", e);
		}
	}

	private static void simple(XMLStreamWriter xml, int depth, String name, String text) throws XMLStreamException {
		indent(xml, depth);
		xml.writeStartElement(name);
		xml.writeCharacters(text);
		xml.writeEndElement();
	}

	private static void indent(XMLStreamWriter xml, int depth) throws XMLStreamException {
		xml.writeCharacters("\n" + "\t".repeat(depth));
	}
}
