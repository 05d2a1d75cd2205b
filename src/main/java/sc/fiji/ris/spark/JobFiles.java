package sc.fiji.ris.spark;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import sc.fiji.ris.UserError;

/**
 * Files on any Hadoop file system for the job: listing the inputs, bringing an image to local disk for ImageJ's
 * readers, and committing outputs. Every output is written under a temporary name in the output folder and renamed,
 * so that a killed or retried task never leaves a half-written file under a result's name; the marker
 * {@code NAME.ris-done}, written last, records the files and their sizes and is what makes an image complete.
 */
final class JobFiles {

	/** Suffix of the marker that commits an image's outputs. */
	static final String MARKER = ".ris-done";
	/** The summary table of a run, in the output folder. */
	static final String SUMMARY = "ris-summary.csv";
	/** Part of the name of every temporary output file. */
	static final String TEMPORARY = ".ris-tmp-";

	private JobFiles() {}

	/** The file system of a path; the plain local one (no .crc files beside outputs) for {@code file:}. */
	static FileSystem fileSystem(org.apache.hadoop.fs.Path p, Configuration conf) throws IOException {
		FileSystem fs = p.getFileSystem(conf);
		return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
	}

	/** A user's path as a Hadoop path, fully qualified (a plain local path becomes {@code file:}). */
	static org.apache.hadoop.fs.Path qualified(String s, Configuration conf) throws IOException {
		org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(s);
		return p.getFileSystem(conf).makeQualified(p);
	}

	/** Whether a file name is an image the job segments (TIFF, PNG; not hidden). */
	static boolean isImage(String name) {
		String n = name.toLowerCase(Locale.ROOT);
		return !n.startsWith(".") && !n.startsWith("_") && (n.endsWith(".tif") || n.endsWith(".tiff") || n.endsWith(".png"));
	}

	/** The image's name in outputs: the file name without its extension, as {@code ris segment} names it. */
	static String stem(String path) {
		String n = new org.apache.hadoop.fs.Path(path).getName();
		int dot = n.lastIndexOf('.');
		if (dot > 0) n = n.substring(0, dot);
		if (n.endsWith("_labels")) n = n.substring(0, n.length() - "_labels".length());
		return n;
	}

