package org.backprop.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * Minibatch gradient descent rules, applied in place on the device: {@link #sgd}, {@link #momentum}
 * and {@link #adam}, with PyTorch's definitions. An optimiser is bound to one model on first use;
 * its state (velocities, moments, step count) lives beside the parameters and can be exported
 * for checkpoints.
 */
public abstract class Optimizer implements AutoCloseable {

    private final float baseLr;
    protected float lr;
    protected Model model;
    protected final List<Tensor> state = new ArrayList<>();
    protected int step;

    protected Optimizer(float lr) {
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a positive finite number, got " + lr);
        }
        this.baseLr = lr;
        this.lr = lr;
    }

    public static Optimizer sgd(float lr) {
        return new Sgd(lr);
    }

    public static Optimizer momentum(float lr, float momentum) {
        return new Momentum(lr, momentum);
    }

    public static Optimizer adam(float lr) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f);
    }

    public static Optimizer adam(float lr, float beta1, float beta2, float eps) {
        return new Adam(lr, beta1, beta2, eps);
    }

    /** The learning rate in force now (after any decay). */
    public float learningRate() {
        return lr;
    }

    /**
     * Sets the rate for the given epoch (1-based) under exponential decay, lr = base·γ^(epoch − 1),
     * like PyTorch's ExponentialLR stepped once per epoch; γ = 1 keeps it constant. It depends on
     * the epoch alone, so a resumed run continues the same schedule.
     */
    public void decayForEpoch(int epoch, float gamma) {
        lr = (float) (baseLr * Math.pow(gamma, epoch - 1));
    }

    public int steps() {
        return step;
    }

    public abstract String name();

    /** How many state tensors each parameter tensor needs (0 for SGD, 1 for momentum, 2 for Adam). */
    protected abstract int slotsPerParameter();

    protected abstract void update(Backend backend, Tensor param, Tensor grad, int slot0);

    /** Applies one update from the gradients the last backward pass left in the model. */
    public final void step(Model m) {
        bind(m);
        step++;
        Backend b = m.backend();
        int slot = 0;
        for (Dense d : m.layers()) {
            update(b, d.weights, d.weightGrad, slot);
            slot += slotsPerParameter();
            update(b, d.bias, d.biasGrad, slot);
            slot += slotsPerParameter();
        }
    }

    private void bind(Model m) {
        if (model == m) {
            return;
        }
        if (model != null) {
            throw new IllegalStateException(name() + " optimiser is already bound to another model");
        }
        model = m;
        Backend b = m.backend();
        for (Dense d : m.layers()) {
            for (Tensor p : new Tensor[] {d.weights, d.bias}) {
                for (int s = 0; s < slotsPerParameter(); s++) {
                    Tensor t = b.allocate(p.rows(), p.cols());
                    b.fill(t, 0f);
                    state.add(t);
                }
            }
        }
    }

    /** The state as named host arrays ("state.3") plus the step count, for checkpoints. */
    public Map<String, float[]> exportState() {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (model == null) {
            return out;
        }
        for (int i = 0; i < state.size(); i++) {
            out.put(name() + ".state." + i, model.backend().download(state.get(i)));
        }
        out.put(name() + ".step", new float[] {step});
        return out;
    }

    /** Restores what {@link #exportState()} produced; the model must have the same layer shapes. */
    public void importState(Model m, Map<String, float[]> saved) {
        bind(m);
        float[] s = saved.get(name() + ".step");
        if (s == null) {
            throw new IllegalArgumentException("checkpoint holds no " + name() + " optimiser state");
        }
        // The step count drives Adam's bias correction: a NaN cast to int would quietly restart it at 0.
        if (s.length != 1 || !(s[0] >= 0 && s[0] <= 1 << 24 && s[0] == Math.rint(s[0]))) {
            throw new IllegalArgumentException("checkpoint's " + name() + ".step is "
                    + (s.length == 1 ? Float.toString(s[0]) : s.length + " values")
                    + ": expected one whole number of steps between 0 and 2^24");
        }
        for (int i = 0; i < state.size(); i++) {
            float[] a = saved.get(name() + ".state." + i);
            if (a == null || a.length != state.get(i).size()) {
                throw new IllegalArgumentException("checkpoint's " + name() + " state " + i
                        + " is missing or has the wrong size");
            }
            for (int k = 0; k < a.length; k++) {
                if (!Float.isFinite(a[k])) {
                    throw new IllegalArgumentException("checkpoint's " + name() + ".state." + i + " holds " + a[k]
                            + " at index " + k + ": optimiser state must be finite");
                }
            }
            m.backend().upload(a, state.get(i));
        }
        step = (int) s[0];
    }

    @Override
    public void close() {
        state.forEach(Tensor::close);
        state.clear();
        model = null;
    }

    static final class Sgd extends Optimizer {
        Sgd(float lr) { super(lr); }

        @Override public String name() { return "sgd"; }

        @Override protected int slotsPerParameter() { return 0; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            b.sgdUpdate(p, g, lr);
        }

        @Override public String toString() { return "SGD(lr=" + lr + ")"; }
    }

    static final class Momentum extends Optimizer {
        private final float momentum;

        Momentum(float lr, float momentum) {
            super(lr);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
        }

        @Override public String name() { return "momentum"; }

        @Override protected int slotsPerParameter() { return 1; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            b.momentumUpdate(p, g, state.get(slot), lr, momentum);
        }

        @Override public String toString() { return "SGD(lr=" + lr + ", momentum=" + momentum + ")"; }
    }

    static final class Adam extends Optimizer {
        private final float beta1;
        private final float beta2;
        private final float eps;

        Adam(float lr, float beta1, float beta2, float eps) {
            super(lr);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
                throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and eps > 0");
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override public String name() { return "adam"; }

        @Override protected int slotsPerParameter() { return 2; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            b.adamUpdate(p, g, state.get(slot), state.get(slot + 1), lr, beta1, beta2, eps, step);
        }

        @Override public String toString() { return "Adam(lr=" + lr + ")"; }
    }
}
