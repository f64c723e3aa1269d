package org.backprop.charts;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * A few training images, each in a row beside several deformed versions of it, grey level as
 * ink (0 white, 1 black) so a person can check that the deformations still look like
 * handwriting. The caller deforms; this only draws.
 */
public final class DeformationPreview {

    private static final int ZOOM = 3;
    private static final int GAP = 4;
    /** The space between the original and its deformed versions. */
    private static final int SPLIT = 16;

    private DeformationPreview() { }

    /**
     * {@code originals[i]} is image i (side² pixels, row-major, in [0, 1]); {@code deformed[i][k]}
     * its k-th deformed version. {@code caption} says what the deformations are.
     */
    public static void draw(float[][] originals, float[][][] deformed, int side, String title, String caption,
                            Path png) {
        int rows = originals.length;
        int versions = rows == 0 ? 0 : deformed[0].length;
        int tile = side * ZOOM;
        int top = 64, margin = 16, bottom = 44;
        int gridWidth = tile + SPLIT + versions * (tile + GAP) - GAP;
        int w = Math.max(2 * margin + gridWidth, 640);
        int h = top + rows * (tile + GAP) - GAP + bottom;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Style.canvas(img);
        int x0 = (w - gridWidth) / 2;
        g.setFont(Style.LEGEND);
        g.setColor(Color.DARK_GRAY);
        g.drawString("original", x0, top - 8);
        g.drawString("deformed (a new draw each epoch)", x0 + tile + SPLIT, top - 8);
        for (int r = 0; r < rows; r++) {
            int ty = top + r * (tile + GAP);
            tile(img, originals[r], side, x0, ty);
            for (int k = 0; k < versions; k++) {
                tile(img, deformed[r][k], side, x0 + tile + SPLIT + k * (tile + GAP), ty);
            }
        }
        g.setColor(Style.GRID);
        int split = x0 + tile + SPLIT / 2;
        g.drawLine(split, top, split, top + rows * (tile + GAP) - GAP);
        Style.title(g, title, w / 2, w - 2 * margin, 30);
        Style.caption(g, caption, w, margin, h - 16);
        g.dispose();
        Style.write(img, png);
    }

    private static void tile(BufferedImage img, float[] pixels, int side, int x, int y) {
        for (int i = 0; i < side * side; i++) {
            int rgb = ink(pixels[i]);
            for (int dy = 0; dy < ZOOM; dy++) {
                for (int dx = 0; dx < ZOOM; dx++) {
                    img.setRGB(x + (i % side) * ZOOM + dx, y + (i / side) * ZOOM + dy, rgb);
                }
            }
        }
        // a light frame, so a tile's edge shows where the image ends
        for (int k = -1; k <= side * ZOOM; k++) {
            frame(img, x + k, y - 1);
            frame(img, x + k, y + side * ZOOM);
            frame(img, x - 1, y + k);
            frame(img, x + side * ZOOM, y + k);
        }
    }

    private static void frame(BufferedImage img, int x, int y) {
        if (x >= 0 && y >= 0 && x < img.getWidth() && y < img.getHeight()) {
            img.setRGB(x, y, Style.GRID.getRGB() & 0xFFFFFF);
        }
    }

    /** Grey level v in [0, 1] as ink on paper: 0 white, 1 black, as 0xRRGGBB. */
    static int ink(float v) {
        float t = Float.isNaN(v) ? 0f : Math.max(0f, Math.min(1f, v));
        int level = Math.round(255 * (1 - t));
        return (level << 16) | (level << 8) | level;
    }
}
