package org.backprop.cpu.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.cpu.CpuBackend;
import org.backprop.cpu.gemm.GemmBlocking;
import org.backprop.cpu.gemm.MicroKernel;
import org.junit.jupiter.api.Test;

/**
 * The kernel-rate loops time real work: every tile of the pass holds A·B of its strips (checked
 * against a double sum written here, per packed layout), and the report carries the chosen shape
 * and three positive rates. The rates' size is the benchmark's business, not a test's.
 */
class CpuKernelRateTest {

    @Test
    void thePassComputesEveryTileOfTheProduct() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        for (String spec : new String[] {"12x2", "6x2", "4x4"}) {
            MicroKernel kernel = GemmBlocking.parse(spec).kernel();
            int mr = kernel.mr();
            int nr = kernel.nr();
            int kc = 37;
            int aStrips = 3;
            int bStrips = 2;
            float[] a = CpuKernelRate.filled(aStrips * mr * kc, 5);
            float[] b = CpuKernelRate.filled(bStrips * nr * kc, 6);
            int ldc = bStrips * nr;
            float[] c = new float[aStrips * mr * ldc];
            java.util.Arrays.fill(c, Float.NaN);
            CpuKernelRate.pass(kernel, kc, a, b, c, aStrips, bStrips, 2);
            for (int as = 0; as < aStrips; as++) {
                for (int s = 0; s < bStrips; s++) {
                    for (int r = 0; r < mr; r++) {
                        for (int j = 0; j < nr; j++) {
                            double sum = 0;
                            for (int p = 0; p < kc; p++) {
                                // packed A: kc steps of mr floats; packed B: kc steps of nr floats
                                sum += (double) a[as * mr * kc + p * mr + r] * b[s * nr * kc + p * nr + j];
                            }
                            float got = c[(as * mr + r) * ldc + s * nr + j];
                            assertEquals(sum, got, 1e-4, spec + " strip A " + as + " B " + s + " element (" + r + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void theReportNamesTheKernelAndGivesThreeRates() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        CpuKernelRate.Report report = CpuKernelRate.measure(1, 5);
        assertEquals(3, report.rates().size());
        assertTrue(report.kernel().contains(report.mr() + "×") || report.kernel().contains(report.mr() + "x"),
                report.kernel());
        for (CpuKernelRate.Rate rate : report.rates()) {
            assertTrue(rate.gflops() > 0 && Double.isFinite(rate.gflops()), rate.describe());
            assertEquals(4L * rate.aStrips() * report.mr() * rate.kc(), rate.aBytes(), rate.describe());
            assertEquals(4L * rate.bStrips() * report.nr() * rate.kc(), rate.bBytes(), rate.describe());
        }
        for (long l1 : new long[] {32 << 10, 48 << 10}) {
            int kc = CpuKernelRate.l1Kc(report.mr(), report.nr(), l1);
            assertTrue(kc % 32 == 0 && kc * 4L * (report.mr() + report.nr()) + CpuKernelRate.L1_SPARE <= l1,
                    "kc " + kc + " in an L1 of " + l1);
        }
        assertEquals(256, CpuKernelRate.l1Kc(12, 32, 48 << 10));
        assertEquals(96, CpuKernelRate.l1Kc(4, 64, 32 << 10));
    }
}
