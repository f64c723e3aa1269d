package org.backprop.cpu.gemm;

/**
 * Products with a C of at most a vector's width of columns (the 10-class output layer), where the
 * tiled GEMM would fill a fraction of each tile: A is read in place (nothing of it packed, which
 * is most of what the transposed route through the tiled GEMM paid there), B is small.
 * <ul>
 *   <li>C = alpha·A·B + beta·C (the forward product): each row of C is one vector accumulator
 *       (two where C is wider than a vector), fed per k step by a broadcast of A's element and a
 *       load of B's row, zero-padded to the accumulators' width ({@link #rows}).</li>
 *   <li>C = alpha·Aᵀ·B + beta·C (the weight gradient): a block of C's rows (two vectors of them)
 *       and {@link #CHUNK} of its columns in ten accumulators, fed per k step by two loads of A's
 *       row and a broadcast per column of B ({@link #columns}).</li>
 *   <li>C = alpha·A·Bᵀ + beta·C with k at most {@link #SHORT_K} (the output layer's δ·Wᵀ, k = the
 *       class count): two rows of C at a time, their 2·k values of A broadcast once into
 *       registers, each vector of C then k FMAs on k loads of Bᵀ's rows ({@link #shortK}).</li>
 * </ul>
 */
interface NarrowKernel {

    /** Columns of C per {@link #columns} task. */
    int CHUNK = 5;

    /**
     * The widest C the narrow paths are given at any vector width (one 16-lane vector; two 8-lane
     * ones for {@link #rows}, while {@link #columns} takes any width CHUNK columns at a time).
     */
    int COLUMNS_MAX = 16;

    /** The longest k {@link #shortK} takes. */
    int SHORT_K = 10;

    /**
     * Rows r0..r1 of C (m×n): C[r][j] = alpha·Σ_{p<k} a[r·k + p]·bt[p·n + j] + beta·C[r][j]
     * (beta = 0 leaves C unread), k ≤ SHORT_K, {@code bt} = op(B) row-major (k×n) followed by a
     * row of n zeros; each element one chain of fused multiply-adds in order p = 0..k−1.
     */
    void shortK(int r0, int r1, int k, float[] a, float[] bt, float[] c, int n, float alpha, float beta);

    /** One vector's floats: the widest C {@link #rows} holds in one accumulator per row. */
    int width();

    /** The row stride {@link #rows} reads B padded to, for a C n columns wide: one vector or two. */
    default int rowsStride(int n) {
        return n <= width() ? width() : 2 * width();
    }

    /** Rows of C per {@link #columns} block: two vectors. */
    int rowBlock();

    /**
     * Rows i0..i1 (at most {@link #rowBlock()}) and columns chunk·CHUNK.. of C (row stride n):
     * C[i][j] = alpha·Σ_p a[p·m + i]·bChunks[(chunk·k + p)·CHUNK + j − chunk·CHUNK] + beta·C[i][j]
     * (beta = 0 leaves C unread), B's columns packed CHUNK at a time, zero-padded; each element one
     * chain of fused multiply-adds in order p = 0..k−1. {@code scratch}: CHUNK·rowBlock() floats.
     */
    void columns(int i0, int i1, int chunk, int k, int m, float[] a, float[] bChunks, float[] c, int n, float alpha,
                 float beta, float[] scratch);

    /**
     * Rows r0..r1 of C (row stride n ≤ 2·width): C[r][j] = alpha·Σ_p a[r·k + p]·bPadded[p·s + j]
     * + beta·C[r][j], s = {@link #rowsStride}(n) (beta = 0 leaves C unread); the p-sum runs in
     * order 0..k−1. {@code scratch}: at least 8·width floats.
     */
    void rows(int r0, int r1, int k, float[] a, float[] bPadded, float[] c, int n, float alpha, float beta,
              float[] scratch);
}
