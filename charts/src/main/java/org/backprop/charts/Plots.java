package org.backprop.charts;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;

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
        List<Integer> classes = classes(s);
        boolean log = !s.binary();
        double minAuc = 1;
        for (int k : classes) {
            minAuc = Math.min(minAuc, s.roc(k).area());
        }
        // above 0.99 every curve is above 0.8 from a false-positive rate of 1e-4 on: show that band
        double yLo = log && minAuc > 0.99 ? 0.8 : 0;
        List<LinePanel.Line> lines = new ArrayList<>();
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
            lines.add(line(label(s, k) + String.format(Locale.ROOT, " (AUC %.4f)", roc.area()), x, y, color(s, k)));
        }
        if (!log) {
            lines.add(chance("chance"));
        }
        LinePanel.Axis xa = log ? new LinePanel.Axis("false positive rate (log scale)", 1e-4, 1, true, false)
                : LinePanel.Axis.linear("false positive rate", 0, 1);
        draw(yLo > 0 ? title + " (true positive rate from 0.8)" : title, xa,
                LinePanel.Axis.linear("true positive rate", yLo, 1), lines, png);
    }

    /**
     * Precision against recall, binary or one class against the rest, with the average precision.
     * When every AP is above 0.98 the curves only bend in the top-right corner: the axes are
     * zoomed to [0.9, 1] there, with points below pinned to the edge, and the title says so.
     */
    public static void precisionRecall(Scores s, String title, Path png) {
        double minAp = 1;
        for (int k : classes(s)) {
            minAp = Math.min(minAp, s.precisionRecall(k).area());
        }
        boolean zoom = minAp > 0.98;
        double lo = zoom ? 0.9 : 0;
        List<LinePanel.Line> lines = new ArrayList<>();
        for (int k : classes(s)) {
            Scores.Curve pr = s.precisionRecall(k);
            double[] x = pr.x().clone();
            double[] y = pr.y().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(x[i], lo);
                y[i] = Math.max(y[i], lo);
            }
            lines.add(line(label(s, k) + String.format(Locale.ROOT, " (AP %.4f)", pr.area()), x, y, color(s, k)));
        }
        draw(zoom ? title + " (zoomed to 0.9-1 on both axes)" : title, LinePanel.Axis.linear("recall", lo, 1),
                LinePanel.Axis.linear("precision", lo, 1), lines, png);
    }

    /** Accuracy against mean confidence per bin, the diagonal of perfect calibration, and the ECE. */
    public static void reliability(Scores.Calibration cal, String title, Path png) {
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
        List<LinePanel.Line> lines = List.of(chance("perfect calibration"),
                new LinePanel.Line("model, " + cal.count().length + " bins (samples per non-empty bin: " + counts + ")",
                        x.stream().mapToDouble(Double::doubleValue).toArray(),
                        y.stream().mapToDouble(Double::doubleValue).toArray(), Style.color(0), false, true));
        draw(title + String.format(Locale.ROOT, " (ECE %.4f)", cal.ece()),
                LinePanel.Axis.linear("confidence (probability of the predicted class)", 0, 1),
                LinePanel.Axis.linear("accuracy", 0, 1), lines, png);
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

    private static LinePanel.Line line(String name, double[] x, double[] y, Color col) {
        return new LinePanel.Line(name, x, y, col, false, false);
    }

    private static LinePanel.Line chance(String name) {
        return new LinePanel.Line(name, new double[] {0, 1}, new double[] {0, 1}, Color.GRAY, true, false);
    }

    private static void draw(String title, LinePanel.Axis x, LinePanel.Axis y, List<LinePanel.Line> lines, Path png) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Style.canvas(img);
        LinePanel.draw(g, 0, WIDTH, HEIGHT, title, x, y, lines);
        g.dispose();
        Style.write(img, png);
    }
}
