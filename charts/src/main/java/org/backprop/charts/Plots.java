package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Scores;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The pictures of a training run and its evaluation: training curves ({@code train --plot}), ROC
 * and precision/recall curves, and the reliability diagram ({@code eval}).
 */
public final class Plots {

    static {
        // drawn on servers and CI machines without a display
        System.setProperty("java.awt.headless", "true");
    }

    /** Ten distinguishable colours (Tableau 10), one per MNIST class. */
    public static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

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
        c.getStyler().setXAxisMin(lo);
        c.getStyler().setYAxisMin(lo);
        if (zoom) {
            c.getStyler().setXAxisDecimalPattern("0.00");
            c.getStyler().setYAxisDecimalPattern("0.00");
        }
        save(c, png);
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

    /**
     * {@code train --plot}: loss (left panel) and accuracy (right panel) per epoch, the training
     * set's beside the validation set's (or the test set's when there is no validation split).
     * Drawn directly, not with XChart, whose ticks on evenly spaced data follow the data (epoch 13,
     * 25, 37 ...): here both axes get about six round ticks whether the run had 1 epoch or 200.
     */
    public static void curves(List<EpochStats> epochs, String title, Path png) {
        String monitor = epochs.isEmpty() ? "test" : epochs.get(0).monitor();
        String other = monitor.equals("val") ? "validation" : monitor.equals("train") ? "training (after the epoch)" : "test";
        int n = epochs.size();
        double[] e = new double[n];
        double[][] v = new double[4][n];
        for (int i = 0; i < n; i++) {
            EpochStats s = epochs.get(i);
            e[i] = s.epoch();
            v[0][i] = s.trainLoss();
            v[1][i] = s.testLoss();
            v[2][i] = 100 * s.trainAccuracy();
            v[3][i] = 100 * s.testAccuracy();
        }
        int pw = 900, ph = 700;
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2 * pw, ph, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 2 * pw, ph);
        double lossMax = 0, accMin = 100;
        for (int i = 0; i < n; i++) {
            lossMax = Math.max(lossMax, Math.max(finite(v[0][i]), finite(v[1][i])));
            accMin = Math.min(accMin, Math.min(v[2][i], v[3][i]));
        }
        double x0 = n == 0 ? 0 : Math.max(0, e[0] - 1), x1 = n == 0 ? 1 : Math.max(e[n - 1], x0 + 1);
        panel(g, 0, pw, ph, "Loss: " + title, "loss (mean per sample)", x0, x1, 0, lossMax > 0 ? lossMax * 1.05 : 1,
                e, new double[][] {v[0], v[1]}, new String[] {"training", other});
        // accuracy: the interesting range is the last few percent; keep 100% in view
        panel(g, pw, pw, ph, "Accuracy: " + title, "accuracy (%)", x0, x1, Math.max(0, Math.floor(accMin - 1)), 100,
                e, new double[][] {v[2], v[3]}, new String[] {"training (running, during the epoch)", other});
        g.dispose();
        try {
            javax.imageio.ImageIO.write(img, "png", png.toFile());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + png + ": " + ex.getMessage(), ex);
        }
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static void panel(java.awt.Graphics2D g, int left, int pw, int ph, String title, String yTitle,
                              double x0, double x1, double y0, double y1, double[] x, double[][] ys, String[] names) {
        int l = left + 90, t = 50, w = pw - 130, h = ph - 170;
        java.awt.FontMetrics fm;
        g.setColor(new Color(0xdddddd));
        g.setStroke(new BasicStroke(1f));
        double[] xt = ticks(x0, x1);
        double[] yt = ticks(y0, y1);
        for (double tv : yt) {
            int py = t + h - (int) Math.round((tv - y0) / (y1 - y0) * h);
            g.drawLine(l, py, l + w, py);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(l, t, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        fm = g.getFontMetrics();
        boolean wholeX = true;
        for (double tv : xt) {
            wholeX &= Math.abs(tv - Math.rint(tv)) < 1e-9;
        }
        for (double tv : xt) {
            if (!wholeX && Math.abs(tv - Math.rint(tv)) > 1e-9) {
                continue; // epochs are whole numbers: a 1-epoch run gets ticks 0 and 1 only
            }
            int px = l + (int) Math.round((tv - x0) / (x1 - x0) * w);
            g.drawLine(px, t + h, px, t + h + 6);
            String s = Long.toString(Math.round(tv));
            g.drawString(s, px - fm.stringWidth(s) / 2, t + h + 24);
        }
        for (double tv : yt) {
            int py = t + h - (int) Math.round((tv - y0) / (y1 - y0) * h);
            g.drawLine(l - 6, py, l, py);
            String s = String.format(Locale.ROOT, y1 - y0 < 0.1 ? "%.3f" : y1 - y0 < 2 ? "%.2f" : "%.1f", tv);
            g.drawString(s, l - 10 - fm.stringWidth(s), py + fm.getAscent() / 2 - 2);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        fm = g.getFontMetrics();
        g.drawString("epoch", l + w / 2 - fm.stringWidth("epoch") / 2, t + h + 52);
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, -(t + h / 2) - fm.stringWidth(yTitle) / 2, left + 24);
        g.rotate(Math.PI / 2);
        java.awt.Shape clip = g.getClip();
        g.setClip(l - 5, t - 5, w + 11, h + 11); // whole markers at the first and last epoch
        for (int k = 0; k < ys.length; k++) {
            g.setColor(PALETTE[k]);
            g.setStroke(new BasicStroke(2.5f));
            int px = 0, py = 0;
            for (int i = 0; i < x.length; i++) {
                int qx = l + (int) Math.round((x[i] - x0) / (x1 - x0) * w);
                int qy = t + h - (int) Math.round((finite(ys[k][i]) - y0) / (y1 - y0) * h);
                if (i > 0) {
                    g.drawLine(px, py, qx, qy);
                }
                if (x.length <= 30) {
                    g.fillOval(qx - 4, qy - 4, 9, 9);
                }
                px = qx;
                py = qy;
            }
        }
        g.setClip(clip);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        fm = g.getFontMetrics();
        int lx = l, ly = t + h + 86;
        for (int k = 0; k < names.length; k++) {
            g.setColor(PALETTE[k]);
            g.setStroke(new BasicStroke(3f));
            g.drawLine(lx, ly - 5, lx + 26, ly - 5);
            g.setColor(Color.DARK_GRAY);
            g.drawString(names[k], lx + 34, ly);
            lx += 34 + fm.stringWidth(names[k]) + 30;
        }
        int size = 17;
        do {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size--));
            fm = g.getFontMetrics();
        } while (fm.stringWidth(title) > pw - 40 && size > 9);
        g.setColor(Color.BLACK);
        g.drawString(title, left + pw / 2 - fm.stringWidth(title) / 2, 32);
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

    /** About five round tick values inside [lo, hi]. */
    public static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double first = Math.ceil(lo / step) * step;
        int n = (int) Math.floor((hi - first) / step) + 1;
        double[] t = new double[Math.max(0, n)];
        for (int i = 0; i < t.length; i++) {
            t[i] = first + i * step;
        }
        return t;
    }
}
