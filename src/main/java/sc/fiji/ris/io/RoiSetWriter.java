package sc.fiji.ris.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import sc.fiji.ris.UserError;
import sc.fiji.ris.infer.Instances;

/**
 * Writes instances as an ImageJ {@code RoiSet.zip}, the file the ROI Manager opens: one {@code .roi} entry per
 * instance, in ImageJ's binary ROI format (version 228, see ImageJ's {@code RoiDecoder}), written without ImageJ.
 * <p>
 * Each ROI outlines its instance along pixel edges, so that its mask is exactly the instance's pixels:
 * <ul>
 * <li>an instance that is one 4-connected region without holes becomes a traced polygon ROI, the outline ImageJ's
 * wand gives;</li>
 * <li>an instance with holes or several pieces (or an outline of more than 65535 corners) becomes a composite ROI
 * holding all its outlines, filled even-odd, as ImageJ's "Create Selection" gives.</li>
 * </ul>
 * Coordinates above 32767 are stored as floats (ImageJ's sub-pixel representation, exact up to 2^24). Each ROI is
 * named {@code "label 42 (0.97)"} (label and confidence); the zip entries are named {@code 0042-c0.97.roi} for a
 * single image and {@code 0003-0042-c0.97.roi} (stack position first) for a plane of a stack. Instances without any
 * pixel get no ROI. The file is written atomically.
 */
public final class RoiSetWriter {

	static final int VERSION = 228;
	private static final int HEADER_SIZE = 64, HEADER2_SIZE = 64;
	private static final int TYPE_RECT = 1, TYPE_TRACED = 8;
	private static final int OPTION_SUB_PIXEL_RESOLUTION = 128;
	private static final int MAX_SHORT_COORDINATE = Short.MAX_VALUE;
	private static final int MAX_POLYGON_CORNERS = 65535;
	/** Floats hold every integer up to 2^24 exactly; beyond, corners would move. */
	private static final int MAX_FLOAT_COORDINATE = 1 << 24;
	private static final int SEG_MOVETO = 0, SEG_LINETO = 1, SEG_CLOSE = 4;

	private RoiSetWriter() {}

	/**
	 * Writes the instances of {@code planes} to {@code file}, plane by plane, labels ascending.
	 *
	 * @throws IllegalArgumentException if two planes share a stack position (their ROIs would have the same names),
	 *         or coordinates exceed 2^24
	 * @throws IOException if the file cannot be written; the target is then left as it was
	 */
	public static void write(Path file, List<PlaneInstances> planes) throws IOException {
		Set<Integer> positions = new HashSet<>();
		for (PlaneInstances plane : planes) {
			if (!positions.add(plane.stackPosition())) {
				throw new UserError(plane.stackPosition() == 0 ? "The RoiSet " + file + " gets several single-image planes: give each plane its stack position." : "Two planes for the RoiSet " + file + " share stack position " + plane.stackPosition() + ".");
			}
			Instances inst = plane.instances();
			if (Math.max(inst.width(), inst.height()) > MAX_FLOAT_COORDINATE) throw new UserError("The RoiSet " + file + " cannot hold ROIs of an image " + inst.width() + " x " + inst.height() + " pixels: ROI coordinates are exact only up to " + MAX_FLOAT_COORDINATE + ".");
		}
		AtomicFiles.write(file, out -> {
			try (ZipOutputStream zip = new ZipOutputStream(out)) {
				for (PlaneInstances plane : planes) {
					Instances inst = plane.instances();
					int[][] boxes = boundingBoxes(inst);
					for (int label = 1; label <= inst.count(); label++) {
						if (boxes[label] == null) continue;
						List<int[]> loops = trace(inst, label, boxes[label]);
						float confidence = inst.confidence(label);
						zip.putNextEntry(new ZipEntry(entryName(plane, label, confidence)));
						zip.write(encode(loops, roiName(label, confidence), plane));
						zip.closeEntry();
					}
				}
			}
		});
	}

	/** The name each ROI carries, e.g. {@code "label 42 (0.97)"}. */
	public static String roiName(int label, float confidence) {
		return String.format(Locale.ROOT, "label %d (%.2f)", label, confidence);
	}

	/** The zip entry name of an instance's ROI; the ROI Manager lists the ROI under it (without ".roi"). */
	public static String entryName(PlaneInstances plane, int label, float confidence) {
		if (plane.stackPosition() > 0) return String.format(Locale.ROOT, "%04d-%04d-c%.2f.roi", plane.stackPosition(), label, confidence);
		return String.format(Locale.ROOT, "%04d-c%.2f.roi", label, confidence);
	}

