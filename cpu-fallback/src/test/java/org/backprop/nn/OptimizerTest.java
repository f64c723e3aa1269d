package org.backprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * Each rule against three steps worked out here in double precision from PyTorch's documented
 * algorithm (torch.optim.SGD, RMSprop, Adam, AdamW), on a 3-element parameter and fixed gradients.
 * float32 arithmetic on values of order 1 over three steps stays within 1e-6.
 */
class OptimizerTest {

    private static final double[] P0 = {0.5, -1.0, 2.0};
    private static final double[][] G = {{0.1, -0.2, 0.3}, {-0.05, 0.4, 0.2}, {0.3, 0.1, -0.6}};

    /** Runs three steps of {@code opt} on P0 with gradients G and returns the parameter. */
    private static float[] run(Optimizer opt) {
        try (Backend b = new CpuBackend(1);
             Tensor p = b.upload(floats(P0), 1, 3);
             Tensor g = b.allocate(1, 3);
             opt) {
            List<Parameter> ps = List.of(new Parameter("p", p, g));
            for (double[] gt : G) {
                b.upload(floats(gt), g);
                opt.step(ps);
            }
            return b.download(p);
        }
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertNear(double[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6, what + " element " + i);
        }
    }

    @Test
    void sgdWithWeightDecayAddsLambdaTimesTheParameterToTheGradient() {
        double lr = 0.1, wd = 0.01;
        double[] p = P0.clone();
        for (double[] g : G) {
            for (int i = 0; i < 3; i++) {
                p[i] -= lr * (g[i] + wd * p[i]);
            }
        }
        assertNear(p, run(Optimizer.sgd(0.1f).withWeightDecay(0.01f)), "sgd + weight decay");
    }

    @Test
    void momentumWithWeightDecay() {
        assertNear(momentum(0.05, 0.9, 0.001, false), run(Optimizer.momentum(0.05f, 0.9f).withWeightDecay(0.001f)),
                "momentum + weight decay");
    }

    @Test
    void nesterovLooksAheadAlongTheVelocity() {
        assertNear(momentum(0.05, 0.9, 0.001, true), run(Optimizer.nesterov(0.05f, 0.9f).withWeightDecay(0.001f)),
                "nesterov");
    }

    /** Momentum SGD with L2 decay folded into the gradient, in double; Nesterov steps along g + mu*v. */
    private static double[] momentum(double lr, double mu, double wd, boolean nesterov) {
        double[] p = P0.clone(), v = new double[3];
        for (double[] g : G) {
            for (int i = 0; i < 3; i++) {
                double gi = g[i] + wd * p[i];
                v[i] = mu * v[i] + gi;
                p[i] -= lr * (nesterov ? gi + mu * v[i] : v[i]);
            }
        }
        return p;
    }

    @Test
    void rmspropDividesByTheRootMeanSquare() {
        double lr = 0.01, alpha = 0.99, eps = 1e-8;
        double[] p = P0.clone(), s = new double[3];
        for (double[] g : G) {
            for (int i = 0; i < 3; i++) {
                s[i] = alpha * s[i] + (1 - alpha) * g[i] * g[i];
                p[i] -= lr * g[i] / (Math.sqrt(s[i]) + eps);
            }
        }
        assertNear(p, run(Optimizer.rmsprop(0.01f)), "rmsprop");
    }

    @Test
    void adamWithWeightDecayIsL2OnTheGradient() {
        assertNear(adam(false, 0.01), run(Optimizer.adam(0.01f).withWeightDecay(0.01f)), "adam + L2");
    }

    @Test
    void adamwDecaysTheParameterDirectly() {
        assertNear(adam(true, 0.1), run(Optimizer.adamw(0.01f, 0.1f)), "adamw");
    }

    private static double[] adam(boolean decoupled, double wd) {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] p = P0.clone(), m = new double[3], v = new double[3];
        for (int t = 1; t <= G.length; t++) {
            for (int i = 0; i < 3; i++) {
                double gi = G[t - 1][i];
                if (decoupled) {
                    p[i] *= 1 - lr * wd;
                } else {
                    gi += wd * p[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mhat = m[i] / (1 - Math.pow(b1, t));
                double vhat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
            }
        }
        return p;
    }

    @Test
    void adamwAndAdamDifferOnlyThroughTheDecay() {
        assertNear(adam(false, 0), run(Optimizer.adamw(0.01f, 0f)), "adamw without decay is adam");
    }
}
