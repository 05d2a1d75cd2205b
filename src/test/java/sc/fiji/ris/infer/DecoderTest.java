package sc.fiji.ris.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Cutting tiles for decoders that encode each tile alone. */
class DecoderTest {

	private static float[] ramp(int w, int h) {
		float[] img = new float[w * h];
		for (int i = 0; i < img.length; i++) img[i] = 1 + i;
		return img;
	}

	@Test
	void aTileInsideTheImageIsCopied() {
		float[] img = ramp(10, 9);
		float[] t = Decoder.cut(img, 10, 9, 3, 2, 4);
		for (int y = 0; y < 4; y++)
			for (int x = 0; x < 4; x++) assertEquals(img[(2 + y) * 10 + 3 + x], t[y * 4 + x]);
	}

	@Test
	void aTileLargerThanTheImageMirrorsItInsteadOfLeavingItBlank() {
		// a 3 x 2 image in a 6-pixel tile: columns 0 1 2 1 0 1, rows 0 1 0 1 0 1
		float[] img = { 1, 2, 3, 4, 5, 6 };
		float[] t = Decoder.cut(img, 3, 2, 0, 0, 6);
		float[] row0 = { 1, 2, 3, 2, 1, 2 }, row1 = { 4, 5, 6, 5, 4, 5 };
		for (int y = 0; y < 6; y++) {
			float[] row = new float[6];
			System.arraycopy(t, y * 6, row, 0, 6);
			assertArrayEquals(y % 2 == 0 ? row0 : row1, row, "row " + y);
		}
	}

	@Test
	void aTileAtTheRightEdgeMirrorsOnlyPastTheEdge() {
		float[] img = ramp(5, 5);
		float[] t = Decoder.cut(img, 5, 5, 2, 0, 4); // columns 2 3 4 then 3
		for (int y = 0; y < 4; y++) {
			assertEquals(img[y * 5 + 2], t[y * 4]);
			assertEquals(img[y * 5 + 4], t[y * 4 + 2]);
			assertEquals(img[y * 5 + 3], t[y * 4 + 3]);
		}
	}
}
