package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The course notes' worked numbers, reproduced through the engine rather than restated.
 * Tolerances: the notes give 4 significant digits; the fp32 engine is far closer than that.
 */
class CourseNotesTest {

    static java.util.stream.Stream<Backend> backends() {
        return TestData.backends();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sigmoidDerivativeAtOneIsAbout0_1966(Backend b) {
        try (b; Tensor x = b.upload(new float[] {1f}, 1, 1); Tensor y = b.allocate(1, 1);
             Tensor dy = b.upload(new float[] {1f}, 1, 1); Tensor dx = b.allocate(1, 1)) {
            b.sigmoid(x, y);
            b.sigmoidBackward(y, dy, dx);
            assertEquals(0.1966, b.scalar(dx), 5e-5);
        }
    }

    /** w = [−1, 0.5, 10], b = −2, x = [4, −2, 1], y = 1: z = 3, σ(3) ≈ 0.9526, cost (y − ŷ)² ≈ 0.00225. */
    @ParameterizedTest
    @MethodSource("backends")
    void singleSigmoidNeuronSquaredErrorAndItsGradient(Backend b) {
        try (b; Model m = Model.builder(3).dense(1, Activation.SIGMOID).init(Init.ZEROS).build(b);
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            float[] w = {-1f, 0.5f, 10f};
            m.setParameters(0, w, new float[] {-2f});
            Dataset one = TestData.dataset(new float[] {4f, -2f, 1f}, 3, new int[] {1}, 2);
            assertEquals(0.9526, m.predict(one.features(), 1)[0], 5e-5);
            Trainer t = new Trainer(m, Loss.SQUARED_ERROR, sgd);
            double cost = t.lossAndGradients(one, 0L, 1);
            assertEquals(0.00225, cost, 5e-6);
            float[] grad = TestData.gradients(m, 0)[0];
            double eps = 1e-2;
            for (int i = 0; i < 3; i++) {
                float[] plus = w.clone();
                float[] minus = w.clone();
                plus[i] += (float) eps;
                minus[i] -= (float) eps;
                m.setParameters(0, plus, new float[] {-2f});
                double lp = t.lossAndGradients(one, 0L, 1);
                m.setParameters(0, minus, new float[] {-2f});
                double lm = t.lossAndGradients(one, 0L, 1);
                double fd = (lp - lm) / (plus[i] - minus[i]);
                // central difference: truncation O(eps²·f‴) ≈ 1e-6 here; fp32 loss rounding ≈ 1e-8/eps
                assertEquals(fd, grad[i], 2e-5 + 1e-3 * Math.abs(fd), "dC/dw" + i);
            }
        }
    }

    /** Logistic regression: the log-likelihood gradient is Σ(y − ŷ)·x; our 1/m-averaged BCE gradient is its negative over m. */
    @ParameterizedTest
    @MethodSource("backends")
    void logisticRegressionGradientIsTheLogLikelihoodGradient(Backend b) {
        Dataset d = TestData.random(9, 4, 2, 11);
        try (b; Model m = Model.builder(4).dense(1, Activation.SIGMOID).init(Init.XAVIER).seed(5).build(b);
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            Trainer t = new Trainer(m, Loss.BINARY_CROSS_ENTROPY, sgd);
            t.lossAndGradients(d, 0L, 1);
            float[][] g = TestData.gradients(m, 0);
            float[] yhat = m.predict(d.features(), d.size());
            for (int j = 0; j < 4; j++) {
                double ll = 0;
                for (int i = 0; i < d.size(); i++) {
                    ll += (d.labels()[i] - yhat[i]) * d.features()[i * 4 + j];
                }
                assertEquals(-ll / d.size(), g[0][j], 1e-6, "weight " + j);
            }
            double llBias = 0;
            for (int i = 0; i < d.size(); i++) {
                llBias += d.labels()[i] - yhat[i];
            }
            assertEquals(-llBias / d.size(), g[1][0], 1e-6, "bias");
        }
    }

    /** The deck's softmax example: [1, 2, 3] → [0.09, 0.24, 0.67] (to two decimals). */
    @ParameterizedTest
    @MethodSource("backends")
    void softmaxOfOneTwoThree(Backend b) {
        try (b; Tensor z = b.upload(new float[] {1f, 2f, 3f}, 1, 3); Tensor p = b.allocate(1, 3)) {
            b.softmax(z, p);
            float[] out = b.download(p);
            assertEquals(0.09, out[0], 0.005);
            assertEquals(0.24, out[1], 0.005);
            assertEquals(0.67, out[2], 0.005);
            assertEquals(1.0, out[0] + out[1] + out[2], 1e-6);
        }
    }

    /** Two-class softmax is the logistic function of the difference: p₁ = σ(z₁ − z₂). */
    @ParameterizedTest
    @MethodSource("backends")
    void twoClassSoftmaxIsTheSigmoidOfTheDifference(Backend b) {
        float[] z = {0.3f, -1.2f, 2.5f, 2.5f, -4f, 1f};
        try (b; Tensor logits = b.upload(z, 3, 2); Tensor p = b.allocate(3, 2);
             Tensor d = b.upload(new float[] {z[0] - z[1], z[2] - z[3], z[4] - z[5]}, 3, 1); Tensor s = b.allocate(3, 1)) {
            b.softmax(logits, p);
            b.sigmoid(d, s);
            float[] soft = b.download(p);
            float[] sig = b.download(s);
            for (int i = 0; i < 3; i++) {
                assertEquals(sig[i], soft[2 * i], 1e-6, "row " + i);
            }
        }
    }

    /** The deck's 40-20-1 network: 40·20 + 20·1 = 820 weights and 20 + 1 = 21 biases; describe() prints their sum. */
    @ParameterizedTest
    @MethodSource("backends")
    void parameterCountOfA40_20_1Network(Backend b) {
        try (b; Model m = Model.builder(40).dense(20, Activation.SIGMOID).dense(1, Activation.SIGMOID).build(b)) {
            assertEquals(820, m.weightCount());
            assertEquals(21, m.biasCount());
            assertEquals(841, m.parameterCount());
            assertEquals("40-20-1 (sigmoid, sigmoid; 841 parameters)", m.describe());
        }
    }
}
