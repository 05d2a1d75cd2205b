package sc.fiji.ris.loss;

import java.util.Arrays;
import java.util.Objects;
import sc.fiji.ris.UserError;

/**
 * Optimal one-to-one assignment of rows to columns of a rectangular cost matrix (the "Hungarian" or
 * linear sum assignment problem), solved in O(n<sup>2</sup> m) time with n = min(rows, cols) and
 * m = max(rows, cols) by successive shortest augmenting paths with dual potentials (the Jonker-Volgenant /
 * Kuhn-Munkres formulation).
 * <p>
 * Given a cost matrix C with r rows and c columns, {@link #minimize(double[][])} returns an assignment
 * a with a[i] = column of row i, or -1 when row i is unassigned, such that every column is used at most
 * once, exactly min(r, c) rows are assigned, and the total sum<sub>i: a[i] &ge; 0</sub> C[i][a[i]] is
 * minimal. Rows stay unassigned only when r &gt; c.
 * <p>
 * In RIS the rows are the predicted instances, the columns the ground-truth instances, and the cost is
 * the negative soft IoU.
 */
public final class HungarianAssignment {

	/**
	 * Above this magnitude the entries are rescaled by a power of two before solving, so that sums of
	 * potentials cannot overflow to infinity; a power of two keeps the scaling exact.
	 */
	private static final double RESCALE_ABOVE = 0x1p400;

	private HungarianAssignment() {
	}

	/**
	 * Assigns rows to columns so that the total cost is minimal.
	 *
	 * @param cost a rows x cols matrix (all rows of equal length) of finite values; 0 rows or 0 columns
	 *        are allowed
	 * @return for each row the index of its column, or -1 if the row is unassigned (only when
	 *         rows &gt; cols); each column appears at most once and min(rows, cols) rows are assigned
	 * @throws IllegalArgumentException if the matrix is ragged or an entry is NaN or infinite
	 * @throws NullPointerException if the matrix or one of its rows is {@code null}
	 */
	public static int[] minimize(double[][] cost) {
		Objects.requireNonNull(cost, "cost");
		final int rows = cost.length;
		final int[] assignment = new int[rows];
		Arrays.fill(assignment, -1);
		if (rows == 0) return assignment;
		final int cols = Objects.requireNonNull(cost[0], "cost[0]").length;
		double maxAbs = 0;
		for (int i = 0; i < rows; i++) {
			final double[] row = Objects.requireNonNull(cost[i], "cost[" + i + "]");
			if (row.length != cols)
				throw new UserError("Cost matrix is ragged: row " + i + " has " + row.length + " columns, row 0 has " + cols + ".");
			for (int j = 0; j < cols; j++) {
				final double c = row[j];
				if (!Double.isFinite(c))
					throw new UserError("Cost matrix entry [" + i + "][" + j + "] is " + c + "; all entries must be finite.");
				maxAbs = Math.max(maxAbs, Math.abs(c));
			}
		}
		if (cols == 0) return assignment;

		// The solver needs at most as many rows as columns; otherwise solve the transposed problem.
		final boolean transpose = rows > cols;
		final int n = transpose ? cols : rows;
		final int m = transpose ? rows : cols;
		final int scale = maxAbs > RESCALE_ABOVE ? -Math.getExponent(maxAbs) : 0;
		final double[] a = new double[n * m];
		for (int i = 0; i < rows; i++) {
			for (int j = 0; j < cols; j++) {
				final double c = scale == 0 ? cost[i][j] : Math.scalb(cost[i][j], scale);
				if (transpose) a[j * m + i] = c;
				else a[i * m + j] = c;
			}
		}
		final int[] colOfRow = solve(a, n, m);
		if (!transpose) return colOfRow;
		for (int r = 0; r < n; r++) assignment[colOfRow[r]] = r;
		return assignment;
	}

	/**
	 * Assigns rows to columns so that the total score is maximal; equivalent to
	 * {@link #minimize(double[][])} on the negated matrix.
	 *
	 * @param score a rows x cols matrix of finite values
	 * @return for each row its column, or -1 if unassigned (only when rows &gt; cols)
	 * @throws IllegalArgumentException if the matrix is ragged or an entry is NaN or infinite
	 */
	public static int[] maximize(double[][] score) {
		Objects.requireNonNull(score, "score");
		final double[][] negated = new double[score.length][];
		for (int i = 0; i < score.length; i++) {
			final double[] row = Objects.requireNonNull(score[i], "score[" + i + "]");
			negated[i] = new double[row.length];
			// Negation is exact, so the optimum is the same; NaN stays NaN and is refused by minimize.
			for (int j = 0; j < row.length; j++) negated[i][j] = -row[j];
		}
		return minimize(negated);
	}

	/**
	 * Shortest augmenting path algorithm on an n x m matrix (n &le; m, row-major in {@code a}). Rows and
	 * columns are 1-based inside, index 0 being the virtual start column of each augmentation.
	 */
	private static int[] solve(double[] a, int n, int m) {
		final double[] u = new double[n + 1];
		final double[] v = new double[m + 1];
		final int[] rowOfCol = new int[m + 1];
		final int[] way = new int[m + 1];
		final double[] minv = new double[m + 1];
		final boolean[] used = new boolean[m + 1];
		for (int i = 1; i <= n; i++) {
			rowOfCol[0] = i;
			int j0 = 0;
			Arrays.fill(minv, Double.POSITIVE_INFINITY);
			Arrays.fill(used, false);
			do {
				used[j0] = true;
				final int i0 = rowOfCol[j0];
				final int base = (i0 - 1) * m - 1;
				double delta = Double.POSITIVE_INFINITY;
				int j1 = 0;
				for (int j = 1; j <= m; j++) {
					if (used[j]) continue;
					final double cur = a[base + j] - u[i0] - v[j];
					if (cur < minv[j]) {
						minv[j] = cur;
						way[j] = j0;
					}
					if (minv[j] < delta) {
						delta = minv[j];
						j1 = j;
					}
				}
				// Unreachable with finite, rescaled entries; guards against an endless loop all the same.
				if (j1 == 0) throw new IllegalStateException("Assignment failed: no augmenting path (numerical breakdown).");
				for (int j = 0; j <= m; j++) {
					if (used[j]) {
						u[rowOfCol[j]] += delta;
						v[j] -= delta;
					} else {
						minv[j] -= delta;
					}
				}
				j0 = j1;
			} while (rowOfCol[j0] != 0);
			do {
				final int j1 = way[j0];
				rowOfCol[j0] = rowOfCol[j1];
				j0 = j1;
			} while (j0 != 0);
		}
		final int[] colOfRow = new int[n];
		for (int j = 1; j <= m; j++) {
			if (rowOfCol[j] != 0) colOfRow[rowOfCol[j] - 1] = j - 1;
		}
		return colOfRow;
	}
}
