package org.backprop.core.reference;

import static org.backprop.core.reference.ReferenceBackend.in;
import static org.backprop.core.reference.ReferenceBackend.out;
import static org.backprop.core.reference.ReferenceBackend.store;

import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The reference backend's losses in double: each reads every input before writing any output,
 * so aliasing among them (a gradient written over the probabilities) is harmless.
 */
final class ReferenceLosses {

    private ReferenceLosses() {
    }

    static void softmaxCrossEntropy(ReferenceBackend b, Tensor logits, Tensor targets, Tensor probabilities,
                                    Tensor grad, Tensor lossSum) {
        check(b, "softmaxCrossEntropy", logits, targets, probabilities, grad, lossSum);
        // Read every input before writing any output, so any aliasing among them is harmless.
        double[] z = in(logits);
        double[] y = in(targets);
        int m = logits.rows();
        int n = logits.cols();
        double[] p = new double[z.length];
        double[] g = new double[z.length];
        double loss = 0;
        for (int i = 0; i < m; i++) {
            double lse = logSumExp(z, i * n, n);
            for (int j = 0; j < n; j++) {
                int ij = i * n + j;
                double logP = z[ij] - lse;
                p[ij] = Math.exp(logP);
                g[ij] = (p[ij] - y[ij]) / m;
                if (y[ij] != 0) {
                    loss -= y[ij] * logP;
                }
            }
        }
        store(p, probabilities);
        store(g, grad);
        out(lossSum)[0] += loss;
    }

    static void sigmoidBinaryCrossEntropy(ReferenceBackend b, Tensor logits, Tensor targets, Tensor probabilities,
                                          Tensor grad, Tensor lossSum) {
        check(b, "sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad, lossSum);
        double[] z = in(logits);
        double[] y = in(targets);
        int m = logits.rows();
        double[] p = new double[z.length];
        double[] g = new double[z.length];
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = ReferenceBackend.sigmoid(z[i]);
            g[i] = (p[i] - y[i]) / m;
            loss += ReferenceBackend.binaryCrossEntropy(z[i], y[i]);
        }
        store(p, probabilities);
        store(g, grad);
        out(lossSum)[0] += loss;
    }

    static void squaredError(ReferenceBackend b, Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        Checks.owned(b, "squaredError", output, targets, grad, lossSum);
        Checks.sameShape("squaredError", output, targets, grad);
        Checks.scalar("squaredError", lossSum);
        double[] o = in(output);
        double[] y = in(targets);
        int m = output.rows();
        double[] g = new double[o.length];
        double loss = 0;
        for (int i = 0; i < o.length; i++) {
            double d = o[i] - y[i];
            loss += d * d;
            g[i] = 2 * d / m;
        }
        store(g, grad);
        out(lossSum)[0] += loss;
    }

    /** log Σ_j exp(z[off + j]), with the row max taken out first so nothing overflows. */
    static double logSumExp(double[] z, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(z[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /** Logits, targets, probabilities and gradient of one shape, and a scalar loss accumulator. */
    private static void check(ReferenceBackend b, String op, Tensor logits, Tensor targets, Tensor probabilities,
                              Tensor grad, Tensor lossSum) {
        Checks.owned(b, op, logits, targets, probabilities, grad, lossSum);
        Checks.sameShape(op, logits, targets, probabilities, grad);
        Checks.scalar(op, lossSum);
    }
}
