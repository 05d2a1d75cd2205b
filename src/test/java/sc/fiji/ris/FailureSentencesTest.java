package sc.fiji.ris;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * The sentence a failure carries for the user: the core's own unchanged, an invalid setting with the name its front
 * end uses, bare NIO exceptions turned into a sentence naming the path, and nothing for anything else (a library's
 * IllegalArgumentException included), which front ends report as unexpected, with its trace.
 */
class FailureSentencesTest {

	@Test
	void keepsTheCoresSentences() {
		assertEquals("The image 'a' is empty.", FailureSentences.sentence(new UserError("The image 'a' is empty.")));
		assertEquals("The model file m.zip is not a zip file.", FailureSentences.sentence(new UncheckedIOException(new IOException("The model file m.zip is not a zip file."))));
		assertEquals("The model file m.zip does not exist.", FailureSentences.sentence(new NoSuchFileException("m.zip", null, "The model file m.zip does not exist.")));
	}

	@Test
	void namesASettingAsEachFrontEndDoes() {
		InvalidSetting e = new InvalidSetting("learning_rate", "Training diverged at iteration 9: resume with a lower {setting}.");
		assertEquals("learning_rate", e.setting());
		assertEquals("Training diverged at iteration 9: resume with a lower --learning-rate.", FailureSentences.sentence(e, InvalidSetting::flag));
		assertEquals("Training diverged at iteration 9: resume with a lower learning_rate.", FailureSentences.sentence(e));
		assertEquals("--object-diameter must be positive.", FailureSentences.sentence(new InvalidSetting("object_diameter", "{setting} must be positive."), InvalidSetting::flag));
		// a setting without its name in the sentence, or a malformed id, is a programming error
		assertThrows(IllegalArgumentException.class, () -> new InvalidSetting("crop", "The crop is bad."));
		assertThrows(IllegalArgumentException.class, () -> new InvalidSetting("Crop-Size", "{setting} is bad."));
	}

	@Test
	void turnsBareFileErrorsIntoSentences() {
		assertEquals("The path /out cannot be used: permission denied.", FailureSentences.sentence(new AccessDeniedException("/out")));
		assertEquals("The path /in/a.tif cannot be used: it does not exist.", FailureSentences.sentence(new NoSuchFileException("/in/a.tif")));
	}

	@Test
	void hasNoSentenceForUnexpectedFailures() {
		assertNull(FailureSentences.sentence(new NullPointerException()));
		assertNull(FailureSentences.sentence(new IllegalArgumentException("index 3 out of bounds for length 3")));
		assertNull(FailureSentences.sentence(new UserError(" ")));
	}
}
