package org.backprop.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;

/**
 * A stack of {@link Dense} layers on one backend: logistic regression (one sigmoid unit),
 * softmax regression (one softmax layer) or a multilayer perceptron of any depth.
 *
 * <pre>{@code
 * Model model = Model.builder(784)
 *         .dense(512, Activation.RELU).dropout(0.5f)
 *         .dense(10, Activation.SOFTMAX)
 *         .init(Init.AUTO).seed(42)
 *         .build(backend);
 * }</pre>
 *
 * <p>A training step, as {@link Trainer} runs it:
 * <pre>{@code
 * Tensor out = model.forward(batch, !loss.fusesOutput(), seed, step);  // logits for ce/bce
 * loss.forward(model, batch, out, lossSum);                             // value, and δ of the output
 * model.backward(batch);                                                // every parameter's gradient
 * optimizer.step(model.parameters());
 * }</pre>
 */
public final class Model implements AutoCloseable {

    private final Backend backend;
    private final int inputs;
    private final List<Dense> layers;
    private final List<Parameter> parameters;
    private final float inputDropout;
    // the dropout key of the last forward pass: backward draws the same masks again from it
    private long passSeed;
    private int passStep;
    private boolean passTraining;

    /**
     * The layer key of input dropout's mask: hidden layer l draws with key l (0 or more), so the
     * input takes -1 (0xFFFFFFFF as Philox's counter word), which no layer index can reach.
     */
    public static final int INPUT_DROPOUT_KEY = -1;

