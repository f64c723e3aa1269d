package org.backprop.charts;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;

/**
 * Training curves, the one drawer behind {@code train --plot} and the bench's curves: loss per
 * epoch in the left panel and, for a classifier, accuracy in the right one, the training set's
 * beside the held-out set's. A regression has the loss panel alone. Two XChart panels side by
 * side in one PNG ({@link Style#lineChart}): both axes get about six round ticks whether the run
 * had 1 epoch or 200.
 */
public final class Curves {

    /**
     * One epoch's numbers; NaN where one was not measured (a line of NaN is left out). Accuracies
     * are fractions in [0, 1].
     */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double heldOutLoss, double heldOutAccuracy) { }

    /**
     * What the chart shows.
     *
     * @param heldOut   the name of the set scored after each epoch ("validation", "test" ...)
     * @param accuracy  whether there is an accuracy panel (false for a regression)
     * @param lossTitle the loss axis's title
     */
    public record Layout(String heldOut, boolean accuracy, String lossTitle) {

        public static Layout classifier(String heldOut) {
            return new Layout(heldOut, true, "loss (mean per sample)");
        }

        public static Layout regression(String heldOut) {
            return new Layout(heldOut, false, "loss (mean squared error)");
        }
    }

    static final int PANEL_WIDTH = 900;
    static final int HEIGHT = 700;

    private Curves() { }

    /** Writes the chart of {@code epochs} to {@code png}. */
    public static void draw(List<Epoch> epochs, Layout layout, String title, Path png) {
        Style.write(panels(epochs, layout, title), png);
    }

    /** The loss panel and, for a classifier, the accuracy panel, left to right. */
    static List<XYChart> panels(List<Epoch> epochs, Layout layout, String title) {
        int n = epochs.size();
        double[] e = new double[n];
        double[][] v = new double[4][n];
        for (int i = 0; i < n; i++) {
            Epoch s = epochs.get(i);
            e[i] = s.epoch();
            v[0][i] = s.trainLoss();
            v[1][i] = s.heldOutLoss();
            v[2][i] = 100 * s.trainAccuracy();
            v[3][i] = 100 * s.heldOutAccuracy();
        }
        double lossMax = 0, accMin = 100;
        for (int i = 0; i < n; i++) {
            lossMax = Math.max(lossMax, Math.max(finite(v[0][i]), finite(v[1][i])));
            accMin = Math.min(accMin, Math.min(orElse(v[2][i], 100), orElse(v[3][i], 100)));
        }
        double x0 = n == 0 ? 0 : Math.max(0, e[0] - 1), x1 = n == 0 ? 1 : Math.max(e[n - 1], x0 + 1);
        String[] names = {"training (running, during the epoch)", layout.heldOut()};
        List<XYChart> panels = new ArrayList<>();
        panels.add(panel((layout.accuracy() ? "Loss: " : "") + title, layout.lossTitle(), x0, x1,
                0, lossMax > 0 ? lossMax * 1.05 : 1, e, v[0], v[1], names));
        if (layout.accuracy()) {
            // the interesting range is the last few percent; keep 100% in view
            panels.add(panel("Accuracy: " + title, "accuracy (%)", x0, x1, Math.max(0, Math.floor(accMin - 1)), 100,
                    e, v[2], v[3], names));
        }
        return panels;
    }

    /** One panel: the training and held-out lines over the epochs, each left out where nothing was measured. */
    private static XYChart panel(String title, String yTitle, double x0, double x1, double y0, double y1,
                                 double[] e, double[] train, double[] heldOut, String[] names) {
        XYChart c = Style.lineChart(PANEL_WIDTH, HEIGHT, title, "epoch", yTitle, x0, x1, false, y0, y1);
        // epochs are whole numbers: a 1-epoch run gets ticks 0 and 1 only (XChart widens the step
        // until the labels differ)
        c.getStyler().setXAxisDecimalPattern("#,##0");
        c.getStyler().setYAxisDecimalPattern(decimals(y1 - y0));
        // markers on the axis ends stay whole
        c.getStyler().setPlotContentSize(0.96);
        double[][] ys = {train, heldOut};
        for (int k = 0; k < 2; k++) {
            if (measured(ys[k])) {
                Style.line(c, names[k], e, ys[k], Style.color(k), false, true);
            }
        }
        if (!measured(train) && !measured(heldOut)) {
            // XChart needs a series to draw the axes
            Style.line(c, "nothing measured", new double[] {x0}, new double[] {y0}, Color.LIGHT_GRAY, false, false);
        }
        Style.legend(c);
        return c;
    }

    /**
     * A pattern with the decimals that ticks about a fifth of {@code range} apart need, alike on
     * every label (0.0, 0.2 .. 1.2 rather than 0, 0.2 .. 1, 1.2); where XChart picks a finer step,
     * labels that round alike make it widen the step.
     */
    static String decimals(double range) {
        int d = Math.max(0, (int) Math.ceil(-Math.log10(range / 5) - 1e-9));
        return d == 0 ? "#,##0" : "0." + "0".repeat(d);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static double orElse(double v, double otherwise) {
        return Double.isFinite(v) ? v : otherwise;
    }

    private static boolean measured(double[] v) {
        for (double d : v) {
            if (!Double.isNaN(d)) {
                return true;
            }
        }
        return false;
    }
}
