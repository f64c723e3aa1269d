package org.backprop.nn;

import java.util.Locale;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * Training losses, each averaged over the batch (1/m), each owning its forward math: the value
 * and δ, the gradient of the mean loss with respect to the output layer's pre-activation.
 * Cross-entropy pairs with a softmax output, binary cross-entropy with a sigmoid output (the
 * logistic-regression log-likelihood); both are fused with their output activation, so they read
 * the logits and their δ is simply (ŷ − y)/m. Squared error works with any elementwise output
 * activation.
 */
public enum Loss {
    /** Categorical cross-entropy, −Σ y·log ŷ per sample (PyTorch's CrossEntropyLoss). */
    CROSS_ENTROPY("ce", new Fused("cross-entropy", Activation.SOFTMAX, "use the bce loss for a sigmoid output")) {
        @Override public Tensor forward(Model model, Activations.Batch b, Tensor logits, Tensor lossSum) {
            model.backend().softmaxCrossEntropy(logits, b.target(), b.probabilities(), b.outputDelta(), lossSum);
            return b.probabilities();
        }

        @Override Tensor forward(Model model, Activations.Batch b, Tensor logits, Tensor lossSum, Tensor correct) {
            // the correct count folded into the softmax + cross-entropy pass
            model.backend().softmaxCrossEntropy(logits, b.target(), b.probabilities(), b.outputDelta(), lossSum, correct);
            return b.probabilities();
        }
    },
    /** Binary cross-entropy, −[y·log ŷ + (1 − y)·log(1 − ŷ)] summed over outputs (BCEWithLogitsLoss). */
    BINARY_CROSS_ENTROPY("bce", new Fused("binary cross-entropy", Activation.SIGMOID, "use the ce loss for a softmax output")) {
        @Override public Tensor forward(Model model, Activations.Batch b, Tensor logits, Tensor lossSum) {
            model.backend().sigmoidBinaryCrossEntropy(logits, b.target(), b.probabilities(), b.outputDelta(), lossSum);
            return b.probabilities();
        }
    },
    /**
     * Squared error Σ_j (ŷ_j − y_j)² per sample, summed over the outputs and averaged over the
     * batch: the course notes' cost. PyTorch's MSELoss also averages over the outputs, so it is
     * this divided by the output count; with one output the two agree.
     */
    SQUARED_ERROR("se", null) {
        @Override void checkOutput(Activation output) {
            if (output == Activation.SOFTMAX) {
                throw new IllegalArgumentException("squared error with a softmax output is not supported:"
                        + " use the ce loss, or a sigmoid output with the se loss");
            }
        }

        @Override public Tensor forward(Model model, Activations.Batch b, Tensor output, Tensor lossSum) {
            Backend backend = model.backend();
            backend.squaredError(output, b.target(), b.outputDelta(), lossSum);
            model.outputActivation().backward(backend, output, b.outputDelta());
            return output;
        }
    };

    /**
     * A loss fused with its output activation: its name in errors, the activation, and the
     * pairing to use with another output.
     */
    private record Fused(String title, Activation output, String otherwise) { }

    private final String id;
    /** Null for a loss that reads the activated outputs. */
    private final Fused fused;

    Loss(String id, Fused fused) {
        this.id = id;
        this.fused = fused;
    }

    public String id() {
        return id;
    }

    /**
     * True when the loss applies the output activation itself (ce, bce): the model's forward pass
     * then stops at the logits ({@code outputActivation = false}).
     */
    public boolean fusesOutput() {
        return fused != null;
    }

    /**
     * Rejects output activations this loss cannot be trained through, with the pairing to use: a
     * fused loss trains through its own output activation only.
     */
    void checkOutput(Activation output) {
        if (output != fused.output()) {
            throw new IllegalArgumentException(fused.title() + " needs a " + fused.output().id() + " output layer, got "
                    + output.id() + " (" + fused.otherwise() + ")");
        }
    }

    /**
     * Adds the batch's summed loss to {@code lossSum} (a 1×1 accumulator), writes δ of the output
     * layer into {@code b.outputDelta()}, and returns the model's predictions (probabilities or
     * outputs). {@code out} is what {@link Model#forward} returned: logits when
     * {@link #fusesOutput()}, activated outputs otherwise.
     */
    public abstract Tensor forward(Model model, Activations.Batch b, Tensor out, Tensor lossSum);

    /**
     * As {@link #forward(Model, Activations.Batch, Tensor, Tensor)}, adding the batch's correct
     * predictions to {@code correct} (a 1×1 accumulator).
     */
    Tensor forward(Model model, Activations.Batch b, Tensor out, Tensor lossSum, Tensor correct) {
        Tensor predictions = forward(model, b, out, lossSum);
        model.backend().countCorrect(predictions, b.target(), correct);
        return predictions;
    }

    /**
     * The training step up to the optimiser, on a batch already gathered into {@code b}:
     * {@link Model#forward} (dropout keyed by seed and step) → this loss's forward (value and
     * output δ, added to {@code lossSum}; correct predictions to {@code correct} unless null) →
     * {@link Model#backward}, which leaves the gradients beside the parameters. Reads nothing
     * back, so a backend can record it.
     */
    public void step(Model model, Activations.Batch b, Tensor lossSum, Tensor correct, long seed, int step) {
        Tensor out = model.forward(b, !fusesOutput(), seed, step);
        if (correct == null) {
            forward(model, b, out, lossSum);
        } else {
            forward(model, b, out, lossSum, correct);
        }
        model.backward(b);
    }

    /** Accepts ce, bce, se; "mse" (this project's older name for se) still reads old checkpoints. */
    public static Loss parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        if (k.equals("mse")) {
            return SQUARED_ERROR;
        }
        for (Loss l : values()) {
            if (l.id.equals(k) || l.name().equalsIgnoreCase(k)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + org.backprop.data.Text.printable(s) + "': expected ce, bce or se");
    }
}
