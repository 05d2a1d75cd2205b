package sc.fiji.ris.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import sc.fiji.ris.UserError;

/**
 * Writes a 16-bit label image (one plane or a stack) as an uncompressed little-endian TIFF that ImageJ opens with its
 * dimensions and calibration: the first IFD carries an ImageDescription in ImageJ's own format, and the pixel data
 * of all planes is contiguous, as ImageJ expects when the description says {@code images=N}. Every plane also has
 * its own IFD, so other TIFF readers see all planes too. The file is written atomically.
 */
public final class LabelTiffWriter {

	/** The version ImageJ's reader sees in the description; it only checks that the string starts with "ImageJ". */
	static final String IMAGEJ_VERSION = "1.54p";

	private static final int TYPE_ASCII = 2, TYPE_SHORT = 3, TYPE_LONG = 4, TYPE_RATIONAL = 5;
	private static final int HEADER_SIZE = 8;
	private static final long MAX_UNSIGNED_INT = 0xffffffffL;

	private LabelTiffWriter() {}

	/**
	 * Writes {@code planes} to {@code file}.
	 *
	 * @param planes one row-major label array of {@code width * height} values per plane, in ImageJ order (channel
	 *        fastest, then slice, then frame); values must lie in 0..65535
	 * @param dims how the planes split into channels, slices and frames; its plane count must match
	 * @param cal pixel size and unit, stored as XResolution/YResolution (1 / pixel size) and in the description
	 * @throws IllegalArgumentException if the planes do not match the sizes given, a label lies outside 0..65535, or
	 *         the image is too large for a classic (non-Big) TIFF
	 * @throws IOException if the file cannot be written; the target is then left as it was
	 */
	public static void write(Path file, List<int[]> planes, int width, int height, Dimensions dims, Calibration cal) throws IOException {
		if (width < 1 || height < 1) throw new UserError("The label image " + file + " must be at least 1 x 1 pixels, not " + width + " x " + height + ".");
		if (planes.size() != dims.planes()) throw new UserError("The label image " + file + " has " + planes.size() + " planes but its dimensions (" + dims + ") need " + dims.planes() + ".");
		long planePixels = (long) width * height;
		int max = 0;
		for (int p = 0; p < planes.size(); p++) {
			int[] plane = planes.get(p);
			if (plane.length != planePixels) throw new UserError("Plane " + (p + 1) + " of the label image " + file + " has " + plane.length + " pixels, expected " + width + " x " + height + ".");
			for (int v : plane) {
				if (v > 65535) throw new UserError("There are more than 65535 instances in one image: label " + v + " in plane " + (p + 1) + " does not fit the 16-bit label image " + file + ".");
				if (v < 0) throw new UserError("Plane " + (p + 1) + " of the label image " + file + " holds the negative label " + v + ".");
				if (v > max) max = v;
			}
		}
		Layout layout = new Layout(width, height, planes.size(), description(dims, cal, Math.max(max, 1)), cal.isScaled());
		if (layout.fileSize > MAX_UNSIGNED_INT) throw new UserError("The label image " + file + " would take " + layout.fileSize + " bytes, more than a classic TIFF can hold (4 GiB): write fewer planes per file.");
		long[] xResolution = layout.scaled ? resolution(cal.pixelWidth(), file) : null;
		long[] yResolution = layout.scaled ? resolution(cal.pixelHeight(), file) : null;
		AtomicFiles.write(file, raw -> {
			OutputStream out = new BufferedOutputStream(raw, 1 << 16);
			writeHeaderAndFirstIfd(out, layout, xResolution, yResolution);
			ByteBuffer row = ByteBuffer.allocate(2 * width).order(ByteOrder.LITTLE_ENDIAN);
			for (int[] plane : planes) {
				for (int y = 0; y < height; y++) {
					row.clear();
					for (int x = 0, i = y * width; x < width; x++, i++) row.putShort((short) plane[i]);
					out.write(row.array(), 0, row.position());
				}
			}
			for (int p = 1; p < layout.planes; p++) writeIfd(out, layout, p, null);
			out.flush();
		});
	}

