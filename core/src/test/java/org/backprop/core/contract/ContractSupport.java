package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.Output;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.core.reference.Tolerance;

/**
 * What every family of the contract needs from {@link BackendContract}: the backend under test,
 * the reference, tensor tracking, and the check of one catalogue case.
 */
interface ContractSupport {

    /** float32 unit roundoff. */
    double U = Tolerance.U;

    Backend backend();

    ReferenceBackend reference();

    /** Closed after the test. */
    Tensor track(Tensor t);

    /** A tensor of the backend under test filled with value, closed after the test. */
    default Tensor tensor(int rows, int cols, float value) {
        Tensor t = track(backend().allocate(rows, cols));
        backend().fill(t, value);
        return t;
    }

    /** The same host data on the reference and on the backend under test. */
    default Pair pair(float[] host, int rows, int cols) {
        return new Pair(this, host, rows, cols);
    }

    default Pair random(Random rnd, int rows, int cols, double lo, double hi) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return pair(v, rows, cols);
    }

    default Pair filled(int rows, int cols, float value) {
        float[] v = new float[rows * cols];
        java.util.Arrays.fill(v, value);
        return pair(v, rows, cols);
    }

    /** Runs a catalogue case on the reference and on the backend; every output within its bound. */
    default void check(OpCase c) {
        List<Output> expected = c.expected(reference());
        List<Output> actual = c.run(backend());
        assertEquals(expected.size(), actual.size(), c + ": number of outputs");
        for (int i = 0; i < expected.size(); i++) {
            Output e = expected.get(i);
            Tolerance.Verdict v = e.tolerance().check(e.values(), actual.get(i).values());
            if (!v.passed()) {
                fail(c + ", output " + e.name() + ": " + v.detail() + " (" + String.format("%.3g", v.ratio())
                        + " times the bound: " + e.tolerance().why() + ")");
            }
        }
    }

    static Random rnd(Object... key) {
        return new Random(java.util.Arrays.deepHashCode(key) * 31L + 20261121L);
    }

    /** Every element within its own absolute tolerance; expected non-finite values must match exactly. */
    static void assertClose(String what, double[] expected, float[] actual, double[] tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            float a = actual[i];
            if (!Double.isFinite(e)) {
                assertEquals((float) e, a, what + ": element " + i);
                continue;
            }
            if (!Float.isFinite(a) || Math.abs(a - e) > tolerance[i]) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " ± " + tolerance[i]);
            }
        }
    }

    /** |a − e| ≤ rtol·|e| + atol elementwise. */
    static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        double[] tol = new double[expected.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = rtol * Math.abs(expected[i]) + atol;
        }
        assertClose(what, expected, actual, tol);
    }
}
