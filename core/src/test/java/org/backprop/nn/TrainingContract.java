package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.backprop.core.contract.BackendPerClass;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every backend must do with whole networks, through {@code Model} and {@code Trainer}:
 * backpropagation agrees with finite differences for every loss × activation, training separates
 * a linearly separable set perfectly, and a short run on the bundled MNIST sample reaches a stated
 * accuracy. A backend module subclasses this and says how to open its backend (and, for a
 * double-precision backend, may tighten the gradient check).
 *
 * <p>Under {@code -Dbackprop.catalogue.shapes=reduced} (an emulated driver) the MNIST run trains on
 * the first 1000 sample images instead of all 5000 and is held to a lower accuracy, stated beside it.
 */
public abstract class TrainingContract extends BackendPerClass {

    /**
     * Step and tolerance of the central differences. fp32: the loss carries ≈ 1e-7 relative
     * rounding noise, which the quotient divides by eps, so eps = 3e-3 and 1e-2 relative (or
     * absolute below 1) leave room for that noise and for the O(eps²) truncation error.
     */
    protected double gradientCheckStep() {
        return 3e-3;
    }

    protected double gradientCheckTolerance() {
        return 1e-2;
    }

    static boolean reduced() {
        return OpCatalogue.Shapes.fromProperty() == OpCatalogue.Shapes.REDUCED;
    }

    // ================================================================ gradient checks

