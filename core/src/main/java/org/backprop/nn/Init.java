package org.backprop.nn;

import java.util.Locale;
import java.util.Random;

/** How a layer's weights start. Biases always start at zero. */
public enum Init {
    /** All zeros: right for logistic and softmax regression, wrong for hidden layers. */
    ZEROS,
    /** Glorot/Xavier uniform, ±√(6 / (fan-in + fan-out)): for sigmoid, tanh and outputs. */
    XAVIER,
    /** He/Kaiming normal, σ = √(2 / fan-in): for ReLU layers. */
    HE,
    /** He for ReLU layers, Xavier for the rest. */
    AUTO;

    void fill(float[] weights, int fanIn, int fanOut, Activation activation, Random random) {
        switch (this == AUTO ? (activation == Activation.RELU ? HE : XAVIER) : this) {
            case ZEROS -> java.util.Arrays.fill(weights, 0f);
            case XAVIER -> {
                double limit = Math.sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = (float) ((2 * random.nextDouble() - 1) * limit);
                }
            }
            case HE -> {
                double std = Math.sqrt(2.0 / fanIn);
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = (float) (random.nextGaussian() * std);
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    public static Init parse(String s) {
        for (Init i : values()) {
            if (i.name().equalsIgnoreCase(s.trim())) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown init '" + s + "': expected zeros, xavier, he or auto");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
