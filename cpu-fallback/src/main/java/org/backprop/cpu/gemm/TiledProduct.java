package org.backprop.cpu.gemm;

import static org.backprop.cpu.gemm.Gemm.INLINE_FLOPS;
import static org.backprop.cpu.gemm.Gemm.ceilDiv;

import java.util.concurrent.atomic.AtomicIntegerArray;

import org.backprop.cpu.CpuInfo;
import org.backprop.cpu.WorkerPool;

/**
 * The tiled product, blocked the Goto/BLIS way: k in blocks of at most KC; all of op(A) packed
 * into MR-row strips and all of op(B) into NR-column strips, every k-block ({@link Packing}); C
 * split into tiles of at most MC rows × a run of B strips, one task each, and each task takes its
 * tiles through every k-block in order. For one B strip the micro-kernel walks the A strips of the
 * tile's row block past it. One dispatch per product: each strip (all its k-blocks) is packed by
 * the first tile task that needs it while the other threads compute (see {@link #ensurePacked}).
 * A B held in {@link PanelLayout panels} is its own packed copy and is read in place; a C in panels
 * takes its tiles there. Each C element is computed by one task, adding its k-blocks in order.
 */
final class TiledProduct {

    private static final int MC = 96;
    /**
     * An op(B) larger than this streams from memory for every row block of C rather than from the
     * last-level cache: then a row block is as tall as one core's L2 holds its A strips (see
     * {@link #rowsPerBlock}).
     */
    static final long LARGE_B_BYTES = 32L << 20;
    /** The tallest row block, whatever the L2. */
    private static final int MC_MAX = 1008;
    /** Split C into at least this many tiles when the shape allows, whatever the thread count. */
    private static final int MIN_TASKS = 24;
    /** One core's L2 in bytes (the A strips of a row block of a large-B product fill it), read once. */
    private static final long L2_BYTES = CpuInfo.l2Bytes(1L << 20);

    private final int kcLimit;
    private final MicroKernel kernel;
    private final int mr;
    private final int nr;
    private final WorkerPool pool;
    private final float[][] edgeTile;
    /** Whether A packing drops the k steps where a whole strip is zero (see {@link Packing#dropZeroSteps}). */
    private final boolean skipZeros;
    private long largeBBytes = LARGE_B_BYTES;
    /** Per A strip and k-block, the k steps its packed copy kept, laid out as packedA / MR. */
    private int[] keptSteps = new int[0];
    /** Per A strip and k-block (strip × kBlocks + block), how many steps it kept. */
    private int[] keptCount = new int[0];

    /** Every k-block of op(A) and op(B), packed by the tile tasks as they first need a strip. */
    private float[] packedA = new float[0];
    private float[] packedB = new float[0];
    private double[] sums = new double[0];

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
    private int kBlocks;
    /** Per A strip, then per B strip: NOT_PACKED, PACKING (a task is at it), PACKED or FAILED. */
    private AtomicIntegerArray packState = new AtomicIntegerArray(0);
    private static final int NOT_PACKED = 0;
    private static final int PACKING = 1;
    private static final int PACKED = 2;
    /** Its packer threw: the tasks waiting for the strip must not wait forever. */
    private static final int FAILED = 3;
    private int aStrips;
    private int stripsPerBlock;
    private int mBlocks;
    private int nStrips;
    private int nChunks;
    /** Where the column sums of op(B) go (a fused bias gradient), or null. */
    private float[] columnSums;
    /** B is held in {@link PanelLayout panels} NR wide (then, untransposed, it is its own packed copy). */
    private boolean bPanel;
    /** C is held in panels NR wide: tile (r0, strip s) at s·m·NR + r0·NR, rows NR apart. */
    private boolean cPanel;

    /** Task t computes tile t, packing first what it needs that no task has packed yet. */
    private final WorkerPool.Body stepTask = this::computeTiles;

    TiledProduct(MicroKernel kernel, WorkerPool pool, int kcLimit, boolean skipZeros) {
        this.kernel = kernel;
        this.pool = pool;
        this.kcLimit = kcLimit;
        this.skipZeros = skipZeros;
        this.mr = kernel.mr();
        this.nr = kernel.nr();
        this.edgeTile = new float[pool.threads()][mr * nr];
    }

