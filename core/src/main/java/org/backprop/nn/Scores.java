package org.backprop.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.backprop.data.Text;

/**
 * What a classifier's probabilities say beyond accuracy: ROC and precision/recall curves with
 * their areas, binary or one class against the rest, and calibration (the reliability diagram
 * and the expected calibration error). Built from model outputs (rows × outputs: a single
 * sigmoid unit, or one probability per class), the true labels and the classes' names, which
 * every curve and table built from it is labelled with.
 */
public final class Scores {

    /** A curve's points in drawing order and the area under it. */
    public record Curve(double[] x, double[] y, double area) { }

    /**
     * The reliability diagram: per equal-width confidence bin, the mean confidence, the accuracy
     * and the count (NaN for an empty bin), and ECE = Σ_b (n_b/N)·|accuracy_b − confidence_b|.
     */
    public record Calibration(double[] confidence, double[] accuracy, long[] count, double ece) { }

    private final float[] outputs;
    private final int outputCount;
    private final int[] labels;
    private final int classes;
    private final List<String> names;

    private Scores(float[] outputs, int outputCount, int[] labels, int classes, List<String> names) {
        this.outputs = outputs;
        this.outputCount = outputCount;
        this.labels = labels;
        this.classes = classes;
        this.names = names;
    }

    /** {@code outputs} holds labels.length rows of outputCount values; classes ≥ 2, named by their index. */
    public static Scores of(float[] outputs, int outputCount, int[] labels, int classes) {
        return of(outputs, outputCount, labels, classes, null);
    }

    /**
     * As {@link #of(float[], int, int[], int)}, with the classes' names ({@code names.get(k)} for
     * class k, as the data gave them); null or a list of another length: named by index.
     */
    public static Scores of(float[] outputs, int outputCount, int[] labels, int classes, List<String> names) {
        if (outputs.length != (long) labels.length * outputCount) {
            throw new IllegalArgumentException("scores: " + outputs.length + " outputs for " + labels.length
                    + " labels of " + outputCount + " output(s) each");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("scores: no samples");
        }
        int k = Math.max(2, classes);
        List<String> named = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            named.add(names != null && names.size() == k ? Text.printable(names.get(c)) : Integer.toString(c));
        }
        return new Scores(outputs, outputCount, labels, k, List.copyOf(named));
    }

    /** True for two classes: one curve, with class 1 as the positive class. */
    public boolean binary() {
        return classes == 2;
    }

    public int classes() {
        return classes;
    }

    /** Class k's name, printable: the data's own label ("setosa", "yes"), else its index. */
    public String name(int k) {
        return names.get(k);
    }

    /** Every class's name, in index order. */
    public List<String> names() {
        return names;
    }

    /** The probability the model gives class k for row i. */
    public double probability(int i, int k) {
        if (outputCount == 1) {
            double p = outputs[i];
            return k == 1 ? p : 1 - p;
        }
        return outputs[i * outputCount + k];
    }

    /** ROC of class {@code positive} against the rest: (false positive rate, true positive rate), AUC by trapezoids. */
    public Curve roc(int positive) {
        Ranked r = rank(positive);
        double[] x = new double[r.groups + 1];
        double[] y = new double[r.groups + 1];
        double area = 0;
        for (int g = 0; g < r.groups; g++) {
            x[g + 1] = r.fp[g] / (double) Math.max(1, r.negatives);
            y[g + 1] = r.tp[g] / (double) Math.max(1, r.positives);
            area += (x[g + 1] - x[g]) * (y[g + 1] + y[g]) / 2;
        }
        return new Curve(x, y, r.positives == 0 || r.negatives == 0 ? Double.NaN : area);
    }

    /**
     * Precision/recall of class {@code positive} against the rest: (recall, precision) after each
     * distinct threshold, and the average precision Σ (R_k − R_{k−1})·P_k as the area.
     */
    public Curve precisionRecall(int positive) {
        Ranked r = rank(positive);
        double[] x = new double[r.groups];
        double[] y = new double[r.groups];
        double ap = 0;
        double lastRecall = 0;
        for (int g = 0; g < r.groups; g++) {
            x[g] = r.tp[g] / (double) Math.max(1, r.positives);
            y[g] = r.tp[g] / (double) (r.tp[g] + r.fp[g]);
            ap += (x[g] - lastRecall) * y[g];
            lastRecall = x[g];
        }
        return new Curve(x, y, r.positives == 0 ? Double.NaN : ap);
    }

    /** Macro average of the one-vs-rest ROC areas (the single area for a binary task). */
    public double macroAuc() {
        if (binary()) {
            return roc(1).area();
        }
        double s = 0;
        for (int k = 0; k < classes; k++) {
            s += roc(k).area();
        }
        return s / classes;
    }

    /**
     * Top-label calibration over {@code bins} equal-width bins of [0, 1]: each row's confidence
     * is the probability of its predicted class, and it counts as right when that class is the label.
     */
    public Calibration calibration(int bins) {
        double[] conf = new double[bins];
        double[] right = new double[bins];
        long[] n = new long[bins];
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (probability(i, k) > probability(i, best)) {
                    best = k;
                }
            }
            double c = probability(i, best);
            int b = Math.min(bins - 1, (int) Math.floor(c * bins));
            conf[b] += c;
            right[b] += best == labels[i] ? 1 : 0;
            n[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (n[b] == 0) {
                conf[b] = Double.NaN;
                right[b] = Double.NaN;
                continue;
            }
            conf[b] /= n[b];
            right[b] /= n[b];
            ece += (double) n[b] / labels.length * Math.abs(right[b] - conf[b]);
        }
        return new Calibration(conf, right, n, ece);
    }

    /** Cumulative true and false positives after each group of equal scores, highest score first. */
    private record Ranked(long[] tp, long[] fp, int groups, long positives, long negatives) { }

    private Ranked rank(int positive) {
        if (positive < 0 || positive >= classes) {
            throw new IllegalArgumentException("class " + positive + " is not one of the " + classes + " classes");
        }
        int n = labels.length;
        Integer[] order = new Integer[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            s[i] = probability(i, positive);
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        long[] tp = new long[n];
        long[] fp = new long[n];
        int groups = 0;
        long t = 0, f = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (labels[i] == positive) {
                t++;
            } else {
                f++;
            }
            // a threshold between distinct scores only: tied rows move together
            if (k == n - 1 || s[order[k + 1]] != s[i]) {
                tp[groups] = t;
                fp[groups] = f;
                groups++;
            }
        }
        return new Ranked(tp, fp, groups, t, f);
    }
}
