package org.backprop.cpu.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.backprop.cpu.CpuBackend;
import org.backprop.cpu.CpuInfo;
import org.backprop.cpu.gemm.GemmBlocking;
import org.backprop.cpu.gemm.MicroKernel;

/**
 * The GEMM micro-kernel's own rate on one thread, in three settings that peel the packed product
 * apart: its operands in L1, a product task's tile loop with its operands in L2, and the same loop
 * with B streaming in from further out. Beside the one-thread FMA peak ({@link CpuPeak}) these say
 * how much of the gap between the peak and a whole product is the kernel, how much the cache
 * level feeding it, and (by difference with the product's own rate) how much the packing and
 * threading around it. The kernel is the one the backend chose at start-up ({@link GemmBlocking}).
 */
public final class CpuKernelRate {

    private CpuKernelRate() { }

    /**
     * One setting: the k length per call, how many packed A and B strips the loop walks, their bytes,
     * and the best GFLOP/s of its rounds.
     */
    public record Rate(String setting, int kc, int aStrips, int bStrips, long aBytes, long bBytes, double gflops) {
        /** The operands: "kc 1024, 8 A strips (384 KB) past 5 B strips (640 KB)". */
        public String operands() {
            return String.format(Locale.ROOT, "kc %d, %d A strip%s (%s) past %d B strip%s (%s)", kc, aStrips,
                    aStrips == 1 ? "" : "s", size(aBytes), bStrips, bStrips == 1 ? "" : "s", size(bBytes));
        }

        public String describe() {
            return String.format(Locale.ROOT, "%s: %s: %.0f GFLOP/s", setting, operands(), gflops);
        }
    }

    /** The kernel's shape and the three rates. */
    public record Report(String kernel, int mr, int nr, int blockingKc, List<Rate> rates) { }

    /** Room the L1 setting leaves in the L1 data cache for the C tile, the stack and the loop's own lines. */
    static final int L1_SPARE = 4 << 10;
    /** A row block of C as the product takes it (the GEMM's MC). */
    static final int ROWS = 96;

    /**
     * Measures the three settings, each best of {@code rounds} rounds of about {@code roundMillis};
     * null when the JVM has no Vector API module (the scalar kernel has no rate worth quoting).
     */
    public static Report measure(int rounds, long roundMillis) {
        if (!CpuBackend.vectorApiPresent()) {
            return null;
        }
        GemmBlocking blocking = GemmBlocking.forThisCpu();
        MicroKernel kernel = blocking.kernel();
        int mr = kernel.mr();
        int nr = kernel.nr();
        int kc = blocking.kc();
        int aStrips = Math.max(1, ROWS / mr);
        long l2 = CpuInfo.l2Bytes(1L << 20);
        // the L2 loop: as many B strips as keep A and B within half of one core's L2
        long stripBytes = 4L * nr * kc;
        long aBytes = 4L * aStrips * mr * kc;
        int l2Strips = (int) Math.max(1, Math.min(8, (l2 / 2 - aBytes) / stripBytes));
        // from further out: B as large as the reference MLP's 1024×1024 weights (4 MB), at least
        int farStrips = (int) Math.max(l2Strips * 4L, (4L << 20) / stripBytes);
        List<Rate> rates = new ArrayList<>();
        rates.add(run(kernel, "L1", l1Kc(mr, nr, CpuInfo.l1dBytes(32 << 10)), 1, 1, rounds, roundMillis));
        rates.add(run(kernel, "L2", kc, aStrips, l2Strips, rounds, roundMillis));
        rates.add(run(kernel, "B streaming", kc, aStrips, farStrips, rounds, roundMillis));
        return new Report(kernel.describe(), mr, nr, kc, rates);
    }

    /**
     * The longest kc, a multiple of 32, whose A and B strips fit an L1 of {@code l1Bytes} together
     * with {@link #L1_SPARE} to spare (12×2 in a 48 KB L1: 256).
     */
    static int l1Kc(int mr, int nr, long l1Bytes) {
        long kc = (l1Bytes - L1_SPARE) / (4L * (mr + nr)) / 32 * 32;
        return (int) Math.max(32, Math.min(1024, kc));
    }

    private static Rate run(MicroKernel kernel, String setting, int kc, int aStrips, int bStrips, int rounds,
                            long roundMillis) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        float[] a = filled(aStrips * mr * kc, 1);
        float[] b = filled(bStrips * nr * kc, 2);
        int ldc = bStrips * nr;
        float[] c = new float[aStrips * mr * ldc];
        double flopsPerPass = 2.0 * mr * nr * kc * aStrips * bStrips;
        // whole calls first, so C2 compiles the kernel and this loop before the clock starts
        int passes = (int) Math.max(1, Math.min(1 << 20, 2e8 / flopsPerPass));
        for (int w = 0; w < 3; w++) {
            pass(kernel, kc, a, b, c, aStrips, bStrips, passes);
        }
        long t0 = System.nanoTime();
        pass(kernel, kc, a, b, c, aStrips, bStrips, passes);
        double perPass = Math.max(1e-9, (System.nanoTime() - t0) / 1e9 / passes);
        passes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, roundMillis / 1e3 / perPass));
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long s = System.nanoTime();
            pass(kernel, kc, a, b, c, aStrips, bStrips, passes);
            best = Math.max(best, flopsPerPass * passes / ((System.nanoTime() - s) / 1e9) / 1e9);
        }
        return new Rate(setting, kc, aStrips, bStrips, 4L * a.length, 4L * b.length, best);
    }

    /**
     * {@code passes} times: each B strip in turn, with every A strip walked past it (a product task's
     * order), C = A·B into its tile of c. Package-private so a test can check what the loop computes.
     */
    static void pass(MicroKernel kernel, int kc, float[] a, float[] b, float[] c, int aStrips, int bStrips, int passes) {
        int mr = kernel.mr();
        int nr = kernel.nr();
        int ldc = bStrips * nr;
        for (int p = 0; p < passes; p++) {
            for (int s = 0; s < bStrips; s++) {
                for (int as = 0; as < aStrips; as++) {
                    kernel.tile(kc, a, as * mr * kc, b, s * nr * kc, c, as * mr * ldc + s * nr, ldc, 1f, 0f);
                }
            }
        }
    }

    static float[] filled(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() - 0.5f;
        }
        return x;
    }

    private static String size(long bytes) {
        return bytes >= 1L << 20 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%d KB", Math.round(bytes / 1024.0));
    }
}
