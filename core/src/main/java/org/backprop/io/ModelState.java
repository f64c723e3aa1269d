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

    /**
     * Checks that {@code loaded} (read from {@code source}) has this state's layer shapes, so
     * that parameters are never poured into a model of another shape; activations must match
     * where both name one.
     *
     * @throws CheckpointException naming the first layer and the shapes that differ
     */
    public void requireSameArchitecture(ModelState loaded, String source) {
        if (loaded.layers().size() != layers.size()) {
            throw new CheckpointException(source + ": has " + loaded.layers().size() + " layers "
                    + shapes(loaded) + ", the model has " + layers.size() + " " + shapes(this));
        }
        for (int i = 0; i < layers.size(); i++) {
            LayerState want = layers.get(i);
            LayerState got = loaded.layers().get(i);
            if (want.inputs() != got.inputs() || want.outputs() != got.outputs()) {
                throw new CheckpointException(source + ": layer " + i + " is " + got.inputs() + "x" + got.outputs()
                        + ", the model's layer " + i + " is " + want.inputs() + "x" + want.outputs());
            }
            if (!want.activation().isEmpty() && !got.activation().isEmpty()
                    && !want.activation().equals(got.activation())) {
                throw new CheckpointException(source + ": layer " + i + " activation is " + got.activation()
                        + ", the model's is " + want.activation());
            }
        }
    }

    private static String shapes(ModelState s) {
        StringBuilder b = new StringBuilder("(").append(s.layers().get(0).inputs());
        for (LayerState l : s.layers()) {
            b.append("→").append(l.outputs());
        }
        return b.append(')').toString();
    }

    /** Layers only, no metadata or extras. */
    public ModelState(List<LayerState> layers) {
        this(layers, Map.of(), Map.of());
    }
}
