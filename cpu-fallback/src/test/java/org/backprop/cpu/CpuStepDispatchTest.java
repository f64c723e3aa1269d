package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import org.backprop.data.Dataset;
import org.backprop.nn.Activation;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.StepRunner;
import org.backprop.nn.TrainingRecipe;
import org.junit.jupiter.api.Test;

/**
 * Barriers per training step of the reference MLP (784-1024-1024-10 sigmoid, batch 256, SGD) on
 * two threads. Each is a fork/join of the worker pool. With the bias gradient summed while δ is
 * packed for xᵀ·δ, each operand strip packed by the first tile task that needs it (no packing
 * dispatch of its own) and one SGD dispatch for all parameters, a step needs 14: 1 gather of the
 * batch's inputs (its one-hot targets stay on the caller), 1 per GEMM with 1024-wide operands for
 * the hidden layers' forward, weight-gradient and δ·Wᵀ products (5 of them), 1 per output-layer
 * product (the GEMM's narrow paths, which pack only the 10-wide operand, on the caller: 3), a
 * bias-and-activation pass per hidden layer forward and an f′ pass per hidden layer backward (4),
 * and 1 SGD update. It was 19 while each GEMM packed in a dispatch of its own; the plain ops took
 * 22: a bias-gradient pass per hidden layer and an SGD call per large tensor more. (With bias,
 * activation and f′ as GEMM epilogues it was fewer, but slower: see docs/performance/gemm.md.)
 */
class CpuStepDispatchTest {

    @Test
    void referenceStepForksFourteenTimes() {
        int rows = 512;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[rows * 784];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt(10);
        }
        Dataset data = new Dataset("random", x, y, 784, 10);
        TrainingRecipe recipe = TrainingRecipe.defaults().withHidden(new int[] {1024, 1024}, null)
                .withActivation(Activation.SIGMOID).withOptimizer("sgd", 0.1f).withBatch(256);
        try (CpuBackend backend = new CpuBackend(2);
             Model model = recipe.build(backend, 784, 10);
             Optimizer sgd = recipe.newOptimizer();
             StepRunner steps = new StepRunner(model, Loss.CROSS_ENTROPY, data, 256)) {
            steps.lossAndGradients(0, 256);
            sgd.step(model.parameters());   // the first step binds the optimiser: not counted
            long before = backend.dispatches();
            steps.lossAndGradients(256, 256);
            sgd.step(model.parameters());
            long perStep = backend.dispatches() - before;
            assertEquals(14, perStep, "fork/joins in one reference training step");
            long again = backend.dispatches();
            steps.lossAndGradients(0, 256);
            sgd.step(model.parameters());
            assertEquals(perStep, backend.dispatches() - again, "the count depends on the shapes alone");
        }
    }
}
