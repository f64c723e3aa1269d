package org.backprop.spark;

import java.io.Serializable;

/**
 * What partitions send back for one Spark job, summed by {@code treeAggregate}: a gradient sum
 * (synchronous steps) or weighted parameters and optimiser state (a local-SGD round), the loss
 * and correct-count sums, how many rows were used, and the slowest partition's compute time.
 * Empty arrays are null, so the zero value costs nothing to ship.
 */
final class Partial implements Serializable {

    private static final long serialVersionUID = 1L;

    float[] values;
    float[] state;
    String[] stateKeys;
    int[] stateLengths;
    double weight;
    double loss;
    double correct;
    long rows;
    long computeNanos;
    String backend;

    Partial add(Partial o) {
        values = sum(values, o.values);
        state = sum(state, o.state);
        if (stateKeys == null) {
            stateKeys = o.stateKeys;
            stateLengths = o.stateLengths;
        }
        weight += o.weight;
        loss += o.loss;
        correct += o.correct;
        rows += o.rows;
        computeNanos = Math.max(computeNanos, o.computeNanos);
        if (backend == null) {
            backend = o.backend;
        } else if (o.backend != null && !backend.contains(o.backend)) {
            backend = backend + "+" + o.backend;
        }
        return this;
    }

    private static float[] sum(float[] a, float[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.length != b.length) {
            throw new IllegalStateException("partitions answered with " + a.length + " and " + b.length + " values");
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** Adds w·x into values (creating it), for weighted averages. */
    static float[] addScaled(float[] acc, float[] x, float w) {
        float[] out = acc == null ? new float[x.length] : acc;
        for (int i = 0; i < x.length; i++) {
            out[i] += w * x[i];
        }
        return out;
    }
}
