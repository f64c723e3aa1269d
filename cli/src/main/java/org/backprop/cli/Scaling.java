package org.backprop.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.backprop.data.Dataset;
import org.backprop.data.Standardizer;
import org.backprop.io.ModelState;

/** The feature standardisation a model was trained with travels in its saved state as two arrays. */
final class Scaling {

    static final String MEAN = "input.mean";
    static final String STD = "input.std";

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
}
