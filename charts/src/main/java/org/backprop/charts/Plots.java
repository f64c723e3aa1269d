package org.backprop.charts;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;
import org.knowm.xchart.XYChart;

/**
 * The pictures of a training run and its evaluation: training curves ({@code train --plot}, drawn
 * by {@link Curves}), ROC and precision/recall curves, and the reliability diagram
 * ({@code eval}). Every curve is named by its classes ({@code yes vs no}, {@code setosa vs rest}),
 * and every axis of a rate ends at a labelled 1.0.
 */
public final class Plots {

    static final int WIDTH = 900;
    static final int HEIGHT = 760;

    private Plots() { }

    /**
     * ROC curves: the binary curve, or one class against the rest per class, each with its AUC in
     * the legend. With many classes near AUC 1 the curves crowd the top-left corner, so the
     * false-positive axis is logarithmic from 1e-4 there.
     */
    public static void roc(Scores s, String title, Path png) {
        Style.write(List.of(rocChart(s, title)), png);
    }

    static XYChart rocChart(Scores s, String title) {
        List<Integer> classes = classes(s);
        boolean log = !s.binary();
        double minAuc = 1;
        for (int k : classes) {
            minAuc = Math.min(minAuc, s.roc(k).area());
        }
        // above 0.99 every curve is above 0.8 from a false-positive rate of 1e-4 on: show that band
        double yLo = log && minAuc > 0.99 ? 0.8 : 0;
        String fullTitle = yLo > 0 ? title + " (true positive rate from 0.8)" : title;
        XYChart c = log
                ? Style.lineChart(WIDTH, HEIGHT, fullTitle, "false positive rate (log scale)", "true positive rate",
                        1e-4, 1, true, yLo, 1)
                : Style.lineChart(WIDTH, HEIGHT, fullTitle, "false positive rate", "true positive rate", 0, 1, false, 0, 1);
        rateAxis(c, false, yLo);
        if (log) {
            c.getStyler().setXAxisDecimalPattern("0.####");
            c.getStyler().setXAxisLogarithmicDecadeOnly(true);
        } else {
            rateAxis(c, true, 0);
        }
        for (int k : classes) {
            Scores.Curve roc = s.roc(k);
            double[] x = roc.x().clone();
            double[] y = roc.y().clone();
            if (log) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.max(x[i], 1e-4);
                    y[i] = Math.max(y[i], yLo);
                }
            }
            Style.line(c, label(s, k) + String.format(Locale.ROOT, " (AUC %.4f)", roc.area()), x, y, color(s, k), false, false);
        }
        if (!log) {
            chance(c, "chance");
        }
        Style.legend(c);
        return c;
    }

    /**
     * Precision against recall, binary or one class against the rest, with the average precision.
     * When every AP is above 0.98 the curves only bend in the top-right corner: the axes are
     * zoomed to [0.9, 1] there, with points below pinned to the edge, and the title says so.
     */
    public static void precisionRecall(Scores s, String title, Path png) {
        Style.write(List.of(precisionRecallChart(s, title)), png);
    }

    static XYChart precisionRecallChart(Scores s, String title) {
        double minAp = 1;
        for (int k : classes(s)) {
            minAp = Math.min(minAp, s.precisionRecall(k).area());
        }
        boolean zoom = minAp > 0.98;
        double lo = zoom ? 0.9 : 0;
        XYChart c = Style.lineChart(WIDTH, HEIGHT, zoom ? title + " (zoomed to 0.9-1 on both axes)" : title,
                "recall", "precision", lo, 1, false, lo, 1);
        rateAxis(c, true, lo);
        rateAxis(c, false, lo);
        for (int k : classes(s)) {
            Scores.Curve pr = s.precisionRecall(k);
            double[] x = pr.x().clone();
            double[] y = pr.y().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(x[i], lo);
                y[i] = Math.max(y[i], lo);
            }
            Style.line(c, label(s, k) + String.format(Locale.ROOT, " (AP %.4f)", pr.area()), x, y, color(s, k), false, false);
        }
        Style.legend(c);
        return c;
    }

    /** Accuracy against mean confidence per bin, the diagonal of perfect calibration, and the ECE. */
    public static void reliability(Scores.Calibration cal, String title, Path png) {
        Style.write(List.of(reliabilityChart(cal, title)), png);
    }

    static XYChart reliabilityChart(Scores.Calibration cal, String title) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        StringBuilder counts = new StringBuilder();
        for (int b = 0; b < cal.count().length; b++) {
            if (cal.count()[b] > 0) {
                x.add(cal.confidence()[b]);
                y.add(cal.accuracy()[b]);
                counts.append(counts.length() == 0 ? "" : ", ").append(cal.count()[b]);
            }
        }
        XYChart c = Style.lineChart(WIDTH, HEIGHT, title + String.format(Locale.ROOT, " (ECE %.4f)", cal.ece()),
                "confidence (probability of the predicted class)", "accuracy", 0, 1, false, 0, 1);
        rateAxis(c, true, 0);
        rateAxis(c, false, 0);
        chance(c, "perfect calibration");
        Style.line(c, "model, " + cal.count().length + " bins (samples per non-empty bin: " + counts + ")",
                x.stream().mapToDouble(Double::doubleValue).toArray(),
                y.stream().mapToDouble(Double::doubleValue).toArray(), Style.color(0), false, true);
        Style.legend(c);
        return c;
    }

    /**
     * {@code train --plot} of a classifier: loss and accuracy per epoch, the training set's beside
     * the validation set's (or the test set's when there is no validation split). When no epoch
     * measured an accuracy (NaN throughout) the chart is the loss panel alone.
     */
    public static void curves(List<EpochStats> epochs, String title, Path png) {
        boolean accuracy = false;
        for (EpochStats s : epochs) {
            accuracy |= !Double.isNaN(s.testAccuracy()) || !Double.isNaN(s.trainAccuracy());
        }
        curves(epochs, title, !accuracy && !epochs.isEmpty(), png);
    }

    /** {@code train --plot}: a regression's chart is the loss (mean squared error) alone, with no accuracy panel. */
    public static void curves(List<EpochStats> epochs, String title, boolean regression, Path png) {
        String monitor = epochs.isEmpty() ? "test" : epochs.get(0).monitor();
        String heldOut = monitor.equals("val") ? "validation" : monitor.equals("train") ? "training (after the epoch)" : "test";
        List<Curves.Epoch> points = new ArrayList<>();
        for (EpochStats s : epochs) {
            points.add(regression
                    ? new Curves.Epoch(s.epoch(), s.trainLoss(), Double.NaN, s.testLoss(), Double.NaN)
                    : new Curves.Epoch(s.epoch(), s.trainLoss(), s.trainAccuracy(), s.testLoss(), s.testAccuracy()));
        }
        Curves.draw(points, regression ? Curves.Layout.regression(heldOut) : Curves.Layout.classifier(heldOut), title, png);
    }

    private static List<Integer> classes(Scores s) {
        List<Integer> ks = new ArrayList<>();
        if (s.binary()) {
            ks.add(1);
        } else {
            for (int k = 0; k < s.classes(); k++) {
                ks.add(k);
            }
        }
        return ks;
    }

    /** "yes vs no" for two classes (the positive one first), "setosa vs rest" beyond. */
    static String label(Scores s, int k) {
        return s.binary() ? s.name(1) + " vs " + s.name(0) : s.name(k) + " vs rest";
    }

    private static Color color(Scores s, int k) {
        return Style.color(s.binary() ? 0 : k);
    }

    /**
     * A rate's axis from {@code lo} to a labelled 1.0: one decimal over [0, 1] (0.0, 0.2 .. 1.0),
     * two when zoomed (0.90, 0.92 .. 1.00), so no label is rounded onto a neighbour's value.
     */
    static void rateAxis(XYChart c, boolean x, double lo) {
        String pattern = 1 - lo > 0.5 ? "0.0" : "0.00";
        if (x) {
            c.getStyler().setXAxisDecimalPattern(pattern);
        } else {
            c.getStyler().setYAxisDecimalPattern(pattern);
        }
    }

    private static void chance(XYChart c, String name) {
        Style.line(c, name, new double[] {0, 1}, new double[] {0, 1}, Color.GRAY, true, false);
    }
}