	/**
	 * The outlines of instance {@code label} along pixel edges: each loop is an array {@code x0, y0, x1, y1, ...}
	 * of corner coordinates (a pixel (x, y) spans x..x+1, y..y+1), its last corner joined back to its first. Outer
	 * outlines run clockwise on screen, hole outlines the other way; filled even-odd, the loops cover exactly the
	 * instance's pixels, 4-connected (diagonal neighbours belong to separate loops). Empty if the label has no
	 * pixel. Each call scans the whole label image once, so call it for a few labels, not all of a large image.
	 */
	public static List<int[]> outlines(Instances instances, int label) {
		if (label < 1 || label > instances.count()) throw new UserError("Label " + label + " is not one of the " + instances.count() + " instances.");
		int[] box = boundingBoxes(instances)[label];
		return box == null ? new ArrayList<>() : trace(instances, label, box);
	}

	/** {x0, y0, x1, y1} (inclusive) for each label, null where a label has no pixel; one pass. */
	private static int[][] boundingBoxes(Instances inst) {
		int w = inst.width(), n = inst.count();
		int[] labels = inst.labels();
		int[][] boxes = new int[n + 1][];
		for (int i = 0; i < labels.length; i++) {
			int l = labels[i];
			if (l <= 0) continue;
			int x = i % w, y = i / w;
			int[] b = boxes[l];
			if (b == null) {
				boxes[l] = new int[] { x, y, x, y };
			} else {
				if (x < b[0]) b[0] = x;
				if (x > b[2]) b[2] = x;
				b[3] = y; // rows come in order
			}
		}
		return boxes;
	}

	// Directions of pixel edges: +x, +y, -x, -y; each is a clockwise quarter turn (on screen) from the one before.
	private static final int[] DX = { 1, 0, -1, 0 };
	private static final int[] DY = { 0, 1, 0, -1 };

	/**
	 * Crack following: every edge between a pixel of the label and one that is not becomes a directed edge with the
	 * instance on its right (on screen), starting at a grid corner. Each corner then has as many edges out as in: one,
	 * or two at a saddle (two diagonal pixels of the label). Following edges from corner to corner closes loops; at a
	 * saddle the loop turns right, staying with the pixel it came along, which keeps diagonal pixels apart.
	 */
	private static List<int[]> trace(Instances inst, int label, int[] box) {
		int w = inst.width(), h = inst.height();
		int[] labels = inst.labels();
		int x0 = box[0], y0 = box[1];
		int bw = box[2] - x0 + 1, bh = box[3] - y0 + 1;
		int gw = bw + 1, gh = bh + 1;
		byte[] out = new byte[gw * gh];
		for (int v = 0; v < bh; v++) {
			int y = y0 + v;
			for (int u = 0; u < bw; u++) {
				int x = x0 + u;
				int i = y * w + x;
				if (labels[i] != label) continue;
				int corner = v * gw + u;
				if (y == 0 || labels[i - w] != label) out[corner] |= 1; // top edge, +x from the top-left corner
				if (x == w - 1 || labels[i + 1] != label) out[corner + 1] |= 2; // right edge, +y from the top-right
				if (y == h - 1 || labels[i + w] != label) out[corner + gw + 1] |= 4; // bottom edge, -x from bottom-right
				if (x == 0 || labels[i - 1] != label) out[corner + gw] |= 8; // left edge, -y from bottom-left
			}
		}
		byte[] unused = out.clone();
		List<int[]> loops = new ArrayList<>();
		int[] xy = new int[64];
		for (int start = 0; start < unused.length; start++) {
			while (unused[start] != 0) {
				int startDir = Integer.numberOfTrailingZeros(unused[start]);
				int n = 0;
				int c = start, d = startDir;
				while (true) {
					unused[c] &= ~(1 << d);
					c += DX[d] + DY[d] * gw;
					int edges = out[c];
					int next = Integer.bitCount(edges) == 1 ? Integer.numberOfTrailingZeros(edges) : (d + 1) & 3;
					boolean closed = c == start && next == startDir;
					if (next != d) {
						if (n + 2 > xy.length) xy = Arrays.copyOf(xy, xy.length * 2);
						xy[n++] = x0 + c % gw;
						xy[n++] = y0 + c / gw;
					}
					if (closed) break;
					d = next;
				}
				loops.add(Arrays.copyOf(xy, n));
			}
		}
		return loops;
	}

