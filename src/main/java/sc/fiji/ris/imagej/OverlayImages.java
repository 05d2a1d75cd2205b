package sc.fiji.ris.imagej;

import ij.ImagePlus;
import ij.process.ColorProcessor;
import ij.process.LUT;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import sc.fiji.ris.data.PercentileNormalizer;
import sc.fiji.ris.infer.Instances;
import sc.fiji.ris.io.AtomicFiles;

/**
 * {@code NAME_overlay.png}: each instance's outline, in its label's colour, on the normalised image (1st to 99.8th
 * percentile stretched to black..white), for people who would rather look than read. A stack gets one file per
 * plane, {@code NAME_overlay_p0001.png} and so on.
 */
public final class OverlayImages {

	private OverlayImages() {}

	/** The overlay file(s) for an image {@code name} with {@code planes} planes. */
	public static List<Path> paths(Path dir, String name, int planes) {
		List<Path> out = new ArrayList<>();
		if (planes == 1) out.add(dir.resolve(name + "_overlay.png"));
		else for (int z = 1; z <= planes; z++) out.add(dir.resolve(String.format(java.util.Locale.ROOT, "%s_overlay_p%04d.png", name, z)));
		return out;
	}

	/** The outlines of {@code instances} drawn on a plane of raw intensities. */
	public static ColorProcessor render(float[] plane, Instances instances) {
		return render(plane, instances.labels(), instances.width(), instances.height());
	}

	/** The outlines of the labels of a label image (0 = background) drawn on a plane of raw intensities. */
	public static ColorProcessor render(float[] plane, int[] labels, int w, int h) {
		float[] norm = PercentileNormalizer.DEFAULT.normalize(plane);
		int[] rgb = new int[w * h];
		for (int i = 0; i < rgb.length; i++) {
			int g = Math.max(0, Math.min(255, Math.round(norm[i] * 255)));
			rgb[i] = 0xff000000 | g << 16 | g << 8 | g;
		}
		LUT lut = Glasbey.lut();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				int l = labels[y * w + x];
				if (l == 0) continue;
				boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || labels[y * w + x - 1] != l || labels[y * w + x + 1] != l
						|| labels[(y - 1) * w + x] != l || labels[(y + 1) * w + x] != l;
				if (edge) rgb[y * w + x] = 0xff000000 | lut.getRGB(1 + (l - 1) % 255) & 0xffffff;
			}
		return new ColorProcessor(w, h, rgb);
	}

	/**
	 * Writes the overlay file(s) of a segmented image atomically.
	 *
	 * @throws IOException naming the file that could not be written; no overlay file of this image is left behind
	 */
	public static void write(ImagePlus input, List<Instances> planes, Path dir, String name) throws IOException {
		List<Path> files = paths(dir, name, planes.size());
		try {
			for (int z = 0; z < planes.size(); z++) {
				ColorProcessor cp = render(ImagePlusSegmenter.plane(input, z + 1), planes.get(z));
				AtomicFiles.write(files.get(z), out -> {
					if (!ImageIO.write(cp.getBufferedImage(), "png", out)) throw new IOException("no PNG writer is available");
				});
			}
		} catch (IOException | RuntimeException e) {
			for (Path f : files) java.nio.file.Files.deleteIfExists(f);
			throw new IOException("The overlay " + files.get(0) + " could not be written (" + e.getMessage() + ").", e);
		}
	}
}
