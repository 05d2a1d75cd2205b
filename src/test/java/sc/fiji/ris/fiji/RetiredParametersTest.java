package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import sc.fiji.ris.UserError;
import sc.fiji.ris.fiji.bridge.MacroOptions;

/**
 * A macro recorded before the research knobs left Segment Instances runs as it did when it asks for the model's own
 * values, and is stopped with the replacement's name when it asks for another.
 */
class RetiredParametersTest {

	@Test
	void aRecordedMacroWithTheModelsOwnValuesRunsAsBefore() {
		Map<String, String> given = MacroOptions.parse("input=[cells.tif] model_file=[] min_confidence=-1 tile_size=0 object_diameter=0 merge_solidity=-1 "
				+ "smallest_spot=-1 smallest_core=-1 flip_averaging=false refine_with_crf=false roi_manager=Replace show_table=true");
		assertEquals(java.util.List.of("input", "model_file", "object_diameter", "flip_averaging", "refine_with_crf", "roi_manager", "show_table"),
				java.util.List.copyOf(RetiredParameters.without(given).keySet()));
		RetiredParameters.check(null);
	}

	@Test
	void anotherValueIsRefusedWithItsReplacement() {
		UserError e = assertThrows(UserError.class, () -> RetiredParameters.without(MacroOptions.parse("input=[a.tif] min_confidence=0.5")));
		assertTrue(e.getMessage().contains("min_confidence=0.5") && e.getMessage().contains("{\"minConfidence\": 0.5}") && e.getMessage().contains("settings_file"),
				e.getMessage());
		assertThrows(UserError.class, () -> RetiredParameters.check("smallest_core=0"));
		assertThrows(UserError.class, () -> RetiredParameters.check("tile_size=[big]"));
	}
}
