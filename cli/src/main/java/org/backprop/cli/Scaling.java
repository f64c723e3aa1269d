package org.backprop.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.backprop.data.Dataset;
import org.backprop.data.Standardizer;
import org.backprop.data.TargetScaling;
import org.backprop.io.ModelState;

/**
 * The feature standardisation a model was trained with travels in its saved state as two arrays;
 * a regression's target standardisation as two metadata keys and, in an {@code .npz}, also as two
 * one-element arrays beside the features' (what a NumPy reader finds first).
 */
final class Scaling {

    static final String MEAN = "input.mean";
    static final String STD = "input.std";
    static final String TARGET_MEAN = "target.mean";
    static final String TARGET_STD = "target.std";

    private Scaling() { }

    static ModelState attach(ModelState state, Standardizer scaler) {
        if (scaler == null) {
            return state;
        }
        Map<String, float[]> extras = new LinkedHashMap<>(state.extras());
        extras.put(MEAN, scaler.mean());
        extras.put(STD, scaler.std());
        return new ModelState(state.layers(), state.metadata(), extras);
    }

    /** The standardisation saved with a model, or null if it has none. */
    static Standardizer saved(ModelState state) {
        float[] mean = state.extras().get(MEAN);
        float[] std = state.extras().get(STD);
        if (mean == null || std == null) {
            return null;
        }
        try {
            return new Standardizer(mean, std);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model's saved standardisation (" + MEAN + ", " + STD + ") is unusable: "
                    + e.getMessage());
        }
    }

    /** Applies the saved standardisation, if the model has one, to data read from files. */
    static Dataset apply(ModelState state, Dataset data) {
        float[] mean = state.extras().get(MEAN);
        float[] std = state.extras().get(STD);
        if (mean == null || std == null) {
            return data;
        }
        if (mean.length != data.featureCount()) {
            throw new IllegalArgumentException(data.name() + " has " + data.featureCount()
                    + " features but the model was trained on " + mean.length);
        }
        return new Standardizer(mean, std).apply(data);
    }

    /**
     * The target standardisation a regression was trained with: from the metadata keys, else from
     * the two arrays of an {@code .npz}; null when the model has neither (its targets were raw).
     */
    static TargetScaling targets(ModelState state) {
        TargetScaling fromKeys = TargetScaling.from(state.metadata());
        if (fromKeys != null) {
            return fromKeys;
        }
        float[] mean = state.extras().get(TARGET_MEAN);
        float[] std = state.extras().get(TARGET_STD);
        if (mean == null && std == null) {
            return null;
        }
        if (mean == null || std == null || mean.length != 1 || std.length != 1) {
            throw new IllegalArgumentException("the model's target scaling (" + TARGET_MEAN + ", " + TARGET_STD
                    + ") must be two arrays of one number each");
        }
        return new TargetScaling(mean[0], std[0]);
    }

    /** {@code state} with its target standardisation, if it has one, also as the two arrays of an {@code .npz}. */
    static ModelState withTargetArrays(ModelState state) {
        TargetScaling t = TargetScaling.from(state.metadata());
        if (t == null) {
            return state;
        }
        Map<String, float[]> extras = new LinkedHashMap<>(state.extras());
        extras.put(TARGET_MEAN, new float[] {(float) t.mean()});
        extras.put(TARGET_STD, new float[] {(float) t.std()});
        return new ModelState(state.layers(), state.metadata(), extras);
    }
}
