package org.backprop.nn;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * Every activation and gradient buffer a pass needs, allocated once for the largest batch and
 * reused: a shorter batch (the last of an epoch) works on views of the first rows, made once
 * per batch size. This is what keeps a training step free of allocation.
 */
final class Workspace implements AutoCloseable {

    /** The buffers for one batch size. */
    record Views(int rows, Tensor input, Tensor target, Tensor probabilities, Tensor[] activations, Tensor[] deltas) { }

    private final Model model;
    private final Backend backend;
    private final Views full;
    private final Map<Integer, Views> byRows = new HashMap<>();

    Workspace(Model model, int capacity) {
        this.model = model;
        this.backend = model.backend();
        List<Dense> layers = model.layers();
        int n = layers.size();
        Tensor[] acts = new Tensor[n];
        Tensor[] deltas = new Tensor[n];
        Tensor input = null, target = null, probs = null;
        try {
            input = backend.allocate(capacity, model.inputs());
            target = backend.allocate(capacity, model.outputs());
            probs = backend.allocate(capacity, model.outputs());
            for (int l = 0; l < n; l++) {
                acts[l] = backend.allocate(capacity, layers.get(l).outputs());
                deltas[l] = backend.allocate(capacity, layers.get(l).outputs());
            }
        } catch (RuntimeException e) {
            Dense.closeAll(input, target, probs);
            Dense.closeAll(acts);
            Dense.closeAll(deltas);
            throw e;
        }
        this.full = new Views(capacity, input, target, probs, acts, deltas);
        byRows.put(capacity, full);
    }

    int capacity() {
        return full.rows();
    }

    Views rows(int n) {
        if (n < 1 || n > full.rows()) {
            throw new IllegalArgumentException("batch of " + n + " rows does not fit a workspace of " + full.rows());
        }
        return byRows.computeIfAbsent(n, k -> {
            Tensor[] a = new Tensor[full.activations().length];
            Tensor[] d = new Tensor[a.length];
            for (int l = 0; l < a.length; l++) {
                a[l] = full.activations()[l].firstRows(k);
                d[l] = full.deltas()[l].firstRows(k);
            }
            return new Views(k, full.input().firstRows(k), full.target().firstRows(k),
                    full.probabilities().firstRows(k), a, d);
        });
    }

    /**
     * Forward pass over {@code v.input()}. When {@code outputActivation} is false the last layer
     * stops at its logits (the fused losses apply the softmax or sigmoid themselves).
     * Returns the last layer's buffer.
     */
    Tensor forward(Views v, boolean outputActivation) {
        List<Dense> layers = model.layers();
        Tensor x = v.input();
        for (int l = 0; l < layers.size(); l++) {
            Dense d = layers.get(l);
            Tensor a = v.activations()[l];
            // [issue 15 fused ops] one call per layer: the GEMM with bias and activation as its epilogue
            boolean activate = l < layers.size() - 1 || outputActivation;
            Pointwise unit = activate ? d.activation().pointwise() : Pointwise.IDENTITY;
            backend.linearForward(x, d.weights, d.bias, unit == null ? Pointwise.IDENTITY : unit, a);
            if (unit == null) {
                d.activation().forward(backend, a, a);   // softmax: not elementwise
            }
            x = a;
        }
        return x;
    }

    /**
     * Backward pass, given δ of the last layer (the gradient with respect to its pre-activation,
     * already 1/m-averaged) in {@code v.deltas()[last]}: fills every layer's weight and bias
     * gradients. The first layer's input gradient is never needed, so it is never computed.
     */
    void backward(Views v) {
        List<Dense> layers = model.layers();
        for (int l = layers.size() - 1; l >= 0; l--) {
            Dense d = layers.get(l);
            Tensor delta = v.deltas()[l];
            Tensor below = l == 0 ? v.input() : v.activations()[l - 1];
            // [issue 15 fused ops] bias gradient beside the weight gradient; f′ applied in the δ·Wᵀ product
            backend.linearGradients(below, delta, d.weightGrad, d.biasGrad);
            if (l > 0) {
                Tensor deltaBelow = v.deltas()[l - 1];
                Activation f = layers.get(l - 1).activation();
                if (f.pointwise() == null) {
                    f.backward(backend, v.activations()[l - 1], deltaBelow);   // throws: softmax hidden layer
                }
                backend.linearInputGradient(delta, d.weights, v.activations()[l - 1], f.pointwise(), deltaBelow);
            }
        }
    }

    @Override
    public void close() {
        Dense.closeAll(full.input(), full.target(), full.probabilities());
        Dense.closeAll(full.activations());
        Dense.closeAll(full.deltas());
    }
}