	/** One ROI in ImageJ's binary format: a traced polygon if one loop will do, else a composite (shape) ROI. */
	private static byte[] encode(List<int[]> loops, String name, PlaneInstances plane) {
		int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = 0, maxY = 0;
		for (int[] loop : loops) {
			for (int k = 0; k < loop.length; k += 2) {
				minX = Math.min(minX, loop[k]);
				maxX = Math.max(maxX, loop[k]);
				minY = Math.min(minY, loop[k + 1]);
				maxY = Math.max(maxY, loop[k + 1]);
			}
		}
		boolean polygon = loops.size() == 1 && loops.get(0).length / 2 <= MAX_POLYGON_CORNERS;
		ByteBuffer b;
		int options = 0;
		if (polygon) {
			int[] loop = loops.get(0);
			int n = loop.length / 2;
			// Relative short coordinates are all ImageJ's reader needs below 32768; beyond, it takes the floats.
			boolean floats = maxX > MAX_SHORT_COORDINATE || maxY > MAX_SHORT_COORDINATE;
			if (floats) options |= OPTION_SUB_PIXEL_RESOLUTION;
			int header2 = HEADER_SIZE + 4 * n + (floats ? 8 * n : 0);
			b = header(header2, name, TYPE_TRACED, minX, minY, maxX, maxY, options, plane);
			b.putShort(16, (short) n);
			for (int k = 0; k < n; k++) {
				b.putShort(HEADER_SIZE + 2 * k, (short) Math.min(loop[2 * k] - minX, 0xffff));
				b.putShort(HEADER_SIZE + 2 * n + 2 * k, (short) Math.min(loop[2 * k + 1] - minY, 0xffff));
			}
			if (floats) {
				for (int k = 0; k < n; k++) {
					b.putFloat(HEADER_SIZE + 4 * n + 4 * k, loop[2 * k]);
					b.putFloat(HEADER_SIZE + 8 * n + 4 * k, loop[2 * k + 1]);
				}
			}
		} else {
			int size = 0;
			for (int[] loop : loops) size += 3 * (loop.length / 2) + 1;
			int header2 = HEADER_SIZE + 4 * size;
			b = header(header2, name, TYPE_RECT, minX, minY, maxX, maxY, options, plane);
			b.putInt(36, size); // a shape size above 0 marks a composite ROI
			b.position(HEADER_SIZE);
			for (int[] loop : loops) {
				for (int k = 0; k < loop.length; k += 2) b.putFloat(k == 0 ? SEG_MOVETO : SEG_LINETO).putFloat(loop[k]).putFloat(loop[k + 1]);
				b.putFloat(SEG_CLOSE);
			}
		}
		return b.array();
	}

	/** The 64-byte header and the 64-byte header2 (positions, name), followed by the name; big-endian. */
	private static ByteBuffer header(int header2, String name, int type, int minX, int minY, int maxX, int maxY, int options, PlaneInstances plane) {
		ByteBuffer b = ByteBuffer.allocate(header2 + HEADER2_SIZE + 2 * name.length());
		b.put(0, (byte) 'I').put(1, (byte) 'o').put(2, (byte) 'u').put(3, (byte) 't');
		b.putShort(4, (short) VERSION);
		b.put(6, (byte) type);
		// ImageJ reads these shorts as unsigned above 32767 (up to 60535); beyond that they are only informative.
		b.putShort(8, headerShort(minY));
		b.putShort(10, headerShort(minX));
		b.putShort(12, headerShort(maxY));
		b.putShort(14, headerShort(maxX));
		b.putShort(50, (short) options);
		b.putInt(56, plane.hyperstack() ? 0 : plane.stackPosition());
		b.putInt(60, header2);
		b.putInt(header2 + 4, plane.channel());
		b.putInt(header2 + 8, plane.slice());
		b.putInt(header2 + 12, plane.frame());
		b.putInt(header2 + 16, header2 + HEADER2_SIZE);
		b.putInt(header2 + 20, name.length());
		for (int k = 0; k < name.length(); k++) b.putChar(header2 + HEADER2_SIZE + 2 * k, name.charAt(k));
		return b;
	}

	private static short headerShort(int v) {
		return (short) Math.min(v, 0xffff);
	}
}
