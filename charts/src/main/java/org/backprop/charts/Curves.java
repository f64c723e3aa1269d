package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Training curves, the one drawer behind {@code train --plot} and the bench's curves: loss per
 * epoch in the left panel and, for a classifier, accuracy in the right one, the training set's
 * beside the held-out set's. A regression has the loss panel alone. Drawn directly, not with
 * XChart, whose ticks on evenly spaced data follow the data (epoch 13, 25, 37 ...): here both
 * axes get about six round ticks whether the run had 1 epoch or 200.
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
        String prefix = layout.accuracy() ? "Loss: " : "";
        panel(g, 0, prefix + title, layout.lossTitle(), x0, x1, 0, lossMax > 0 ? lossMax * 1.05 : 1, e,
                new double[][] {v[0], v[1]}, new String[] {"training (running, during the epoch)", layout.heldOut()});
        if (layout.accuracy()) {
            // the interesting range is the last few percent; keep 100% in view
            panel(g, PANEL_WIDTH, "Accuracy: " + title, "accuracy (%)", x0, x1, Math.max(0, Math.floor(accMin - 1)), 100,
                    e, new double[][] {v[2], v[3]}, new String[] {"training (running, during the epoch)", layout.heldOut()});
        }
        g.dispose();
        Style.write(img, png);
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

    private static void panel(Graphics2D g, int left, String title, String yTitle, double x0, double x1, double y0,
                              double y1, double[] x, double[][] ys, String[] names) {
        int l = left + 90, t = 50, w = PANEL_WIDTH - 130, h = HEIGHT - 170;
        g.setColor(Style.GRID);
        g.setStroke(new BasicStroke(1f));
        double[] xt = Style.ticks(x0, x1);
        double[] yt = Style.ticks(y0, y1);
        for (double tv : yt) {
            int py = t + h - (int) Math.round((tv - y0) / (y1 - y0) * h);
            g.drawLine(l, py, l + w, py);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(l, t, w, h);
        g.setFont(Style.TICKS.deriveFont(15f));
        FontMetrics fm = g.getFontMetrics();
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
        g.setFont(Style.AXIS_TITLE.deriveFont(16f));
        fm = g.getFontMetrics();
        g.drawString("epoch", l + w / 2 - fm.stringWidth("epoch") / 2, t + h + 52);
        g.setFont(Style.fitting(g, g.getFont(), yTitle, h));
        fm = g.getFontMetrics();
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, -(t + h / 2) - fm.stringWidth(yTitle) / 2, left + 24);
        g.rotate(Math.PI / 2);
        Shape clip = g.getClip();
        g.setClip(l - 5, t - 5, w + 11, h + 11); // whole markers at the first and last epoch
        List<Integer> drawn = new ArrayList<>();
        for (int k = 0; k < ys.length; k++) {
            if (!measured(ys[k])) {
                continue;
            }
            drawn.add(k);
            g.setColor(Style.color(k));
            g.setStroke(new BasicStroke(2.5f));
            int px = 0, py = 0;
            boolean previous = false;
            for (int i = 0; i < x.length; i++) {
                if (!Double.isFinite(ys[k][i])) {
                    previous = false;
                    continue;
                }
                int qx = l + (int) Math.round((x[i] - x0) / (x1 - x0) * w);
                int qy = t + h - (int) Math.round((ys[k][i] - y0) / (y1 - y0) * h);
                if (previous) {
                    g.drawLine(px, py, qx, qy);
                }
                if (x.length <= 30) {
                    g.fillOval(qx - 4, qy - 4, 9, 9);
                }
                px = qx;
                py = qy;
                previous = true;
            }
        }
        g.setClip(clip);
        legend(g, l, t + h + 86, w, drawn, names);
        Style.title(g, title, left + PANEL_WIDTH / 2, PANEL_WIDTH - 40, 32);
    }

    /** The drawn lines' names in one row under the axis, the font shrunk until the row fits. */
    private static void legend(Graphics2D g, int x, int y, int width, List<Integer> drawn, String[] names) {
        StringBuilder all = new StringBuilder();
        for (int k : drawn) {
            all.append(names[k]).append("          ");
        }
        g.setFont(Style.fitting(g, Style.LEGEND.deriveFont(15f), all.toString(), width - 40 * drawn.size()));
        FontMetrics fm = g.getFontMetrics();
        int lx = x;
        for (int k : drawn) {
            g.setColor(Style.color(k));
            g.setStroke(new BasicStroke(3f));
            g.drawLine(lx, y - 5, lx + 26, y - 5);
            g.setColor(Color.DARK_GRAY);
            g.drawString(names[k], lx + 34, y);
            lx += 34 + fm.stringWidth(names[k]) + 30;
        }
    }
}