	/** Where everything goes in the file: header, first IFD with its tag data, all pixels, then the other IFDs. */
	private static final class Layout {
		final int width, height, planes;
		final byte[] description;
		final boolean scaled;
		final int firstEntries, otherEntries;
		final long descriptionOffset, resolutionOffset, pixelOffset, planeBytes, otherIfdOffset, fileSize;

		Layout(int width, int height, int planes, byte[] description, boolean scaled) {
			this.width = width;
			this.height = height;
			this.planes = planes;
			this.description = description;
			this.scaled = scaled;
			otherEntries = 10 + (scaled ? 3 : 0);
			firstEntries = otherEntries + 1;
			descriptionOffset = HEADER_SIZE + ifdSize(firstEntries);
			resolutionOffset = descriptionOffset + description.length;
			// ImageJ reads the whole stack from the first plane's offset: keep the planes back to back, word aligned.
			pixelOffset = align(resolutionOffset + (scaled ? 16 : 0));
			planeBytes = 2L * width * height;
			otherIfdOffset = pixelOffset + planeBytes * planes; // even, so the IFDs stay word aligned
			fileSize = otherIfdOffset + (long) (planes - 1) * ifdSize(otherEntries);
		}

		long nextIfd(int plane) {
			if (plane + 1 >= planes) return 0;
			return otherIfdOffset + (long) plane * ifdSize(otherEntries);
		}

		static long ifdSize(int entries) {
			return 2 + 12L * entries + 4;
		}

		static long align(long offset) {
			return (offset + 1) & ~1L;
		}
	}

	private static void writeHeaderAndFirstIfd(OutputStream out, Layout layout, long[] xResolution, long[] yResolution) throws IOException {
		ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
		b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(HEADER_SIZE);
		out.write(b.array(), 0, b.position());
		writeIfd(out, layout, 0, layout.description);
		ByteBuffer data = ByteBuffer.allocate((int) (layout.pixelOffset - layout.descriptionOffset)).order(ByteOrder.LITTLE_ENDIAN);
		data.put(layout.description);
		if (layout.scaled) {
			data.putInt((int) xResolution[0]).putInt((int) xResolution[1]);
			data.putInt((int) yResolution[0]).putInt((int) yResolution[1]);
		}
		out.write(data.array());
	}

	/** One IFD, its entries in ascending tag order as TIFF requires; only the first holds the description. */
	private static void writeIfd(OutputStream out, Layout layout, int plane, byte[] description) throws IOException {
		int entries = description != null ? layout.firstEntries : layout.otherEntries;
		ByteBuffer b = ByteBuffer.allocate((int) Layout.ifdSize(entries)).order(ByteOrder.LITTLE_ENDIAN);
		b.putShort((short) entries);
		entry(b, 254, TYPE_LONG, 1, 0); // NewSubfileType: a full-resolution image
		entry(b, 256, TYPE_LONG, 1, layout.width);
		entry(b, 257, TYPE_LONG, 1, layout.height);
		entry(b, 258, TYPE_SHORT, 1, 16); // BitsPerSample
		entry(b, 259, TYPE_SHORT, 1, 1); // Compression: none
		entry(b, 262, TYPE_SHORT, 1, 1); // PhotometricInterpretation: black is zero
		if (description != null) entry(b, 270, TYPE_ASCII, description.length, layout.descriptionOffset);
		entry(b, 273, TYPE_LONG, 1, layout.pixelOffset + plane * layout.planeBytes); // StripOffsets
		entry(b, 277, TYPE_SHORT, 1, 1); // SamplesPerPixel
		entry(b, 278, TYPE_LONG, 1, layout.height); // RowsPerStrip: the whole plane is one strip
		entry(b, 279, TYPE_LONG, 1, layout.planeBytes); // StripByteCounts
		if (layout.scaled) {
			entry(b, 282, TYPE_RATIONAL, 1, layout.resolutionOffset);
			entry(b, 283, TYPE_RATIONAL, 1, layout.resolutionOffset + 8);
			entry(b, 296, TYPE_SHORT, 1, 1); // ResolutionUnit: none, the unit is in the description
		}
		b.putInt((int) layout.nextIfd(plane));
		out.write(b.array());
	}

