package org.backprop.cpu;

/**
 * C = alpha·op(A)·op(B) + beta·C on row-major float arrays, blocked the Goto/BLIS way: k in
 * blocks of at most {@value #KC} (an NR-wide strip of packed B, at most 256 KB, then stays in L2
 * while the micro-kernel walks the A strips past it; every extra k-block is one more pass over C). Per k-block, all of op(A) is packed once into MR-row
 * strips and all of op(B) into NR-column strips, zero-padded to whole tiles (packing also turns
 * the four transpose cases into the one layout the micro-kernel reads); C is split into tiles of
 * at most MC rows × a run of B strips, one task each. Block kb+1 is packed by the same dispatch
 * that multiplies block kb (two buffers), so a k-block costs one barrier.
 *
 * <p>Determinism: the blocking depends only on m, n and k; each C element is computed by exactly
 * one task; and its k-blocks are added in order because the k loop is outside the parallel loops.
 * So the thread count cannot change a single bit.
 *
 * <p>Versions tried (2-core Zen 5, AVX-512, 1 thread, GFLOP/s; the machine was shared by other
 * builds, load 2–6, so figures carry ±15%):
 * <ul>
 *   <li>v1, kernel storing C through a helper method taking the vectors: ~18 at 1024³ — C2 did not
 *       inline the helper and boxed every vector. Stores written out in the kernel: ~150.</li>
 *   <li>KC 256 ≈ 92 vs 192 ≈ 60 vs 128 ≈ 40–90 in one loaded run; 256 kept.</li>
 *   <li>Packing with contiguous writes and strided reads (rows walked side by side) was slower
 *       than contiguous reads and strided writes: X·W 256×1024×784 103 vs 132, δ·Wᵀ 77 vs 115.</li>
 *   <li>6-row kernel (18 accumulators) vs 4-row: no clear difference within the noise; 4 kept.</li>
 *   <li>v2: 1024³ ≈ 160; X·W 256×1024×784 ≈ 128; Xᵀ·δ 784×1024×256 ≈ 157; δ·Wᵀ 256×784×1024 ≈ 136.</li>
 *   <li>v3: each task packed its own A block, so at m = 256 (3 row blocks × 6 column chunks) A was
 *       packed six times per k-block; now packed once, shared, in the same dispatch as B: X·W
 *       ~146 → ~160, Xᵀ·δ 784 ~100 → ~180.</li>
 *   <li>4×64 kernel (16 accumulators, 4 B loads + 4 broadcasts per 16 FMAs) vs 4×48: kernel alone
 *       on L1-resident operands ~222 vs ~188 at kc 128; but at kc 256 the 64 KB B strip spills
 *       L1 (~180), hence KC 192. n = 1024 is a whole number of 64-wide strips (48 left a 16-wide
 *       edge strip, 4.5% wasted work).</li>
 *   <li>KC 192 → 1024 (the workload's k ≤ 1024 is then one block, so C is written once, not 5–6
 *       times): GEMMs alone, 2 threads, interleaved A/B, roughly equal or better (1024³ 279 → 347,
 *       δ·Wᵀ 256×1024×1024 298 → 329, X·W 256×1024×1024 360 → 342); the whole training step
 *       (min of 3–4 runs, 2 threads) 11.8 → 8.7 ms, 512 and 384 in between.</li>
 *   <li>Transposed B packed four rows side by side (four contiguous floats written per k step)
 *       instead of one row at a time: δ·Wᵀ 256×784×1024 ~127 → ~158.</li>
 *   <li>C only a few columns wide (the 10-class output layer) is computed transposed, Cᵀ =
 *       op(B)ᵀ·op(A)ᵀ, then copied: a 10-wide C used 10 of each 48-wide tile.</li>
 *   <li>Now (bench/results/cpu-perf-2026-11-22, run 5, load 1.9), 1 thread / 2 threads: 1024³
 *       179 / 322; X·W 256×1024×784 179 / 334; Xᵀ·δ 784×1024×256 194 / 351; δ·Wᵀ 256×784×1024
 *       166 / 308; numpy/OpenBLAS 98–102 / 183–197.</li>
 * </ul>
 */
final class Gemm {

