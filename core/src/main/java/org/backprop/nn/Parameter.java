package org.backprop.nn;

import org.backprop.core.Tensor;

/**
 * One trainable tensor and the gradient the last backward pass left beside it, on the same
 * device: what {@link Model#parameters()} hands to optimisers, clipping and finiteness checks.
 * {@code name} reads like PyTorch's {@code named_parameters()}: "0.weights", "0.bias", "1.weights"...
 */
public record Parameter(String name, Tensor value, Tensor grad) { }
