package sc.fiji.ris.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes files so that a reader never sees a half-written one: a temporary file beside the target, then a move. */
public final class AtomicFiles {

	/** What writes the content. */
	@FunctionalInterface
	public interface Writer {
		void write(OutputStream out) throws IOException;
	}

	private AtomicFiles() {}

	/**
	 * Writes {@code file} through {@code writer}; on any failure the target is left as it was and the temporary
	 * file is removed.
	 */
	public static void write(Path file, Writer writer) throws IOException {
		Path target = file.toAbsolutePath();
		Path dir = target.getParent();
		if (Files.isDirectory(target)) throw new IOException("The output " + file + " is a folder, not a file: give a file name.");
		if (dir != null) Files.createDirectories(dir);
		// a unique name beside the target (same file system, so the move is atomic); created with the usual
		// permissions, unlike Files.createTempFile, which makes owner-only files
		Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + Thread.currentThread().getId() + ".part");
		try {
			try (OutputStream out = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
				writer.write(out);
			}
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	/** Writes bytes atomically. */
	public static void write(Path file, byte[] bytes) throws IOException {
		write(file, out -> out.write(bytes));
	}
}
