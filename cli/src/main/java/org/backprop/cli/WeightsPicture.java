package org.backprop.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * {@code --weights-png}: the first layer's weights of an image model, one tile per hidden unit
 * (its incoming weights laid out as the image), blue for negative, white for zero, red for
 * positive — the deck's "best neuron stimuli". Each tile is scaled by its own largest |w|, so
 * every unit's pattern shows whatever its magnitude.
 */
final class WeightsPicture {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int ZOOM = 2;
    private static final int GAP = 2;

    private WeightsPicture() { }

    /** Square images only (784 = 28×28 for MNIST). */
    static int side(int inputs) {
        int s = (int) Math.round(Math.sqrt(inputs));
        return s * s == inputs ? s : -1;
    }

    /** {@code weights} is inputs×units, row-major, as {@code Model.weights(0)} gives it. */
    static void draw(float[] weights, int inputs, int units, String title, Path png) {
        int side = side(inputs);
        if (side < 0) {
            throw new IllegalArgumentException("--weights-png draws the first layer of an image model (a square number"
                    + " of inputs, 784 for MNIST); this model takes " + inputs);
        }
        int cols = (int) Math.ceil(Math.sqrt(units));
        int rows = (units + cols - 1) / cols;
        int tile = side * ZOOM;
        int top = 48, margin = 16, bottom = 40;
        int w = Math.max(2 * margin + cols * (tile + GAP) - GAP, 640);
        int h = top + rows * (tile + GAP) - GAP + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x0 = (w - (cols * (tile + GAP) - GAP)) / 2;
        for (int u = 0; u < units; u++) {
            double max = 1e-12;
            for (int i = 0; i < inputs; i++) {
                max = Math.max(max, Math.abs(weights[i * units + u]));
            }
            int tx = x0 + (u % cols) * (tile + GAP), ty = top + (u / cols) * (tile + GAP);
            for (int i = 0; i < inputs; i++) {
                int rgb = diverging(weights[i * units + u] / max);
                for (int dy = 0; dy < ZOOM; dy++) {
                    for (int dx = 0; dx < ZOOM; dx++) {
                        img.setRGB(tx + (i % side) * ZOOM + dx, ty + (i / side) * ZOOM + dy, rgb);
                    }
                }
            }
        }
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int size = 16;
        FontMetrics fm;
        do {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size--));
            fm = g.getFontMetrics();
        } while (fm.stringWidth(title) > w - 2 * margin && size > 9);
        g.setColor(Color.BLACK);
        g.drawString(title, (w - fm.stringWidth(title)) / 2, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        String legend = units + " hidden units, one " + side + "x" + side + " tile each: blue negative, white 0,"
                + " red positive (each tile scaled to its largest |w|)";
        while (fm.stringWidth(legend) > w - 2 * margin && g.getFont().getSize() > 9) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, g.getFont().getSize() - 1));
            fm = g.getFontMetrics();
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(legend, (w - fm.stringWidth(legend)) / 2, h - 14);
        g.dispose();
        try {
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** t in [−1, 1] → blue (−1) .. white (0) .. red (1). */
    static int diverging(double t) {
        t = Math.max(-1, Math.min(1, t));
        Color end = t < 0 ? new Color(0x2166ac) : new Color(0xb2182b);
        double a = Math.abs(t);
        int r = (int) Math.round(255 + (end.getRed() - 255) * a);
        int gr = (int) Math.round(255 + (end.getGreen() - 255) * a);
        int b = (int) Math.round(255 + (end.getBlue() - 255) * a);
        return (r << 16) | (gr << 8) | b;
    }
}
