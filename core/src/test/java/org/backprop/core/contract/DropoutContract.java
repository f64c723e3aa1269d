package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Inverted dropout with the counter-based (Philox) mask: the mask itself, its rate and its independence. */
interface DropoutContract extends ContractSupport {

    @Test
    default void dropoutBackwardAppliesTheForwardMask() {
        int rows = 37;
        int cols = 41;
        Pair x = random(new java.util.Random(5), rows, cols, 0.5, 3);
        Pair dy = random(new java.util.Random(6), rows, cols, 0.5, 3);
        Tensor y = track(backend().allocate(rows, cols));
        backend().dropout(x.dev, y, 0.5f, 99L, 3, 1);
        backend().dropoutBackward(dy.dev, dy.dev, 0.5f, 99L, 3, 1); // in place, as Model.backward calls it
        float[] fwd = backend().download(y);
        float[] bwd = dy.actual();
        for (int i = 0; i < fwd.length; i++) {
            assertEquals(fwd[i] == 0, bwd[i] == 0, "element " + i + ": backward mask differs from forward");
            if (bwd[i] != 0) {
                assertEquals(dy.host[i] * 2f, bwd[i], "element " + i + ": kept gradient scaled by 1/(1 − 0.5)");
            }
        }
    }

    /**
     * Over 256×1031 elements the number dropped is Binomial(n, p): it must lie within 5 standard
     * deviations of n·p (a false failure has probability below 1e-6), at several rates.
     */
    @Test
    default void dropoutKeepsTheRateWithinItsBinomialBound() {
        Tensor x = tensor(256, 1031, 1f);
        int n = x.size();
        Tensor y = track(backend().allocate(x.rows(), x.cols()));
        for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
            backend().dropout(x, y, p, 42L, 1, 0);
            float[] out = backend().download(y);
            long dropped = 0;
            for (float v : out) {
                if (v == 0) {
                    dropped++;
                } else {
                    assertEquals(1f / (1f - p), v, 1e-6f * v, "kept value at rate " + p);
                }
            }
            double sd = Math.sqrt(n * p * (1.0 - p));
            long d = dropped;
            assertTrue(Math.abs(dropped - n * (double) p) <= 5 * sd,
                    () -> "rate " + p + ": dropped " + d + " of " + n + ", expected " + n * p + " ± " + 5 * sd);
        }
        backend().dropout(x, y, 0f, 42L, 1, 0);
        assertArrayEquals(backend().download(x), backend().download(y), "rate 0 keeps everything unscaled");
    }

    /**
     * Masks for other steps, layers or seeds agree where both keep or both drop about as often
     * as independent masks would: p² + (1 − p)² = 0.5 at p = 0.5, here within 5 standard deviations.
     */
    @Test
    default void dropoutMasksAreIndependentAcrossStepsLayersAndSeeds() {
        Tensor x = tensor(128, 513, 1f);
        int n = x.size();
        float[] base = mask(x, 7L, 10, 0);
        float[][] others = {mask(x, 7L, 11, 0), mask(x, 7L, 10, 1), mask(x, 8L, 10, 0)};
        String[] what = {"next step", "next layer", "next seed"};
        double sd = Math.sqrt(n * 0.25);
        for (int k = 0; k < others.length; k++) {
            long agree = 0;
            for (int i = 0; i < n; i++) {
                if ((base[i] == 0) == (others[k][i] == 0)) {
                    agree++;
                }
            }
            assertTrue(Math.abs(agree - n * 0.5) <= 5 * sd, what[k] + ": masks agree on " + agree + " of " + n);
        }
        assertArrayEquals(base, mask(x, 7L, 10, 0), "the same key draws the same mask");
    }

    private float[] mask(Tensor ones, long seed, int step, int layer) {
        Tensor y = track(backend().allocate(ones.rows(), ones.cols()));
        backend().dropout(ones, y, 0.5f, seed, step, layer);
        return backend().download(y);
    }

    @Test
    default void dropoutRejectsBadRatesAndShapes() {
        Tensor a = tensor(2, 3, 1f);
        Tensor b = track(backend().allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().dropout(a, b, 0.5f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend().dropout(a, a, 1f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend().dropout(a, a, -0.1f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend().dropoutBackward(a, b, 0.5f, 1L, 1, 0));
    }
}
