package sc.fiji.ris.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class HungarianAssignmentTest {

	@Test
	void handCaseSquare() {
		// Classic example: optimum 5 = 1 (row0->col1) + 2 (row1->col0) + 2 (row2->col2).
		final double[][] cost = { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } };
		final int[] a = HungarianAssignment.minimize(cost);
		assertArrayEquals(new int[] { 1, 0, 2 }, a);
		assertEquals(5, total(cost, a), 0);
	}

	@Test
	void handCaseGreedyIsWrong() {
		// Greedy would take the 1 in row 0 first and then be forced to pay 100.
		final double[][] cost = { { 1, 2 }, { 3, 100 } };
		assertArrayEquals(new int[] { 1, 0 }, HungarianAssignment.minimize(cost));
	}

	@Test
	void handCaseWideAndTall() {
		final double[][] wide = { { 5, 9, 1, 7 }, { 2, 8, 3, 0 } };
		assertArrayEquals(new int[] { 2, 3 }, HungarianAssignment.minimize(wide));
		// The transpose: columns 0 and 1 of the tall matrix take rows 2 and 3.
		final double[][] tall = { { 5, 2 }, { 9, 8 }, { 1, 3 }, { 7, 0 } };
		assertArrayEquals(new int[] { -1, -1, 0, 1 }, HungarianAssignment.minimize(tall));
	}

	@Test
	void maximizeNegatesMinimize() {
		// IoU-like scores: the best total is 0.9 + 0.8 = 1.7 with the anti-diagonal.
		final double[][] score = { { 0.1, 0.9 }, { 0.8, 0.7 } };
		assertArrayEquals(new int[] { 1, 0 }, HungarianAssignment.maximize(score));
		final double[][] tall = { { 0.2 }, { 0.6 }, { 0.4 } };
		assertArrayEquals(new int[] { -1, 0, -1 }, HungarianAssignment.maximize(tall));
	}

	@Test
	void emptyMatrices() {
		assertArrayEquals(new int[0], HungarianAssignment.minimize(new double[0][0]));
		assertArrayEquals(new int[0], HungarianAssignment.minimize(new double[0][]));
		assertArrayEquals(new int[] { -1, -1, -1 }, HungarianAssignment.minimize(new double[3][0]));
		assertArrayEquals(new int[] { -1 }, HungarianAssignment.maximize(new double[1][0]));
	}

	@Test
	void singleEntry() {
		assertArrayEquals(new int[] { 0 }, HungarianAssignment.minimize(new double[][] { { -3.5 } }));
	}

	@Test
	void allEqualCostsGiveAValidAssignment() {
		for (int rows = 1; rows <= 6; rows++) {
			for (int cols = 1; cols <= 6; cols++) {
				final double[][] cost = new double[rows][cols];
				for (double[] row : cost) java.util.Arrays.fill(row, 7.25);
				final int[] a = HungarianAssignment.minimize(cost);
				assertValid(a, rows, cols);
				assertEquals(7.25 * Math.min(rows, cols), total(cost, a), 1e-12);
			}
		}
	}

	@Test
	void negativeCosts() {
		final double[][] cost = { { -1, -5, -3 }, { -2, -4, -10 } };
		final int[] a = HungarianAssignment.minimize(cost);
		assertArrayEquals(new int[] { 1, 2 }, a);
		assertEquals(-15, total(cost, a), 0);
	}

	@Test
	void largeMagnitudes() {
		// Near the top of the double range the potentials would overflow without the internal rescaling.
		final double big = 1e307;
		final double[][] cost = { { 4 * big, 1 * big, 3 * big }, { 2 * big, 0, 5 * big }, { 3 * big, 2 * big, 2 * big } };
		assertArrayEquals(new int[] { 1, 0, 2 }, HungarianAssignment.minimize(cost));
		final double[][] negative = { { -Double.MAX_VALUE, 0 }, { 0, -Double.MAX_VALUE } };
		assertArrayEquals(new int[] { 0, 1 }, HungarianAssignment.minimize(negative));
		final Random random = new Random(99);
		for (int rep = 0; rep < 50; rep++) {
			final double[][] m = randomMatrix(random, 5, 6, true);
			final double[][] scaled = new double[5][6];
			for (int i = 0; i < 5; i++) for (int j = 0; j < 6; j++) scaled[i][j] = m[i][j] * 1e12;
			assertEquals(bruteForceMin(m), total(m, HungarianAssignment.minimize(scaled)), 1e-9);
		}
	}

	@Test
	void refusesNaNAndInfinity() {
		final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
			() -> HungarianAssignment.minimize(new double[][] { { 1, 2 }, { 3, Double.NaN } }));
		assertTrue(e.getMessage().contains("[1][1]"), e.getMessage());
		assertThrows(IllegalArgumentException.class,
			() -> HungarianAssignment.minimize(new double[][] { { Double.POSITIVE_INFINITY } }));
		assertThrows(IllegalArgumentException.class,
			() -> HungarianAssignment.maximize(new double[][] { { 0, Double.NEGATIVE_INFINITY } }));
		assertThrows(IllegalArgumentException.class, () -> HungarianAssignment.minimize(new double[][] { { 1, 2 }, { 3 } }));
	}

	@Test
	void inputIsNotModified() {
		final double[][] cost = { { 4, 1, 3 }, { 2, 0, 5 } };
		HungarianAssignment.minimize(cost);
		HungarianAssignment.maximize(cost);
		assertArrayEquals(new double[] { 4, 1, 3 }, cost[0]);
		assertArrayEquals(new double[] { 2, 0, 5 }, cost[1]);
	}

	@Test
	void matchesBruteForceOnAllShapesUpTo8() {
		final Random random = new Random(20160101L);
		for (int rows = 1; rows <= 8; rows++) {
			for (int cols = 1; cols <= 8; cols++) {
				// Fewer repetitions for the shapes whose brute force is expensive.
				final int reps = Math.min(rows, cols) >= 7 ? 15 : 60;
				final String shape = rows + "x" + cols;
				for (int rep = 0; rep < reps; rep++) {
					// Alternate small integers (many ties) and real values.
					final double[][] cost = randomMatrix(random, rows, cols, rep % 2 == 0);
					final int[] a = HungarianAssignment.minimize(cost);
					assertValid(a, rows, cols);
					assertEquals(bruteForceMin(cost), total(cost, a), 1e-9, shape);
					final int[] b = HungarianAssignment.maximize(cost);
					assertValid(b, rows, cols);
					assertEquals(-bruteForceMin(negate(cost)), total(cost, b), 1e-9, shape);
				}
			}
		}
	}

	@Test
	void namedRectangularShapes() {
		final Random random = new Random(7);
		final int[][] shapes = { { 3, 7 }, { 7, 3 }, { 1, 8 }, { 8, 1 }, { 2, 8 }, { 8, 5 } };
		for (int[] shape : shapes) {
			for (int rep = 0; rep < 200; rep++) {
				final double[][] cost = randomMatrix(random, shape[0], shape[1], rep % 3 == 0);
				final int[] a = HungarianAssignment.minimize(cost);
				assertValid(a, shape[0], shape[1]);
				assertEquals(bruteForceMin(cost), total(cost, a), 1e-9);
			}
		}
	}

	@Test
	void largerMatrixIsFastAndNotWorseThanIdentity() {
		final Random random = new Random(3);
		final double[][] cost = randomMatrix(random, 300, 250, false);
		final int[] a = HungarianAssignment.minimize(cost);
		assertValid(a, 300, 250);
		// Any valid assignment bounds the optimum from above; column j -> row j is one.
		double identity = 0;
		for (int j = 0; j < 250; j++) identity += cost[j][j];
		assertTrue(total(cost, a) <= identity);
	}

	private static double[][] randomMatrix(Random random, int rows, int cols, boolean integers) {
		final double[][] m = new double[rows][cols];
		for (int i = 0; i < rows; i++) {
			for (int j = 0; j < cols; j++) m[i][j] = integers ? random.nextInt(7) - 3 : random.nextDouble() * 20 - 10;
		}
		return m;
	}

	private static double[][] negate(double[][] m) {
		final double[][] n = new double[m.length][];
		for (int i = 0; i < m.length; i++) {
			n[i] = new double[m[i].length];
			for (int j = 0; j < m[i].length; j++) n[i][j] = -m[i][j];
		}
		return n;
	}

	private static void assertValid(int[] a, int rows, int cols) {
		assertEquals(rows, a.length);
		final boolean[] usedCols = new boolean[cols];
		int assigned = 0;
		for (int col : a) {
			if (col < 0) {
				assertEquals(-1, col);
				assertTrue(rows > cols, "a row is unassigned although rows <= cols");
				continue;
			}
			assertTrue(col < cols);
			assertTrue(!usedCols[col], "column used twice");
			usedCols[col] = true;
			assigned++;
		}
		assertEquals(Math.min(rows, cols), assigned);
	}

	private static double total(double[][] cost, int[] a) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) if (a[i] >= 0) sum += cost[i][a[i]];
		return sum;
	}

	/** Minimum over all assignments of min(rows, cols) rows to distinct columns, by enumeration. */
	private static double bruteForceMin(double[][] cost) {
		final int rows = cost.length;
		final int cols = cost[0].length;
		if (rows > cols) return bruteForceMin(transpose(cost));
		return enumerate(cost, 0, new boolean[cols]);
	}

	private static double enumerate(double[][] cost, int row, boolean[] used) {
		if (row == cost.length) return 0;
		double best = Double.POSITIVE_INFINITY;
		for (int j = 0; j < used.length; j++) {
			if (used[j]) continue;
			used[j] = true;
			best = Math.min(best, cost[row][j] + enumerate(cost, row + 1, used));
			used[j] = false;
		}
		return best;
	}

	private static double[][] transpose(double[][] m) {
		final double[][] t = new double[m[0].length][m.length];
		for (int i = 0; i < m.length; i++) for (int j = 0; j < m[0].length; j++) t[j][i] = m[i][j];
		return t;
	}
}
