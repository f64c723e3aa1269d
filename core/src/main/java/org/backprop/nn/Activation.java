package org.backprop.nn;

import java.util.Locale;
import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * A layer's nonlinearity, applied to z = x·W + b: an elementwise {@link Pointwise} unit, or
 * softmax, the one row-wise case (its elementwise part is the identity; the row-wise normalisation
 * follows, and it is only differentiated through the cross-entropy loss).
 */
public enum Activation {
    IDENTITY(Pointwise.IDENTITY), SIGMOID(Pointwise.SIGMOID), TANH(Pointwise.TANH), RELU(Pointwise.RELU),
    SOFTMAX(Pointwise.IDENTITY);

    private final Pointwise unit;

    Activation(Pointwise unit) {
        this.unit = unit;
    }

    /** The elementwise unit the fused layer ops apply: the identity for softmax, whose row step follows. */
    public Pointwise pointwise() {
        return unit;
    }

    /** True for softmax: normalised by rows after the elementwise part, no elementwise derivative. */
    public boolean rowwise() {
        return this == SOFTMAX;
    }

    /** a = f(z); {@code a} may be {@code z}. */
    void forward(Backend backend, Tensor z, Tensor a) {
        if (rowwise()) {
            backend.softmax(z, a);
        } else {
            unit.forward(backend, z, a);
        }
    }

    /** dz = da·f′(z), written in place of da, given the layer's output a. */
    void backward(Backend backend, Tensor a, Tensor da) {
        requireElementwise();
        unit.backward(backend, a, da, da);
    }

    /** Softmax is only differentiable here through the cross-entropy loss. */
    void requireElementwise() {
        if (rowwise()) {
            throw new IllegalStateException("softmax is only differentiable here through the cross-entropy loss");
        }
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
