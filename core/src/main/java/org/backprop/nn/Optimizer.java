package org.backprop.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * Minibatch gradient descent rules, applied in place on the device, with PyTorch's definitions:
 * {@link #sgd}, {@link #momentum} (optionally Nesterov), {@link #rmsprop}, {@link #adam} and
 * {@link #adamw}. {@link #withWeightDecay} adds PyTorch's {@code weight_decay}: L2, g += λ·p before
 * the rule, for every rule but AdamW, whose decay is decoupled (p −= lr·λ·p, then Adam). Like
 * PyTorch it decays every parameter handed to it, biases included.
 *
 * <p>An optimiser is bound to one parameter list on its first {@link #step}; its state
 * (velocities, moments, step count) lives beside the parameters and can be exported for checkpoints.
 */
public abstract class Optimizer implements AutoCloseable {

    private final float baseLr;
    protected float lr;
    protected float weightDecay;
    private List<Parameter> bound;
    private Backend backend;
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

    /** PyTorch's SGD with momentum: v = μ·v + g; p −= lr·v. */
    public static Optimizer momentum(float lr, float momentum) {
        return new Momentum(lr, momentum, false);
    }

    /** PyTorch's SGD with {@code nesterov=True}: v = μ·v + g; p −= lr·(g + μ·v). */
    public static Optimizer nesterov(float lr, float momentum) {
        return new Momentum(lr, momentum, true);
    }

    /**
     * Momentum (or Nesterov) whose μ follows {@code ramp}: update t uses {@link MomentumRamp#at}(t).
     * Like every rule but SGD its step is issued op by op (not recorded), so μ travels as a kernel
     * argument each step.
     */
    public static Optimizer momentum(float lr, MomentumRamp ramp, boolean nesterov) {
        Momentum m = new Momentum(lr, ramp.end(), nesterov);
        m.ramp = ramp;
        return m;
    }

    /** PyTorch's RMSprop (not centred, no momentum): s = α·s + (1 − α)·g²; p −= lr·g/(√s + ε). */
    public static Optimizer rmsprop(float lr, float alpha, float eps) {
        return new RmsProp(lr, alpha, eps);
    }

    public static Optimizer rmsprop(float lr) {
        return new RmsProp(lr, 0.99f, 1e-8f);
    }

    public static Optimizer adam(float lr) {
        return new Adam(lr, 0.9f, 0.999f, 1e-8f, false);
    }

    public static Optimizer adam(float lr, float beta1, float beta2, float eps) {
        return new Adam(lr, beta1, beta2, eps, false);
    }

    /** Adam with decoupled weight decay (Loshchilov and Hutter; PyTorch's AdamW, default λ 0.01). */
    public static Optimizer adamw(float lr, float weightDecay) {
        return adamw(lr, weightDecay, 1e-8f);
    }

    /** AdamW with this ε (PyTorch's default 1e-8). */
    public static Optimizer adamw(float lr, float weightDecay, float eps) {
        return new Adam(lr, 0.9f, 0.999f, eps, true).withWeightDecay(weightDecay);
    }

    /** Sets the weight decay λ (0: none) before the first step; returns this optimiser. */
    public Optimizer withWeightDecay(float lambda) {
        if (!(lambda >= 0) || !Float.isFinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + lambda);
        }
        this.weightDecay = lambda;
        return this;
    }

    public float weightDecay() {
        return weightDecay;
    }

    /** The learning rate in force now (after any schedule). */
    public float learningRate() {
        return lr;
    }

    public float baseLearningRate() {
        return baseLr;
    }

    /** Sets the rate in force from now on (a schedule's job; the base rate is unchanged). */
    public void setLearningRate(float rate) {
        if (!(rate >= 0) || !Float.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, got " + rate);
        }
        lr = rate;
    }

    /** Updates applied so far (1 after the first step); Adam's bias correction and dropout's key use it. */
    public int steps() {
        return step;
    }

    public abstract String name();

    /** How many state tensors each parameter tensor needs (0 for SGD, 1 for momentum, 2 for Adam). */
    protected abstract int slotsPerParameter();

    /** {@link #slotsPerParameter()}, for estimates of what training will hold before anything is allocated. */
    public final int stateTensorsPerParameter() {
        return slotsPerParameter();
    }

    protected abstract void update(Backend backend, Tensor param, Tensor grad, int slot0);

    /** Applies one update from the gradients the last backward pass left beside the parameters. */
    public final void step(List<Parameter> parameters) {
        prepare(parameters);
        step++;
        update(parameters);
    }

    // a recorded step holds update() but not what changes between
    // replays: prepare() before each replay puts the learning rate on the device, replayed() counts the step.

    /** Whether {@link #update(List)} reads everything that changes between steps from the device. */
    boolean recordable() {
        return false;
    }

    /** Binds to the parameters and brings device-side hyperparameters up to date; issues no kernels. */
    void prepare(List<Parameter> parameters) {
        bind(parameters);
    }

    /** Counts a step that a replayed recording applied. */
    void replayed() {
        step++;
    }

    /** The device work of one step (what a recording holds). */
    void update(List<Parameter> parameters) {
        int slot = 0;
        for (Parameter p : parameters) {
            if (weightDecay > 0 && !decoupled()) {
                backend.axpy(weightDecay, p.value(), p.grad());
            }
            update(backend, p.value(), p.grad(), slot);
            slot += slotsPerParameter();
        }
    }

    /** True where weight decay shrinks the parameters directly instead of adding λ·p to the gradient. */
    protected boolean decoupled() {
        return false;
    }

    private void bind(List<Parameter> parameters) {
        if (bound == parameters) {
            return;
        }
        if (bound != null) {
            throw new IllegalStateException(name() + " optimiser is already bound to another model's parameters");
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(name() + ": no parameters to optimise");
        }
        Backend b = parameters.get(0).value().backend();
        for (Parameter p : parameters) {
            for (int s = 0; s < slotsPerParameter(); s++) {
                Tensor t = b.allocate(p.value().rows(), p.value().cols());
                b.fill(t, 0f);
                state.add(t);
            }
        }
        bound = parameters;
        backend = b;
    }

    /** The state as named host arrays ("adam.state.3") plus the step count, for checkpoints. */
    public Map<String, float[]> exportState() {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (bound == null) {
            return out;
        }
        for (int i = 0; i < state.size(); i++) {
            out.put(name() + ".state." + i, backend.download(state.get(i)));
        }
        out.put(name() + ".step", new float[] {step});
        return out;
    }

    /** Restores what {@link #exportState()} produced, for parameters of the same shapes. */
    public void importState(List<Parameter> parameters, Map<String, float[]> saved) {
        bind(parameters);
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
            backend.upload(a, state.get(i));
        }
        step = (int) s[0];
    }

    @Override
    public void close() {
        state.forEach(Tensor::close);
        state.clear();
        bound = null;
    }

    String decaySuffix() {
        return weightDecay > 0 ? ", weight_decay=" + weightDecay : "";
    }

    static final class Sgd extends Optimizer {
        private Tensor[] params;
        private Tensor[] grads;
        private Tensor deviceLr;
        private float deviceLrValue = Float.NaN;

        Sgd(float lr) { super(lr); }

        @Override public String name() { return "sgd"; }

        @Override boolean recordable() { return true; }

        @Override void prepare(List<Parameter> parameters) {
            super.prepare(parameters);
            Backend b = parameters.get(0).value().backend();
            if (params == null) {
                params = new Tensor[parameters.size()];
                grads = new Tensor[parameters.size()];
                for (int i = 0; i < params.length; i++) {
                    params[i] = parameters.get(i).value();
                    grads[i] = parameters.get(i).grad();
                }
                deviceLr = b.allocate(1, 1);   // not state: checkpoints hold the rate as a number
            }
            if (Float.floatToIntBits(lr) != Float.floatToIntBits(deviceLrValue)) {
                b.upload(new float[] {lr}, deviceLr);
                deviceLrValue = lr;
            }
        }

        // every parameter tensor in one call, the rate read on the device
        @Override void update(List<Parameter> parameters) {
            Backend b = params[0].backend();
            if (weightDecay() > 0) {
                for (int i = 0; i < params.length; i++) {
                    b.axpy(weightDecay(), params[i], grads[i]);
                }
            }
            b.sgdUpdate(params, grads, deviceLr);
        }

        @Override public void close() {
            if (deviceLr != null) {
                deviceLr.close();
            }
            super.close();
            params = null;
            grads = null;
            deviceLr = null;
            deviceLrValue = Float.NaN;
        }

        @Override protected int slotsPerParameter() { return 0; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            b.sgdUpdate(p, g, lr);
        }

        @Override public String toString() { return "SGD(lr=" + lr + decaySuffix() + ")"; }
    }

    static final class Momentum extends Optimizer {
        private final float momentum;
        private final boolean nesterov;
        private MomentumRamp ramp;   // null: μ is momentum at every step

        Momentum(float lr, float momentum, boolean nesterov) {
            super(lr);
            if (!(momentum >= 0 && momentum < 1)) {
                throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
            }
            this.momentum = momentum;
            this.nesterov = nesterov;
        }

        // the state layout is the same, so each keeps its own name for checkpoints
        @Override public String name() { return nesterov ? "nesterov" : "momentum"; }

        @Override protected int slotsPerParameter() { return 1; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            float mu = ramp == null ? momentum : ramp.at(step);   // step: this update's number, from 1
            if (nesterov) {
                b.nesterovUpdate(p, g, state.get(slot), lr, mu);
            } else {
                b.momentumUpdate(p, g, state.get(slot), lr, mu);
            }
        }

        @Override public String toString() {
            return "SGD(lr=" + lr + ", momentum=" + (ramp == null ? Float.toString(momentum) : ramp + " ramp")
                    + (nesterov ? ", nesterov" : "") + decaySuffix() + ")";
        }
    }

    static final class RmsProp extends Optimizer {
        private final float alpha;
        private final float eps;

        RmsProp(float lr, float alpha, float eps) {
            super(lr);
            if (!(alpha >= 0 && alpha < 1) || !(eps > 0)) {
                throw new IllegalArgumentException("RMSprop needs 0 <= alpha < 1 and eps > 0");
            }
            this.alpha = alpha;
            this.eps = eps;
        }

        @Override public String name() { return "rmsprop"; }

        @Override protected int slotsPerParameter() { return 1; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            b.rmspropUpdate(p, g, state.get(slot), lr, alpha, eps);
        }

        @Override public String toString() { return "RMSprop(lr=" + lr + ", alpha=" + alpha + decaySuffix() + ")"; }
    }

    static final class Adam extends Optimizer {
        private final float beta1;
        private final float beta2;
        private final float eps;
        private final boolean decoupled;

        Adam(float lr, float beta1, float beta2, float eps, boolean decoupled) {
            super(lr);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
                throw new IllegalArgumentException("Adam needs 0 <= beta1, beta2 < 1 and eps > 0");
            }
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.decoupled = decoupled;
        }

        @Override public String name() { return decoupled ? "adamw" : "adam"; }

        @Override protected boolean decoupled() { return decoupled; }

        @Override protected int slotsPerParameter() { return 2; }

        @Override protected void update(Backend b, Tensor p, Tensor g, int slot) {
            if (decoupled && weightDecay > 0) {
                b.scale(p, 1f - lr * weightDecay);
            }
            b.adamUpdate(p, g, state.get(slot), state.get(slot + 1), lr, beta1, beta2, eps, step);
        }

        @Override public String toString() { return (decoupled ? "AdamW" : "Adam") + "(lr=" + lr + decaySuffix() + ")"; }
    }
}