    private Model(Backend backend, int inputs, List<Dense> layers, float inputDropout) {
        this.backend = backend;
        this.inputs = inputs;
        this.inputDropout = inputDropout;
        this.layers = Collections.unmodifiableList(layers);
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            ps.add(new Parameter(i + ".weights", d.weights, d.weightGrad));
            ps.add(new Parameter(i + ".bias", d.bias, d.biasGrad));
        }
        this.parameters = Collections.unmodifiableList(ps);
    }

    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    public Backend backend() { return backend; }

    public int inputs() { return inputs; }

    public int outputs() { return layers.get(layers.size() - 1).outputs(); }

    public List<Dense> layers() { return layers; }

    /** Whether any layer drops units in training. */
    public boolean hasDropout() {
        return inputDropout > 0 || layers.stream().anyMatch(d -> d.dropout() > 0);
    }

    /** The probability of zeroing each input feature in training (0: no input dropout). */
    public float inputDropout() {
        return inputDropout;
    }

    public Activation outputActivation() { return layers.get(layers.size() - 1).activation(); }

    /**
     * Every trainable tensor with its gradient, layer by layer, weights before bias; the same
     * list (and the same tensors) on every call.
     */
    public List<Parameter> parameters() { return parameters; }

    /** Entries of every weight matrix: 40·20 + 20·1 = 820 for a 40-20-1 network. */
    public long weightCount() {
        long n = 0;
        for (Dense d : layers) {
            n += (long) d.inputs() * d.outputs();
        }
        return n;
    }

    /** One bias per unit: 21 for a 40-20-1 network. */
    public long biasCount() {
        long n = 0;
        for (Dense d : layers) {
            n += d.outputs();
        }
        return n;
    }

    /** Weights plus biases of every layer: 40-20-1 has 820 weights and 21 biases, 841 in all. */
    public long parameterCount() {
        long n = 0;
        for (Dense d : layers) {
            n += d.parameterCount();
        }
        return n;
    }

    /** "784-512-512-10 (relu, relu, softmax; 669706 parameters)": the count is {@link #parameterCount()}, weights plus biases. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (Dense d : layers) {
            sb.append('-').append(d.outputs());
        }
        sb.append(" (");
        if (inputDropout > 0) {
            sb.append("input dropout ").append(inputDropout).append(", ");
        }
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            sb.append(i == 0 ? "" : ", ").append(d.activation().id());
            if (d.dropout() > 0) {
                sb.append(" + dropout ").append(d.dropout());
            }
        }
        return sb.append("; ").append(parameterCount()).append(" parameters)").toString();
    }

    // ---------------------------------------------------------------- the passes

    /**
     * Inference forward pass over {@code b.input()} (dropout off). When {@code outputActivation}
     * is false the last layer stops at its logits, for the losses that fuse the softmax or
     * sigmoid. Returns the last layer's buffer.
     */
    public Tensor forward(Activations.Batch b, boolean outputActivation) {
        return forward(b, outputActivation, false, 0L, 0);
    }

    /**
     * Training forward pass: as {@link #forward(Activations.Batch, boolean)}, with each layer's
     * dropout on, its mask drawn from (seed, step, layer, row, column) so any backend and any
     * thread count draws the same one, and {@link #backward} finds it again. Input dropout, when
     * on, draws its mask the same way with the layer key {@link #INPUT_DROPOUT_KEY}.
     */
    public Tensor forward(Activations.Batch b, boolean outputActivation, long seed, int step) {
        return forward(b, outputActivation, true, seed, step);
    }

    private Tensor forward(Activations.Batch b, boolean outputActivation, boolean training, long seed, int step) {
        Tensor x = b.input();
        if (training && inputDropout > 0) {
            backend.dropout(x, b.droppedInput(), inputDropout, seed, step, INPUT_DROPOUT_KEY);
            x = b.droppedInput();
        }
        int last = layers.size() - 1;
        for (int l = 0; l <= last; l++) {
            Dense d = layers.get(l);
            Tensor a = b.outputs()[l];
            // one call per layer: the GEMM with bias and activation as its epilogue
            boolean activate = l < last || outputActivation;
            backend.linearForward(x, d.weights, d.bias, activate ? d.activation().pointwise() : Pointwise.IDENTITY, a);
            if (activate && d.activation().rowwise()) {
                d.activation().forward(backend, a, a);   // softmax: its row step after the identity epilogue
            }
            Tensor dropped = b.dropped()[l];
            if (dropped != null) {
                if (training) {
                    backend.dropout(a, dropped, d.dropout(), seed, step, l);
                } else {
                    backend.copy(a, dropped);
                }
            }
            x = b.passedOn(l);
        }
        passTraining = training;
        passSeed = seed;
        passStep = step;
        return x;
    }

    /**
     * Backward pass after a training forward pass and a {@link Loss#forward} that left δ of the
     * output layer (already 1/m-averaged) in {@code b.outputDelta()}: fills every parameter's
     * gradient. The first layer's input gradient is never needed, so it is never computed.
     */
    public void backward(Activations.Batch b) {
        for (int l = layers.size() - 1; l >= 0; l--) {
            Dense d = layers.get(l);
            Tensor delta = b.deltas()[l];
            Tensor below = l > 0 ? b.passedOn(l - 1) : passTraining && inputDropout > 0 ? b.droppedInput() : b.input();
            // the bias gradient beside the weight gradient; f′ in the δ·Wᵀ product
            backend.linearGradients(below, delta, d.weightGrad, d.biasGrad);
            if (l > 0) {
                Dense under = layers.get(l - 1);
                Tensor deltaBelow = b.deltas()[l - 1];
                under.activation().requireElementwise();   // a hidden softmax cannot be trained
                Pointwise f = under.activation().pointwise();
                // f′ is taken at the layer's own (pre-dropout) output; the dropout mask scales the
                // same product, and elementwise factors commute
                backend.linearInputGradient(delta, d.weights, b.outputs()[l - 1], f, deltaBelow);
                if (under.dropout() > 0 && passTraining) {
                    backend.dropoutBackward(deltaBelow, deltaBelow, under.dropout(), passSeed, passStep, l - 1);
                }
            }
        }
    }

    /** Runs the network forward on host data (rows × inputs) and returns its outputs (rows × outputs). */
    public float[] predict(float[] x, int rows) {
        if (rows < 1 || x.length != (long) rows * inputs) {
            throw new IllegalArgumentException("predict: expected " + rows + " rows of " + inputs
                    + " features (" + (long) rows * inputs + " values), got " + x.length);
        }
        int batch = Math.min(rows, 1024);
        float[] out = new float[rows * outputs()];
        try (Activations acts = new Activations(this, batch)) {
            for (int start = 0; start < rows; start += batch) {
                int n = Math.min(batch, rows - start);
                Activations.Batch b = acts.rows(n);
                float[] src = new float[n * inputs];
                System.arraycopy(x, start * inputs, src, 0, n * inputs);
                backend.upload(src, b.input());
                float[] part = backend.download(forward(b, true));
                System.arraycopy(part, 0, out, start * outputs(), part.length);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- parameters on the host

    /** Copies layer {@code i}'s weights (inputs×outputs, row-major) to the host. */
    public float[] weights(int i) {
        return backend.download(layers.get(i).weights);
    }

    public float[] bias(int i) {
        return backend.download(layers.get(i).bias);
    }

    /** Overwrites layer {@code i}'s parameters from host arrays of the right length. */
    public void setParameters(int i, float[] weights, float[] bias) {
        Dense d = layers.get(i);
        if (weights.length != d.inputs() * d.outputs() || bias.length != d.outputs()) {
            throw new IllegalArgumentException("layer " + i + " is " + d.inputs() + "x" + d.outputs()
                    + ": got " + weights.length + " weights and " + bias.length + " biases");
        }
        backend.upload(weights, d.weights);
        backend.upload(bias, d.bias);
    }

    /**
     * The model as plain data for {@code io.Checkpoint} and {@code io.Npz}: every layer's
     * parameters, the metadata, and the optimiser's state when one is given (else none).
     */
    public ModelState state(Optimizer optimizer, Map<String, String> metadata) {
        List<LayerState> saved = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            saved.add(new LayerState(d.activation().id(), d.inputs(), d.outputs(), weights(i), bias(i)));
        }
        Map<String, float[]> extras = optimizer == null ? new LinkedHashMap<>() : optimizer.exportState();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (optimizer != null) {
            meta.putIfAbsent("optimizer", optimizer.name());
        }
        return new ModelState(saved, meta, extras);
    }

    /** The parameters only (for {@code .npz} export and prediction). */
    public ModelState state() {
        return state(null, Map.of());
    }

    /**
     * A saved layer's activation; a file that names none (an {@code .npz} without
     * {@code activations}, see docs/npz-format.md) gets {@code train}'s defaults: ReLU for a hidden
     * layer, softmax for an output layer of several units, sigmoid for a single output unit.
     */
    public static Activation savedActivation(ModelState state, int layer) {
        LayerState l = state.layers().get(layer);
        if (!l.activation().isBlank()) {
            return Activation.parse(l.activation());
        }
        if (layer < state.layers().size() - 1) {
            return Activation.RELU;
        }
        return l.outputs() == 1 ? Activation.SIGMOID : Activation.SOFTMAX;
    }

    /** Builds a model on {@code backend} with the saved architecture and parameters (no dropout: for inference). */
    public static Model fromState(ModelState state, Backend backend) {
        List<LayerState> saved = state.layers();
        Builder b = builder(saved.get(0).inputs());
        for (int i = 0; i < saved.size(); i++) {
            b.dense(saved.get(i).outputs(), savedActivation(state, i));
        }
        Model model = b.init(Init.ZEROS).build(backend);
        try {
            model.loadState(state);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Overwrites this model's parameters from a saved state (for {@code --init} and resume); the
     * architectures must agree, and the first layer and shapes that differ are named.
     */
    public void loadState(ModelState state) {
        List<LayerState> saved = state.layers();
        if (saved.size() != layers.size()) {
            throw new IllegalArgumentException("saved weights have " + saved.size() + " layers, the model has "
                    + layers.size() + " (" + describe() + ")");
        }
        for (int i = 0; i < saved.size(); i++) {
            LayerState s = saved.get(i);
            Dense d = layers.get(i);
            if (s.inputs() != d.inputs() || s.outputs() != d.outputs()) {
                throw new IllegalArgumentException("layer " + i + ": saved weights are " + s.inputs() + "x"
                        + s.outputs() + ", the model's are " + d.inputs() + "x" + d.outputs());
            }
            // a file that names no activation leaves it to the model it is loaded into
            if (!s.activation().isBlank() && !Activation.parse(s.activation()).equals(d.activation())) {
                throw new IllegalArgumentException("layer " + i + ": saved activation " + s.activation()
                        + " differs from the model's " + d.activation().id());
            }
        }
        for (int i = 0; i < saved.size(); i++) {
            setParameters(i, saved.get(i).weights(), saved.get(i).bias());
        }
    }

    @Override
    public void close() {
        for (Dense d : layers) {
            d.close();
        }
    }

    /** Builds a model layer by layer, then allocates and initialises it on a backend. */
    public static final class Builder {
        private final int inputs;
        private final List<Integer> sizes = new ArrayList<>();
        private final List<Activation> activations = new ArrayList<>();
        private final List<Float> dropouts = new ArrayList<>();
        private Init init = Init.AUTO;
        private long seed = 42;
        private float inputDropout;

        private Builder(int inputs) {
            if (inputs < 1) {
                throw new IllegalArgumentException("a model needs at least one input feature, got " + inputs);
            }
            this.inputs = inputs;
        }

        public Builder dense(int units, Activation activation) {
            if (units < 1) {
                throw new IllegalArgumentException("a dense layer needs at least one unit, got " + units);
            }
            sizes.add(units);
            activations.add(activation);
            dropouts.add(0f);
            return this;
        }

        /**
         * Inverted dropout after the layer just added: in training each of its outputs is zeroed
         * with probability {@code rate} and the rest scaled by 1/(1 − rate); off in evaluation.
         */
        public Builder dropout(float rate) {
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("dropout follows a layer: add a dense layer first");
            }
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
            }
            dropouts.set(dropouts.size() - 1, rate);
            return this;
        }

        /**
         * Inverted dropout on the input features (Srivastava et al.'s p = 0.2 for MNIST): in
         * training each feature is zeroed with probability {@code rate} and the rest scaled by
         * 1/(1 − rate); off in evaluation.
         */
        public Builder inputDropout(float rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("input dropout rate must be in [0, 1), got " + rate);
            }
            inputDropout = rate;
            return this;
        }

        public Builder init(Init init) {
            this.init = init;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Model build(Backend backend) {
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("a model needs at least one layer");
            }
            for (int i = 0; i < activations.size() - 1; i++) {
                if (activations.get(i) == Activation.SOFTMAX) {
                    throw new IllegalArgumentException("softmax is only supported on the output layer");
                }
            }
            if (dropouts.get(dropouts.size() - 1) > 0) {
                throw new IllegalArgumentException("dropout goes after hidden layers, not after the output layer");
            }
            Random random = new Random(seed);
            List<Dense> layers = new ArrayList<>();
            int fanIn = inputs;
            try {
                for (int i = 0; i < sizes.size(); i++) {
                    int units = sizes.get(i);
                    Dense d = new Dense(backend, fanIn, units, activations.get(i), dropouts.get(i));
                    layers.add(d);
                    float[] w = new float[fanIn * units];
                    init.fill(w, fanIn, units, activations.get(i), random);
                    backend.upload(w, d.weights);
                    backend.fill(d.bias, 0f);
                    fanIn = units;
                }
            } catch (RuntimeException e) {
                layers.forEach(Dense::close);
                throw e;
            }
            return new Model(backend, inputs, layers, inputDropout);
        }
    }
}
