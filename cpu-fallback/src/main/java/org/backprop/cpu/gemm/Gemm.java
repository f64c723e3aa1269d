package org.backprop.cpu.gemm;

import org.backprop.cpu.WorkerPool;

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major float arrays: the route a product takes. Most go to
 * the tiled product (Goto/BLIS blocking, packed operands, a register-blocked
 * micro-kernel chosen per CPU family by {@link GemmBlocking}); a C at most a vector wide, or a k
 * of at most ten, goes to the narrow routes, and without them (no Vector API)
 * a C only a few columns wide is computed transposed. A B held in {@link PanelLayout panels} (the
 * backend keeps weight matrices so) is read in place, and a C in panels takes its tiles there.
 *
 * <p>Determinism: the blocking and the path depend only on m, n, k and which k steps of A are all
 * zero; each C element is computed by exactly one task, which adds its k-blocks in order.
 * So the thread count cannot change a single bit.
 *
 * <p>Each version tried, with its measurements and why it was kept or dropped, is in
 * {@code docs/performance/gemm.md}.
 */
public final class Gemm {

    static final int KC = 1024;
    /** Below this many flops the dispatch costs more than it saves: run every task on the caller. */
    static final long INLINE_FLOPS = 1L << 18;

    private final int kcLimit;
    private final String why;
    private final MicroKernel kernel;
    private final int nr;
    private final TiledProduct tiled;
    /** C at most a vector wide, or k at most {@code NarrowKernel.SHORT_K}; null (no Vector API): the transposed route. */
    private final NarrowRoutes narrow;
    private float[] transposed = new float[0];

    /** The Vector API kernels of {@code blocking} on {@code pool}; call only where the Vector API loads. */
    public static Gemm vector(WorkerPool pool, GemmBlocking blocking) {
        MicroKernel kernel = blocking.kernel();
        return new Gemm(kernel, pool, blocking.kc(), blocking.reason(), kernel.skipsZeroSteps(),
                VectorGemmKernels.narrow());
    }

    /** The scalar kernel on {@code pool}, for a JVM without the Vector API. */
    public static Gemm scalar(WorkerPool pool) {
        return new Gemm(new ScalarGemmKernel(), pool);
    }

