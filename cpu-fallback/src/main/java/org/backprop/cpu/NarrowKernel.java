package org.backprop.cpu;

/**
 * C = alpha·A·B + beta·C for a C at most one vector wide (the 10-class output layer's forward
 * product): each row of C is one vector accumulator, fed per k step by a broadcast of A's element
 * and one load of B's row, zero-padded to a vector. Nothing of A is packed (each element is read
 * once, in place), which is most of what the transposed route through the tiled GEMM paid there.
 */
interface NarrowKernel {

    /** The widest C it takes: one vector. */
    int width();

    /**
     * Rows r0..r1 of C (row stride n ≤ width): C[r][j] = alpha·Σ_p a[r·k + p]·bPadded[p·width + j]
     * + beta·C[r][j] (beta = 0 leaves C unread); the p-sum runs in order 0..k−1.
     */
    void rows(int r0, int r1, int k, float[] a, float[] bPadded, float[] c, int n, float alpha, float beta,
              float[] scratch);
}
