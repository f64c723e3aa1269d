package org.backprop.charts;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * The first layer's weights of an image model, one tile per hidden unit (its incoming weights
 * laid out as the image), blue for negative, white for zero, red for positive: the "best neuron
 * stimuli". Each tile is scaled by its own largest |w|, so every unit's pattern shows whatever
 * its magnitude.
 */
public final class WeightTiles {

    private static final int ZOOM = 2;
    private static final int GAP = 2;

    private WeightTiles() { }

    /** The side of a square image of {@code inputs} pixels (28 for MNIST's 784), or −1 when not square. */
    public static int side(int inputs) {
        int s = (int) Math.round(Math.sqrt(inputs));
        return s * s == inputs ? s : -1;
    }

    /** {@code weights} is inputs×units, row-major, as {@code Model.weights(0)} gives it; inputs a square number. */
    public static void draw(float[] weights, int inputs, int units, String title, Path png) {
        int side = side(inputs);
        if (side < 0) {
            throw new IllegalArgumentException("weight tiles show a square image's pixels (784 for MNIST);"
                    + " this layer takes " + inputs + " inputs");
        }
        int cols = (int) Math.ceil(Math.sqrt(units));
        int rows = (units + cols - 1) / cols;
        int tile = side * ZOOM;
        int top = 48, margin = 16, bottom = 40;
        int w = Math.max(2 * margin + cols * (tile + GAP) - GAP, 640);
        int h = top + rows * (tile + GAP) - GAP + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Style.canvas(img);
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
        Style.title(g, title, w / 2, w - 2 * margin, 30);
        String legend = units + " hidden units, one " + side + "x" + side + " tile each: blue negative, white 0,"
                + " red positive (each tile scaled to its largest |w|)";
        Style.caption(g, legend, w, margin, h - 14);
        g.dispose();
        Style.write(img, png);
    }

    /** t in [−1, 1] → blue (−1) .. white (0) .. red (1), as 0xRRGGBB. */
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
