package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * δ·Wᵀ with W in panels and few rows of δ, computed as (W·δᵀ)ᵀ with W read where it lies: the
 * bits of the same product with W row-major, and of the packed route from the panels, at edge
 * shapes (δ's rows past a strip of NR, W's rows past a strip of 12, a single row).
 */
class GemmPanelsTransposedTest {

    private static float[] values(Random r, int n, boolean someZeros) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = someZeros && r.nextFloat() < 0.3f ? 0f : r.nextFloat() * 2 - 1;
        }
        return v;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} blocking {3} alpha {4}")
    // k at most the k-block (one block is the route's condition); m past 5 strips of δᵀ takes the packed route
    @CsvSource({
        "1, 100, 64, 12x2:1024, 1",
        "5, 1024, 1024, 12x2:1024, 1",
        "31, 24, 192, 12x2:1024, 0.5",
        "33, 1030, 256, 12x2:256, -2",
        "64, 1024, 1024, 12x2:1024, 1",
        "96, 777, 1024, 12x2:1024, 0.125",
        "40, 300, 512, 12x2:512, 1",
        "200, 100, 256, 12x2:1024, 1",
    })
    void inPlaceGivesTheBitsOfRowMajorAndOfThePackedRoute(int m, int n, int k, String blocking, float alpha) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        GemmBlocking bl = GemmBlocking.parse(blocking);
        MicroKernel kernel = VectorKernels.create(bl);
        assumeTrue(kernel.readsPanelsInPlace(), kernel.describe() + " does not read panels in place");
        Random r = new Random(m * 31L + n * 7L + k);
        float[] delta = values(r, m * k, true);
        float[] w = values(r, n * k, false);
        try (WorkerPool pool = new WorkerPool(3)) {
            Gemm inPlace = new Gemm(kernel, pool, bl.kc(), null, true, VectorKernels.narrow());
            Gemm packed = new Gemm(kernel, pool, bl.kc(), null, true, VectorKernels.narrow());
            packed.transposedFromPanels(false);
            Gemm rows = new Gemm(kernel, pool, bl.kc(), null, true, VectorKernels.narrow());
            float[] wp = new float[w.length];
            PanelLayout.toPanels(w, n, k, inPlace.panelWidth(), wp);
            float[] expected = new float[m * n];
            rows.multiply(false, true, m, n, k, alpha, delta, w, 0f, expected);
            float[] fromPacked = new float[m * n];
            packed.multiply(false, true, m, n, k, alpha, delta, wp, 0f, fromPacked, null, true, false);
            float[] actual = new float[m * n];
            java.util.Arrays.fill(actual, Float.NaN);   // beta 0: C's old contents are never read
            inPlace.multiply(false, true, m, n, k, alpha, delta, wp, 0f, actual, null, true, false);
            boolean fewRows = m <= Gemm.TRANSPOSED_FROM_PANELS_STRIPS * inPlace.panelWidth();
            assertEquals(fewRows ? 1 : 0, inPlace.panelsTransposedProducts(),
                    fewRows ? "the product did not read W in place" : "a product of many rows read W in place");
            assertEquals(0, packed.panelsTransposedProducts(), "the packed route read W in place");
            for (int i = 0; i < expected.length; i++) {
                int e = Float.floatToRawIntBits(expected[i]);
                if (e != Float.floatToRawIntBits(actual[i]) || e != Float.floatToRawIntBits(fromPacked[i])) {
                    throw new AssertionError("C[" + i / n + "][" + i % n + "]: row-major " + expected[i]
                            + ", packed from panels " + fromPacked[i] + ", in place " + actual[i]);
                }
            }
        }
    }
}
