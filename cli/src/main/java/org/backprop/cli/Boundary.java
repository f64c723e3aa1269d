package org.backprop.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.backprop.charts.Plots;
import org.backprop.data.Dataset;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Model;

/**
 * {@code train --plot-boundary}: the decision regions of a model with two inputs, shaded by how
 * sure it is, the 0.5 boundary drawn, and the points on top, coloured by their true class.
 */
final class Boundary {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int PLOT = 560;
    private static final int LEFT = 70, TOP = 56, RIGHT = 24, BOTTOM = 84;
    private static final Color[] CLASS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    private Boundary() { }

    static void draw(Model model, Dataset points, String title, Path png) {
        if (model.inputs() != 2) {
            throw new IllegalArgumentException("--plot-boundary draws models of 2 input features; this one takes "
                    + model.inputs());
        }
        float[] f = points.features();
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int i = 0; i < points.size(); i++) {
            x0 = Math.min(x0, f[2 * i]);
            x1 = Math.max(x1, f[2 * i]);
            y0 = Math.min(y0, f[2 * i + 1]);
            y1 = Math.max(y1, f[2 * i + 1]);
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
        int k = model.outputs();
        int[] cls = new int[PLOT * PLOT];
        double[] sure = new double[PLOT * PLOT];
        for (int i = 0; i < cls.length; i++) {
            cls[i] = Evaluation.predictedClass(out, i, k);
            double p = k == 1 ? out[i] : out[i * k + cls[i]];
            double conf = k == 1 ? Math.abs(p - 0.5) * 2 : (p - 1.0 / k) / (1 - 1.0 / k);
            sure[i] = Math.max(0, Math.min(1, conf));
        }

        int w = LEFT + PLOT + RIGHT, h = TOP + PLOT + BOTTOM;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        for (int r = 0; r < PLOT; r++) {
            for (int c = 0; c < PLOT; c++) {
                int i = r * PLOT + c;
                // pale where the model is unsure, up to 45% of the class colour where it is certain
                img.setRGB(LEFT + c, TOP + r, tint(CLASS[cls[i] % CLASS.length], 0.12 + 0.33 * sure[i]).getRGB());
            }
        }
        for (int r = 0; r < PLOT; r++) {
            for (int c = 0; c < PLOT; c++) {
                int i = r * PLOT + c;
                boolean edge = (c + 1 < PLOT && cls[i + 1] != cls[i]) || (r + 1 < PLOT && cls[i + PLOT] != cls[i]);
                if (edge) {
                    img.setRGB(LEFT + c, TOP + r, new Color(0x333333).getRGB());
                }
            }
        }
        for (int i = 0; i < points.size(); i++) {
            int px = LEFT + (int) Math.round((f[2 * i] - x0) / (x1 - x0) * PLOT);
            int py = TOP + (int) Math.round((y1 - f[2 * i + 1]) / (y1 - y0) * PLOT);
            Color col = CLASS[points.labels()[i] % CLASS.length];
            g.setColor(col);
            g.fillOval(px - 4, py - 4, 9, 9);
            g.setColor(col.darker().darker());
            g.setStroke(new BasicStroke(1f));
            g.drawOval(px - 4, py - 4, 9, 9);
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(LEFT, TOP, PLOT, PLOT);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (double t : Plots.ticks(x0, x1)) {
            int px = LEFT + (int) Math.round((t - x0) / (x1 - x0) * PLOT);
            g.drawLine(px, TOP + PLOT, px, TOP + PLOT + 5);
            String s = label(t);
            g.drawString(s, px - fm.stringWidth(s) / 2, TOP + PLOT + 20);
        }
        for (double t : Plots.ticks(y0, y1)) {
            int py = TOP + (int) Math.round((y1 - t) / (y1 - y0) * PLOT);
            g.drawLine(LEFT - 5, py, LEFT, py);
            String s = label(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        fm = g.getFontMetrics();
        g.drawString("x1", LEFT + PLOT / 2 - fm.stringWidth("x1") / 2, TOP + PLOT + 42);
        g.rotate(-Math.PI / 2);
        g.drawString("x2", -(TOP + PLOT / 2) - fm.stringWidth("x2") / 2, 22);
        g.rotate(Math.PI / 2);
        // legend under the axis title: the two classes and what the shading means
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int lx = LEFT, ly = TOP + PLOT + 66;
        for (int c = 0; c < Math.max(2, k); c++) {
            g.setColor(CLASS[c % CLASS.length]);
            g.fillOval(lx, ly - 10, 10, 10);
            g.setColor(Color.DARK_GRAY);
            g.drawString("class " + c, lx + 15, ly);
            lx += 80;
        }
        g.drawString("shade: predicted class, deeper where surer; line: the boundary", lx + 4, ly);
        int size = 16;
        do {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size--));
            fm = g.getFontMetrics();
        } while (fm.stringWidth(title) > w - 24 && size > 9);
        g.setColor(Color.BLACK);
        g.drawString(title, Math.max(4, w / 2 - fm.stringWidth(title) / 2), 34);
        g.dispose();
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    private static Color tint(Color c, double amount) {
        return new Color((int) Math.round(255 + (c.getRed() - 255) * amount),
                (int) Math.round(255 + (c.getGreen() - 255) * amount),
                (int) Math.round(255 + (c.getBlue() - 255) * amount));
    }

    private static String label(double v) {
        String s = String.format(Locale.ROOT, "%.2f", Math.abs(v) < 1e-9 ? 0 : v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
