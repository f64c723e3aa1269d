package org.backprop.data;

import java.util.Locale;
import java.util.Map;

/**
 * A regression's targets standardised for training, {@code y' = (y − mean) / std}, with mean and
 * std taken from the training rows only, and undone on everything that leaves the model
 * (predictions, reported errors, exports). Without it, targets far from zero (a house price, a
 * disease score of 150 ± 77) leave Adam's small steps moving the output bias for hundreds of epochs.
 *
 * @param mean the training targets' mean
 * @param std  their population standard deviation (1 when they are constant)
 */
public record TargetScaling(double mean, double std) {

    /** Metadata key of the mean, beside the other {@code data.*} keys of a saved model. */
    public static final String MEAN_KEY = "data.target-mean";
    /** Metadata key of the standard deviation. */
    public static final String STD_KEY = "data.target-std";

    public TargetScaling {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("target scaling: mean " + mean + ", std " + std
                    + "; std must be positive and both finite");
        }
    }

    /** Mean and population standard deviation of {@code values}, in double precision. */
    public static TargetScaling fit(float[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("cannot standardise the targets of an empty dataset");
        }
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        double m = sum / values.length;
        double sq = 0;
        for (float v : values) {
            sq += (v - m) * (v - m);
        }
        double s = Math.sqrt(sq / values.length);
        return new TargetScaling(m, s > 1e-12 ? s : 1);
    }

    /** The same rows with standardised targets; {@code data} must be a regression. */
    public Dataset apply(Dataset data) {
        float[] v = data.values();
        if (v == null) {
            throw new IllegalArgumentException("dataset " + data.name() + " has classes, not targets to standardise");
        }
        float[] scaled = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            scaled[i] = (float) ((v[i] - mean) / std);
        }
        return Dataset.regression(data.name(), data.features(), scaled, data.featureCount());
    }

    /** Predictions in standardised units back in the targets' own, in place. */
    public void undo(float[] predictions) {
        for (int i = 0; i < predictions.length; i++) {
            predictions[i] = (float) (predictions[i] * std + mean);
        }
    }

    /** Writes the two keys into a model's metadata. */
    public void writeTo(Map<String, String> metadata) {
        metadata.put(MEAN_KEY, Double.toString(mean));
        metadata.put(STD_KEY, Double.toString(std));
    }

    /** The scaling a model was trained with, or null when its metadata has none (targets used raw). */
    public static TargetScaling from(Map<String, String> metadata) {
        String m = metadata.get(MEAN_KEY);
        String s = metadata.get(STD_KEY);
        if (m == null && s == null) {
            return null;
        }
        try {
            return new TargetScaling(Double.parseDouble(String.valueOf(m).trim()), Double.parseDouble(String.valueOf(s).trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model's target scaling (" + MEAN_KEY + " " + Text.printable(String.valueOf(m))
                    + ", " + STD_KEY + " " + Text.printable(String.valueOf(s)) + ") is not two finite numbers with a"
                    + " positive std");
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "targets standardised (mean %.6g, std %.6g)", mean, std);
    }
}
