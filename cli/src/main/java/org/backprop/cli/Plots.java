package org.backprop.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop.nn.Scores;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The pictures {@code eval} draws: ROC and precision/recall curves, and the reliability diagram. */
final class Plots {

    static {
        // drawn on servers and CI machines without a display
        System.setProperty("java.awt.headless", "true");
    }

    /** Ten distinguishable colours (Tableau 10), one per MNIST class. */
    static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private Plots() { }

    /**
     * ROC curves: the binary curve, or one class against the rest per class, each with its AUC in
     * the legend. With many classes near AUC 1 the curves crowd the top-left corner, so the
     * false-positive axis is logarithmic from 1e-4 there.
     */
    static void roc(Scores s, String title, Path png) {
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
            c.getStyler().setYAxisMin(yLo);
            c.getStyler().setYAxisMax(1.0);
            c.getStyler().setYAxisDecimalPattern(yLo > 0 ? "0.00" : "0.0");
        } else {
            // the curve and the diagonal span [0, 1] on both axes: XChart's own range fits them
            chance(c, new double[] {0, 1}, new double[] {0, 1}, "chance");
        }
        save(c, png);
    }

    /**
     * Precision against recall, binary or one class against the rest, with the average precision.
     * When every AP is above 0.98 the curves only bend in the top-right corner: the axes are
     * zoomed to [0.9, 1] there, with points below pinned to the edge, and the title says so.
     */
    static void precisionRecall(Scores s, String title, Path png) {
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
        c.getStyler().setXAxisMin(lo);
        c.getStyler().setYAxisMin(lo);
        if (zoom) {
            c.getStyler().setXAxisDecimalPattern("0.00");
            c.getStyler().setYAxisDecimalPattern("0.00");
        }
        save(c, png);
    }

    /** Accuracy against mean confidence per bin, the diagonal of perfect calibration, and the ECE. */
    static void reliability(Scores.Calibration cal, String title, Path png) {
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
        s.setLineColor(PALETTE[0]);
        s.setMarkerColor(PALETTE[0]);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineWidth(2.5f);
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(1.0);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        save(c, png);
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

    private static String label(Scores s, int k) {
        return s.binary() ? "class 1 vs 0" : "class " + k + " vs rest";
    }

    private static Color color(Scores s, int k) {
        return PALETTE[(s.binary() ? 0 : k) % PALETTE.length];
    }

    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(900).height(760).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler st = c.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setLegendBorderColor(Color.LIGHT_GRAY);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        c.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        c.getStyler().setMarkerSize(6);
        // without a pattern XChart may place ticks at multiples of the data's own step (1/61, ...)
        c.getStyler().setXAxisDecimalPattern("0.0");
        c.getStyler().setYAxisDecimalPattern("0.0");
        return c;
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

    static void save(XYChart c, Path png) {
        try {
            BitmapEncoder.saveBitmap(c, png.toAbsolutePath().toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }
}