    static final int KC = 1024;
    private static final int MC = 96;
    /** Split C into at least this many tiles when the shape allows, whatever the thread count. */
    private static final int MIN_TASKS = 24;
    /** Below this many flops the dispatch costs more than it saves: run every task on the caller. */
    private static final long INLINE_FLOPS = 1L << 18;

    private final int kcLimit;
    private final String why;
    private final MicroKernel kernel;
    private final int mr;
    private final int nr;
    private final WorkerPool pool;
    private final float[][] edgeTile;
    /** Double-buffered: block kb+1 is packed while block kb is multiplied, one dispatch for both. */
    private final float[][] packedA = {new float[0], new float[0]};
    private final float[][] packedB = {new float[0], new float[0]};
    private float[] transposed = new float[0];

    // the current call, read by the task bodies (set before each dispatch, which publishes them)
    private boolean transA;
    private boolean transB;
    private int m;
    private int n;
    private int k;
    private float alpha;
    private float firstBeta;
    private float[] a;
    private float[] b;
    private float[] c;
    private int kcMax;
    private int tileBlock;
    private int packBlock;
    private int tileTasks;
    private int aStrips;
    private int stripsPerBlock;
    private int mBlocks;
    private int nStrips;
    private int nChunks;

    private final WorkerPool.Body stepTask = this::step;

