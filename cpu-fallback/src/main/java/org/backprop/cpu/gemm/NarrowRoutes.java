package org.backprop.cpu.gemm;

import static org.backprop.cpu.gemm.Gemm.ceilDiv;

import org.backprop.cpu.WorkerPool;

/**
 * The products the tiled route would spend most of each tile on: a C at most a vector wide (the
 * 10-class output layer's X·W and Xᵀ·δ) and a k of at most {@link NarrowKernel#SHORT_K} (its δ·Wᵀ).
 * B is small there and is padded or transposed once; A is read in place. Rows (or row blocks ×
 * column chunks) of C go to the tasks, each element one in-order k-sum, so the thread count
 * changes no bit.
 */
final class NarrowRoutes {

    /** Rows of C per task of a short-k product (an even number: the kernel takes row pairs). */
    private static final int SHORT_K_ROWS = 16;
    /** Rows of C per task of a narrow product. */
    private static final int NARROW_ROWS = 32;

    private final NarrowKernel kernel;
    private final WorkerPool pool;
    /** op(B) of the product in flight, padded or transposed as its route reads it. */
    private float[] paddedB = new float[0];
    private final float[][] scratch;
    private long products;

    // the call in flight, read by the task bodies (set before each dispatch, which publishes them)
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float[] a;
    private float[] c;
    /** Column chunks of C in a transposed narrow product. */
    private int chunks;

    private final WorkerPool.Body rowsTask = this::rows;
    private final WorkerPool.Body columnsTask = this::columns;
    private final WorkerPool.Body shortKTask = this::shortKRows;

    NarrowRoutes(NarrowKernel kernel, WorkerPool pool) {
        this.kernel = kernel;
        this.pool = pool;
        this.scratch = new float[pool.threads()][Math.max(8 * kernel.width(), NarrowKernel.CHUNK * kernel.rowBlock())];
    }

    /** The widest C a row of A·B takes in one or two vectors. */
    int width() {
        return kernel.width();
    }

    /** Rows of C per block of a transposed narrow product. */
    int rowBlock() {
        return kernel.rowBlock();
    }

    /** How many products took a narrow route so far. */
    long products() {
        return products;
    }

    /**
     * A·B with C at most one vector wide (see {@link NarrowKernel}): B's rows padded to a vector, then row
     * groups of C in parallel, each row one in-order k-sum (so independent of the thread count).
     */
    void multiplyNarrow(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        int w = kernel.rowsStride(n);
        if ((long) k * w > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a padded " + k + "x" + n + " B exceeds a Java array");
        }
        if (paddedB.length < k * w) {
            paddedB = new float[k * w];
        }
        products++;
        float[] pb = paddedB;
        for (int p = 0; p < k; p++) {
            int d = p * w;
            System.arraycopy(b, p * n, pb, d, n);
            for (int j = n; j < w; j++) {
                pb[d + j] = 0f;
            }
        }
        run(m, n, k, alpha, a, beta, c, ceilDiv(m, NARROW_ROWS), rowsTask);
    }

    /** One dispatch of a narrow path's tasks over C, the call's operands published to them. */
    private void run(int m, int n, int k, float alpha, float[] a, float beta, float[] c, int tasks,
                     WorkerPool.Body body) {
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        this.a = a;
        this.c = c;
        try {
            pool.run(tasks, body, 2L * m * n * k < Gemm.INLINE_FLOPS);
        } finally {
            this.a = null;
            this.c = null;
        }
    }

    /**
     * Aᵀ·B with C at most one vector wide (the output layer's weight gradient): B's columns packed
     * {@link NarrowKernel#CHUNK} at a time, then blocks of C's rows × column chunks in parallel,
     * each element one in-order k-sum (so independent of the thread count).
     */
    void multiplyTransposed(int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                            float[] c) {
        int chunk = NarrowKernel.CHUNK;
        int chunks = ceilDiv(n, chunk);
        if ((long) chunks * k * chunk > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a padded " + k + "x" + n + " B exceeds a Java array");
        }
        if (paddedB.length < chunks * k * chunk) {
            paddedB = new float[chunks * k * chunk];
        }
        products++;
        float[] pb = paddedB;
        for (int q = 0; q < chunks; q++) {
            for (int p = 0; p < k; p++) {
                int d = (q * k + p) * chunk;
                for (int j = 0; j < chunk; j++) {
                    int col = q * chunk + j;
                    pb[d + j] = col < n ? b[p * n + col] : 0f;
                }
            }
        }
        this.chunks = chunks;
        run(m, n, k, alpha, a, beta, c, ceilDiv(m, kernel.rowBlock()) * chunks, columnsTask);
    }

    /**
     * A·Bᵀ with k at most {@link NarrowKernel#SHORT_K} (the output layer's δ·Wᵀ): Bᵀ written out
     * row-major with a zero row after it, then row pairs of C in parallel, each element one in-order
     * k-sum.
     */
    void multiplyShortK(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c) {
        if ((long) (k + 1) * n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: a " + k + "x" + n + " Bᵀ exceeds a Java array");
        }
        if (paddedB.length < (k + 1) * n) {
            paddedB = new float[(k + 1) * n];
        }
        products++;
        float[] bt = paddedB;
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                bt[p * n + j] = b[j * k + p];
            }
        }
        java.util.Arrays.fill(bt, k * n, (k + 1) * n, 0f);
        run(m, n, k, alpha, a, beta, c, ceilDiv(m, SHORT_K_ROWS), shortKTask);
    }

    private void shortKRows(int task, int worker) {
        int r0 = task * SHORT_K_ROWS;
        kernel.shortK(r0, Math.min(m, r0 + SHORT_K_ROWS), k, a, paddedB, c, n, alpha, beta);
    }

    private void columns(int task, int worker) {
        int block = kernel.rowBlock();
        int i0 = task / chunks * block;
        kernel.columns(i0, Math.min(m, i0 + block), task % chunks, k, m, a, paddedB, c, n, alpha, beta,
                scratch[worker]);
    }

    private void rows(int task, int worker) {
        int r0 = task * NARROW_ROWS;
        kernel.rows(r0, Math.min(m, r0 + NARROW_ROWS), k, a, paddedB, c, n, alpha, beta,
                scratch[worker]);
    }
}
