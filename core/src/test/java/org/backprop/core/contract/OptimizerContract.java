package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** SGD, momentum, Nesterov, RMSprop and Adam updates in place, axpy (weight decay) and max-norm. */
interface OptimizerContract extends ContractSupport {

    @Test
    default void adamRejectsStepZero() {
        Tensor t = tensor(1, 2, 0f);
        assertThrows(IllegalArgumentException.class,
                () -> backend().adamUpdate(t, t, t, t, 0.1f, 0.9f, 0.999f, 1e-8f, 0));
    }

    @Test
    default void optimisersRejectMismatchedShapes() {
        Tensor a = tensor(2, 3, 0f);
        Tensor b = tensor(3, 2, 0f);
        assertThrows(IllegalArgumentException.class, () -> backend().sgdUpdate(a, b, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> backend().momentumUpdate(a, a, b, 0.1f, 0.9f));
        assertThrows(IllegalArgumentException.class,
                () -> backend().adamUpdate(a, a, b, a, 0.1f, 0.9f, 0.999f, 1e-8f, 1));
        assertThrows(IllegalArgumentException.class, () -> backend().nesterovUpdate(a, a, b, 0.1f, 0.9f));
        assertThrows(IllegalArgumentException.class, () -> backend().rmspropUpdate(a, b, a, 0.1f, 0.99f, 1e-8f));
        assertThrows(IllegalArgumentException.class, () -> backend().axpy(0.1f, a, b));
    }

    /**
     * Weights 2×3 (inputs × units), bound c = 2, worked by hand:
     * column 0 = (3, 4): norm 5 > 2, scale 2/(5 + 1e-7) = 0.39999999..., so (1.2, 1.6);
     * column 1 = (0.3, 0.4): norm 0.5 ≤ 2, scale 0.5/(0.5 + 1e-7) = 0.9999998, so (0.29999994, 0.39999992);
     * column 2 = (0, 0): norm 0, scale 0/1e-7 = 0, stays (0, 0).
     */
    @Test
    default void maxNormRescalesColumnsByHand() {
        Tensor w = track(backend().upload(new float[] {3f, 0.3f, 0f, 4f, 0.4f, 0f}, 2, 3));
        backend().maxNorm(w, 2f);
        assertArrayEquals(new float[] {1.2f, 0.29999994f, 0f, 1.6f, 0.39999992f, 0f}, backend().download(w), 1e-6f);
    }

    @Test
    default void maxNormRejectsABoundThatIsNotPositive() {
        Tensor w = track(backend().allocate(2, 2));
        backend().fill(w, 1f);
        assertThrows(IllegalArgumentException.class, () -> backend().maxNorm(w, 0f));
        assertThrows(IllegalArgumentException.class, () -> backend().maxNorm(w, -1f));
        assertThrows(IllegalArgumentException.class, () -> backend().maxNorm(w, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> backend().maxNorm(w, Float.POSITIVE_INFINITY));
    }
}
