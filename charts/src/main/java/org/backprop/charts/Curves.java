package org.backprop.charts;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training curves, the one drawer behind {@code train --plot} and the bench's curves: loss per
 * epoch in the left panel and, for a classifier, accuracy in the right one, the training set's
 * beside the held-out set's. A regression has the loss panel alone. Drawn by {@link LinePanel}:
 * both axes get about six round ticks whether the run had 1 epoch or 200.
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
        int panels = layout.accuracy() ? 2 : 1;
        BufferedImage img = new BufferedImage(panels * PANEL_WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Style.canvas(img);
        double lossMax = 0, accMin = 100;
        for (int i = 0; i < n; i++) {
            lossMax = Math.max(lossMax, Math.max(finite(v[0][i]), finite(v[1][i])));
            accMin = Math.min(accMin, Math.min(orElse(v[2][i], 100), orElse(v[3][i], 100)));
        }
        double x0 = n == 0 ? 0 : Math.max(0, e[0] - 1), x1 = n == 0 ? 1 : Math.max(e[n - 1], x0 + 1);
        LinePanel.Axis epochAxis = new LinePanel.Axis("epoch", x0, x1, false, true);
        String[] names = {"training (running, during the epoch)", layout.heldOut()};
        LinePanel.draw(g, 0, PANEL_WIDTH, HEIGHT, (layout.accuracy() ? "Loss: " : "") + title, epochAxis,
                LinePanel.Axis.linear(layout.lossTitle(), 0, lossMax > 0 ? lossMax * 1.05 : 1), lines(e, v[0], v[1], names));
        if (layout.accuracy()) {
            // the interesting range is the last few percent; keep 100% in view
            LinePanel.draw(g, PANEL_WIDTH, PANEL_WIDTH, HEIGHT, "Accuracy: " + title, epochAxis,
                    LinePanel.Axis.linear("accuracy (%)", Math.max(0, Math.floor(accMin - 1)), 100),
                    lines(e, v[2], v[3], names));
        }
        g.dispose();
        Style.write(img, png);
    }

    /** The training and held-out lines, each left out where nothing was measured. */
    private static List<LinePanel.Line> lines(double[] e, double[] train, double[] heldOut, String[] names) {
        List<LinePanel.Line> out = new ArrayList<>();
        double[][] ys = {train, heldOut};
        for (int k = 0; k < 2; k++) {
            if (measured(ys[k])) {
                out.add(new LinePanel.Line(names[k], e, ys[k], Style.color(k), false, true));
            }
        }
        return out;
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
