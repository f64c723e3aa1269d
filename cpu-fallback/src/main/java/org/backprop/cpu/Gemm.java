package org.backprop.cpu;

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major float arrays, blocked the Goto/BLIS way: k in
 * blocks of at most {@value #KC} (the packed B strip then sits in L1/L2), C in tiles of MC rows ×
 * a fixed run of NR-wide strips, each tile computed by one task from its own packed A block and a
 * shared packed B panel. Packing also turns all four transpose cases into the one layout the
 * micro-kernel reads, zero-padded to whole MR×NR tiles.
 *
 * <p>Determinism: the blocking and the task partition depend only on m, n and k; each C element
 * is computed by exactly one task; and its k-blocks are added in order because the k loop is
 * outside the parallel loops. So the thread count cannot change a single bit.
 *
 * <p>Versions tried (2-core Zen 5, AVX-512, 1 thread, GFLOP/s by thread CPU time; the machine was
 * shared, so wall-clock figures were noisy):
 * <ul>
 *   <li>v1, kernel storing C through a helper method taking the vectors: ~18 at 1024³ — C2 did not
 *       inline the helper and boxed every vector. Stores written out in the kernel: ~150.</li>
 *   <li>KC 256 ≈ 92 vs 192 ≈ 60 vs 128 ≈ 40–90 in one loaded run; 256 kept.</li>
 *   <li>Packing with contiguous writes and strided reads (rows walked side by side) was slower
 *       than contiguous reads and strided writes: X·W 256×1024×784 103 vs 132, δ·Wᵀ 77 vs 115.</li>
 *   <li>6-row kernel (18 accumulators) vs 4-row: no clear difference within the noise; 4 kept.</li>
 *   <li>Now: 1024³ ≈ 160; X·W 256×1024×784 ≈ 128; Xᵀ·δ 784×1024×256 ≈ 157; δ·Wᵀ 256×784×1024 ≈ 136.</li>
 * </ul>
 */
final class Gemm {

    static final int KC = 256;
    private static final int MC = 96;
    /** Split C into at least this many tiles when the shape allows, whatever the thread count. */
    private static final int MIN_TASKS = 16;
    /** Below this many flops the dispatch costs more than it saves: run every task on the caller. */
    private static final long INLINE_FLOPS = 1L << 18;

    private final MicroKernel kernel;
    private final int mr;
    private final int nr;
    private final WorkerPool pool;
    private final float[][] packedA;
    private final float[][] edgeTile;
    private float[] packedB = new float[0];

    // the current call, read by the task bodies (set before each dispatch, which publishes them)
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float beta;
    private float[] a;
    private float[] b;
    private float[] c;
    private int pc;
    private int kc;
    private int mc;
    private int mBlocks;
    private int nStrips;
    private int stripsPerTask;
    private int nChunks;

    private final WorkerPool.Body packBTask = this::packBStrip;
    private final WorkerPool.Body tileTask = this::computeTile;

    Gemm(MicroKernel kernel, WorkerPool pool) {
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.pool = pool;
        int mcMax = roundUp(MC, mr);
        this.packedA = new float[pool.threads()][mcMax * KC];
        this.edgeTile = new float[pool.threads()][mr * nr];
    }

    String describe() {
        return kernel.describe();
    }

    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, float[] b, float beta, float[] c) {
        if (alpha == 0) {
            scaleC(m * n, beta, c);
            return;
        }
        this.transA = transA;
        this.transB = transB;
        this.m = m;
        this.n = n;
        this.k = k;
        this.alpha = alpha;
        this.a = a;
        this.b = b;
        this.c = c;
        this.mBlocks = ceilDiv(m, MC);
        this.mc = roundUp(ceilDiv(m, mBlocks), mr);
        this.mBlocks = ceilDiv(m, mc);
        this.nStrips = ceilDiv(n, nr);
        int chunks = Math.min(nStrips, Math.max(1, ceilDiv(MIN_TASKS, mBlocks)));
        this.stripsPerTask = ceilDiv(nStrips, chunks);
        this.nChunks = ceilDiv(nStrips, stripsPerTask);
        int kBlocks = ceilDiv(k, KC);
        int kcMax = ceilDiv(k, kBlocks);
        int need = nStrips * nr * kcMax;
        if (packedB.length < need) {
            packedB = new float[need];
        }
        boolean inline = 2L * m * n * k < INLINE_FLOPS;
        try {
            for (int kb = 0; kb < kBlocks; kb++) {
                this.pc = kb * kcMax;
                this.kc = Math.min(kcMax, k - pc);
                this.beta = kb == 0 ? beta : 1f;
                pool.run(nStrips, packBTask, inline || nStrips * kc < 8192);
                pool.run(mBlocks * nChunks, tileTask, inline);
            }
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
    }

    private static void scaleC(int size, float beta, float[] c) {
        for (int i = 0; i < size; i++) {
            c[i] = beta == 0 ? 0f : beta * c[i];
        }
    }

    /** Packs strip s of op(B)[pc..pc+kc) into kc rows of nr contiguous floats, zero-padded. */
    private void packBStrip(int s, int worker) {
        int j0 = s * nr;
        int w = Math.min(nr, n - j0);
        int base = s * nr * kc;
        float[] dst = packedB;
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                System.arraycopy(b, (pc + p) * n + j0, dst, d, w);
                for (int j = w; j < nr; j++) {
                    dst[d + j] = 0f;
                }
            }
        } else {
            // op(B)[p][j] = B[j][p]: read rows of B contiguously, write with stride nr
            for (int j = 0; j < w; j++) {
                int src = (j0 + j) * k + pc;
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = b[src + p];
                }
            }
            for (int j = w; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = 0f;
                }
            }
        }
    }

    /** Packs rows i0..i0+rows of op(A)[.., pc..pc+kc) as strips of mr rows, k-major, zero-padded. */
    private void packA(float[] dst, int i0, int rows) {
        int strips = ceilDiv(rows, mr);
        for (int s = 0; s < strips; s++) {
            int r0 = i0 + s * mr;
            int h = Math.min(mr, i0 + rows - r0);
            int base = s * mr * kc;
            if (!transA) {
                for (int r = 0; r < h; r++) {
                    int src = (r0 + r) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * mr + r] = a[src + p];
                    }
                }
            } else {
                // op(A)[i][p] = A[p][i]: each k step is a contiguous run of the strip's rows
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(a, (pc + p) * m + r0, dst, base + p * mr, h);
                }
            }
            for (int r = h; r < mr; r++) {
                for (int p = 0; p < kc; p++) {
                    dst[base + p * mr + r] = 0f;
                }
            }
        }
    }

    private void computeTile(int task, int worker) {
        int mb = task / nChunks;
        int chunk = task % nChunks;
        int i0 = mb * mc;
        int rows = Math.min(mc, m - i0);
        float[] pa = packedA[worker];
        packA(pa, i0, rows);
        int aStrips = ceilDiv(rows, mr);
        int s0 = chunk * stripsPerTask;
        int s1 = Math.min(nStrips, s0 + stripsPerTask);
        for (int s = s0; s < s1; s++) {
            int j0 = s * nr;
            int w = Math.min(nr, n - j0);
            int bOff = s * nr * kc;
            for (int as = 0; as < aStrips; as++) {
                int r0 = i0 + as * mr;
                int h = Math.min(mr, m - r0);
                int aOff = as * mr * kc;
                if (h == mr && w == nr) {
                    kernel.tile(kc, pa, aOff, packedB, bOff, c, r0 * n + j0, n, alpha, beta);
                } else {
                    float[] t = edgeTile[worker];
                    kernel.tile(kc, pa, aOff, packedB, bOff, t, 0, nr, 1f, 0f);
                    for (int r = 0; r < h; r++) {
                        int ci = (r0 + r) * n + j0;
                        for (int j = 0; j < w; j++) {
                            float v = alpha * t[r * nr + j];
                            c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
                        }
                    }
                }
            }
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int y) {
        return ceilDiv(x, y) * y;
    }
}
