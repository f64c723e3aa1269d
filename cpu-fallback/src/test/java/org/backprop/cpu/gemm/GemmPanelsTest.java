package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.backprop.cpu.SameBits;
import org.backprop.cpu.WorkerPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The three products of a weight matrix held in {@link PanelLayout panels} read and write them
 * exactly as they read and write rows (the same bits), and a product that would not take the
 * blocked path is refused panels.
 */
class GemmPanelsTest {

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} {5}:{6}")
    @CsvSource({
        "256, 1024, 784, false, false, 12x2, 256",
        "256, 784, 1024, false, true, 12x2, 256",
        "784, 1024, 256, true, false, 12x2, 256",
        "13, 64, 96, false, false, 12x2, 50",
        "13, 96, 96, false, true, 12x2, 50",
        "50, 64, 160, true, true, 12x2, 40",
        "1, 32, 64, false, true, 12x2, 256",
        "37, 128, 100, false, false, 4x4, 48",
        "37, 100, 128, false, true, 4x4, 48",
        "37, 64, 70, true, false, 6x2, 30",
        "37, 70, 64, false, true, 6x2, 30",
    })
    void productsReadAndWritePanelsWithTheRowMajorBits(int m, int n, int k, boolean transA, boolean transB,
                                                       String shape, int kc) {
        MicroKernel kernel = VectorKernelFixture.vectorKernel(shape + ":" + kc);
        Random r = new Random(m * 31L + n * 7L + k);
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        float[] a = GemmZeroSkipTest.dense(r, m * k);
        float[] b = GemmZeroSkipTest.dense(r, k * n);
        float[] c0 = GemmZeroSkipTest.dense(r, m * n);
        try (WorkerPool pool = new WorkerPool(2)) {
            Gemm gemm = new Gemm(kernel, pool, kc, null, kernel.skipsZeroSteps(), VectorGemmKernels.narrow());
            int w = gemm.panelWidth();
            boolean cPanel = PanelLayout.fits(n, w);
            assertTrue(gemm.readsPanels(transA, transB, n, k, 1f, true, cPanel), "the case must take the panels");
            float[] rowMajor = c0.clone();
            gemm.multiply(transA, transB, m, n, k, -0.5f, a, b, 0.75f, rowMajor);
            float[] bPanels = new float[b.length];
            PanelLayout.toPanels(b, bRows, bCols, w, bPanels);
            float[] c = c0.clone();
            if (cPanel) {
                PanelLayout.toPanels(c0, m, n, w, c);
            }
            gemm.multiply(transA, transB, m, n, k, -0.5f, a, bPanels, 0.75f, c, null, true, cPanel);
            float[] back = c;
            if (cPanel) {
                back = new float[c.length];
                PanelLayout.toRowMajor(c, m, n, w, back);
            }
            SameBits.assertSameBits(rowMajor, back, 0, "C", "row-major", "panels");
        }
    }

    @Test
    void aProductThatWouldNotTakeTheBlockedPathIsRefusedWithPanels() {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:256");
        try (WorkerPool pool = new WorkerPool(1)) {
            Gemm gemm = new Gemm(kernel, pool, 256, null, true, VectorGemmKernels.narrow());
            assertTrue(!gemm.readsPanels(false, false, 10, 64, 1f, true, false), "10-wide C: the narrow path");
            assertTrue(!gemm.readsPanels(false, true, 64, 8, 1f, true, false), "k of 8: the short-k path");
            int w = gemm.panelWidth();
            assertTrue(!gemm.readsPanels(false, false, 3 * w / 2, 64, 1f, true, false),
                    3 * w / 2 + " columns are not whole " + w + "-wide strips");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    gemm.multiply(false, false, 4, 10, 64, 1f, new float[4 * 64], new float[640], 0f, new float[40],
                            null, true, false));
            assertTrue(e.getMessage().contains("4x10x64"), e.getMessage());
        }
    }
}