    Gemm(MicroKernel kernel, WorkerPool pool) {
        this(kernel, pool, KC);
    }

    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit) {
        this(kernel, pool, kcLimit, null);
    }

    /** {@code why} names the CPU family the blocking was chosen for, shown by {@link #describe()}. */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why) {
        this(kernel, pool, kcLimit, why, kernel.skipsZeroSteps());
    }

    /** {@code skipZeros} false: every k step is multiplied (tests compare the two, bit for bit). */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why, boolean skipZeros) {
        this(kernel, pool, kcLimit, why, skipZeros, null);
    }

    /** {@code narrowKernel}: the path for C at most one vector wide, or null (the transposed route). */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why, boolean skipZeros, NarrowKernel narrowKernel) {
        if (skipZeros && !kernel.skipsZeroSteps()) {
            throw new IllegalArgumentException("gemm: " + kernel.describe() + " cannot skip k steps");
        }
        this.why = why;
        this.kcLimit = kcLimit;
        this.kernel = kernel;
        this.nr = kernel.nr();
        this.tiled = new TiledProduct(kernel, pool, kcLimit, skipZeros);
        this.narrow = narrowKernel == null ? null : new NarrowRoutes(narrowKernel, pool);
    }

    public String describe() {
        return kernel.describe() + ", KC " + kcLimit + (why == null ? "" : " (" + why + ")");
    }

    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, float[] b, float beta, float[] c) {
        multiply(transA, transB, m, n, k, alpha, a, b, beta, c, null);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], float[], float, float[])},
     * and (if {@code bColumnSums} is not null; op(B) must then be B itself) the column sums of B
     * into it: Σ_p B[p][j], summed in double in row order, as the plain bias gradient sums, so the
     * bits are the same. The sums are taken while B is packed, which reads B anyway.
     */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, float[] b, float beta, float[] c, float[] bColumnSums) {
        multiply(transA, transB, m, n, k, alpha, a, b, beta, c, bColumnSums, false, false);
    }

    /** The width of the panels this product can read B from and write C to (see {@link PanelLayout}). */
    public int panelWidth() {
        return nr;
    }

    /**
     * Whether a rows × cols weight matrix held in panels goes through the blocked path (the only
     * one that reads panels) in all three of its products: x·W (B in panels, n = cols), δ·Wᵀ (B
     * transposed, n = rows, k = cols) and xᵀ·δ (C in panels, n = cols). So: whole strips, and
     * neither dimension narrow enough for the narrow or transposed routes.
     */
    public boolean takesPanels(int rows, int cols) {
        return PanelLayout.fits(cols, nr) && blocked(cols) && blocked(rows);
    }

    /** Whether this product, with B and/or C in panels, takes the blocked path that reads them. */
    public boolean readsPanels(boolean transA, boolean transB, int n, int k, float alpha, boolean bPanel,
                               boolean cPanel) {
        return alpha != 0 && blocked(n) && (!cPanel || PanelLayout.fits(n, nr))
                && (!bPanel || PanelLayout.fits(transB ? k : n, nr))
                && !(narrow != null && !transA && transB && k <= NarrowKernel.SHORT_K);
    }

    /** Whether a product with C n columns wide (and k &gt; {@code NarrowKernel.SHORT_K}) takes the blocked path. */
    private boolean blocked(int n) {
        return 2 * n > nr && (narrow == null || n > narrowWidth());
    }

    /**
     * The widest C the narrow paths take: a vector, and at least {@code NarrowKernel.COLUMNS_MAX}
     * (A·B then holds a row of C in two vectors; Aᵀ·B takes C's columns {@code NarrowKernel.CHUNK}
     * at a time whatever the width), so that on 8-lane AVX2 vectors the 10-class output layer
     * stays off the tiled route, which fills a fraction of each tile there.
     */
    private int narrowWidth() {
        return Math.max(narrow.width(), NarrowKernel.COLUMNS_MAX);
    }

    /**
     * As the other multiply, with B ({@code bPanel}) and/or C ({@code cPanel}) held in panels NR wide
     * ({@link PanelLayout}, over B's or C's own rows): an untransposed B in panels is read in
     * place, a transposed one is packed from its panels, and C's tiles are stored into its
     * panels. The floats added, and their order, are those of the row-major product.
     */
    public void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b,
                         float beta, float[] c, float[] bColumnSums, boolean bPanel, boolean cPanel) {
        if ((bPanel || cPanel) && ((bPanel && bColumnSums != null) || !readsPanels(transA, transB, n, k, alpha, bPanel, cPanel))) {
            throw new IllegalArgumentException("gemm: operands in panels need the blocked path, and "
                    + m + "x" + n + "x" + k + (alpha == 0 ? " with alpha 0" : "") + " does not take it");
        }
        if (bColumnSums != null && transB) {
            throw new IllegalArgumentException("gemm: column sums of a transposed B are not taken while packing");
        }
        boolean narrowC = narrow != null && !transB && n <= narrowWidth()
                && m >= (transA ? narrow.rowBlock() : nr);
        if (narrow != null && !transA && transB && k <= NarrowKernel.SHORT_K && alpha != 0 && n >= nr && m >= 2) {
            narrow.multiplyShortK(m, n, k, alpha, a, b, beta, c);
            return;
        }
        if (alpha == 0 || narrowC || (2 * n <= nr && m >= nr)) {
            if (alpha == 0) {
                scaleC(m * n, beta, c);
            } else if (narrowC && transA) {
                narrow.multiplyTransposed(m, n, k, alpha, a, b, beta, c);
            } else if (narrowC) {
                narrow.multiplyNarrow(m, n, k, alpha, a, b, beta, c);
            } else {
                multiplyTransposed(transA, transB, m, n, k, alpha, a, b, beta, c);
            }
            if (bColumnSums != null) {
                ColumnSums.biasGradient(b, k, n, 0, n, 0f, bColumnSums, tiled.sums(n));
            }
            return;
        }
        tiled.multiply(transA, transB, m, n, k, alpha, a, b, beta, c, bColumnSums, bPanel, cPanel);
    }

    /** Rows of C per row block of the tiled product (see {@code TiledProduct.rowsPerBlock}). */
    int rowsPerBlock(long bBytes, int kc) {
        return tiled.rowsPerBlock(bBytes, kc);
    }

    /** Tests: treat an op(B) of more than {@code bytes} as large (so small products take tall row blocks). */
    void largeOperandBytes(long bytes) {
        tiled.largeOperandBytes(bytes);
    }

    /** How many products took a narrow route so far. */
    long narrowProducts() {
        return narrow == null ? 0 : narrow.products();
    }

    /** How many k steps of A strips the last tiled product dropped as all zero (0 when not skipping). */
    long droppedSteps() {
        return tiled.droppedSteps();
    }

    /**
     * A C only a few columns wide would fill a fraction of each NR-wide tile, so compute Cᵀ =
     * op(B)ᵀ·op(A)ᵀ (wide) into scratch and transpose it into C. Chosen from the shape alone, and
     * each element is still one in-order k-sum, so results stay independent of the thread count.
     */
    private void multiplyTransposed(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, float[] b, float beta, float[] c) {
        if (transposed.length < m * n) {
            transposed = new float[m * n];
        }
        float[] t = transposed;
        multiply(!transB, !transA, n, m, k, 1f, b, a, 0f, t);
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int j = 0; j < n; j++) {
                float v = alpha * t[j * m + i];
                c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
            }
        }
    }

    private static void scaleC(int size, float beta, float[] c) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0 ? 0f : beta * c[i];
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
