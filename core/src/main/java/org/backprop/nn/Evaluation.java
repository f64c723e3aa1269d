package org.backprop.nn;

import java.util.Locale;

/**
 * Classification metrics from a confusion matrix whose rows are true classes and columns are
 * predicted classes: accuracy, and per class precision, recall, F1 and prevalence (NaN where
 * undefined). {@link Scores} holds what the probabilities say beyond the predicted class.
 */
public record Evaluation(double loss, long[][] confusion) {

    /** Builds the matrix from model outputs (rows × outputs) and true labels. */
    public static Evaluation of(double loss, float[] outputs, int outputCount, int[] labels, int classes) {
        long[][] c = new long[classes][classes];
        for (int i = 0; i < labels.length; i++) {
            c[labels[i]][predictedClass(outputs, i, outputCount)]++;
        }
        return new Evaluation(loss, c);
    }

    /** Argmax of row i (first maximum wins), or the 0.5 threshold for a single sigmoid output. */
    public static int predictedClass(float[] outputs, int row, int outputCount) {
        int base = row * outputCount;
        if (outputCount == 1) {
            return outputs[base] >= 0.5f ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < outputCount; j++) {
            if (outputs[base + j] > outputs[base + best]) {
                best = j;
            }
        }
        return best;
    }

    public int classes() {
        return confusion.length;
    }

    public long total() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        long right = 0;
        for (int k = 0; k < classes(); k++) {
            right += confusion[k][k];
        }
        return (double) right / total();
    }

    public double precision(int k) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[k];
        }
        return predicted == 0 ? Double.NaN : (double) confusion[k][k] / predicted;
    }

    public double recall(int k) {
        long actual = 0;
        for (long v : confusion[k]) {
            actual += v;
        }
        return actual == 0 ? Double.NaN : (double) confusion[k][k] / actual;
    }

    /** The share of samples whose true class is k. */
    public double prevalence(int k) {
        long actual = 0;
        for (long v : confusion[k]) {
            actual += v;
        }
        return (double) actual / total();
    }

    /** F1 = 2·precision·recall/(precision + recall) = 2TP/(2TP + FP + FN); NaN where the class never occurs nor is predicted. */
    public double f1(int k) {
        long tp = confusion[k][k];
        long fp = 0, fn = 0;
        for (int j = 0; j < classes(); j++) {
            if (j != k) {
                fp += confusion[j][k];
                fn += confusion[k][j];
            }
        }
        long d = 2 * tp + fp + fn;
        return d == 0 ? Double.NaN : 2.0 * tp / d;
    }

    /** The unweighted mean of the per-class F1 scores (classes with no F1 left out). */
    public double macroF1() {
        double s = 0;
        int n = 0;
        for (int k = 0; k < classes(); k++) {
            double f = f1(k);
            if (!Double.isNaN(f)) {
                s += f;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** A printable table: the confusion matrix with precision, recall and F1 per class. */
    public String report() {
        return report(null);
    }

    /**
     * The table with each class named ({@code names} null: by index). Accuracy is a percentage,
     * as the training lines print it; a precision, recall or F1 that is undefined (a class never
     * predicted, or never present) is "n/a".
     */
    public String report(java.util.List<String> names) {
        StringBuilder sb = new StringBuilder();
        int w = Math.max(6, Long.toString(total()).length() + 1);
        int nameWidth = 8;
        for (int k = 0; k < classes(); k++) {
            nameWidth = Math.max(nameWidth, name(names, k).length());
        }
        for (int k = 0; k < classes(); k++) {
            w = Math.max(w, name(names, k).length() + 1);
        }
        sb.append(String.format(Locale.ROOT, "%-" + (nameWidth + 1) + "s", "true\\pred"));
        for (int k = 0; k < classes(); k++) {
            sb.append(String.format(Locale.ROOT, "%" + w + "s", name(names, k)));
        }
        sb.append("   precision  recall      F1\n");
        for (int k = 0; k < classes(); k++) {
            sb.append(String.format(Locale.ROOT, "%-" + (nameWidth + 1) + "s", name(names, k)));
            for (long v : confusion[k]) {
                sb.append(String.format(Locale.ROOT, "%" + w + "d", v));
            }
            sb.append(String.format(Locale.ROOT, "   %9s  %6s  %6s%n", fraction(precision(k)), fraction(recall(k)),
                    fraction(f1(k))));
        }
        sb.append(String.format(Locale.ROOT, "accuracy %.2f%% over %d samples, loss %.4f, macro F1 %s",
                100 * accuracy(), total(), loss, fraction(macroF1())));
        return sb.toString();
    }

    private static String name(java.util.List<String> names, int k) {
        return names == null || k >= names.size() ? Integer.toString(k)
                : org.backprop.data.Text.printable(names.get(k));
    }

    /** 0.9231, or n/a where the ratio is undefined. */
    public static String fraction(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