	/**
	 * The images of the inputs, sorted within each input, duplicates removed: a folder's images, a glob's matches, or
	 * the paths a {@code .txt}/{@code .list} file lists (one a line; blank lines and lines starting with # skipped;
	 * relative paths resolved against the list's folder). Inputs that hold nothing give {@code errors} one sentence each.
	 */
	static List<String> listInputs(List<String> inputs, Configuration conf, List<String> errors) throws IOException {
		Map<String, Boolean> out = new LinkedHashMap<>();
		for (String input : inputs) {
			org.apache.hadoop.fs.Path p = qualified(input, conf);
			FileSystem fs = fileSystem(p, conf);
			List<String> found = new ArrayList<>();
			boolean glob = input.contains("*") || input.contains("?") || input.contains("[") || input.contains("{");
			if (glob) {
				FileStatus[] matches = fs.globStatus(p);
				if (matches != null) for (FileStatus s : matches) if (s.isFile() && isImage(s.getPath().getName())) found.add(s.getPath().toString());
				if (found.isEmpty()) errors.add("The pattern " + input + " matches no .tif or .png image.");
			} else if (!fs.exists(p)) {
				errors.add("The input " + input + " does not exist.");
			} else if (fs.getFileStatus(p).isDirectory()) {
				for (FileStatus s : fs.listStatus(p)) if (s.isFile() && isImage(s.getPath().getName())) found.add(s.getPath().toString());
				if (found.isEmpty()) errors.add("The folder " + input + " holds no .tif or .png images.");
			} else if (p.getName().toLowerCase(Locale.ROOT).endsWith(".txt") || p.getName().toLowerCase(Locale.ROOT).endsWith(".list")) {
				try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8))) {
					for (String line; (line = r.readLine()) != null;) {
						String t = line.strip();
						if (t.isEmpty() || t.startsWith("#")) continue;
						org.apache.hadoop.fs.Path q = new org.apache.hadoop.fs.Path(t);
						if (!q.isAbsolute() && q.toUri().getScheme() == null) q = new org.apache.hadoop.fs.Path(p.getParent(), t);
						found.add(q.getFileSystem(conf).makeQualified(q).toString());
					}
				}
				if (found.isEmpty()) errors.add("The list " + input + " names no image: give one image path a line.");
				// a list keeps its own order
				for (String f : found) out.putIfAbsent(f, true);
				continue;
			} else found.add(p.toString());
			found.sort(null);
			for (String f : found) out.putIfAbsent(f, true);
		}
		return new ArrayList<>(out.keySet());
	}

	/**
	 * The image as a local file for ImageJ's readers: the file itself on {@code file:}, else a copy in {@code tmp}.
	 *
	 * @throws IllegalArgumentException with one sentence if it cannot be read
	 */
	static Path localCopy(String image, Configuration conf, Path tmp) throws IOException {
		org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(image);
		URI uri = p.toUri();
		if (uri.getScheme() == null || uri.getScheme().equals("file")) return Path.of(uri.getPath());
		FileSystem fs = fileSystem(p, conf);
		Path local = tmp.resolve(p.getName());
		try (var in = fs.open(p); OutputStream out = Files.newOutputStream(local)) {
			in.transferTo(out);
		} catch (FileNotFoundException e) {
			throw new UserError("The file " + image + " does not exist.");
		}
		return local;
	}

	/** The marker of an image in {@code outDir}. */
	static org.apache.hadoop.fs.Path marker(org.apache.hadoop.fs.Path outDir, String name) {
		return new org.apache.hadoop.fs.Path(outDir, name + MARKER);
	}

	/**
	 * The marker's record if the image's outputs are complete: the marker exists and every file it lists has the
	 * size it records. Null otherwise.
	 */
	static Map<String, String> complete(FileSystem fs, org.apache.hadoop.fs.Path outDir, String name) throws IOException {
		org.apache.hadoop.fs.Path m = marker(outDir, name);
		if (!fs.exists(m)) return null;
		Map<String, String> record = new LinkedHashMap<>();
		try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(m), StandardCharsets.UTF_8))) {
			for (String line; (line = r.readLine()) != null;) {
				int eq = line.indexOf('=');
				if (eq > 0) record.put(line.substring(0, eq), line.substring(eq + 1));
			}
		}
		for (Map.Entry<String, String> e : record.entrySet()) {
			if (!e.getKey().startsWith("file.")) continue;
			org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(outDir, e.getKey().substring(5));
			try {
				if (fs.getFileStatus(f).getLen() != Long.parseLong(e.getValue())) return null;
			} catch (FileNotFoundException | NumberFormatException ex) {
				return null;
			}
		}
		return record.containsKey("instances") ? record : null;
	}

	/** Removes what a killed or failed attempt left of an image: its temporary files and an uncommitted marker. */
	static void removeLeftovers(FileSystem fs, org.apache.hadoop.fs.Path outDir, String name) throws IOException {
		if (!fs.exists(outDir)) return;
		String files = "{_labels.tif,_rois.zip,_instances.csv,_overlay*.png," + MARKER + "}";
		FileStatus[] left = fs.globStatus(new org.apache.hadoop.fs.Path(outDir, "." + escapeGlob(name) + files + TEMPORARY + "*"));
		if (left != null) for (FileStatus s : left) fs.delete(s.getPath(), false);
	}

	private static String escapeGlob(String s) {
		return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
	}

	/**
	 * Copies the local files to {@code outDir}, each under a temporary name first and then renamed, and writes the
	 * marker last, with {@code record} and the files' sizes.
	 */
	static void commit(FileSystem fs, org.apache.hadoop.fs.Path outDir, String name, List<Path> files, Map<String, String> record, String attempt)
			throws IOException {
		fs.mkdirs(outDir);
		Map<String, String> full = new LinkedHashMap<>(record);
		for (Path f : files) {
			upload(fs, outDir, f.getFileName().toString(), attempt, out -> Files.copy(f, out));
			full.put("file." + f.getFileName(), Long.toString(Files.size(f)));
		}
		StringBuilder sb = new StringBuilder();
		for (Map.Entry<String, String> e : full.entrySet()) sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
		byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
		upload(fs, outDir, name + MARKER, attempt, out -> out.write(bytes));
	}

	/** Writes {@code outDir/fileName} through a temporary file beside it and a rename. */
	static void upload(FileSystem fs, org.apache.hadoop.fs.Path outDir, String fileName, String attempt, sc.fiji.ris.io.AtomicFiles.Writer writer) throws IOException {
		org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(outDir, fileName);
		org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(outDir, "." + fileName + TEMPORARY + attempt);
		try {
			try (OutputStream out = fs.create(tmp, true)) {
				writer.write(out);
			}
			// HDFS's rename does not replace: a file left by an earlier, uncommitted attempt goes first
			if (fs.exists(target)) fs.delete(target, false);
			if (!fs.rename(tmp, target)) throw new IOException("The output " + target + " could not be renamed from its temporary name " + tmp.getName() + ".");
		} finally {
			if (fs.exists(tmp)) fs.delete(tmp, false);
		}
	}

	/** Deletes a local folder and what it holds. */
	static void deleteLocal(Path dir) {
		if (dir == null || !Files.exists(dir)) return;
		try (Stream<Path> s = Files.walk(dir)) {
			s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (IOException e) {
			// a leftover in the temporary folder: nothing the results depend on
		}
	}
}
