package org.backprop.nn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * Every buffer a forward and backward pass of one {@link Model} needs (llm.c's activations
 * struct): allocated once for the largest batch and reused, so a training step allocates nothing.
 * A shorter batch (the last of an epoch) works on views of the first rows, made once per size.
 * It holds buffers only; {@link Model#forward} and {@link Model#backward} do the passes.
 */
public final class Activations implements AutoCloseable {

    /**
     * The buffers for one batch size. Per layer l: {@code outputs[l]} is f(x·W + b) (the logits
     * for the last layer when the loss fuses its output activation), {@code dropped[l]} the same
     * after dropout (null for a layer without dropout: the next layer then reads
     * {@code outputs[l]}), {@code deltas[l]} the gradient of the loss with respect to layer l's
     * pre-activation; {@code droppedInput} the input after input dropout (null for a model without).
     */
    public record Batch(int rows, Tensor input, Tensor target, Tensor probabilities,
                        Tensor[] outputs, Tensor[] dropped, Tensor[] deltas, Tensor droppedInput) {

        /** What layer l passes on to layer l + 1 (or to the loss). */
        Tensor passedOn(int l) {
            return dropped[l] != null ? dropped[l] : outputs[l];
        }

        /** δ of the output layer: where {@link Loss#forward} writes and {@link Model#backward} starts. */
        public Tensor outputDelta() {
            return deltas[deltas.length - 1];
        }
    }

    private final Batch full;
    private final Map<Integer, Batch> byRows = new HashMap<>();

    /** Buffers for batches of up to {@code capacity} rows of {@code model}. */
    public Activations(Model model, int capacity) {
        Backend backend = model.backend();
        List<Dense> layers = model.layers();
        int n = layers.size();
        Tensor[] outs = new Tensor[n];
        Tensor[] dropped = new Tensor[n];
        Tensor[] deltas = new Tensor[n];
        Tensor input = null, target = null, probs = null, droppedInput = null;
        try {
            input = backend.allocate(capacity, model.inputs());
            if (model.inputDropout() > 0) {
                droppedInput = backend.allocate(capacity, model.inputs());
            }
            target = backend.allocate(capacity, model.outputs());
            probs = backend.allocate(capacity, model.outputs());
            for (int l = 0; l < n; l++) {
                outs[l] = backend.allocate(capacity, layers.get(l).outputs());
                deltas[l] = backend.allocate(capacity, layers.get(l).outputs());
                if (layers.get(l).dropout() > 0) {
                    dropped[l] = backend.allocate(capacity, layers.get(l).outputs());
                }
            }
        } catch (RuntimeException e) {
            Dense.closeAll(input, target, probs, droppedInput);
            Dense.closeAll(outs);
            Dense.closeAll(dropped);
            Dense.closeAll(deltas);
            throw e;
        }
        this.full = new Batch(capacity, input, target, probs, outs, dropped, deltas, droppedInput);
        byRows.put(capacity, full);
    }

    public int capacity() {
        return full.rows();
    }

    /** The buffers for a batch of {@code n} rows (1 ≤ n ≤ capacity). */
    public Batch rows(int n) {
        if (n < 1 || n > full.rows()) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit activations for " + full.rows());
        }
        return byRows.computeIfAbsent(n, k -> new Batch(k, full.input().firstRows(k), full.target().firstRows(k),
                full.probabilities().firstRows(k), firstRows(full.outputs(), k), firstRows(full.dropped(), k),
                firstRows(full.deltas(), k), full.droppedInput() == null ? null : full.droppedInput().firstRows(k)));
    }

    private static Tensor[] firstRows(Tensor[] ts, int k) {
        Tensor[] out = new Tensor[ts.length];
        for (int l = 0; l < ts.length; l++) {
            out[l] = ts[l] == null ? null : ts[l].firstRows(k);
        }
        return out;
    }

    @Override
    public void close() {
        Dense.closeAll(full.input(), full.target(), full.probabilities(), full.droppedInput());
        Dense.closeAll(full.outputs());
        Dense.closeAll(full.dropped());
        Dense.closeAll(full.deltas());
    }
}
