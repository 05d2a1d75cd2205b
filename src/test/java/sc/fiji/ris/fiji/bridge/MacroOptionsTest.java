package sc.fiji.ris.fiji.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import java.io.File;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Macro options split by whole keys, with ImageJ's brackets, quotes and bare keys; values written back as macro text. */
class MacroOptionsTest {

	@Test
	void readsPlainBracketedAndQuotedValues() {
		Map<String, String> o = MacroOptions.parse("input=[my cells.tif] model_file=[] min_confidence=0.5 file_pattern='*.tif' show_table");
		assertEquals("my cells.tif", o.get("input"));
		assertEquals("", o.get("model_file"));
		assertEquals("0.5", o.get("min_confidence"));
		assertEquals("*.tif", o.get("file_pattern"));
		assertTrue(o.containsKey("show_table"));
		assertNull(o.get("show_table"), "a bare key has no value");
	}

	@Test
	void matchesWholeKeys() {
		Map<String, String> o = MacroOptions.parse("val_images_dir=[/v] images_dir=[/t]");
		assertEquals("/t", o.get("images_dir"));
		assertEquals("/v", o.get("val_images_dir"));
	}

	@Test
	void keepsNestedBrackets() {
		assertEquals("a [b] c", MacroOptions.parse("input=[a [b] c] x=1").get("input"));
	}

	@Test
	void refusesAnUnclosedBracketAndATwiceGivenKey() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> MacroOptions.parse("input=[a b")).getMessage().contains("input"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> MacroOptions.parse("x=1 x=2")).getMessage().contains("twice"));
	}

	@Test
	void writesValuesAsMacroText() {
		assertEquals("-1", MacroOptions.text(-1.0));
		assertEquals("0.25", MacroOptions.text(0.25));
		assertEquals("true", MacroOptions.text(true));
		assertEquals("cells.tif", MacroOptions.text(new ImagePlus("cells.tif", new ByteProcessor(2, 2))));
		assertEquals(new File("/a/b.zip").getPath(), MacroOptions.text(new File("/a/b.zip")));
		assertEquals("", MacroOptions.text(null));
	}
}
