package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The judge's arithmetic: what passes and fails each kind of bound. Values are hand-picked. */
class ToleranceTest {

    @Test
    void exactMeansTheReferenceRoundedToFloat() {
        Tolerance t = Tolerance.exact("test");
        double e = 0.1;   // not a float: 0.1f is the nearest one
        assertTrue(t.check(new double[] {e}, new double[] {0.1f}).passed());
        assertFalse(t.check(new double[] {e}, new double[] {Math.nextUp(0.1f)}).passed());
        assertTrue(t.checkPair(new double[] {e}, new double[] {0.1f}, new double[] {0.1f}).passed());
        assertFalse(t.checkPair(new double[] {e}, new double[] {0.1f}, new double[] {Math.nextDown(0.1f)}).passed());
    }

    @Test
    void relAbsAllowsRelativePlusAbsoluteAndReportsTheRatio() {
        Tolerance t = Tolerance.relAbs(0.01, 0.5, "test");
        // allowance at e = 100 is 1 + 0.5 = 1.5
        Tolerance.Verdict v = t.check(new double[] {100}, new double[] {101.5});
        assertTrue(v.passed());
        assertEquals(1.0, v.ratio(), 1e-12);
        assertEquals(1.5, v.maxAbsError(), 1e-12);
        assertFalse(t.check(new double[] {100}, new double[] {101.6}).passed());
        // two backends may each be 1.5 away, on opposite sides
        assertTrue(t.checkPair(new double[] {100}, new double[] {98.5}, new double[] {101.5}).passed());
        assertFalse(t.checkPair(new double[] {100}, new double[] {98.4}, new double[] {101.5}).passed());
    }

    @Test
    void aPairBoundTightensTheComparisonOfTwoBackendsOnly() {
        Tolerance t = Tolerance.relAbs(0, 1, "test").andPair(0, 0.25, "same formula");
        assertTrue(t.check(new double[] {0}, new double[] {1}).passed());
        assertTrue(t.checkPair(new double[] {0}, new double[] {1}, new double[] {1.25}).passed());
        assertFalse(t.checkPair(new double[] {0}, new double[] {1}, new double[] {1.5}).passed());
    }

    @Test
    void nonFiniteValuesMustMatchExactly() {
        Tolerance t = Tolerance.abs(1, "test");
        assertFalse(t.check(new double[] {0}, new double[] {Double.NaN}).passed());
        assertFalse(t.check(new double[] {0}, new double[] {Double.POSITIVE_INFINITY}).passed());
        assertTrue(t.check(new double[] {Double.POSITIVE_INFINITY}, new double[] {Float.POSITIVE_INFINITY}).passed());
        assertFalse(t.check(new double[] {Double.NaN}, new double[] {0}).passed());
        assertFalse(t.check(new double[] {1, 2}, new double[] {1}).passed(), "a length mismatch fails");
    }

    @Test
    void theNormBoundUsesItsFloorWhereCancellationShrinksTheExpectedValue() {
        Tolerance plain = Tolerance.norm(U, "test");
        double[] e = {1e-3};
        double[] a = {1e-3 + 1e-6};
        assertFalse(plain.check(e, a).passed());
        Tolerance floored = Tolerance.abs(1, "test").andNorm(U, () -> 1e-6 / U, "floor");
        assertTrue(floored.check(e, a).passed());
        assertFalse(floored.check(e, new double[] {1e-3 + 2e-6}).passed());
    }
}
