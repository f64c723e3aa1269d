package org.backprop.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * A stack of {@link Dense} layers on one backend: logistic regression (one sigmoid unit),
 * softmax regression (one softmax layer) or a multilayer perceptron of any depth.
 *
 * <pre>{@code
 * Model model = Model.builder(784)
 *         .dense(512, Activation.RELU)
 *         .dense(10, Activation.SOFTMAX)
 *         .init(Init.AUTO).seed(42)
 *         .build(backend);
 * }</pre>
 */
public final class Model implements AutoCloseable {

    private final Backend backend;
    private final int inputs;
    private final List<Dense> layers;

    private Model(Backend backend, int inputs, List<Dense> layers) {
        this.backend = backend;
        this.inputs = inputs;
        this.layers = Collections.unmodifiableList(layers);
    }

    public static Builder builder(int inputs) {
        return new Builder(inputs);
    }

    public Backend backend() { return backend; }

    public int inputs() { return inputs; }

    public int outputs() { return layers.get(layers.size() - 1).outputs(); }

    public List<Dense> layers() { return layers; }

    public Activation outputActivation() { return layers.get(layers.size() - 1).activation(); }

    public long parameterCount() {
        long n = 0;
        for (Dense d : layers) {
            n += d.parameterCount();
        }
        return n;
    }

    /** "784-512-512-10 relu/softmax"-style summary. */
    public String describe() {
        StringBuilder sb = new StringBuilder().append(inputs);
        for (Dense d : layers) {
            sb.append('-').append(d.outputs());
        }
        sb.append(" (");
        for (int i = 0; i < layers.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(layers.get(i).activation().id());
        }
        return sb.append("; ").append(parameterCount()).append(" parameters)").toString();
    }

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

    /** Runs the network forward on host data (rows × inputs) and returns its outputs (rows × outputs). */
    public float[] predict(float[] x, int rows) {
        if (rows < 1 || x.length != (long) rows * inputs) {
            throw new IllegalArgumentException("predict: expected " + rows + " rows of " + inputs
                    + " features (" + (long) rows * inputs + " values), got " + x.length);
        }
        int batch = Math.min(rows, 1024);
        float[] out = new float[rows * outputs()];
        try (Workspace ws = new Workspace(this, batch)) {
            for (int start = 0; start < rows; start += batch) {
                int n = Math.min(batch, rows - start);
                Workspace.Views v = ws.rows(n);
                float[] src = new float[n * inputs];
                System.arraycopy(x, start * inputs, src, 0, n * inputs);
                backend.upload(src, v.input());
                float[] part = backend.download(ws.forward(v, true));
                System.arraycopy(part, 0, out, start * outputs(), part.length);
            }
        }
        return out;
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
        private final List<int[]> sizes = new ArrayList<>();
        private final List<Activation> activations = new ArrayList<>();
        private Init init = Init.AUTO;
        private long seed = 42;

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
            sizes.add(new int[] {units});
            activations.add(activation);
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
            Random random = new Random(seed);
            List<Dense> layers = new ArrayList<>();
            int fanIn = inputs;
            try {
                for (int i = 0; i < sizes.size(); i++) {
                    int units = sizes.get(i)[0];
                    Dense d = new Dense(backend, fanIn, units, activations.get(i));
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
            return new Model(backend, inputs, layers);
        }
    }
}
