package org.backprop.io;

/**
 * One dense layer as plain data: {@code y = activation(x·W + b)} with {@code weights} row-major
 * {@code inputs × outputs} and {@code bias} of length {@code outputs}. {@code activation} is a
 * name such as "sigmoid", "relu", "softmax", "identity", or "" when the source did not record it.
 */
public record LayerState(String activation, int inputs, int outputs, float[] weights, float[] bias) {

    public LayerState {
        if (activation == null) {
            throw new IllegalArgumentException("layer activation is null (use \"\" when unknown)");
        }
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("layer shape must be positive, got " + inputs + "x" + outputs);
        }
        if (weights == null || (long) inputs * outputs != weights.length) {
            throw new IllegalArgumentException("layer " + inputs + "x" + outputs + " needs " + (long) inputs * outputs
                    + " weights, got " + (weights == null ? "null" : weights.length));
        }
        if (bias == null || bias.length != outputs) {
            throw new IllegalArgumentException("layer " + inputs + "x" + outputs + " needs " + outputs
                    + " biases, got " + (bias == null ? "null" : bias.length));
        }
    }
}
