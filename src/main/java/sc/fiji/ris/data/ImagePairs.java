package sc.fiji.ris.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import sc.fiji.ris.UserError;

/**
 * Pairs the images of a folder with their label images in another folder by name: {@code images/NAME.tif} goes
 * with {@code labels/NAME.tif} (or {@code labels/NAME_labels.tif}). Reading the pixels is left to the caller, so
 * that this layer stays free of any image library.
 */
public final class ImagePairs {

	/** An image file and its label file. */
	public static final class Pair {
		public final String name;
		public final Path image;
		public final Path labels;

		Pair(String name, Path image, Path labels) {
			this.name = name;
			this.image = image;
			this.labels = labels;
		}
	}

	private ImagePairs() {}

	/** Image files that the readers understand, by extension. */
	public static boolean isImageFile(Path p) {
		String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return Files.isRegularFile(p) && !n.startsWith(".") && (n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".png"));
	}

	/** The image files in a folder, sorted by name. */
	public static List<Path> imageFiles(Path dir, String option) throws IOException {
		if (!Files.isDirectory(dir)) throw new UserError(option + " " + dir + " is not a folder.");
		try (Stream<Path> s = Files.list(dir)) {
			List<Path> files = new ArrayList<>();
			s.filter(ImagePairs::isImageFile).sorted().forEach(files::add);
			if (files.isEmpty()) throw new UserError(option + " " + dir + " holds no .tif or .png images.");
			return files;
		}
	}

	/** Base name of a file without its extension and without a trailing {@code _labels}. */
	public static String stem(Path p) {
		String n = p.getFileName().toString();
		int dot = n.lastIndexOf('.');
		if (dot > 0) n = n.substring(0, dot);
		if (n.endsWith("_labels")) n = n.substring(0, n.length() - "_labels".length());
		return n;
	}

	/**
	 * Pairs every image of {@code imagesDir} with its label file.
	 *
	 * @throws IllegalArgumentException naming the first image without labels
	 */
	public static List<Pair> pair(Path imagesDir, Path labelsDir, String imagesOption, String labelsOption) throws IOException {
		List<Path> images = imageFiles(imagesDir, imagesOption);
		if (!Files.isDirectory(labelsDir)) throw new UserError(labelsOption + " " + labelsDir + " is not a folder.");
		List<Pair> out = new ArrayList<>();
		for (Path img : images) {
			String name = stem(img);
			String file = img.getFileName().toString();
			String ext = file.substring(file.lastIndexOf('.'));
			Path l = labelsDir.resolve(file);
			if (!Files.isRegularFile(l)) l = labelsDir.resolve(name + "_labels" + ext);
			if (!Files.isRegularFile(l)) l = labelsDir.resolve(name + ".tif");
			if (!Files.isRegularFile(l))
				throw new UserError("The image " + img + " has no label image in " + labelsDir + " (expected " + file + " or " + name + "_labels" + ext + ").");
			out.add(new Pair(name, img, l));
		}
		return out;
	}
}
