package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** SGD, momentum, Nesterov, RMSprop and Adam updates in place, and axpy (weight decay). */
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
}
