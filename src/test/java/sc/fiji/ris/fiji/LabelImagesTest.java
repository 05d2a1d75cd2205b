package sc.fiji.ris.fiji;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Telling label images from intensity images: the sample label images are label images and the sample images are
 * not; a binary mask, a noisy image with a clipped (zero) background and an image without background are not; an
 * image with RIS's Glasbey LUT is.
 */
class LabelImagesTest {

	@Test
	void sampleLabelsAreLabelsAndSampleImagesAreNot() throws Exception {
		for (Path p : Fixtures.sampleImages()) {
			String name = p.getFileName().toString();
			assertTrue(LabelImages.looksLikeLabels(Fixtures.open("labels", name)), "labels/" + name);
			assertFalse(LabelImages.looksLikeLabels(Fixtures.open("images", name)), "images/" + name);
		}
	}

	@Test
	void masksAndNoisyImagesAreNotLabels() {
		ByteProcessor mask = new ByteProcessor(64, 64);
		mask.setValue(255);
		mask.fillOval(10, 10, 20, 20);
		mask.fillOval(40, 40, 15, 15);
		assertFalse(LabelImages.looksLikeLabels(new ImagePlus("mask", mask)), "a binary mask");

		Random rnd = new Random(1);
		ShortProcessor noisy = new ShortProcessor(64, 64);
		for (int i = 0; i < 64 * 64; i++) noisy.set(i, (i / 64) % 32 < 16 ? 0 : 200 + (int) (rnd.nextGaussian() * 20));
		assertFalse(LabelImages.looksLikeLabels(new ImagePlus("noisy", noisy)), "noise with a clipped background");

		ShortProcessor flat = new ShortProcessor(64, 64);
		for (int i = 0; i < 64 * 64; i++) flat.set(i, 1 + i % 3);
		assertFalse(LabelImages.looksLikeLabels(new ImagePlus("no background", flat)), "no zero background");
	}

	@Test
	void anImageWithTheGlasbeyLutIsALabelImage() {
		ShortProcessor ip = new ShortProcessor(16, 16);
		ip.setLut(Glasbey.lut());
		assertTrue(LabelImages.looksLikeLabels(new ImagePlus("x_labels", ip)));
	}
}
