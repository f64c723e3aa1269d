package org.backprop.cpu;

/**
 * The innermost GEMM step: one MR×NR tile of C from a packed MR-row strip of op(A) and a packed
 * NR-column strip of op(B), both kc long. Full tiles only; the GEMM driver routes edge tiles
 * through a scratch tile.
 */
interface MicroKernel {

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
}
