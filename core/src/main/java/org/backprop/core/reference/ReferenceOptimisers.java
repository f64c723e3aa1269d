package org.backprop.core.reference;

import static org.backprop.core.reference.ReferenceBackend.in;
import static org.backprop.core.reference.ReferenceBackend.out;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/** The reference backend's optimiser updates, each formula in double over the parameter's elements. */
final class ReferenceOptimisers {

    private ReferenceOptimisers() {
    }

    static void sgd(ReferenceBackend b, Tensor param, Tensor grad, float lr) {
        Checks.owned(b, "sgdUpdate", param, grad);
        Checks.sameShape("sgdUpdate", param, grad);
        double[] p = out(param);
        double[] g = in(grad);
        for (int i = 0; i < param.size(); i++) {
            p[i] -= lr * g[i];
        }
    }

    static void momentum(ReferenceBackend b, Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        Checks.owned(b, "momentumUpdate", param, grad, velocity);
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        double[] p = out(param);
        double[] g = in(grad);
        double[] v = out(velocity);
        for (int i = 0; i < param.size(); i++) {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * v[i];
        }
    }

    static void nesterov(ReferenceBackend b, Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        Checks.owned(b, "nesterovUpdate", param, grad, velocity);
        Checks.sameShape("nesterovUpdate", param, grad, velocity);
        double[] p = out(param);
        double[] g = in(grad);
        double[] v = out(velocity);
        for (int i = 0; i < param.size(); i++) {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * (g[i] + momentum * v[i]);
        }
    }

    static void rmsprop(ReferenceBackend b, Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        Checks.owned(b, "rmspropUpdate", param, grad, square);
        Checks.sameShape("rmspropUpdate", param, grad, square);
        double[] p = out(param);
        double[] g = in(grad);
        double[] s = out(square);
        for (int i = 0; i < param.size(); i++) {
            s[i] = alpha * s[i] + (1 - (double) alpha) * g[i] * g[i];
            p[i] -= lr * g[i] / (Math.sqrt(s[i]) + eps);
        }
    }

    static void adam(ReferenceBackend b, Tensor param, Tensor grad, Tensor m, Tensor v,
                     float lr, float beta1, float beta2, float eps, int step) {
        Checks.owned(b, "adamUpdate", param, grad, m, v);
        Checks.sameShape("adamUpdate", param, grad, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more, got " + step);
        }
        double[] p = out(param);
        double[] g = in(grad);
        double[] mv = out(m);
        double[] vv = out(v);
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < param.size(); i++) {
            mv[i] = beta1 * mv[i] + (1 - (double) beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - (double) beta2) * g[i] * g[i];
            p[i] -= lr * (mv[i] / correction1) / (Math.sqrt(vv[i] / correction2) + eps);
        }
    }

    /** Keras's MaxNorm over each column, in double: w·min(n, c)/(ε + n) with n the column's norm. */
    static void maxNorm(ReferenceBackend b, Tensor weights, float c) {
        Checks.maxNorm(b, weights, c);
        double[] w = out(weights);
        int rows = weights.rows();
        int cols = weights.cols();
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += w[i * cols + j] * w[i * cols + j];
            }
            double norm = Math.sqrt(sum);
            double scale = Math.min(norm, c) / ((double) Backend.MAX_NORM_EPS + norm);
            for (int i = 0; i < rows; i++) {
                w[i * cols + j] *= scale;
            }
        }
    }
}
