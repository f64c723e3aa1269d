package org.backprop.core.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.backprop.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Hand-computed numbers, so the judge is itself judged by something other than another backend.
 * Tolerance 1e-12: every expected value is a closed form evaluated in double.
 */
class ReferenceBackendTest {

    private static final double EPS = 1e-12;
    private final ReferenceBackend ref = new ReferenceBackend();

    private Tensor t(int rows, int cols, float... values) {
        return ref.upload(values, rows, cols);
    }

    /**
     * The reference's own loops against Commons Math's product, both in double, for every
     * transpose and odd shapes: they differ only in summation order, far below 1e-12 here.
     */
    @ParameterizedTest
    @CsvSource({"false,false,1,1,1", "false,false,3,5,7", "true,false,4,6,9", "false,true,7,2,5", "true,true,13,11,3"})
    void gemmAgreesWithCommonsMathForEveryTranspose(boolean ta, boolean tb, int m, int n, int k) {
        SplittableRandom rnd = new SplittableRandom(m * 31L + n * 7L + k);
        float[] av = new float[m * k];
        float[] bv = new float[k * n];
        float[] cv = new float[m * n];
        for (float[] v : new float[][] {av, bv, cv}) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextDouble(-1, 1);
            }
        }
        Tensor a = ta ? t(k, m, av) : t(m, k, av);
        Tensor b = tb ? t(n, k, bv) : t(k, n, bv);
        Tensor c = t(m, n, cv);
        ref.gemm(ta, tb, 0.5f, a, b, 2f, c);
        RealMatrix ma = new Array2DRowRealMatrix(ta ? k : m, ta ? m : k);
        RealMatrix mb = new Array2DRowRealMatrix(tb ? n : k, tb ? k : n);
        for (int i = 0; i < av.length; i++) {
            ma.setEntry(i / ma.getColumnDimension(), i % ma.getColumnDimension(), av[i]);
        }
        for (int i = 0; i < bv.length; i++) {
            mb.setEntry(i / mb.getColumnDimension(), i % mb.getColumnDimension(), bv[i]);
        }
        RealMatrix product = (ta ? ma.transpose() : ma).multiply(tb ? mb.transpose() : mb);
        double[] got = ref.values(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(0.5 * product.getEntry(i, j) + 2.0 * cv[i * n + j], got[i * n + j], EPS,
                        "C[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void sigmoidOfZeroIsHalfAndOfOneIsTheCourseNotesValue() {
        Tensor x = t(1, 3, 0f, 1f, 3f);
        ref.sigmoid(x, x);
        double[] y = ref.values(x);
        assertEquals(0.5, y[0], EPS);
        assertEquals(1 / (1 + Math.exp(-1)), y[1], EPS);
        assertEquals(0.9525741268224334, y[2], EPS);
        Tensor dy = t(1, 3, 1f, 1f, 1f);
        ref.sigmoidBackward(x, dy, dy);
        assertEquals(0.19661193324148185, ref.values(dy)[1], EPS);
    }

    @Test
    void softmaxOfZeroAndLn2IsOneThirdTwoThirds() {
        Tensor z = t(1, 2, 0f, (float) Math.log(2));
        Tensor p = ref.allocate(1, 2);
        ref.softmax(z, p);
        // ln 2 rounds to float, so e^z differs from 2 by about 2^-24 relative.
        double e = Math.exp((float) Math.log(2));
        assertArrayEquals(new double[] {1 / (1 + e), e / (1 + e)}, ref.values(p), EPS);
    }

    @Test
    void softmaxCrossEntropyAddsMinusLogOfTheTargetProbabilityAndDividesTheGradientByRows() {
        Tensor z = t(2, 2, 0f, 0f, 1000f, -1000f);
        Tensor y = t(2, 2, 1f, 0f, 0f, 1f);
        Tensor p = ref.allocate(2, 2);
        Tensor loss = t(1, 1, 10f);
        ref.softmaxCrossEntropy(z, y, p, p, loss);
        // row 0: −log ½; row 1: −log σ(−2000) = 2000 (finite although ŷ underflows); plus the 10 already there
        assertEquals(10 + Math.log(2) + 2000, ref.values(loss)[0], 1e-9);
        assertArrayEquals(new double[] {(0.5 - 1) / 2, 0.5 / 2, 1.0 / 2, -1.0 / 2}, ref.values(p), EPS);
    }

    @Test
    void binaryCrossEntropyIsStableForLargeLogits() {
        Tensor z = t(1, 3, 100f, -100f, 0f);
        Tensor y = t(1, 3, 0f, 0f, 1f);
        Tensor p = ref.allocate(1, 3);
        Tensor g = ref.allocate(1, 3);
        Tensor loss = t(1, 1, 0f);
        ref.sigmoidBinaryCrossEntropy(z, y, p, g, loss);
        assertEquals(100 + Math.log1p(Math.exp(-100)) + Math.log1p(Math.exp(-100)) + Math.log(2),
                ref.values(loss)[0], 1e-9);
        assertArrayEquals(new double[] {1, 0, -0.5}, ref.values(g), 1e-40 + 1e-15);
    }

    @Test
    void squaredErrorOfTheCourseNotesNeuron() {
        // w = [−1, 0.5, 10], b = −2, x = [4, −2, 1]: z = 3, ŷ = σ(3), y = 1
        Tensor x = t(1, 3, 4f, -2f, 1f);
        Tensor w = t(3, 1, -1f, 0.5f, 10f);
        Tensor z = ref.allocate(1, 1);
        ref.gemm(false, false, 1f, x, w, 0f, z);
        ref.addBias(z, t(1, 1, -2f));
        assertEquals(3, ref.values(z)[0], EPS);
        ref.sigmoid(z, z);
        Tensor grad = ref.allocate(1, 1);
        Tensor loss = t(1, 1, 0f);
        ref.squaredError(z, t(1, 1, 1f), grad, loss);
        assertEquals(0.00225, ref.values(loss)[0], 5e-6);
    }

    @Test
    void gemmWithBothTransposedAndBetaAddsTheOldC() {
        // Aᵀ = [[1, 2], [3, 4]] stored as A = [[1, 3], [2, 4]]; Bᵀ = [[5, 6], [7, 8]].
        Tensor a = t(2, 2, 1f, 3f, 2f, 4f);
        Tensor b = t(2, 2, 5f, 7f, 6f, 8f);
        Tensor c = t(2, 2, 1f, 1f, 1f, 1f);
        ref.gemm(true, true, 2f, a, b, 0.5f, c);
        assertArrayEquals(new double[] {2 * 19 + 0.5, 2 * 22 + 0.5, 2 * 43 + 0.5, 2 * 50 + 0.5}, ref.values(c), EPS);
    }

    @Test
    void gemmWithBetaZeroIgnoresNaN() {
        Tensor c = t(1, 1, Float.NaN);
        ref.gemm(false, false, 1f, t(1, 1, 2f), t(1, 1, 3f), 0f, c);
        assertEquals(6, ref.values(c)[0], EPS);
    }

    @Test
    void argmaxAndCountCorrectLetTheFirstMaximumWin() {
        Tensor x = t(2, 3, 1f, 5f, 5f, 7f, 7f, 7f);
        Tensor idx = ref.allocateIndices(2);
        ref.argmax(x, idx);
        assertArrayEquals(new int[] {1, 0}, ref.indices(idx));
        Tensor correct = t(1, 1, 1f);
        ref.countCorrect(x, t(2, 3, 0f, 1f, 0f, 0f, 0f, 1f), correct);
        assertEquals(2, ref.values(correct)[0], EPS);
    }

    @Test
    void countCorrectWithOneColumnThresholdsBothAtHalf() {
        Tensor out = t(4, 1, 0.5f, 0.49f, 0.9f, 0.1f);
        Tensor correct = t(1, 1, 0f);
        ref.countCorrect(out, t(4, 1, 1f, 0f, 0f, 1f), correct);
        assertEquals(2, ref.values(correct)[0], EPS);
    }

    @Test
    void adamFirstStepMovesEachParameterByAboutLr() {
        Tensor p = t(1, 2, 1f, 1f);
        Tensor g = t(1, 2, 0.3f, -2f);
        Tensor m = t(1, 2, 0f, 0f);
        Tensor v = t(1, 2, 0f, 0f);
        ref.adamUpdate(p, g, m, v, 0.1f, 0.9f, 0.999f, 0f, 1);
        // with ε = 0 the bias-corrected first step is lr·g/|g|
        assertArrayEquals(new double[] {0.9, 1.1}, ref.values(p), 1e-7);
    }

    @Test
    void momentumAccumulatesVelocityPyTorchStyle() {
        Tensor p = t(1, 1, 0f);
        Tensor g = t(1, 1, 1f);
        Tensor vel = t(1, 1, 0f);
        ref.momentumUpdate(p, g, vel, 0.5f, 0.5f);
        ref.momentumUpdate(p, g, vel, 0.5f, 0.5f);
        assertEquals(1.5, ref.values(vel)[0], EPS);
        assertEquals(-(0.5 + 0.75), ref.values(p)[0], EPS);
    }

    @Test
    void gatherRowsRejectsAnIndexOutsideTheSource() {
        Tensor src = t(2, 1, 1f, 2f);
        Tensor idx = ref.allocateIndices(2);
        ref.uploadIndices(new int[] {1, 2}, idx);
        Tensor dst = ref.allocate(2, 1);
        assertThrows(IllegalArgumentException.class, () -> ref.gatherRows(src, idx, 0, dst));
    }
}
