package org.backprop.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Model states for tests. */
final class States {

    private States() { }

    /** Layers of the given widths (sizes[0] inputs), random weights, one metadata and one extra per layer. */
    static ModelState random(long seed, int... sizes) {
        Random r = new Random(seed);
        String[] acts = {"relu", "sigmoid", "tanh", "identity", "softmax"};
        List<LayerState> layers = new ArrayList<>();
        Map<String, float[]> extras = new LinkedHashMap<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            float[] w = new float[sizes[i] * sizes[i + 1]];
            float[] b = new float[sizes[i + 1]];
            for (int k = 0; k < w.length; k++) {
                w[k] = (float) r.nextGaussian();
            }
            for (int k = 0; k < b.length; k++) {
                b[k] = (float) r.nextGaussian();
            }
            layers.add(new LayerState(acts[i % acts.length], sizes[i], sizes[i + 1], w, b));
            extras.put("adam.m." + i, w.clone());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "3");
        meta.put("note", "ünïcode ✓");
        return new ModelState(layers, meta, extras);
    }

    /** Every layer's weights and bias filled with {@code value}. */
    static ModelState filled(float value, int... sizes) {
        List<LayerState> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            float[] w = new float[sizes[i] * sizes[i + 1]];
            float[] b = new float[sizes[i + 1]];
            java.util.Arrays.fill(w, value);
            java.util.Arrays.fill(b, value);
            layers.add(new LayerState("relu", sizes[i], sizes[i + 1], w, b));
        }
        return new ModelState(layers, Map.of("value", Float.toString(value)), Map.of());
    }

    /** Saves state to file and checks that loading the file gives it back unchanged. */
    static void assertRoundTrip(ModelState state, Path file, BiConsumer<Path, ModelState> save,
            Function<Path, ModelState> load) {
        save.accept(file, state);
        assertSame(state, load.apply(file));
    }

    static void assertSame(ModelState expected, ModelState actual) {
        if (expected.layers().size() != actual.layers().size()) {
            throw new AssertionError("layer count " + actual.layers().size() + " != " + expected.layers().size());
        }
        for (int i = 0; i < expected.layers().size(); i++) {
            LayerState e = expected.layers().get(i);
            LayerState a = actual.layers().get(i);
            if (!e.activation().equals(a.activation()) || e.inputs() != a.inputs() || e.outputs() != a.outputs()
                    || !java.util.Arrays.equals(e.weights(), a.weights()) || !java.util.Arrays.equals(e.bias(), a.bias())) {
                throw new AssertionError("layer " + i + " differs");
            }
        }
        if (!expected.metadata().equals(actual.metadata())) {
            throw new AssertionError("metadata " + actual.metadata() + " != " + expected.metadata());
        }
        if (!expected.extras().keySet().equals(actual.extras().keySet())) {
            throw new AssertionError("extras " + actual.extras().keySet() + " != " + expected.extras().keySet());
        }
        for (String k : expected.extras().keySet()) {
            if (!java.util.Arrays.equals(expected.extras().get(k), actual.extras().get(k))) {
                throw new AssertionError("extra " + k + " differs");
            }
        }
    }
}
