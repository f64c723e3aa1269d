package org.backprop.data;

/**
 * Per-feature standardisation {@code (x − mean) / std}, with mean and std taken from the
 * training set only and applied unchanged to the test set, so nothing leaks from test to train.
 * A constant feature (std 0) is only centred.
 */
public final class Standardizer {

    private final float[] mean;
    private final float[] std;

    public Standardizer(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean has " + mean.length + " features, std has " + std.length);
        }
        for (int j = 0; j < std.length; j++) {
            if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("feature " + j + ": mean " + mean[j] + ", std " + std[j]
                        + "; std must be positive and both finite");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Mean and population standard deviation of each feature of {@code train}, in double precision. */
    public static Standardizer fit(Dataset train) {
        int d = train.featureCount();
        int n = train.size();
        if (n == 0) {
            throw new IllegalArgumentException("cannot standardise from an empty dataset " + train.name());
        }
        float[] x = train.features();
        double[] sum = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                sum[j] += x[i * d + j];
            }
        }
        double[] m = new double[d];
        for (int j = 0; j < d; j++) {
            m[j] = sum[j] / n;
        }
        double[] sq = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double t = x[i * d + j] - m[j];
                sq[j] += t * t;
            }
        }
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) m[j];
            double s = Math.sqrt(sq[j] / n);
            std[j] = s > 1e-12 && (float) s > 0 ? (float) s : 1f;
        }
        return new Standardizer(mean, std);
    }

    /** A new dataset with standardised features (labels shared). */
    public Dataset apply(Dataset data) {
        int d = data.featureCount();
        if (d != mean.length) {
            throw new IllegalArgumentException("standardizer fitted on " + mean.length + " features, "
                    + data.name() + " has " + d);
        }
        float[] x = data.features();
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            out[i] = (x[i] - mean[j]) / std[j];
        }
        return data.withFeatures(out, d);
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }
}
