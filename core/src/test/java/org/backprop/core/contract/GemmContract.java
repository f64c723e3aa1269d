package org.backprop.core.contract;

import static org.backprop.core.contract.ContractSupport.assertClose;
import static org.backprop.core.contract.ContractSupport.rnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** GEMM, C = alpha·op(A)·op(B) + beta·C, every transpose: the catalogue over 1s, primes, long k and training sizes, plus accumulation, views and rejections. */
interface GemmContract extends ContractSupport {

    @Test
    default void gemmWithBetaZeroIgnoresNaNInC() {
        checkGemm(19, 23, 29, false, false, 2f, 0f, Float.NaN);
    }

    @Test
    default void gemmWithBetaOneAccumulates() {
        // δ·Wᵀ style accumulation of a weight gradient over two half batches equals the whole batch
        Random r = rnd("accumulate");
        Pair x = random(r, 8, 5, -1, 1);
        Pair d = random(r, 8, 3, -1, 1);
        Pair whole = filled(5, 3, 0f);
        Pair halves = filled(5, 3, Float.NaN);
        backend().gemm(true, false, 1f, x.dev, d.dev, 0f, whole.dev);
        Tensor x1 = track(backend().upload(java.util.Arrays.copyOfRange(x.host, 0, 20), 4, 5));
        Tensor x2 = track(backend().upload(java.util.Arrays.copyOfRange(x.host, 20, 40), 4, 5));
        Tensor d1 = track(backend().upload(java.util.Arrays.copyOfRange(d.host, 0, 12), 4, 3));
        Tensor d2 = track(backend().upload(java.util.Arrays.copyOfRange(d.host, 12, 24), 4, 3));
        backend().gemm(true, false, 1f, x1, d1, 0f, halves.dev);
        backend().gemm(true, false, 1f, x2, d2, 1f, halves.dev);
        float[] w = backend().download(whole.dev);
        double[] wd = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wd[i] = w[i];
        }
        // 8 terms split 4 + 4: a handful of roundings on values of magnitude ≤ 8
        assertClose("two half-batch products", wd, halves.actual(), 0, 64 * U);
    }

    @Test
    default void gemmIntoAViewOfCLeavesTheOtherRows() {
        Random r = rnd("gemmview");
        Pair a = random(r, 3, 4, -1, 1);
        Pair b = random(r, 4, 5, -1, 1);
        Pair c = filled(6, 5, 9f);
        Pair expect = filled(3, 5, 0f);
        reference().gemm(false, false, 1f, a.ref, b.ref, 0f, expect.ref);
        backend().gemm(false, false, 1f, a.dev, b.dev, 0f, c.dev.firstRows(3));
        float[] out = c.actual();
        double[] e = expect.expected();
        for (int i = 0; i < 30; i++) {
            // 4-term dot products of values in [-1, 1]: 16u absolute
            assertEquals(i < 15 ? e[i] : 9.0, out[i], 16 * U, "element " + i);
        }
    }

    @Test
    default void gemmRejectsMismatchedInnerDimensions() {
        Tensor a = track(backend().allocate(3, 4));
        Tensor b = track(backend().allocate(5, 2));
        Tensor c = track(backend().allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().gemm(false, false, 1f, a, b, 0f, c));
    }

    @Test
    default void gemmRejectsAWrongOutputShape() {
        Tensor a = track(backend().allocate(3, 4));
        Tensor b = track(backend().allocate(4, 2));
        Tensor c = track(backend().allocate(2, 3));
        assertThrows(IllegalArgumentException.class, () -> backend().gemm(false, false, 1f, a, b, 0f, c));
        assertThrows(IllegalArgumentException.class, () -> backend().gemm(true, false, 1f, a, b, 0f, c));
    }

    @Test
    default void gemmRejectsCAliasingAnInput() {
        Tensor a = tensor(3, 3, 1f);
        Tensor b = tensor(3, 3, 1f);
        assertThrows(IllegalArgumentException.class, () -> backend().gemm(false, false, 1f, a, b, 0f, a));
    }

    private void checkGemm(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, float cInit) {
        Random r = rnd("gemm", m, n, k, ta, tb, alpha, beta);
        Pair a = ta ? random(r, k, m, -1, 1) : random(r, m, k, -1, 1);
        Pair b = tb ? random(r, n, k, -1, 1) : random(r, k, n, -1, 1);
        Pair c = Float.isNaN(cInit) ? filled(m, n, Float.NaN) : random(r, m, n, -1, 1);
        reference().gemm(ta, tb, alpha, a.ref, b.ref, beta, c.ref);
        backend().gemm(ta, tb, alpha, a.dev, b.dev, beta, c.dev);
        assertNormClose("gemm " + m + "x" + n + "x" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : ""),
                c.expected(), c.actual(), gemmTolerance(k));
    }

    /**
     * Tolerance: ‖ΔC‖/‖C‖ ≤ 8·(√k + 2)·u. Each element is a float32 k-term dot product of random
     * signed data, whose rounding errors add like a random walk (≈ √k·u relative, whatever the
     * blocking); +2 covers the alpha scaling, the beta term and the final rounding.
     */
    private static double gemmTolerance(int k) {
        return 8 * (Math.sqrt(k) + 2) * U;
    }

    /** Relative error of the Frobenius norm of the difference: ‖a − e‖ ≤ tol·‖e‖. */
    private static void assertNormClose(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Float.isFinite(actual[i]), what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(rel <= tol, what + ": relative error " + rel + " exceeds " + tol);
    }
}
