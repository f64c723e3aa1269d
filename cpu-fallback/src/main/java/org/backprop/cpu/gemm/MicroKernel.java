package org.backprop.cpu.gemm;

/**
 * The innermost GEMM step: one MR×NR tile of C from a packed MR-row strip of op(A) and a packed
 * NR-column strip of op(B), both kc long. Full tiles only; the GEMM driver routes edge tiles
 * through a scratch tile.
 */
public interface MicroKernel {

    /** Rows of C per tile. */
    int mr();

    /** Columns of C per tile. */
    int nr();

    /** One line for the backend description. */
    String describe();

    /**
     * C[r][j] = alpha·Σ_p a[p][r]·b[p][j] + beta·C[r][j] for the tile at {@code cOff} with row
     * stride {@code ldc}; beta = 0 leaves C's old contents unread. The p-sum runs in order 0..kc−1.
     */
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, float alpha, float beta);

    /** Whether this kernel implements the k-step-skipping {@code tile} below (an optional operation). */
    default boolean skipsZeroSteps() {
        return false;
    }

    /**
     * As {@link #tile(int, float[], int, float[], int, float[], int, int, float, float)} over only
     * the {@code count} k steps listed in {@code steps[stepsOff..]} (ascending): A holds those steps
     * packed one after another, B all of its rows. The p-sum runs in the listed order.
     */
    default void tile(int count, int[] steps, int stepsOff, float[] a, int aOff, float[] b, int bOff, float[] c,
                      int cOff, int ldc, float alpha, float beta) {
        throw new UnsupportedOperationException(describe() + " does not skip k steps (skipsZeroSteps() is false)");
    }

    /**
     * The most rows {@link #shortTile} computes (0: it has none). An edge strip of C this short
     * costs that many rows' work instead of a whole strip's, which the scratch-tile route pays.
     */
    default int shortRows() {
        return 0;
    }

    /**
     * As {@link #tile(int, float[], int, float[], int, float[], int, int, float, float)} for the first
     * {@code rows} (at most {@link #shortRows}) rows of the tile only: A is still a whole packed strip
     * of mr rows, and C's rows from {@code rows} on are neither read nor written. The p-sum of every
     * element runs in the same order as the whole tile's, so its bits are the same.
     */
    default void shortTile(int rows, int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                           float alpha, float beta) {
        throw new UnsupportedOperationException(describe() + " has no short tile (shortRows() is 0)");
    }
}
