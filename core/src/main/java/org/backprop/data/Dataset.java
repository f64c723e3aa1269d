package org.backprop.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A labelled table held in memory: features as one row-major {@code float[]} of
 * {@code size() × featureCount()}, integer labels in {@code 0..classes()-1}.
 *
 * <p>The arrays are shared, not copied: a dataset is read once and then only read from.
 */
public final class Dataset {

    /** A training set and its test set. */
    public record Split(Dataset train, Dataset test) { }

    private final String name;
    private final float[] features;
    private final int[] labels;
    private final int featureCount;
    private final int classes;
    private final List<String> classNames;
    private final float[] values;

    /** A dataset whose class names are the label numbers themselves. */
    public Dataset(String name, float[] features, int[] labels, int featureCount, int classes) {
        this(name, features, labels, featureCount, classes, null);
    }

    /**
     * @param classNames what each class index stood for in the source (e.g. CSV label strings),
     *                   or null for "0", "1", ...
     */
    public Dataset(String name, float[] features, int[] labels, int featureCount, int classes,
                   List<String> classNames) {
        this(name, features, labels, featureCount, classes, classNames, null);
    }

    /**
     * A regression table: one real-valued target per row ({@link #values()}); {@link #classes()}
     * is 1 and every label 0, so the classification views stay defined.
     */
    public static Dataset regression(String name, float[] features, float[] values, int featureCount) {
        return new Dataset(name, features, new int[values.length], featureCount, 1, List.of("value"), values.clone());
    }

    private Dataset(String name, float[] features, int[] labels, int featureCount, int classes,
                    List<String> classNames, float[] values) {
        if (featureCount < 1) {
            throw new IllegalArgumentException("dataset " + name + ": featureCount must be positive, got " + featureCount);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("dataset " + name + ": classes must be positive, got " + classes);
        }
        if ((long) labels.length * featureCount != features.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels × " + featureCount
                    + " features needs " + (long) labels.length * featureCount + " values, got " + features.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("dataset " + name + ": label " + labels[i] + " of row " + i
                        + " is outside 0.." + (classes - 1));
            }
        }
        List<String> names;
        if (classNames == null) {
            names = new ArrayList<>(classes);
            for (int c = 0; c < classes; c++) {
                names.add(Integer.toString(c));
            }
        } else if (classNames.size() != classes) {
            throw new IllegalArgumentException("dataset " + name + ": " + classNames.size()
                    + " class names for " + classes + " classes");
        } else {
            names = new ArrayList<>(classNames);
        }
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.featureCount = featureCount;
        this.classes = classes;
        this.classNames = Collections.unmodifiableList(names);
        this.values = values;
    }

    /** The regression targets, one per row, or null for a classification table; shared, do not modify. */
    public float[] values() {
        return values;
    }

    public boolean isRegression() {
        return values != null;
    }

    /** The same rows with other features (a scaled or encoded copy), labels and targets shared. */
    public Dataset withFeatures(float[] x, int featureCount) {
        return new Dataset(name, x, labels, featureCount, classes, classNames, values);
    }

    public String name() {
        return name;
    }

    /** Row-major {@code size() × featureCount()}; shared, do not modify. */
    public float[] features() {
        return features;
    }

    /** One label per row; shared, do not modify. */
    public int[] labels() {
        return labels;
    }

    public int size() {
        return labels.length;
    }

    public int featureCount() {
        return featureCount;
    }

    public int classes() {
        return classes;
    }

    /** What each class index stands for in the source file. */
    public List<String> classNames() {
        return classNames;
    }

    /** Row-major {@code size() × classes()} with a single 1 per row. */
    public float[] oneHot() {
        long size = (long) labels.length * classes;
        if (size > IdxReader.MAX_ARRAY) {
            throw new IllegalArgumentException("dataset " + name + ": one-hot targets of " + labels.length + " rows × "
                    + classes + " classes are more than 2^31 values");
        }
        Memory.require(4 * size, "dataset " + name + ": one-hot targets of " + labels.length + " rows × " + classes + " classes");
        float[] y = new float[(int) size];
        for (int i = 0; i < labels.length; i++) {
            y[i * classes + labels[i]] = 1f;
        }
        return y;
    }

    /**
     * Targets for an output layer of {@code outputs} units: one-hot when it has one unit per
     * class, a single 0/1 column for a one-unit sigmoid output over at most two classes.
     */
    public float[] targets(int outputs) {
        if (values != null) {
            if (outputs != 1) {
                throw new IllegalArgumentException("dataset " + name + " is a regression (one target per row); an output"
                        + " layer of " + outputs + " units does not fit it (use 1)");
            }
            return values;
        }
        if (outputs == classes && outputs > 1) {
            return oneHot();
        }
        if (outputs == 1 && classes <= 2) {
            float[] y = new float[labels.length];
            for (int i = 0; i < labels.length; i++) {
                y[i] = labels[i];
            }
            return y;
        }
        throw new IllegalArgumentException("dataset " + name + " has " + classes
                + " classes; an output layer of " + outputs + " units does not fit it (use "
                + classes + (classes <= 2 ? " or 1" : "") + ")");
    }

    /** The rows at {@code idx}, in that order (repeats allowed). */
    public Dataset subset(int[] idx) {
        float[] f = new float[idx.length * featureCount];
        int[] l = new int[idx.length];
        float[] v = values == null ? null : new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            int r = idx[i];
            if (r < 0 || r >= labels.length) {
                throw new IllegalArgumentException("dataset " + name + ": row index " + r
                        + " outside 0.." + (labels.length - 1));
            }
            System.arraycopy(features, r * featureCount, f, i * featureCount, featureCount);
            l[i] = labels[r];
            if (v != null) {
                v[i] = values[r];
            }
        }
        return new Dataset(name, f, l, featureCount, classes, classNames, v);
    }

    /** The first {@code n} rows (all of them if there are fewer). */
    public Dataset take(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("take: n must be non-negative, got " + n);
        }
        int m = Math.min(n, labels.length);
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return subset(idx);
    }

    /**
     * A seeded hold-out: shuffles the rows with {@code seed} and puts {@code testFraction} of
     * them (rounded, at least one) in the test set, the rest (at least one) in the training set.
     */
    public Split split(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be strictly between 0 and 1, got " + testFraction);
        }
        if (labels.length < 2) {
            throw new IllegalArgumentException("dataset " + name + " has " + labels.length
                    + " row(s); a hold-out split needs at least 2");
        }
        int[] order = shuffled(labels.length, seed);
        int testCount = (int) Math.round(labels.length * testFraction);
        testCount = Math.max(1, Math.min(labels.length - 1, testCount));
        int[] test = java.util.Arrays.copyOfRange(order, 0, testCount);
        int[] train = java.util.Arrays.copyOfRange(order, testCount, order.length);
        return new Split(subset(train), subset(test));
    }

    /** 0..n-1 shuffled by {@code seed}: the order every hold-out split draws its test rows from. */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // java.util.Random is specified bit for bit, so the same seed splits alike on every JDK.
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public String toString() {
        return name + " (" + labels.length + " rows × " + featureCount + " features, "
                + (values != null ? "regression" : classes + " classes") + ")";
    }
}
