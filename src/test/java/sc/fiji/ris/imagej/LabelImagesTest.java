package sc.fiji.ris.imagej;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Telling label images from intensity images: the sample label images are label images and the sample images are
 * not; a binary mask, a noisy image with a clipped (zero) background and an image without background are not; an
 * image with RIS's Glasbey LUT is.
 */
class LabelImagesTest {

	@Test
	void sampleLabelsAreLabelsAndSampleImagesAreNot() throws Exception {
		Path samples = Path.of("sample-images");
		List<Path> images;
		try (Stream<Path> s = Files.list(samples.resolve("images"))) {
			images = s.filter(p -> p.toString().endsWith(".tif")).sorted().toList();
		}
		assertFalse(images.isEmpty(), "sample images");
		for (Path p : images) {
			String name = p.getFileName().toString();
			assertTrue(LabelImages.looksLikeLabels(open(samples.resolve("labels").resolve(name))), "labels/" + name);
			assertFalse(LabelImages.looksLikeLabels(open(p)), "images/" + name);
		}
	}

	private static ImagePlus open(Path file) {
		ImagePlus imp = new Opener().openImage(file.toAbsolutePath().toString());
		assertNotNull(imp, file.toString());
		return imp;
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