    Gemm(MicroKernel kernel, WorkerPool pool) {
        this(kernel, pool, KC);
    }

    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit) {
        this(kernel, pool, kcLimit, null);
    }

    /** {@code why} names the CPU family the blocking was chosen for, shown by {@link #describe()}. */
    Gemm(MicroKernel kernel, WorkerPool pool, int kcLimit, String why) {
        this.why = why;
        this.kcLimit = kcLimit;
        this.kernel = kernel;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.pool = pool;
        this.edgeTile = new float[pool.threads()][mr * nr];
    }

    String describe() {
        return kernel.describe() + ", KC " + kcLimit + (why == null ? "" : " (" + why + ")");
    }

    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, float[] b, float beta, float[] c) {
        if (alpha == 0) {
            scaleC(m * n, beta, c);
            return;
        }
        if (2 * n <= nr && m >= nr) {
            multiplyTransposed(transA, transB, m, n, k, alpha, a, b, beta, c);
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
        this.aStrips = ceilDiv(m, mr);
        this.mBlocks = ceilDiv(aStrips, MC / mr);
        this.stripsPerBlock = ceilDiv(aStrips, mBlocks);
        this.mBlocks = ceilDiv(aStrips, stripsPerBlock);
        this.nStrips = ceilDiv(n, nr);
        this.nChunks = Math.min(nStrips, Math.max(1, ceilDiv(MIN_TASKS, mBlocks)));
        int kBlocks = ceilDiv(k, kcLimit);
        this.kcMax = ceilDiv(k, kBlocks);
        this.firstBeta = beta;
        int needB = nStrips * nr * kcMax;
        int needA = aStrips * mr * kcMax;
        for (int i = 0; i < 2; i++) {
            if (packedB[i].length < needB) {
                packedB[i] = new float[needB];
            }
            if (packedA[i].length < needA) {
                packedA[i] = new float[needA];
            }
        }
        boolean inline = 2L * m * n * k < INLINE_FLOPS;
        int packTasks = aStrips + nStrips;
        try {
            this.tileTasks = 0;
            this.packBlock = 0;
            pool.run(packTasks, stepTask, inline || packTasks * kcMax < 16384);
            this.tileTasks = mBlocks * nChunks;
            for (int kb = 0; kb < kBlocks; kb++) {
                this.tileBlock = kb;
                this.packBlock = kb + 1;
                pool.run(tileTasks + (kb + 1 < kBlocks ? packTasks : 0), stepTask, inline);
            }
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
        }
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

    /** The first tileTasks tasks multiply block tileBlock; the rest pack block packBlock's strips. */
    private void step(int task, int worker) {
        if (task < tileTasks) {
            computeTile(task, worker);
            return;
        }
        int s = task - tileTasks;
        int pc = packBlock * kcMax;
        int kc = Math.min(kcMax, k - pc);
        int buf = packBlock & 1;
        if (s < aStrips) {
            packAStrip(packedA[buf], s, pc, kc);
        } else {
            packBStrip(packedB[buf], s - aStrips, pc, kc);
        }
    }

    /** Packs strip s of op(B)[pc..pc+kc) into kc rows of nr contiguous floats, zero-padded. */
    private void packBStrip(float[] dst, int s, int pc, int kc) {
        int j0 = s * nr;
        int w = Math.min(nr, n - j0);
        int base = s * nr * kc;
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                System.arraycopy(b, (pc + p) * n + j0, dst, d, w);
                for (int j = w; j < nr; j++) {
                    dst[d + j] = 0f;
                }
            }
        } else {
            // op(B)[p][j] = B[j][p]: read four rows of B side by side, write four floats per k step
            int j = 0;
            for (; j + 4 <= w; j += 4) {
                int s0 = (j0 + j) * k + pc;
                int s1 = s0 + k;
                int s2 = s1 + k;
                int s3 = s2 + k;
                int d = base + j;
                for (int p = 0; p < kc; p++, d += nr) {
                    dst[d] = b[s0 + p];
                    dst[d + 1] = b[s1 + p];
                    dst[d + 2] = b[s2 + p];
                    dst[d + 3] = b[s3 + p];
                }
            }
            for (; j < w; j++) {
                int src = (j0 + j) * k + pc;
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = b[src + p];
                }
            }
            for (j = w; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = 0f;
                }
            }
        }
    }

    /** Packs rows of strip s of op(A)[.., pc..pc+kc) as mr-row strips, k-major, zero-padded. */
    private void packAStrip(float[] dst, int s, int pc, int kc) {
        int r0 = s * mr;
        int h = Math.min(mr, m - r0);
        int base = s * mr * kc;
        if (!transA && h == mr && mr == 4) {
            // the strip's four rows read side by side, four contiguous floats written per k step
            int s0 = r0 * k + pc;
            int s1 = s0 + k;
            int s2 = s1 + k;
            int s3 = s2 + k;
            for (int p = 0, d = base; p < kc; p++, d += 4) {
                dst[d] = a[s0 + p];
                dst[d + 1] = a[s1 + p];
                dst[d + 2] = a[s2 + p];
                dst[d + 3] = a[s3 + p];
            }
        } else if (!transA) {
            // the strip's rows read side by side (h streams), mr contiguous floats written per k step
            int s0 = r0 * k + pc;
            for (int p = 0, d = base; p < kc; p++, d += mr) {
                for (int r = 0, src = s0 + p; r < h; r++, src += k) {
                    dst[d + r] = a[src];
                }
            }
        } else if (h == mr && mr == 4) {
            // op(A)[i][p] = A[p][i]: each k step is a contiguous run of the strip's rows
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * m + r0;
                int d = base + p * 4;
                dst[d] = a[src];
                dst[d + 1] = a[src + 1];
                dst[d + 2] = a[src + 2];
                dst[d + 3] = a[src + 3];
            }
        } else {
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

    private void computeTile(int task, int worker) {
        int pc = tileBlock * kcMax;
        int kc = Math.min(kcMax, k - pc);
        float beta = tileBlock == 0 ? firstBeta : 1f;
        float[] pa = packedA[tileBlock & 1];
        float[] pb = packedB[tileBlock & 1];
        int mb = task / nChunks;
        int chunk = task % nChunks;
        int as0 = mb * stripsPerBlock;
        int as1 = Math.min(aStrips, as0 + stripsPerBlock);
        // strips spread evenly over the chunks (sizes differ by at most one), so tasks are alike
        int s0 = (int) ((long) chunk * nStrips / nChunks);
        int s1 = (int) ((long) (chunk + 1) * nStrips / nChunks);
        for (int s = s0; s < s1; s++) {
            int j0 = s * nr;
            int w = Math.min(nr, n - j0);
            int bOff = s * nr * kc;
            for (int as = as0; as < as1; as++) {
                int r0 = as * mr;
                int h = Math.min(mr, m - r0);
                int aOff = as * mr * kc;
                if (h == mr && w == nr) {
                    kernel.tile(kc, pa, aOff, pb, bOff, c, r0 * n + j0, n, alpha, beta);
                } else {
                    float[] t = edgeTile[worker];
                    kernel.tile(kc, pa, aOff, pb, bOff, t, 0, nr, 1f, 0f);
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
}
