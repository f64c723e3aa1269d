package org.backprop.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backprop.core.Backend;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;

/** Converts between a live {@link Model} (plus optimiser state) and the plain {@link ModelState} the file formats store. */
public final class Checkpoints {

    private Checkpoints() { }

    /** Copies the model's parameters (and, when given, the optimiser's state) to the host. */
    public static ModelState capture(Model model, Optimizer optimizer, Map<String, String> metadata) {
        List<LayerState> layers = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Dense d = model.layers().get(i);
            layers.add(new LayerState(d.activation().id(), d.inputs(), d.outputs(), model.weights(i), model.bias(i)));
        }
        Map<String, float[]> extras = optimizer == null ? new LinkedHashMap<>() : optimizer.exportState();
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        if (optimizer != null) {
            meta.putIfAbsent("optimizer", optimizer.name());
        }
        return new ModelState(layers, meta, extras);
    }

    /** Builds a model on {@code backend} with the saved architecture and parameters. */
    public static Model restore(ModelState state, Backend backend) {
        List<LayerState> layers = state.layers();
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("checkpoint holds no layers");
        }
        Model.Builder b = Model.builder(layers.get(0).inputs());
        int fanIn = layers.get(0).inputs();
        for (int i = 0; i < layers.size(); i++) {
            LayerState l = layers.get(i);
            if (l.inputs() != fanIn) {
                throw new IllegalArgumentException("checkpoint layer " + i + " takes " + l.inputs()
                        + " inputs but the layer before it gives " + fanIn);
            }
            b.dense(l.outputs(), Activation.parse(l.activation()));
            fanIn = l.outputs();
        }
        Model model = b.init(Init.ZEROS).build(backend);
        try {
            load(model, state);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Overwrites an existing model's parameters from a saved state (for {@code --init}); the
     * architectures must agree, and the first layer and shapes that differ are named.
     */
    public static void load(Model model, ModelState state) {
        List<LayerState> saved = state.layers();
        List<Dense> live = model.layers();
        if (saved.size() != live.size()) {
            throw new IllegalArgumentException("saved weights have " + saved.size() + " layers, the model has "
                    + live.size() + " (" + model.describe() + ")");
        }
        for (int i = 0; i < saved.size(); i++) {
            LayerState s = saved.get(i);
            Dense d = live.get(i);
            if (s.inputs() != d.inputs() || s.outputs() != d.outputs()) {
                throw new IllegalArgumentException("layer " + i + ": saved weights are " + s.inputs() + "x"
                        + s.outputs() + ", the model's are " + d.inputs() + "x" + d.outputs());
            }
            if (!Activation.parse(s.activation()).equals(d.activation())) {
                throw new IllegalArgumentException("layer " + i + ": saved activation " + s.activation()
                        + " differs from the model's " + d.activation().id());
            }
        }
        for (int i = 0; i < saved.size(); i++) {
            model.setParameters(i, saved.get(i).weights(), saved.get(i).bias());
        }
    }
}
