package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.cpu.gemm.Gemm;
import org.backprop.cpu.gemm.GemmBlocking;
import org.backprop.cpu.gemm.PanelLayout;
import org.backprop.data.Dataset;
import org.backprop.nn.Activation;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.Parameter;
import org.backprop.nn.StepRunner;
import org.backprop.nn.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Weights held in the GEMM's panels ({@link PanelLayout}): training must give the bits of row-major
 * weights, and every op that does not know the layout must still see the row-major values (the
 * products themselves are checked by {@code GemmPanelsTest}).
 */
class CpuPanelLayoutTest {

    private static float[] dense(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        SameBits.assertSameBits(expected, actual, 0, what, "row-major", "panels");
    }

    private static Dataset randomData(int rows, int features, int classes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble() < 0.4 ? 0f : (float) rnd.nextDouble();
        }
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt(classes);
        }
        return new Dataset("random", x, y, features, classes);
    }

    /** Trains a few steps; returns every parameter, downloaded, and whether any weight was in panels. */
    private static float[][] train(boolean panels, String optimizer, Activation act, boolean clip, float maxNorm) {
        Dataset data = randomData(300, 100, 10, 5);
        TrainingRecipe recipe = TrainingRecipe.defaults().withHidden(new int[] {64, 96}, null)
                .withActivation(act).withOptimizer(optimizer, 0.05f).withBatch(64);
        try (CpuBackend backend = new CpuBackend(2, true, null, panels);
             Model model = recipe.build(backend, 100, 10);
             Optimizer opt = recipe.newOptimizer();
             StepRunner steps = new StepRunner(model, Loss.CROSS_ENTROPY, data, 64);
             Tensor norm = backend.allocate(1, 1)) {
            boolean sawPanels = false;
            for (int step = 0; step < 6; step++) {
                steps.lossAndGradients((step * 64) % 256, 64);
                if (clip) {
                    backend.fill(norm, 0f);
                    for (Parameter p : model.parameters()) {
                        backend.sumOfSquares(p.grad(), norm);
                    }
                    float scale = (float) Math.min(1, 0.5 / Math.sqrt(backend.download(norm)[0]));
                    for (Parameter p : model.parameters()) {
                        backend.scale(p.grad(), scale);
                    }
                }
                opt.step(model.parameters());
                if (maxNorm > 0) {
                    // every weight matrix (even parameters), each column to norm ≤ maxNorm, in whatever layout
                    for (int i = 0; i < model.parameters().size(); i += 2) {
                        backend.maxNorm(model.parameters().get(i).value(), maxNorm);
                    }
                }
                for (Parameter p : model.parameters()) {
                    sawPanels |= ((CpuTensor) p.value()).panel != 0;
                }
            }
            List<Parameter> params = model.parameters();
            float[][] out = new float[params.size() + 1][];
            for (int i = 0; i < params.size(); i++) {
                out[i] = backend.download(params.get(i).value());
            }
            out[params.size()] = new float[] {sawPanels ? 1 : 0};
            return out;
        }
    }

    @ParameterizedTest(name = "{0} {1} clip={2} max-norm={3}")
    @CsvSource({
        "sgd, SIGMOID, false, 0",
        "adam, RELU, false, 0",
        "momentum, TANH, true, 0",
        "rmsprop, RELU, true, 0",
        "adamw, SIGMOID, false, 0",
        "momentum, RELU, false, 0.6",
    })
    void trainingWithWeightsInPanelsGivesTheRowMajorBits(String optimizer, Activation act, boolean clip,
                                                         float maxNorm) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        float[][] rowMajor = train(false, optimizer, act, clip, maxNorm);
        float[][] panels = train(true, optimizer, act, clip, maxNorm);
        assertEquals(0f, rowMajor[rowMajor.length - 1][0], "panels were off, yet a weight was in panels");
        assertEquals(1f, panels[panels.length - 1][0], "no weight went into panels, so nothing was tested");
        for (int i = 0; i < rowMajor.length - 1; i++) {
            assertSameBits(rowMajor[i], panels[i], "parameter " + i);
        }
    }

    @Test
    void opsThatDoNotKnowPanelsSeeTheRowMajorValues() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        Random r = new Random(9);
        int in = 40;
        int out = 64;
        float[] w = dense(r, in * out);
        float[] x = dense(r, 3 * in);
        try (CpuBackend backend = new CpuBackend(2, true, null, true);
             Tensor weights = backend.upload(w, in, out);
             Tensor input = backend.upload(x, 3, in);
             Tensor bias = backend.allocate(1, out);
             Tensor y = backend.allocate(3, out);
             Tensor copy = backend.allocate(in, out);
             Tensor product = backend.allocate(out, out)) {
            backend.linearForward(input, weights, bias, Pointwise.IDENTITY, y);
            CpuTensor held = (CpuTensor) weights;
            assertNotEquals(0, held.panel, "x·W put W into panels");
            assertArrayEquals(w, backend.download(weights), "download gives rows");
            assertArrayEquals(java.util.Arrays.copyOf(w, 5 * out), backend.download(weights.firstRows(5)),
                    "a view reads the first rows");
            assertEquals(0, held.panel, "a view's read turned the weights back to rows");
            backend.linearForward(input, weights, bias, Pointwise.IDENTITY, y);
            assertNotEquals(0, held.panel, "the next x·W takes panels again");
            backend.copy(weights, copy);
            assertArrayEquals(w, backend.download(copy), "copy");
            // Wᵀ·W reads W as A, which the GEMM packs from rows: it must get rows
            backend.gemm(true, false, 1f, weights, weights, 0f, product);
            float[] p = backend.download(product);
            for (int i = 0; i < out; i += 7) {
                for (int j = 0; j < out; j += 5) {
                    double s = 0;
                    for (int q = 0; q < in; q++) {
                        s += (double) w[q * out + i] * w[q * out + j];
                    }
                    assertEquals(s, p[i * out + j], 1e-4 * in, "WᵀW[" + i + "][" + j + "]");
                }
            }
            backend.addBias(weights, bias);   // zero bias: the values stay, read and written as rows
            assertArrayEquals(w, backend.download(weights), "addBias");
            float[] fresh = dense(r, in * out);
            backend.linearForward(input, weights, bias, Pointwise.IDENTITY, y);
            backend.upload(fresh, weights);
            assertEquals(0, held.panel, "an upload writes rows");
            assertArrayEquals(fresh, backend.download(weights), "upload over panels");
        }
    }

    @Test
    void aSumOfSquaresOverPanelsAddsInRowMajorOrder() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        int rows = 33;
        int cols = 96;
        float[] v = new float[rows * cols];
        Random r = new Random(4);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextFloat() - 0.5) * Math.pow(10, r.nextInt(9) - 4));
        }
        try (WorkerPool pool = new WorkerPool(1)) {
            int w = Gemm.vector(pool, GemmBlocking.parse("12x2:256")).panelWidth();
            float[] panels = new float[v.length];
            PanelLayout.toPanels(v, rows, cols, w, panels);
            double inPanelOrder = CpuOps.sumOfSquares(panels, 0, panels.length);
            double rowOrder = CpuOps.sumOfSquares(v, 0, v.length);
            assertNotEquals(rowOrder, inPanelOrder, "the orders round alike here, so the test shows nothing");
            for (int[] range : new int[][] {{0, v.length}, {5, 1000}, {31, 33}, {96, 97}, {1000, v.length}}) {
                assertEquals(CpuOps.sumOfSquares(v, range[0], range[1]),
                        CpuOps.sumOfSquaresInPanels(panels, rows, cols, w, range[0], range[1]),
                        "elements " + range[0] + ".." + range[1]);
            }
        }
    }
}
