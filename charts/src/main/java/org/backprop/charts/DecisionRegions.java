package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.backprop.nn.Evaluation;

/**
 * The decision regions of a classifier of two inputs: the plane shaded by the predicted class,
 * deeper where the model is surer, the boundary drawn, and the points on top coloured by their
 * true class, with a legend of the classes' names.
 */
public final class DecisionRegions {

    /** What the model outputs for {@code rows} points given as (x1, x2) pairs: rows × outputs values. */
    @FunctionalInterface
    public interface Classifier {
        float[] predict(float[] xy, int rows);
    }

    /** Pixels a side of the square plot; the model is asked for one prediction per pixel. */
    static final int PLOT = 560;
    private static final int LEFT = 70, TOP = 56, RIGHT = 24, BOTTOM = 84;

    private DecisionRegions() { }

    /**
     * Draws the regions over the points' box (padded by a tenth on each side).
     *
     * @param xy      the points, (x1, x2) per row
     * @param labels  their true classes
     * @param names   the classes' names, one per class (at least two)
     * @param outputs the model's outputs per row: 1 for a single sigmoid unit, else one per class
     * @param model   the model's predictions for any points
     */
    public static void draw(float[] xy, int[] labels, List<String> names, int outputs, Classifier model, String title,
                            Path png) {
        if (xy.length != 2 * labels.length || labels.length == 0) {
            throw new IllegalArgumentException("decision regions: " + xy.length + " coordinates for " + labels.length
                    + " points of two inputs each");
        }
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int i = 0; i < labels.length; i++) {
            x0 = Math.min(x0, xy[2 * i]);
            x1 = Math.max(x1, xy[2 * i]);
            y0 = Math.min(y0, xy[2 * i + 1]);
            y1 = Math.max(y1, xy[2 * i + 1]);
        }
        double padX = 0.1 * Math.max(x1 - x0, 1e-6), padY = 0.1 * Math.max(y1 - y0, 1e-6);
        x0 -= padX;
        x1 += padX;
        y0 -= padY;
        y1 += padY;

        float[] grid = new float[2 * PLOT * PLOT];
        for (int r = 0; r < PLOT; r++) {
            for (int c = 0; c < PLOT; c++) {
                grid[2 * (r * PLOT + c)] = (float) (x0 + (c + 0.5) / PLOT * (x1 - x0));
                grid[2 * (r * PLOT + c) + 1] = (float) (y1 - (r + 0.5) / PLOT * (y1 - y0));
            }
        }
        float[] out = model.predict(grid, PLOT * PLOT);
        int[] cls = new int[PLOT * PLOT];
        double[] sure = new double[PLOT * PLOT];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = Evaluation.predictedClass(out, i, outputs);
            sure[i] = sureness(out, i, outputs, cls[i]);
        }

        int w = LEFT + PLOT + RIGHT, h = TOP + PLOT + BOTTOM;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Style.canvas(img);
        for (int r = 0; r < PLOT; r++) {
            for (int c = 0; c < PLOT; c++) {
                int i = r * PLOT + c;
                boolean edge = (c + 1 < PLOT && cls[i + 1] != cls[i]) || (r + 1 < PLOT && cls[i + PLOT] != cls[i]);
                // pale where the model is unsure, up to 45% of the class colour where it is certain
                Color col = edge ? new Color(0x333333) : tint(Style.color(cls[i]), 0.12 + 0.33 * sure[i]);
                img.setRGB(LEFT + c, TOP + r, col.getRGB());
            }
        }
        for (int i = 0; i < labels.length; i++) {
            int px = LEFT + (int) Math.round((xy[2 * i] - x0) / (x1 - x0) * PLOT);
            int py = TOP + (int) Math.round((y1 - xy[2 * i + 1]) / (y1 - y0) * PLOT);
            Color col = Style.color(labels[i]);
            g.setColor(col);
            g.fillOval(px - 4, py - 4, 9, 9);
            g.setColor(col.darker().darker());
            g.setStroke(new BasicStroke(1f));
            g.drawOval(px - 4, py - 4, 9, 9);
        }
        axes(g, x0, x1, y0, y1);
        legend(g, names, Math.max(2, outputs));
        Style.title(g, title, w / 2, w - 24, 34);
        g.dispose();
        Style.write(img, png);
    }

    /** 0 on the boundary, 1 where the predicted class has all the probability. */
    private static double sureness(float[] out, int i, int k, int cls) {
        double conf = k == 1 ? Math.abs(out[i] - 0.5) * 2 : (out[i * k + cls] - 1.0 / k) / (1 - 1.0 / k);
        return Math.max(0, Math.min(1, conf));
    }

    private static void axes(Graphics2D g, double x0, double x1, double y0, double y1) {
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(LEFT, TOP, PLOT, PLOT);
        g.setFont(Style.TICKS);
        FontMetrics fm = g.getFontMetrics();
        for (double t : Style.ticks(x0, x1)) {
            int px = LEFT + (int) Math.round((t - x0) / (x1 - x0) * PLOT);
            g.drawLine(px, TOP + PLOT, px, TOP + PLOT + 5);
            String s = Style.tick(t);
            g.drawString(s, px - fm.stringWidth(s) / 2, TOP + PLOT + 20);
        }
        for (double t : Style.ticks(y0, y1)) {
            int py = TOP + (int) Math.round((y1 - t) / (y1 - y0) * PLOT);
            g.drawLine(LEFT - 5, py, LEFT, py);
            String s = Style.tick(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setFont(Style.AXIS_TITLE);
        fm = g.getFontMetrics();
        g.drawString("x1", LEFT + PLOT / 2 - fm.stringWidth("x1") / 2, TOP + PLOT + 42);
        g.rotate(-Math.PI / 2);
        g.drawString("x2", -(TOP + PLOT / 2) - fm.stringWidth("x2") / 2, 22);
        g.rotate(Math.PI / 2);
    }

    /** Under the axis title: each class's colour and name, then what the shading means. */
    private static void legend(Graphics2D g, List<String> names, int classes) {
        String shading = "shade: predicted class, deeper where surer; line: the boundary";
        StringBuilder all = new StringBuilder(shading);
        for (int c = 0; c < classes; c++) {
            all.append(name(names, c)).append("      ");
        }
        g.setFont(Style.fitting(Style.LEGEND, all.toString(), PLOT + RIGHT - 10));
        FontMetrics fm = g.getFontMetrics();
        int lx = LEFT, ly = TOP + PLOT + 66;
        for (int c = 0; c < classes; c++) {
            g.setColor(Style.color(c));
            g.fillOval(lx, ly - 10, 10, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString(name(names, c), lx + 15, ly);
            lx += 15 + fm.stringWidth(name(names, c)) + 18;
        }
        g.drawString(shading, lx + 4, ly);
    }

    private static String name(List<String> names, int c) {
        return names != null && c < names.size() ? org.backprop.data.Text.printable(names.get(c)) : "class " + c;
    }

    private static Color tint(Color c, double amount) {
        return new Color((int) Math.round(255 + (c.getRed() - 255) * amount),
                (int) Math.round(255 + (c.getGreen() - 255) * amount),
                (int) Math.round(255 + (c.getBlue() - 255) * amount));
    }
}
