package org.backprop.core.contract;

import static org.backprop.core.contract.ContractSupport.assertClose;
import static org.backprop.core.reference.OpCatalogue.softmaxTolerance;
import static org.backprop.core.reference.OpCatalogue.sumTolerance;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Softmax and the fused losses: softmax + cross-entropy, sigmoid + binary cross-entropy, squared error. */
interface LossContract extends ContractSupport {

    @Test
    default void softmaxOfHugeLogitsStaysFinite() {
        Pair z = pair(new float[] {1000f, -1000f, 0f, 1000f, 999f, 1000f, -1000f, -1000f, -1000f}, 3, 3);
        Pair p = filled(3, 3, Float.NaN);
        reference().softmax(z.ref, p.ref);
        backend().softmax(z.dev, p.dev);
        assertClose("softmax ±1000", p.expected(), p.actual(), softmaxTolerance(1000, 3), Float.MIN_NORMAL);
    }

    @Test
    default void softmaxOfZeroAndLn2IsOneThirdAndTwoThirds() {
        Pair z = pair(new float[] {0f, (float) Math.log(2)}, 1, 2);
        backend().softmax(z.dev, z.dev);
        float[] p = z.actual();
        // ln 2 rounded to float moves the exact answer by ≈ u; 8u covers exp and the division
        assertEquals(1.0 / 3, p[0], 8 * U);
        assertEquals(2.0 / 3, p[1], 8 * U);
    }

    @Test
    default void softmaxCrossEntropyOfHugeLogitsIsFinite() {
        Pair z = pair(new float[] {1000f, -1000f, 0f, -1000f, 1000f, 1000f}, 2, 3);
        Pair y = pair(new float[] {0f, 1f, 0f, 1f, 0f, 0f}, 2, 3);
        checkSoftmaxCrossEntropy(z, y, false, 1000);
    }

    @Test
    default void sigmoidBinaryCrossEntropyOfHugeLogitsIsFinite() {
        Pair z = pair(new float[] {100f, -100f, 100f, -100f, 0f}, 5, 1);
        Pair y = pair(new float[] {0f, 1f, 1f, 0f, 1f}, 5, 1);
        checkBinaryCrossEntropy(z, y, false);
    }

    @Test
    default void lossOpsRejectANonScalarAccumulatorAndMismatchedTargets() {
        Tensor z = tensor(2, 3, 0f);
        Tensor y = tensor(2, 3, 0f);
        Tensor yWrong = track(backend().allocate(3, 2));
        Tensor p = track(backend().allocate(2, 3));
        Tensor g = track(backend().allocate(2, 3));
        Tensor acc = tensor(1, 1, 0f);
        Tensor notScalar = track(backend().allocate(1, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(z, y, p, g, notScalar));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(z, yWrong, p, g, acc));
        assertThrows(IllegalArgumentException.class, () -> backend().sigmoidBinaryCrossEntropy(z, yWrong, p, g, acc));
        assertThrows(IllegalArgumentException.class, () -> backend().squaredError(z, y, g, notScalar));
        assertThrows(IllegalArgumentException.class, () -> backend().countCorrect(z, yWrong, acc));
        assertThrows(IllegalArgumentException.class, () -> backend().sumOfSquares(z, notScalar));
    }

    private void checkSoftmaxCrossEntropy(Pair z, Pair y, boolean gradAliasesProbabilities, double maxAbsLogit) {
        int rows = z.rows;
        int cols = z.cols;
        Pair p = filled(rows, cols, Float.NaN);
        Pair g = gradAliasesProbabilities ? p : filled(rows, cols, Float.NaN);
        Pair loss = pair(new float[] {3f}, 1, 1);
        reference().softmaxCrossEntropy(z.ref, y.ref, p.ref, g.ref, loss.ref);
        backend().softmaxCrossEntropy(z.dev, y.dev, p.dev, g.dev, loss.dev);
        double rtol = softmaxTolerance(maxAbsLogit, cols);
        if (!gradAliasesProbabilities) {
            assertClose("softmaxCrossEntropy probabilities", p.expected(), p.actual(), rtol, Float.MIN_NORMAL);
        }
        // grad = (ŷ − y)/m: the probability's error, plus one rounding of the difference, over m
        double[] gTol = new double[rows * cols];
        Tensor pr = reference().allocate(rows, cols);
        reference().softmax(z.ref, pr);
        double[] pe = reference().values(pr);
        for (int i = 0; i < gTol.length; i++) {
            gTol[i] = (rtol * pe[i] + 2 * U * (pe[i] + Math.abs(y.host[i]))) / rows + Float.MIN_NORMAL;
        }
        assertClose("softmaxCrossEntropy grad", g.expected(), g.actual(), gTol);
        // loss terms y·(z − lse): each rounded relative to |y|·(|z| + |lse|); summed over m rows
        double mag = 3;
        for (int i = 0; i < rows * cols; i++) {
            mag += Math.abs(y.host[i]) * (Math.abs(z.host[i]) + maxAbsLogit + Math.log(cols) + 1);
        }
        double expected = reference().values(loss.ref)[0];
        float actual = loss.actual()[0];
        assertTrue(Float.isFinite(actual), "softmaxCrossEntropy loss is " + actual);
        assertEquals(expected, actual, sumTolerance((long) rows * cols, mag), "softmaxCrossEntropy loss (added to 3)");
    }

    private void checkBinaryCrossEntropy(Pair z, Pair y, boolean gradAliasesProbabilities) {
        int rows = z.rows;
        int cols = z.cols;
        Pair p = filled(rows, cols, Float.NaN);
        Pair g = gradAliasesProbabilities ? p : filled(rows, cols, Float.NaN);
        Pair loss = pair(new float[] {-2f}, 1, 1);
        reference().sigmoidBinaryCrossEntropy(z.ref, y.ref, p.ref, g.ref, loss.ref);
        backend().sigmoidBinaryCrossEntropy(z.dev, y.dev, p.dev, g.dev, loss.dev);
        if (!gradAliasesProbabilities) {
            // σ(z) in float32: a few ulp
            assertClose("sigmoidBinaryCrossEntropy probabilities", p.expected(), p.actual(), 32 * U, Float.MIN_NORMAL);
        }
        // (σ(z) − y)/m: σ's error plus one rounding of a difference of values ≤ 1, over m
        assertClose("sigmoidBinaryCrossEntropy grad", g.expected(), g.actual(), 0, 34 * U / rows);
        // each term max(z,0) − z·y + log1p(e^−|z|) errs by a few u·(|z| + 1)
        double mag = 2;
        for (int i = 0; i < rows * cols; i++) {
            mag += 2 * Math.abs(z.host[i]) + 1;
        }
        double expected = reference().values(loss.ref)[0];
        float actual = loss.actual()[0];
        assertTrue(Float.isFinite(actual), "sigmoidBinaryCrossEntropy loss is " + actual);
        assertEquals(expected, actual, sumTolerance((long) rows * cols, mag), "sigmoidBinaryCrossEntropy loss (added to -2)");
    }
}
