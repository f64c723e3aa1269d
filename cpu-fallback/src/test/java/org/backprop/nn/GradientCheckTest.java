package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.backprop.core.Backend;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.data.Dataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of whole small networks (5-4-3-k), every loss × hidden activation:
 * each weight and bias gradient from backpropagation must match the central difference of the
 * mean loss. Run on the reference backend (double inside, so the difference quotient is clean)
 * and on the CPU backend (fp32: the quotient carries ≈ 1e-7/eps of rounding noise).
 */
class GradientCheckTest {

    static List<Arguments> pairs() {
        List<Arguments> out = new ArrayList<>();
        for (Activation hidden : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU, Activation.IDENTITY}) {
            out.add(Arguments.of(Loss.CROSS_ENTROPY, hidden, Activation.SOFTMAX, 3));
            out.add(Arguments.of(Loss.BINARY_CROSS_ENTROPY, hidden, Activation.SIGMOID, 1));
            out.add(Arguments.of(Loss.BINARY_CROSS_ENTROPY, hidden, Activation.SIGMOID, 3));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.SIGMOID, 3));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.TANH, 3));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.IDENTITY, 3));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} with {1} hidden, {2} output x{3}")
    @MethodSource("pairs")
    void backpropMatchesFiniteDifferencesOnReference(Loss loss, Activation hidden, Activation output, int outputs) {
        check(new ReferenceBackend(), loss, hidden, output, outputs, 1e-3, 2e-3);
    }

    @ParameterizedTest(name = "{0} with {1} hidden, {2} output x{3}")
    @MethodSource("pairs")
    void backpropMatchesFiniteDifferencesOnCpu(Loss loss, Activation hidden, Activation output, int outputs) {
        check(new org.backprop.cpu.CpuBackend(2), loss, hidden, output, outputs,
                3e-3, 1e-2);
    }

    static List<Arguments> dropoutPairs() {
        List<Arguments> out = new ArrayList<>();
        for (Activation hidden : new Activation[] {Activation.SIGMOID, Activation.TANH, Activation.RELU}) {
            out.add(Arguments.of(Loss.CROSS_ENTROPY, hidden, Activation.SOFTMAX, 3));
            out.add(Arguments.of(Loss.SQUARED_ERROR, hidden, Activation.SIGMOID, 3));
        }
        return out;
    }

    /**
     * With the dropout key fixed (seed 5, step 3) the mask is fixed, so the training loss is a
     * smooth function of the parameters and backprop through dropout must match its differences.
     */
    @ParameterizedTest(name = "{0} with {1} hidden + dropout 0.4, {2} output x{3}")
    @MethodSource("dropoutPairs")
    void backpropThroughDropoutMatchesFiniteDifferences(Loss loss, Activation hidden, Activation output, int outputs) {
        check(new ReferenceBackend(), loss, hidden, output, outputs, 1e-3, 2e-3, 0.4f);
        check(new org.backprop.cpu.CpuBackend(2), loss, hidden, output, outputs, 3e-3, 1e-2, 0.4f);
    }

    private static void check(Backend b, Loss loss, Activation hidden, Activation output, int outputs,
                              double eps, double tol) {
        check(b, loss, hidden, output, outputs, eps, tol, 0f);
    }

    private static void check(Backend b, Loss loss, Activation hidden, Activation output, int outputs,
                              double eps, double tol, float dropout) {
        int classes = outputs == 1 ? 2 : outputs;
        Dataset d = TestData.random(6, 5, classes, 3);
        try (b; Model m = Model.builder(5).dense(4, hidden).dropout(dropout).dense(3, hidden).dropout(dropout)
                .dense(outputs, output).init(Init.XAVIER).seed(9).build(b);
             Optimizer sgd = Optimizer.sgd(0.1f)) {
            // nonzero biases keep ReLU pre-activations off their kink at exactly 0, where a
            // central difference averages the two one-sided slopes and backprop takes one
            java.util.Random r = new java.util.Random(17);
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
                float[][] grads = TestData.gradients(m, l);
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
                                () -> String.format("%s: backprop %.6g vs finite difference %.6g", where, bp, fd));
                    }
                }
            }
        }
    }
}
