package org.backprop.nn;

import java.util.Locale;

/**
 * Training losses, each averaged over the batch (1/m). Cross-entropy pairs with a softmax
 * output, binary cross-entropy with a sigmoid output (the logistic-regression log-likelihood);
 * both are fused with their output activation, so their gradient with respect to the logits is
 * simply (ŷ − y)/m. Squared error works with any elementwise output activation.
 */
public enum Loss {
    /** Categorical cross-entropy, −Σ y·log ŷ per sample (PyTorch's CrossEntropyLoss). */
    CROSS_ENTROPY("ce"),
    /** Binary cross-entropy, −[y·log ŷ + (1 − y)·log(1 − ŷ)] summed over outputs (BCEWithLogitsLoss). */
    BINARY_CROSS_ENTROPY("bce"),
    /** Squared error Σ_j (ŷ_j − y_j)² per sample, averaged over the batch. */
    MSE("mse");

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Rejects output activations this loss cannot be trained through, with the pairing to use. */
    void checkOutput(Activation output) {
        switch (this) {
            case CROSS_ENTROPY -> {
                if (output != Activation.SOFTMAX) {
                    throw new IllegalArgumentException("cross-entropy needs a softmax output layer, got "
                            + output.id() + " (use --loss bce for a sigmoid output)");
                }
            }
            case BINARY_CROSS_ENTROPY -> {
                if (output != Activation.SIGMOID) {
                    throw new IllegalArgumentException("binary cross-entropy needs a sigmoid output layer, got "
                            + output.id() + " (use --loss ce for a softmax output)");
                }
            }
            case MSE -> {
                if (output == Activation.SOFTMAX) {
                    throw new IllegalArgumentException("squared error with a softmax output is not supported:"
                            + " use --loss ce, or --output sigmoid with --loss mse");
                }
            }
        }
    }

    public static Loss parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Loss l : values()) {
            if (l.id.equals(k) || l.name().equalsIgnoreCase(k)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + org.backprop.data.Text.printable(s) + "': expected ce, bce or mse");
    }
}
