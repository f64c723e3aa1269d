package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.cpu.CpuBackend;
import org.backprop.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * StepRunner, the per-batch hook data-parallel trainers use, computes what Trainer computes: the
 * same loss and gradients for the same rows, gathered through a row order, in the flat layout
 * W0, b0, W1, b1, ...
 */
class StepRunnerTest {

    static Model mlp(CpuBackend cpu) {
        return Model.builder(5).dense(7, Activation.TANH).dense(3, Activation.SOFTMAX).init(Init.AUTO).seed(3).build(cpu);
    }

    @Test
    void gradientsOfRowsPickedByTheOrderEqualTrainersOnThoseRows() {
        Dataset data = TestData.random(40, 5, 3, 11);
        int[] order = StepRunner.epochOrder(40, 42, 1);
        int[] picked = java.util.Arrays.copyOfRange(order, 8, 21);
        try (CpuBackend cpu = new CpuBackend(2); Model m = mlp(cpu);
             StepRunner runner = new StepRunner(m, Loss.CROSS_ENTROPY, data, 16)) {
            Trainer t = new Trainer(m, Loss.CROSS_ENTROPY, Optimizer.sgd(0.1f));
            double expectedLoss = t.lossAndGradients(data.subset(picked), 42L, 1);
            float[] expected = new float[(int) m.parameterCount()];
            int at = 0;
            for (int l = 0; l < 2; l++) {
                for (float[] g : TestData.gradients(m, l)) {
                    System.arraycopy(g, 0, expected, at, g.length);
                    at += g.length;
                }
            }
            runner.setOrder(order);
            runner.lossAndGradients(8, 13);
            float[] got = new float[expected.length];
            StepRunner.gradients(m, got);
            assertArrayEquals(expected, got, 1e-6f);
            assertEquals(expectedLoss * 13, runner.metrics()[0], 1e-4);
        }
    }

    @Test
    void flatParametersRoundTripInLayerOrder() {
        try (CpuBackend cpu = new CpuBackend(1); Model m = mlp(cpu)) {
            float[] flat = new float[(int) m.parameterCount()];
            for (int i = 0; i < flat.length; i++) {
                flat[i] = i * 0.001f;
            }
            StepRunner.setParameters(m, flat);
            assertEquals(0.001f * 35, m.bias(0)[0], 0f);   // after W0's 5×7 weights
            assertEquals(0.001f * 42, m.weights(1)[0], 0f); // after b0's 7 biases
            float[] back = new float[flat.length];
            StepRunner.parameters(m, back);
            assertArrayEquals(flat, back, 0f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> StepRunner.setParameters(m, new float[3]));
            assertEquals("flat parameter array has 3 values, the model " + m.describe() + " needs 66", e.getMessage());
        }
    }
}
