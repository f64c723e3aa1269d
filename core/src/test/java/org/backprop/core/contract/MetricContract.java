package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Metrics and reductions: count correct, argmax, sum of squares, scale. */
interface MetricContract extends ContractSupport {

    @Test
    default void countCorrectBreaksTiesTowardTheFirstMaximum() {
        Pair o = pair(new float[] {0.5f, 0.5f, 0f, 0f, 0.5f, 0.5f}, 2, 3);
        Pair y = pair(new float[] {1f, 0f, 0f, 0f, 0f, 1f}, 2, 3);
        Pair c = pair(new float[] {0f}, 1, 1);
        backend().countCorrect(o.dev, y.dev, c.dev);
        assertEquals(1f, c.actual()[0]);
    }

    @Test
    default void countCorrectWithOneColumnThresholdsAtOneHalf() {
        Pair o = pair(new float[] {0.5f, 0.49999997f, 0.9f, 0.1f, 0.7f}, 5, 1);
        Pair y = pair(new float[] {1f, 0f, 0f, 1f, 1f}, 5, 1);
        Pair c = pair(new float[] {10f}, 1, 1);
        backend().countCorrect(o.dev, y.dev, c.dev);
        assertEquals(13f, c.actual()[0]);
    }

    @Test
    default void argmaxRejectsAWrongIndexCount() {
        Tensor x = track(backend().allocate(3, 2));
        Tensor idx = track(backend().allocateIndices(2));
        backend().fill(x, 0f);
        assertThrows(IllegalArgumentException.class, () -> backend().argmax(x, idx));
    }
}
