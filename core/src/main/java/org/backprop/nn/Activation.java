package org.backprop.nn;

import java.util.Locale;
import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/** A layer's nonlinearity, applied to z = x·W + b. */
public enum Activation {
    IDENTITY, SIGMOID, TANH, RELU, SOFTMAX;

    /** a = f(z); {@code a} may be {@code z}. */
    void forward(Backend backend, Tensor z, Tensor a) {
        switch (this) {
            case IDENTITY -> {
                if (a != z) {
                    backend.copy(z, a);
                }
            }
            case SIGMOID -> backend.sigmoid(z, a);
            case TANH -> backend.tanh(z, a);
            case RELU -> backend.relu(z, a);
            case SOFTMAX -> backend.softmax(z, a);
        }
    }

    /**
     * dz = da·f′(z), written in place of da, given the layer's output a. Softmax has no
     * elementwise derivative: it is only trained through the fused softmax + cross-entropy.
     */
    void backward(Backend backend, Tensor a, Tensor da) {
        switch (this) {
            case IDENTITY -> { }
            case SIGMOID -> backend.sigmoidBackward(a, da, da);
            case TANH -> backend.tanhBackward(a, da, da);
            case RELU -> backend.reluBackward(a, da, da);
            case SOFTMAX -> throw new IllegalStateException(
                    "softmax is only differentiable here through the cross-entropy loss");
        }
    }

    /** The elementwise unit the fused layer ops apply; null for softmax, which is not elementwise. */
    Pointwise pointwise() {
        return switch (this) {
            case IDENTITY -> Pointwise.IDENTITY;
            case SIGMOID -> Pointwise.SIGMOID;
            case TANH -> Pointwise.TANH;
            case RELU -> Pointwise.RELU;
            case SOFTMAX -> null;
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.id().equalsIgnoreCase(s.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + org.backprop.data.Text.printable(s)
                + "': expected identity, sigmoid, tanh, relu or softmax");
    }
}
