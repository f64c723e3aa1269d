package org.backprop.nn;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * A fully connected layer, y = f(x·W + b), optionally followed by inverted dropout: Keras's
 * {@code Dense} (PyTorch's {@code Linear}, its activation and its {@code Dropout} in one). This is
 * the project's one name for it. {@code weights} is inputs×outputs, so the forward product is a
 * plain X·W; {@code bias} is 1×outputs. The gradients live beside the parameters, on the same device.
 */
public final class Dense implements AutoCloseable {

    private final int inputs;
    private final int outputs;
    private final Activation activation;
    private final float dropout;
    final Tensor weights;
    final Tensor bias;
    final Tensor weightGrad;
    final Tensor biasGrad;

    Dense(Backend backend, int inputs, int outputs, Activation activation, float dropout) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.activation = activation;
        this.dropout = dropout;
        Tensor w = null, b = null, gw = null;
        try {
            w = backend.allocate(inputs, outputs);
            b = backend.allocate(1, outputs);
            gw = backend.allocate(inputs, outputs);
            this.biasGrad = backend.allocate(1, outputs);
        } catch (RuntimeException e) {
            closeAll(w, b, gw);
            throw e;
        }
        this.weights = w;
        this.bias = b;
        this.weightGrad = gw;
    }

    public int inputs() { return inputs; }

    public int outputs() { return outputs; }

    public Activation activation() { return activation; }

    /** The probability of zeroing each output in training (0: no dropout). */
    public float dropout() { return dropout; }

    public Tensor weights() { return weights; }

    public Tensor bias() { return bias; }

    public long parameterCount() {
        return (long) inputs * outputs + outputs;
    }

    static void closeAll(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    @Override
    public void close() {
        closeAll(weights, bias, weightGrad, biasGrad);
    }

    @Override
    public String toString() {
        return "Dense(" + inputs + " -> " + outputs + ", " + activation.id()
                + (dropout > 0 ? ", dropout " + dropout : "") + ")";
    }
}