    /**
     * C = alpha·op(A)·op(B) + beta·C by tiles (see the class comment), B and/or C in panels where
     * {@code bPanel} / {@code cPanel}; the column sums of B into {@code bColumnSums} when it is not
     * null. The caller has chosen this route and checked the operands.
     */
    void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
                  float[] c, float[] bColumnSums, boolean bPanel, boolean cPanel) {
        this.bPanel = bPanel;
        this.cPanel = cPanel;
        this.columnSums = bColumnSums;
        if (bColumnSums != null) {
            sums(n);
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
        int kBlocks = ceilDiv(k, kcLimit);
        this.kcMax = ceilDiv(k, kBlocks);
        this.mBlocks = ceilDiv(aStrips, rowsPerBlock((long) k * n * 4, kcMax) / mr);
        this.stripsPerBlock = ceilDiv(aStrips, mBlocks);
        this.mBlocks = ceilDiv(aStrips, stripsPerBlock);
        this.nStrips = ceilDiv(n, nr);
        this.nChunks = Math.min(nStrips, Math.max(1, ceilDiv(MIN_TASKS, mBlocks)));
        this.firstBeta = beta;
        this.kBlocks = kBlocks;
        // k-block kb of the strips sits at offset (strips × width × pc): one array for all blocks
        long needB = (long) nStrips * nr * k;
        long needA = (long) aStrips * mr * k;
        if (needA > Integer.MAX_VALUE - 8 || needB > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("gemm: packed operands of " + m + "x" + k + " and " + k + "x" + n
                    + " exceed a Java array");
        }
        if (packedB.length < needB && !(bPanel && !transB)) {
            packedB = new float[(int) needB];
        }
        if (packedA.length < needA) {
            packedA = new float[(int) needA];
        }
        if (skipZeros && keptSteps.length < needA / mr) {
            keptSteps = new int[(int) (needA / mr)];
        }
        if (skipZeros && keptCount.length < aStrips * kBlocks) {
            keptCount = new int[aStrips * kBlocks];
        }
        boolean inline = 2L * m * n * k < INLINE_FLOPS;
        int strips = aStrips + nStrips;
        if (packState.length() < strips) {
            packState = new AtomicIntegerArray(strips);
        }
        for (int i = 0; i < strips; i++) {
            packState.set(i, i >= aStrips && bPanel && !transB ? PACKED : NOT_PACKED);
        }
        try {
            // one dispatch: each strip is packed by the first tile task that needs it, while the
            // other threads compute (see ensurePacked)
            pool.run(mBlocks * nChunks, stepTask, inline);
        } finally {
            this.a = null;
            this.b = null;
            this.c = null;
            this.columnSums = null;
        }
    }

    /**
     * Rows of C per row block: MC, or for an op(B) of more than {@link #LARGE_B_BYTES} as many as
     * fill one core's L2 with their packed A strips at this k-block length (each row block reads
     * all of op(B) once, so taller blocks read it from memory fewer times). Depends on the shape
     * and the CPU only, never on the thread count.
     */
    int rowsPerBlock(long bBytes, int kc) {
        if (bBytes <= largeBBytes) {
            return MC;
        }
        long strips = L2_BYTES / ((long) kc * mr * Float.BYTES);
        return (int) Math.max(MC / mr * mr, Math.min(MC_MAX / mr * mr, strips * mr));
    }

    /** Tests: treat an op(B) of more than {@code bytes} as large (so small products take tall row blocks). */
    void largeOperandBytes(long bytes) {
        this.largeBBytes = bytes;
    }

    /** The double column sums of a fused bias gradient, at least n long. */
    double[] sums(int n) {
        if (sums.length < n) {
            sums = new double[n];
        }
        return sums;
    }

    /** Packs strip i (A strips first, then B) for every k-block. */
    private void packStrip(int i) {
        for (int kb = 0; kb < kBlocks; kb++) {
            int pc = kb * kcMax;
            int kc = Math.min(kcMax, k - pc);
            if (i < aStrips) {
                int block = aStrips * mr * pc;
                Packing.packAStrip(a, m, k, transA, mr, packedA, block, i, pc, kc);
                if (skipZeros) {
                    keptCount[i * kBlocks + kb] = Packing.dropZeroSteps(packedA, block + i * mr * kc, kc, mr, keptSteps);
                }
            } else {
                Packing.packBStrip(b, n, k, transB, bPanel, nr, packedB, nStrips * nr * pc, i - aStrips, pc, kc);
                if (columnSums != null) {
                    addColumnSums(i - aStrips, pc, kc, kb == 0, kb == kBlocks - 1);
                }
            }
        }
    }

    /** Packs strip i unless another task has claimed it; returns without waiting for that task. */
    private void claimAndPack(int i) {
        if (packState.get(i) == NOT_PACKED && packState.compareAndSet(i, NOT_PACKED, PACKING)) {
            try {
                packStrip(i);
            } catch (RuntimeException | Error e) {
                packState.set(i, FAILED);
                throw e;
            }
            packState.set(i, PACKED);
        }
    }

    /** Strip i is packed when this returns: by this task, or by the one that claimed it first. */
    private void ensurePacked(int i) {
        claimAndPack(i);
        for (int state = packState.get(i); state != PACKED; state = packState.get(i)) {
            if (state == FAILED) {
                throw new IllegalStateException("gemm: packing an operand strip failed in another task");
            }
            Thread.onSpinWait();
        }
    }

    /** Adds rows pc..pc+kc of strip s's columns of B to the running double sums, in row order. */
    private void addColumnSums(int s, int pc, int kc, boolean first, boolean last) {
        int j0 = s * nr;
        int j1 = Math.min(n, j0 + nr);
        double[] acc = sums;
        if (first) {
            for (int j = j0; j < j1; j++) {
                acc[j] = 0;
            }
        }
        ColumnSums.addColumns(b, n, pc, pc + kc, j0, j1, acc);
        if (last) {
            for (int j = j0; j < j1; j++) {
                columnSums[j] = (float) acc[j];
            }
        }
    }

    /** How many k steps of A strips the last product dropped as all zero (0 when not skipping). */
    long droppedSteps() {
        long dropped = 0;
        for (int kb = 0; skipZeros && kb < kBlocks; kb++) {
            int kc = Math.min(kcMax, k - kb * kcMax);
            for (int s = 0; s < aStrips; s++) {
                dropped += kc - keptCount[s * kBlocks + kb];
            }
        }
        return dropped;
    }

    /** Task {@code task}'s tiles through every k-block, in k order (the sum order of each C element). */
    private void computeTiles(int task, int worker) {
        // this task's B strips (tasks of other row blocks share them), then its row block's A
        // strips, packed by whichever tasks of the block get to them first
        int mb = task / nChunks;
        int chunk = task % nChunks;
        int s0 = (int) ((long) chunk * nStrips / nChunks);
        int s1 = (int) ((long) (chunk + 1) * nStrips / nChunks);
        for (int s = s0; s < s1; s++) {
            ensurePacked(aStrips + s);
        }
        int as0 = mb * stripsPerBlock;
        int as1 = Math.min(aStrips, as0 + stripsPerBlock);
        for (int as = as0; as < as1; as++) {
            claimAndPack(as);
        }
        for (int as = as0; as < as1; as++) {
            ensurePacked(as);
        }
        for (int kb = 0; kb < kBlocks; kb++) {
            computeTile(task, worker, kb);
        }
    }

    private void computeTile(int task, int worker, int kb) {
        int pc = kb * kcMax;
        int kc = Math.min(kcMax, k - pc);
        float beta = kb == 0 ? firstBeta : 1f;
        float[] pa = packedA;
        boolean inPlace = bPanel && !transB;
        float[] pb = inPlace ? b : packedB;
        int aBlock = aStrips * mr * pc;
        int bBlock = nStrips * nr * pc;
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
            // a B in panels is strip s whole, k rows of nr floats: its k-block starts pc rows in
            int bOff = inPlace ? s * nr * k + pc * nr : bBlock + s * nr * kc;
            // C in panels: the tile's rows are nr floats apart inside strip s
            int ldc = cPanel ? nr : n;
            int cStrip = cPanel ? s * m * nr : j0;
            for (int as = as0; as < as1; as++) {
                int r0 = as * mr;
                int h = Math.min(mr, m - r0);
                int aOff = aBlock + as * mr * kc;
                int kept = skipZeros ? keptCount[as * kBlocks + kb] : kc;
                if (h == mr && w == nr) {
                    tile(kc, kept, pa, aOff, pb, bOff, c, cStrip + r0 * ldc, ldc, alpha, beta);
                } else if (w == nr && h <= kernel.shortRows() && kept == kc) {
                    kernel.shortTile(h, kc, pa, aOff, pb, bOff, c, cStrip + r0 * ldc, ldc, alpha, beta);
                } else {
                    float[] t = edgeTile[worker];
                    tile(kc, kept, pa, aOff, pb, bOff, t, 0, nr, 1f, 0f);
                    for (int r = 0; r < h; r++) {
                        int ci = cStrip + (r0 + r) * ldc;
                        for (int j = 0; j < w; j++) {
                            float v = alpha * t[r * nr + j];
                            c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
                        }
                    }
                }
            }
        }
    }

    /** One tile over all kc steps of the packed strip, or over the {@code kept} ones it lists. */
    private void tile(int kc, int kept, float[] pa, int aOff, float[] pb, int bOff, float[] out, int off, int ld,
                      float alpha, float beta) {
        if (kept == kc) {
            kernel.tile(kc, pa, aOff, pb, bOff, out, off, ld, alpha, beta);
        } else {
            kernel.tile(kept, keptSteps, aOff / mr, pa, aOff, pb, bOff, out, off, ld, alpha, beta);
        }
    }
}
