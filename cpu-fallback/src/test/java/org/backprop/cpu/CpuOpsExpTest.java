package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The float exp behind sigmoid: its accuracy, its limits, and the vector copies' identical bits (sigmoid, relu). */
class CpuOpsExpTest {

    @Test
    void expIsWithinTwoUlpOfTheDoubleExpAcrossItsRange() {
        // a degree-6 polynomial on |r| ≤ ln2/2 plus a few float roundings: about 1 ulp; 2 allowed
        double worst = 0;
        for (float x = -87f; x <= 88f; x += 0.001f) {
            double exact = Math.exp(x);
            float got = CpuOps.exp(x);
            worst = Math.max(worst, Math.abs(got - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 2, "worst error " + worst + " ulp");
    }

    @Test
    void expUnderflowsToZeroOverflowsToInfinityAndKeepsNaN() {
        assertEquals(0f, CpuOps.exp(-1000f));
        assertEquals(0f, CpuOps.exp(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, CpuOps.exp(1000f));
        assertEquals(Float.POSITIVE_INFINITY, CpuOps.exp(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(CpuOps.exp(Float.NaN)));
        assertEquals(1f, CpuOps.exp(0f));
        // gradual underflow: e^-100 ≈ 3.7e-44 is a float subnormal
        assertEquals(Math.exp(-100), CpuOps.exp(-100f), Float.MIN_VALUE * 2);
    }

    @Test
    void sigmoidSaturatesExactly() {
        assertEquals(0.5f, CpuOps.sigmoid(0f));
        assertEquals(0f, CpuOps.sigmoid(-1000f));
        assertEquals(1f, CpuOps.sigmoid(1000f));
        assertTrue(Float.isNaN(CpuOps.sigmoid(Float.NaN)));
    }

    @Test
    void tanhIsWithinFourUlpAndSaturates() {
        // for |x| ≥ 0.5: exp's 2 ulp plus three roundings on a result ≥ 0.46; below, Math.tanh
        double worst = 0;
        for (float x = -12f; x <= 12f; x += 0.0007f) {
            double exact = Math.tanh(x);
            worst = Math.max(worst, Math.abs(CpuOps.tanh(x) - exact) / Math.ulp((float) exact));
        }
        assertTrue(worst <= 4, "worst error " + worst + " ulp");
        assertEquals(1f, CpuOps.tanh(Float.POSITIVE_INFINITY));
        assertEquals(-1f, CpuOps.tanh(-1000f));
        assertTrue(Float.isNaN(CpuOps.tanh(Float.NaN)));
    }

    @Test
    void vectorSigmoidGivesTheScalarBitsForEveryInput() {
        Random r = new Random(7);
        int n = 100_003;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 5) {
                case 0 -> (float) r.nextGaussian();
                case 1 -> (float) (r.nextGaussian() * 40);
                case 2 -> Float.intBitsToFloat(r.nextInt());
                default -> (float) (r.nextDouble() * 240 - 120);
            };
        }
        x[0] = Float.NaN;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = -0f;
        assertVectorGivesScalarBits("sigmoid", x, out -> CpuOps.sigmoid(x, out, 0, n), out -> VectorOps.sigmoid(x, out, 0, n));
    }

    @Test
    void vectorReluAndItsBackwardGiveTheScalarBitsForEveryInput() {
        Random r = new Random(11);
        int n = 100_003;
        float[] x = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 3 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) r.nextGaussian();
            dy[i] = (float) r.nextGaussian();
        }
        x[0] = Float.NaN;
        x[1] = -0f;
        x[2] = 0f;
        x[3] = Float.NEGATIVE_INFINITY;
        x[4] = Float.MIN_VALUE;
        x[5] = -Float.MIN_VALUE;
        assertVectorGivesScalarBits("relu", x, out -> CpuOps.relu(x, out, 0, n), out -> VectorOps.relu(x, out, 0, n));
        assertVectorGivesScalarBits("reluBackward", x, out -> CpuOps.reluBackward(x, dy, out, 0, n),
                out -> VectorOps.reluBackward(x, dy, out, 0, n));
    }

    /** An op writing its result for every element of x into out. */
    private interface ArrayOp {
        void apply(float[] out);
    }

    /** The scalar and the vector form of an op give the same bits for every input, twice: interpreted, then compiled. */
    private static void assertVectorGivesScalarBits(String op, float[] x, ArrayOp scalarOp, ArrayOp vectorOp) {
        float[] scalar = new float[x.length];
        float[] vector = new float[x.length];
        for (int pass = 0; pass < 2; pass++) {
            scalarOp.apply(scalar);
            vectorOp.apply(vector);
            for (int i = 0; i < x.length; i++) {
                assertEquals(Float.floatToIntBits(scalar[i]), Float.floatToIntBits(vector[i]),
                        op + "(" + x[i] + "): scalar " + scalar[i] + ", vector " + vector[i]);
            }
        }
    }
}
