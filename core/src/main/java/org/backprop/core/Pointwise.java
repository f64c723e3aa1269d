package org.backprop.core;

/**
 * The elementwise nonlinearities a fused op can apply or differentiate: the layer activations
 * that have an elementwise derivative (softmax has none and is only trained through its loss).
 * The kernels take {@link #ordinal()} as their mode, so the order is part of the PTX contract.
 */
public enum Pointwise {
    IDENTITY, SIGMOID, TANH, RELU;

    /** y = f(x) with the backend's plain op; y may be x. */
    public void forward(Backend b, Tensor x, Tensor y) {
        switch (this) {
            case IDENTITY -> {
                if (x != y) {
                    b.copy(x, y);
                }
            }
            case SIGMOID -> b.sigmoid(x, y);
            case TANH -> b.tanh(x, y);
            case RELU -> b.relu(x, y);
        }
    }

    /** dx = dy·f′ given y = f(x), with the backend's plain op; dx may be dy. */
    public void backward(Backend b, Tensor y, Tensor dy, Tensor dx) {
        switch (this) {
            case IDENTITY -> {
                if (dy != dx) {
                    b.copy(dy, dx);
                }
            }
            case SIGMOID -> b.sigmoidBackward(y, dy, dx);
            case TANH -> b.tanhBackward(y, dy, dx);
            case RELU -> b.reluBackward(y, dy, dx);
        }
    }
}
