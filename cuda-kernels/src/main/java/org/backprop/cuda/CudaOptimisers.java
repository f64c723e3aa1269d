package org.backprop.cuda;

import java.util.Arrays;

import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The optimiser updates of a {@link CudaBackend}: each is one elementwise kernel over a parameter
 * and its state tensors, except the many-tensor SGD step, which updates up to {@link Kernel#MANY}
 * parameters per launch with the learning rate read on the device (so a recorded step can follow
 * a schedule).
 */
record CudaOptimisers(CudaBackend backend, CudaLaunch launch) {

    void sgdUpdate(Tensor param, Tensor grad, float lr) {
        CudaTensor[] t = sameShape("sgdUpdate", param, grad);
        int n = t[0].size();
        launch.elementwise("sgdUpdate", Kernel.SGD_UPDATE, n, t[0].pointer, t[1].pointer, lr, n);
    }

    void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        CudaTensor[] t = sameShape("momentumUpdate", param, grad, velocity);
        int n = t[0].size();
        launch.elementwise("momentumUpdate", Kernel.MOMENTUM_UPDATE, n,
                t[0].pointer, t[1].pointer, t[2].pointer, lr, momentum, n);
    }

    void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        CudaTensor[] t = sameShape("nesterovUpdate", param, grad, velocity);
        int n = t[0].size();
        launch.elementwise("nesterovUpdate", Kernel.NESTEROV_UPDATE, n,
                t[0].pointer, t[1].pointer, t[2].pointer, lr, momentum, n);
    }

    void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        CudaTensor[] t = sameShape("rmspropUpdate", param, grad, square);
        int n = t[0].size();
        launch.elementwise("rmspropUpdate", Kernel.RMSPROP_UPDATE, n,
                t[0].pointer, t[1].pointer, t[2].pointer, lr, alpha, eps, n);
    }

    /** The bias corrections 1 − βᵗ are computed here in double, once per step. */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                    float lr, float beta1, float beta2, float eps, int step) {
        CudaTensor[] t = sameShape("adamUpdate", param, grad, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more (1-based), got " + step);
        }
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        int n = t[0].size();
        launch.elementwise("adamUpdate", Kernel.ADAM_UPDATE, n,
                t[0].pointer, t[1].pointer, t[2].pointer, t[3].pointer, lr, beta1, beta2, eps, bc1, bc2, n);
    }

    /**
     * SGD over many parameters, {@link Kernel#MANY} to a launch (grid y is the parameter); unused
     * slots repeat the last parameter with a size of 0.
     */
    void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        String op = "sgdUpdate";
        if (params.length != grads.length) {
            throw new IllegalArgumentException(op + ": " + params.length + " parameters but " + grads.length + " gradients");
        }
        CudaTensor rate = backend.owned(op, lr);
        Checks.scalar(op, rate);
        CudaTensor[] ps = new CudaTensor[params.length];
        CudaTensor[] gs = new CudaTensor[params.length];
        for (int i = 0; i < params.length; i++) {
            CudaTensor[] t = sameShape(op, params[i], grads[i]);
            ps[i] = t[0];
            gs[i] = t[1];
        }
        for (int from = 0; from < ps.length; from += Kernel.MANY) {
            int count = Math.min(Kernel.MANY, ps.length - from);
            Object[] args = new Object[2 + 3 * Kernel.MANY];
            args[0] = rate.pointer;
            args[1] = count;
            int gridX = 1;
            for (int slot = 0; slot < Kernel.MANY; slot++) {
                int i = from + Math.min(slot, count - 1);
                args[2 + 3 * slot] = ps[i].pointer;
                args[3 + 3 * slot] = gs[i].pointer;
                args[4 + 3 * slot] = slot < count ? ps[i].size() : 0;
                gridX = Math.max(gridX, CudaLaunch.grid(ps[i].size()));
            }
            launch.kernel(op, Kernel.SGD_UPDATE_MANY, gridX, count, CudaLaunch.BLOCK, 1, args);
        }
    }

    /** Keras's max-norm, one thread per column (each column's sum in row order: no atomics). */
    void maxNorm(Tensor weights, float c) {
        Checks.maxNorm(backend, weights, c);
        CudaTensor w = backend.owned("maxNorm", weights);
        launch.elementwise("maxNorm", Kernel.MAX_NORM, w.cols(), w.pointer, w.rows(), w.cols(), c);
    }

    /** The tensors as this backend's, after checking that they share one shape. */
    private CudaTensor[] sameShape(String op, Tensor... tensors) {
        CudaTensor[] t = new CudaTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            t[i] = backend.owned(op, tensors[i]);
        }
        Checks.sameShape(op, t[0], Arrays.copyOfRange(t, 1, t.length));
        return t;
    }
}