	private static void entry(ByteBuffer b, int tag, int type, long count, long value) {
		b.putShort((short) tag).putShort((short) type).putInt((int) count);
		// A SHORT value sits in the first two bytes of the value field, whatever the byte order.
		if (type == TYPE_SHORT) b.putShort((short) value).putShort((short) 0);
		else b.putInt((int) value);
	}

	/** The ImageJ description, key order as ImageJ's FileSaver writes it, NUL-terminated ASCII. */
	static byte[] description(Dimensions dims, Calibration cal, int max) {
		StringBuilder sb = new StringBuilder();
		sb.append("ImageJ=").append(IMAGEJ_VERSION).append('\n');
		int n = dims.planes();
		if (n > 1) sb.append("images=").append(n).append('\n');
		if (dims.channels() > 1) sb.append("channels=").append(dims.channels()).append('\n');
		if (dims.slices() > 1) sb.append("slices=").append(dims.slices()).append('\n');
		if (dims.frames() > 1) sb.append("frames=").append(dims.frames()).append('\n');
		if (dims.isHyperstack()) sb.append("hyperstack=true\n");
		if (cal.isScaled()) sb.append("unit=").append(escape(cal.unit())).append('\n');
		if (cal.pixelDepth() != 1) sb.append("spacing=").append(Double.toString(cal.pixelDepth())).append('\n');
		if (n > 1) sb.append("loop=false\n");
		sb.append("min=0.0\n");
		sb.append("max=").append(String.format(Locale.ROOT, "%d.0", max)).append('\n');
		sb.append('\0');
		return sb.toString().getBytes(StandardCharsets.US_ASCII);
	}

	/** ImageJ reads the description as a Java properties file: anything outside printable ASCII goes as \\uXXXX. */
	private static String escape(String s) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c >= 0x20 && c < 0x7f && c != '\\') sb.append(c);
			else sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
		}
		return sb.toString();
	}

	/**
	 * 1 / {@code pixelSize} as an unsigned RATIONAL (numerator, denominator). ImageJ reads the pixel size back as
	 * 1 / (numerator / denominator), so this takes, among the continued-fraction convergents of {@code pixelSize} that
	 * fit in 32 bits, the first that reads back exactly, else the closest: 0.5 becomes 2/1 and reads back as 0.5 (where
	 * ImageJ's own writer stores 2000000/1000000), 0.325 becomes 40/13 and reads back within an ulp.
	 */
	static long[] resolution(double pixelSize, Path file) {
		// Convergents p/q of the pixel size; the tag stores their reciprocal q/p.
		long p0 = 0, q0 = 1, p1 = 1, q1 = 0;
		double x = pixelSize;
		long[] best = null;
		double bestError = Double.POSITIVE_INFINITY;
		for (int i = 0; i < 64 && bestError > 0; i++) {
			double a = Math.floor(x);
			if (a > MAX_UNSIGNED_INT) break;
			long p2 = (long) a * p1 + p0, q2 = (long) a * q1 + q0;
			if (p2 > MAX_UNSIGNED_INT || q2 > MAX_UNSIGNED_INT) break;
			if (p2 > 0) {
				double error = Math.abs(1.0 / ((double) q2 / p2) - pixelSize);
				if (error < bestError) {
					bestError = error;
					best = new long[] { q2, p2 };
				}
			}
			p0 = p1;
			q0 = q1;
			p1 = p2;
			q1 = q2;
			double frac = x - a;
			if (frac == 0) break;
			x = 1 / frac;
		}
		if (best == null || bestError > 1e-6 * pixelSize) throw new UserError("The pixel size " + pixelSize + " of the label image " + file + " cannot be stored in a TIFF resolution tag: give it in a unit where it lies between 1e-9 and 1e9.");
		return best;
	}
}