    /**
     * Every loss × activation pairing without dropout, and the ce and se pairings with dropout 0.4
     * (the key fixed at seed 5, step 3, so the mask is fixed and the training loss is a smooth
     * function of the parameters).
     */
    static List<Arguments> gradientCases() {
        List<Arguments> out = new ArrayList<>();
        for (Activation hidden : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.IDENTITY}) {
            out.add(Arguments.of(Loss.CROSS_ENTROPY, hidden, Activation.SOFTMAX, 3, 0f));
            out.add(Arguments.of(Loss.BINARY_CROSS_ENTROPY, hidden, Activation.SIGMOID, 1, 0f));
            out.add(Arguments.of(Loss.BINARY_CROSS_ENTROPY, hidden, Activation.SIGMOID, 3, 0f));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.SIGMOID, 3, 0f));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.TANH, 3, 0f));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.IDENTITY, 3, 0f));
        }
        for (Activation hidden : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU}) {
            out.add(Arguments.of(Loss.CROSS_ENTROPY, hidden, Activation.SOFTMAX, 3, 0.4f));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.SIGMOID, 3, 0.4f));
        }
        return out;
    }

    /**
     * A 5-4-3-k network on 6 random rows: each weight and bias gradient from backpropagation
     * (through dropout where it has some) must match the central difference of the mean loss.
     */
    @ParameterizedTest(name = "{0} with {1} hidden + dropout {4}, {2} output x{3}")
    @MethodSource("gradientCases")
    void backpropMatchesFiniteDifferences(Loss loss, Activation hidden, Activation output, int outputs, float dropout) {
        gradientCheck(loss, hidden, output, outputs, dropout);
    }

    private void gradientCheck(Loss loss, Activation hidden, Activation output, int outputs, float dropout) {
        double eps = gradientCheckStep();
        double tol = gradientCheckTolerance();
        int classes = outputs == 1 ? 2 : outputs;
        Dataset d = random(6, 5, classes, 3);
        try (Model m = Model.builder(5).dense(4, hidden).dropout(dropout).dense(3, hidden).dropout(dropout)
                .dense(outputs, output).init(Init.XAVIER).seed(9).build(backend());
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            // nonzero biases keep ReLU pre-activations off their kink at exactly 0, where a
            // central difference averages the two one-sided slopes and backprop takes one
            Random r = new Random(17);
            for (int l = 0; l < m.layers().size(); l++) {
                float[] bias = new float[m.layers().get(l).outputs()];
                for (int j = 0; j < bias.length; j++) {
                    bias[j] = (float) (r.nextBoolean() ? 0.1 + 0.4 * r.nextDouble() : -0.1 - 0.4 * r.nextDouble());
                }
                m.setParameters(l, m.weights(l), bias);
            }
            Trainer t = new Trainer(m, loss, sgd);
            for (int l = 0; l < m.layers().size(); l++) {
                t.lossAndGradients(d, 5L, 3); // the gradients at the unperturbed parameters
                List<Parameter> ps = m.parameters();
                float[][] grads = {backend().download(ps.get(2 * l).grad()), backend().download(ps.get(2 * l + 1).grad())};
                float[] w = m.weights(l);
                float[] bias = m.bias(l);
                for (int which = 0; which < 2; which++) {
                    float[] p = which == 0 ? w : bias;
                    for (int i = 0; i < p.length; i++) {
                        float saved = p[i];
                        p[i] = (float) (saved + eps);
                        m.setParameters(l, w, bias);
                        double lp = t.lossAndGradients(d, 5L, 3);
                        p[i] = (float) (saved - eps);
                        m.setParameters(l, w, bias);
                        double lm = t.lossAndGradients(d, 5L, 3);
                        p[i] = saved;
                        m.setParameters(l, w, bias);
                        double fd = (lp - lm) / (2 * eps);
                        double bp = grads[which][i];
                        String where = "layer " + l + (which == 0 ? " weight " : " bias ") + i;
                        assertTrue(Math.abs(fd - bp) <= tol * Math.max(1, Math.abs(fd)),
                                () -> String.format(Locale.ROOT, "%s: backprop %.6g vs finite difference %.6g", where, bp, fd));
                    }
                }
            }
        }
    }

    // ================================================================ separable data

    /** Points in [-1, 1]² labelled by the side of the line x + 2y = 0.3, none within 0.1 of it. */
    static Dataset separable(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; ) {
            float a = 2 * r.nextFloat() - 1;
            float b = 2 * r.nextFloat() - 1;
            float s = a + 2 * b - 0.3f;
            if (Math.abs(s) < 0.1f) {
                continue;
            }
            x[2 * i] = a;
            x[2 * i + 1] = b;
            y[i] = s > 0 ? 1 : 0;
            i++;
        }
        return new Dataset("separable", x, y, 2, 2);
    }

    /** n random rows in [-1, 1] with random labels. */
    static Dataset random(int n, int features, int classes, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * r.nextFloat() - 1;
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        return new Dataset("random", x, y, features, classes);
    }

    /**
     * Logistic regression (one sigmoid unit, binary cross-entropy, SGD lr 2 from zeros) on 400
     * points with a margin: gradient descent on a separable set drives every point to its side.
     */
    @Test
    void logisticRegressionSeparatesALinearlySeparableSetPerfectly() {
        Dataset d = separable(400, 1);
        try (Model m = Model.builder(2).dense(1, Activation.SIGMOID).init(Init.ZEROS).build(backend());
             Optimizer sgd = Optimizer.sgd(2f)) {
            TrainResult r = new Trainer(m, Loss.BINARY_CROSS_ENTROPY, sgd).fit(d, d, new FitOptions(50, 60, 3), null);
            assertEquals(1.0, r.last().testAccuracy(), "training accuracy on the separable set");
        }
    }

    /** The same set through a hidden tanh layer and a two-class softmax: also 100 %. */
    @Test
    void aSoftmaxMlpSeparatesTheSameSetPerfectly() {
        Dataset d = separable(400, 2);
        try (Model m = Model.builder(2).dense(8, Activation.TANH).dense(2, Activation.SOFTMAX).seed(5).build(backend());
             Optimizer adam = Optimizer.adam(0.05f)) {
            TrainResult r = new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(d, d, new FitOptions(50, 60, 3), null);
            assertEquals(1.0, r.last().testAccuracy(), "training accuracy on the separable set");
        }
    }

    // ================================================================ MNIST sample

    /**
     * 784-64-10 ReLU, softmax + cross-entropy, Adam lr 3e-3, batch 64, 3 epochs on the bundled
     * sample's 5000 training images, tested on its 1000 test images: the CPU reaches 90.6 %, and
     * 88 % leaves room for summation-order differences between backends without letting a broken
     * pass through (an untrained network scores about 10 %). Reduced (emulated driver): the first
     * 1000 training images, 4 epochs; the CPU reaches 86.3 %, held to 82 %.
     */
    @Test
    void aShortRunOnTheMnistSampleReachesTheStatedAccuracy() {
        Dataset.Split mnist = Mnist.sample();
        boolean reduced = reduced();
        Dataset train = reduced ? mnist.train().take(1000) : mnist.train();
        double required = reduced ? 0.82 : 0.88;
        try (Model m = Model.builder(784).dense(64, Activation.RELU).dense(10, Activation.SOFTMAX).seed(42).build(backend());
             Optimizer adam = Optimizer.adam(3e-3f)) {
            TrainResult r = new Trainer(m, Loss.CROSS_ENTROPY, adam).fit(train, mnist.test(),
                    new FitOptions(64, reduced ? 4 : 3, 42), null);
            double acc = r.last().testAccuracy();
            System.out.printf(Locale.ROOT, "%s: MNIST sample, %d training images: test accuracy %.2f%%%n",
                    backend().name(), train.size(), 100 * acc);
            assertTrue(acc >= required, String.format(Locale.ROOT, "test accuracy %.4f, required %.2f", acc, required));
        }
    }
}
