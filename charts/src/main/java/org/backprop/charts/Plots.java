package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The pictures of a training run and its evaluation: training curves ({@code train --plot}, drawn
 * by {@link Curves}), ROC and precision/recall curves, and the reliability diagram
 * ({@code eval}). Every curve is named by its classes ({@code yes vs no}, {@code setosa vs rest}),
 * and every axis of a rate ends at 1 with a labelled 1.0 tick.
 */
public final class Plots {

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
        XYChart c = chart(yLo > 0 ? title + " (true positive rate from 0.8)" : title,
                log ? "false positive rate (log scale)" : "false positive rate", "true positive rate");
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
            line(c, label(s, k) + String.format(Locale.ROOT, " (AUC %.4f)", roc.area()), x, y, color(s, k));
        }
        if (log) {
            c.getStyler().setXAxisLogarithmic(true);
            c.getStyler().setXAxisMin(1e-4);
            c.getStyler().setXAxisMax(1.0);
            c.getStyler().setXAxisDecimalPattern("0.####");
            unitAxis(c, false, yLo);
        } else {
            chance(c, new double[] {0, 1}, new double[] {0, 1}, "chance");
            unitAxis(c, true, 0);
            unitAxis(c, false, 0);
        }
        Style.write(c, png);
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
        XYChart c = chart(zoom ? title + " (zoomed to 0.9-1 on both axes)" : title, "recall", "precision");
        for (int k : classes(s)) {
            Scores.Curve pr = s.precisionRecall(k);
            double[] x = pr.x().clone();
            double[] y = pr.y().clone();
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(x[i], lo);
                y[i] = Math.max(y[i], lo);
            }
            line(c, label(s, k) + String.format(Locale.ROOT, " (AP %.4f)", pr.area()), x, y, color(s, k));
        }
        unitAxis(c, true, lo);
        unitAxis(c, false, lo);
        Style.write(c, png);
    }

    /** Accuracy against mean confidence per bin, the diagonal of perfect calibration, and the ECE. */
    public static void reliability(Scores.Calibration cal, String title, Path png) {
        XYChart c = chart(title + String.format(Locale.ROOT, " (ECE %.4f)", cal.ece()),
                "confidence (probability of the predicted class)", "accuracy");
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
        chance(c, new double[] {0, 1}, new double[] {0, 1}, "perfect calibration");
        XYSeries s = c.addSeries("model, " + cal.count().length + " bins (samples per non-empty bin: " + counts + ")",
                x.stream().mapToDouble(Double::doubleValue).toArray(), y.stream().mapToDouble(Double::doubleValue).toArray());
        s.setLineColor(Style.color(0));
        s.setMarkerColor(Style.color(0));
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineWidth(2.5f);
        unitAxis(c, true, 0);
        unitAxis(c, false, 0);
        Style.write(c, png);
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

    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(760).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Style.apply(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        // without a pattern XChart may place ticks at multiples of the data's own step (1/61, ...)
        c.getStyler().setXAxisDecimalPattern("0.0");
        c.getStyler().setYAxisDecimalPattern("0.0");
        return c;
    }

    /**
     * A linear axis of a rate over [lo, 1], ticks every 0.1 (0.02 when zoomed) from lo to 1.0 with
     * both ends labelled: XChart's own range stops at its last tick below the data's maximum.
     */
    static void unitAxis(XYChart c, boolean x, double lo) {
        double step = 1 - lo <= 0.2 ? 0.02 : 0.1;
        int spacing = (int) Math.round((x ? 900 - 120 : 760 - 250) * step / (1 - lo));
        if (x) {
            c.getStyler().setXAxisMin(lo);
            c.getStyler().setXAxisMax(1.0);
            c.getStyler().setXAxisTickMarkSpacingHint(Math.max(20, spacing));
            c.getStyler().setXAxisDecimalPattern(step < 0.1 ? "0.00" : "0.0");
        } else {
            c.getStyler().setYAxisMin(lo);
            c.getStyler().setYAxisMax(1.0);
            c.getStyler().setYAxisTickMarkSpacingHint(Math.max(20, spacing));
            c.getStyler().setYAxisDecimalPattern(step < 0.1 ? "0.00" : "0.0");
        }
    }

    private static void line(XYChart c, String name, double[] x, double[] y, Color col) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(col);
        s.setLineWidth(2f);
    }

    private static void chance(XYChart c, double[] x, double[] y, String name) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.GRAY);
        s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
    }
}
