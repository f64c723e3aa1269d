package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.backprop.cpu.WorkerPool;

/**
 * The narrow paths of the GEMM, for the output layer's three products — A·B and Aᵀ·B with C at
 * most a vector wide, A·Bᵀ with k at most ten — against a double-precision sum, at the layer's own
 * shapes and at every edge: row counts off the kernels' blocks (tails), column counts off a
 * vector, k below ten (the padding row), n of 1, α and β, NaN in C under β = 0 (never read). The
 * bound is the float sum's own, (k + 2)·ε·Σ|terms|, and each case must have taken the narrow path.
 */
class GemmNarrowTest {

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} alpha {5} beta {6}")
    @CsvSource({
        // A·B, C narrow (the forward product)
        "256, 10, 1024, false, false, 1, 0",
        "1000, 10, 784, false, false, 1, 0",
        "37, 1, 65, false, false, 1, 0",
        "45, 16, 33, false, false, -0.5, 0.25",
        "33, 7, 300, false, false, 2, 1",
        // Aᵀ·B, C narrow (the weight gradient)
        "1024, 10, 256, true, false, 1, 0",
        "784, 10, 100, true, false, 1, 0",
        "50, 3, 70, true, false, -1, 0.5",
        "77, 16, 9, true, false, 1, 1",
        // A·Bᵀ, k short (δ·Wᵀ)
        "256, 1024, 10, false, true, 1, 0",
        "255, 100, 10, false, true, 1, 0",
        "7, 37, 3, false, true, 0.5, 2",
        "31, 64, 1, false, true, 1, 1",
    })
    void narrowProductsAreWithinTheFloatSumBound(int m, int n, int k, boolean transA, boolean transB, float alpha,
                                                 float beta) {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:256");
        assumeTrue(transB || n <= Math.max(NarrowKernel.COLUMNS_MAX, VectorGemmKernels.narrow().width()),
                "vectors narrower than " + n + " floats");
        Random r = new Random(m * 131L + n * 17L + k);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = beta == 0 ? Float.NaN : r.nextFloat() * 2 - 1;
        }
        float[] before = c.clone();
        try (WorkerPool pool = new WorkerPool(2)) {
            Gemm gemm = new Gemm(kernel, pool, 256, null, true, VectorGemmKernels.narrow());
            gemm.multiply(transA, transB, m, n, k, alpha, a, b, beta, c);
            assertEquals(1, gemm.narrowProducts(), "the product did not take a narrow path");
        }
        double eps = Math.ulp(1f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                    sum += t;
                    abs += Math.abs(t);
                }
                double old = beta == 0 ? 0 : beta * (double) before[i * n + j];
                double expected = alpha * sum + old;
                double bound = (k + 2) * eps * (Math.abs(alpha) * abs + Math.abs(old));
                float got = c[i * n + j];
                assertTrue(Math.abs(got - expected) <= bound, "C[" + i + "][" + j + "] = " + got + ", expected "
                        + expected + " ± " + bound + (Float.isNaN(got) ? " (NaN: C was read under beta = 0)" : ""));
            }
        }
    }
}
