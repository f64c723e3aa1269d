package org.backprop.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as plain data, what checkpoints and {@code .npz} files hold: the layers in order (each
 * layer's inputs equal the previous layer's outputs), string metadata (epoch, seed, recipe...)
 * and named float arrays for everything else, e.g. optimiser state ("adam.m.0").
 * Maps keep their insertion order.
 */
public record ModelState(List<LayerState> layers, Map<String, String> metadata, Map<String, float[]> extras) {

    public ModelState {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputs() != layers.get(i - 1).outputs()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputs()
                        + " inputs but layer " + (i - 1) + " gives " + layers.get(i - 1).outputs() + " outputs");
            }
        }
        layers = List.copyOf(layers);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
        extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras == null ? Map.of() : extras));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("metadata keys and values must not be null");
            }
        }
        for (Map.Entry<String, float[]> e : extras.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("extras names and arrays must not be null");
            }
        }
    }

    /** Layers only, no metadata or extras. */
    public ModelState(List<LayerState> layers) {
        this(layers, Map.of(), Map.of());
    }
}
