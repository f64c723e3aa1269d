package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Bias add and bias gradient (column sums). */
interface BiasContract extends ContractSupport {

    @Test
    default void biasOpsRejectAWrongBiasShape() {
        Tensor x = track(backend().allocate(4, 3));
        Tensor b = track(backend().allocate(1, 4));
        Tensor col = track(backend().allocate(3, 1));
        assertThrows(IllegalArgumentException.class, () -> backend().addBias(x, b));
        assertThrows(IllegalArgumentException.class, () -> backend().addBias(x, col));
        assertThrows(IllegalArgumentException.class, () -> backend().biasGradient(x, 0f, b));
    }
}
