package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Sigmoid, tanh, ReLU and their backward passes, in and out of place. */
interface ActivationContract extends ContractSupport {

    @Test
    default void reluBackwardPassesNothingWhereTheOutputIsZero() {
        Pair y = pair(new float[] {0f, 2f, 0f, 1e-30f}, 1, 4);
        Pair dy = pair(new float[] {5f, 6f, 7f, 8f}, 1, 4);
        backend().reluBackward(y.dev, dy.dev, dy.dev);
        assertArrayEquals(new float[] {0f, 6f, 0f, 8f}, dy.actual());
    }

    @Test
    default void sigmoidOfZeroIsOneHalfAndSaturatesWithoutNaN() {
        Pair x = pair(new float[] {0f, 1f, -1000f, 1000f, 3f}, 1, 5);
        backend().sigmoid(x.dev, x.dev);
        float[] y = x.actual();
        assertEquals(0.5f, y[0]);
        // σ(1) = 0.7310585786300049 and σ(3) = 0.9525741268224334 (the course notes): 4 ulp
        assertEquals(0.7310585786300049, y[1], 4 * U);
        assertEquals(0f, y[2]);
        assertEquals(1f, y[3]);
        assertEquals(0.9525741268224334, y[4], 4 * U);
    }

    @Test
    default void activationsRejectDifferentShapes() {
        Tensor a = track(backend().allocate(2, 3));
        Tensor b = track(backend().allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().sigmoid(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend().tanh(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend().relu(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend().sigmoidBackward(a, a, b));
        assertThrows(IllegalArgumentException.class, () -> backend().tanhBackward(a, b, a));
        assertThrows(IllegalArgumentException.class, () -> backend().reluBackward(b, a, a));
        assertThrows(IllegalArgumentException.class, () -> backend().softmax(a, b));
    }
}
