package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sc.fiji.ris.FailureSentences;
import sc.fiji.ris.InvalidSetting;
import sc.fiji.ris.UserError;

/**
 * The advanced settings file: each key sets its option and nothing else, a key left out keeps the model's value, and
 * an unknown key, a wrong type, a value out of range and a file that is not JSON are refused with one sentence.
 */
class AdvancedSettingsTest {

	private static SegmenterOptions apply(String json) {
		return AdvancedSettings.apply(JsonParser.parseString(json).getAsJsonObject(), "s.json", new SegmenterOptions());
	}

	@Test
	void setsWhatItHoldsAndLeavesTheRestToTheModel() {
		SegmenterOptions o = apply("{\"minConfidence\": 0.6, \"coreMinArea\": 0, \"tileSize\": 128, \"fill\": false, \"flipVotes\": 3}");
		assertEquals(0.6, o.minConfidence);
		assertEquals(0, o.coreMinArea);
		assertEquals(128, o.tileSize);
		assertFalse(o.fillFromForeground);
		assertEquals(3, o.flipVotes);
		SegmenterOptions d = new SegmenterOptions();
		assertTrue(Double.isNaN(o.maskThreshold) && Double.isNaN(o.mergeSolidity) && o.spotMinArea == d.spotMinArea && o.shareEncoder == d.shareEncoder, "the rest as before");
		SegmenterOptions all = apply("{\"maskThreshold\": 0.4, \"minArea\": 20, \"mergeSolidity\": 0, \"spotMinArea\": 5, \"spotMinForeground\": 0.8,"
				+ " \"coreThreshold\": 0.3, \"sharedEncoding\": false}");
		assertEquals(0.4, all.maskThreshold);
		assertEquals(20, all.minArea);
		assertEquals(0, all.mergeSolidity);
		assertEquals(5, all.spotMinArea);
		assertEquals(0.8, all.spotMinForeground);
		assertEquals(0.3, all.coreThreshold);
		assertFalse(all.shareEncoder);
	}

	@Test
	void refusesWhatItCannotUseWithOneSentence() {
		UserError unknown = assertThrows(UserError.class, () -> apply("{\"minConfidance\": 0.6}"));
		assertTrue(unknown.getMessage().contains("'minConfidance'") && unknown.getMessage().contains("minConfidence"), unknown.getMessage());
		InvalidSetting range = assertThrows(InvalidSetting.class, () -> apply("{\"minConfidence\": 1.5}"));
		assertEquals("The setting 'minConfidence' of s.json (--settings) must be in [0, 1] (stop decoding a tile below this confidence, in [0, 1]), not 1.5.",
				FailureSentences.sentence(range, InvalidSetting::flag));
		assertTrue(assertThrows(InvalidSetting.class, () -> apply("{\"tileSize\": 100}")).getMessage().contains("multiple of 8"));
		assertTrue(assertThrows(InvalidSetting.class, () -> apply("{\"coreMinArea\": 2.5}")).getMessage().contains("whole number"));
		assertTrue(assertThrows(InvalidSetting.class, () -> apply("{\"fill\": \"no\"}")).getMessage().contains("true or false"));
		assertTrue(assertThrows(InvalidSetting.class, () -> apply("{\"maskThreshold\": 1}")).getMessage().contains("(0, 1)"));
		assertTrue(assertThrows(InvalidSetting.class, () -> apply("{\"minArea\": \"20\"}")).getMessage().contains("a number"));
	}

	@Test
	void readsAFileAndSaysWhatIsWrongWithABadOne(@TempDir Path dir) throws IOException {
		Path good = Files.writeString(dir.resolve("good.json"), "{\"mergeSolidity\": 0.9}");
		assertEquals(0.9, AdvancedSettings.read(good, new SegmenterOptions()).mergeSolidity);
		Path bad = Files.writeString(dir.resolve("bad.json"), "{\"mergeSolidity\": ");
		assertTrue(assertThrows(UserError.class, () -> AdvancedSettings.read(bad, new SegmenterOptions())).getMessage().contains("not valid JSON"));
		Path list = Files.writeString(dir.resolve("list.json"), "[1, 2]");
		assertTrue(assertThrows(UserError.class, () -> AdvancedSettings.read(list, new SegmenterOptions())).getMessage().contains("one JSON object"));
		NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> AdvancedSettings.read(dir.resolve("none.json"), new SegmenterOptions()));
		assertTrue(FailureSentences.sentence(missing).contains("does not exist"), FailureSentences.sentence(missing));
	}
}
