package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The narrow path (A·B with C at most one vector wide, rows of C as single accumulators) against
 * a double-precision sum, at the output layer's shape and at edges: row counts that are not a
 * multiple of the eight-row block or of the 32-row task, n of 1 and of a whole vector, α and β,
 * NaN in C under β = 0 (never read). The bound is the float sum's own: k·ε·Σ|a·b|.
 */
class GemmNarrowTest {

    @ParameterizedTest(name = "{0}x{1}x{2} alpha {3} beta {4}")
    @CsvSource({
        "256, 10, 1024, 1, 0",
        "1000, 10, 784, 1, 0",
        "37, 1, 65, 1, 0",
        "45, 16, 33, -0.5, 0.25",
        "33, 7, 300, 2, 1",
    })
    void narrowProductsAreWithinTheFloatSumBound(int m, int n, int k, float alpha, float beta) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        MicroKernel kernel = VectorKernels.create(GemmBlocking.parse("12x2:256"));
        assumeTrue(n <= VectorKernels.narrow().width(), "vectors narrower than " + n + " floats");
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
            Gemm gemm = new Gemm(kernel, pool, 256, null, true, VectorKernels.narrow());
            gemm.multiply(false, false, m, n, k, alpha, a, b, beta, c);
            assertTrue(gemm.narrowProducts() == 1, "the product did not take the narrow path");
        }
        double eps = Math.ulp(1f);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * n + j];
                    abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                double expected = alpha * sum + (beta == 0 ? 0 : beta * before[i * n + j]);
                double bound = (k + 2) * eps * (Math.abs(alpha) * abs + Math.abs(beta * (beta == 0 ? 0 : before[i * n + j])));
                float got = c[i * n + j];
                assertTrue(Math.abs(got - expected) <= bound, "C[" + i + "][" + j + "] = " + got + ", expected "
                        + expected + " ± " + bound + (Float.isNaN(got) ? " (NaN: C was read under beta = 0)" : ""));
            }
        }
    }
}
