package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.backprop.cpu.WorkerPool;
import org.backprop.cpu.SameBits;

/**
 * The GEMM's zero-step skipping (A packing drops the k steps where a whole strip of A is zero):
 * the products it changes must keep every bit of the products that multiply each step, for the
 * shapes where skipping happens (sparse A like an MNIST batch, all-zero strips, −0 entries, edge
 * tiles, k over several blocks, α and β), and it must actually skip there.
 */
class GemmZeroSkipTest {

    /** An A whose rows look like image rows: runs of zeros around a band of values, some −0. */
    private static float[] sparse(Random r, int rows, int cols) {
        float[] a = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            int from = r.nextInt(cols / 2);
            int to = from + 1 + r.nextInt(cols / 2);
            for (int j = from; j < to; j++) {
                float v = r.nextFloat() < 0.6f ? r.nextFloat() * 2 - 1 : 0f;
                a[i * cols + j] = r.nextFloat() < 0.05f ? -0f : v;
            }
        }
        return a;
    }

    /** n floats uniform in [−1, 1). */
    static float[] dense(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    @ParameterizedTest(name = "{7}: {0}x{1}x{2} transA={3} KC {4} alpha {5} beta {6}")
    @CsvSource({
        "256, 1024, 784, false, 256, 1, 0, 12x2",
        "784, 1024, 256, true, 256, 1, 0, 12x2",
        "37, 70, 300, false, 64, 1, 0, 12x2",
        "37, 70, 300, true, 64, -0.5, 0.75, 12x2",
        "130, 33, 97, false, 40, 2, 1, 12x2",
        "12, 32, 200, true, 256, 1, 0, 12x2",
        "256, 1024, 784, false, 256, 1, 0, 6x2",
        "37, 70, 300, true, 64, -0.5, 0.75, 6x2",
        "130, 33, 97, false, 40, 2, 1, 6x2",
        "256, 1024, 784, false, 1024, 1, 0, 4x4",
        "784, 1024, 256, true, 1024, 1, 0, 4x4",
        "37, 70, 300, true, 48, -0.5, 0.75, 4x4",
    })
    void skippingKeepsEveryBitOfTheFullProduct(int m, int n, int k, boolean transA, int kc, float alpha, float beta,
                                               String shape) {
        MicroKernel kernel = VectorKernelFixture.vectorKernel(shape + ":" + kc);
        Random r = new Random(m * 31L + n * 7L + k);
        float[] a = sparse(r, transA ? k : m, transA ? m : k);
        float[] b = dense(r, k * n);
        float[] c0 = dense(r, m * n);
        float[] full = c0.clone();
        float[] skipped = c0.clone();
        try (WorkerPool pool = new WorkerPool(2)) {
            Gemm every = new Gemm(kernel, pool, kc, null, false);
            Gemm skipping = new Gemm(kernel, pool, kc, null, true);
            every.multiply(transA, false, m, n, k, alpha, a, b, beta, full);
            skipping.multiply(transA, false, m, n, k, alpha, a, b, beta, skipped);
            assertEquals(0, every.droppedSteps());
            assertTrue(skipping.droppedSteps() > 0, "nothing was skipped, so nothing was tested");
            SameBits.assertSameBits(full, skipped, n, "C", "every step", "skipping");
        }
    }

    @Test
    void anAllZeroAKeepsNoStepAndGivesZerosUnderBetaZero() {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:256");
        int m = 24, n = 64, k = 100;
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        try (WorkerPool pool = new WorkerPool(1)) {
            Gemm skipping = new Gemm(kernel, pool, 256, null, true);
            skipping.multiply(false, false, m, n, k, 1f, new float[m * k], dense(new Random(1), k * n), 0f, c);
            assertEquals((long) k * (m / 12), skipping.droppedSteps());
            assertArrayEquals(new float[m * n], c);
        }
    }

    @Test
    void aDenseAIsMultipliedWholeAfterTheProbe() {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:256");
        Random r = new Random(2);
        int m = 48, n = 64, k = 300;
        float[] a = dense(r, m * k);
        for (int i = 0; i < m; i++) {
            a[i * k + 100] = 0f;   // zero columns past the probe of their k-block (KC 256 splits k
            a[i * k + 290] = 0f;   // = 300 into blocks of 150: steps 100 and 140) are not searched for
        }
        try (WorkerPool pool = new WorkerPool(1)) {
            Gemm skipping = new Gemm(kernel, pool, 256, null, true);
            skipping.multiply(false, false, m, n, k, 1f, a, dense(r, k * n), 0f, new float[m * n]);
            assertEquals(0, skipping.droppedSteps());
        }
    }

    @Test
    void aKernelWithoutTheSkippingTileIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Gemm(new ScalarGemmKernel(), new WorkerPool(1), 256, null, true));
        assertTrue(e.getMessage().contains("cannot skip k steps"), e.getMessage());
    }
}
