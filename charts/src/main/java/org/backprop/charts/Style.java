package org.backprop.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * The one look of every picture: one palette, one set of fonts, white backgrounds, light grid
 * lines, the same round ticks, and one way of writing the PNG. XChart charts take it through
 * {@link #apply}; the pictures drawn directly (curves, decision regions, weight tiles) through
 * the fonts, {@link #canvas}, {@link #title} and {@link LinePanel}.
 */
final class Style {

    static {
        // pictures are drawn on servers and CI machines without a display
        System.setProperty("java.awt.headless", "true");
    }

    /** Ten distinguishable colours (Tableau 10): series, classes, ours and peers. */
    static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    static final Color GRID = new Color(0xdddddd);
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Style() { }

    static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** The shared look on an XChart chart. */
    static void apply(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(TITLE);
        s.setLegendFont(LEGEND);
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setMarkerSize(6);
        s.setSeriesColors(PALETTE);
        if (s instanceof AxesChartStyler a) {
            a.setAxisTitleFont(AXIS_TITLE);
            a.setAxisTickLabelsFont(TICKS);
            a.setPlotGridLinesColor(GRID);
        }
    }

    /** A white image of the given size and its antialiased graphics. */
    static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** A bold title centred on {@code centre}, its font shrunk until it fits {@code width}. */
    static void title(Graphics2D g, String title, int centre, int width, int baseline) {
        int size = TITLE.getSize();
        FontMetrics fm;
        do {
            g.setFont(TITLE.deriveFont((float) size--));
            fm = g.getFontMetrics();
        } while (fm.stringWidth(title) > width && size > 8);
        g.setColor(Color.BLACK);
        g.drawString(title, Math.max(4, centre - fm.stringWidth(title) / 2), baseline);
    }

    /** {@code font}, made smaller until {@code text} fits {@code width}. */
    static Font fitting(Graphics2D g, Font font, String text, int width) {
        Font f = font;
        while (g.getFontMetrics(f).stringWidth(text) > width && f.getSize() > 8) {
            f = f.deriveFont((float) f.getSize() - 1);
        }
        return f;
    }

    /** About five round tick values inside [lo, hi]. */
    static double[] ticks(double lo, double hi) {
        double raw = (hi - lo) / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
        double first = Math.ceil(lo / step - 1e-9) * step;
        int n = (int) Math.floor((hi - first) / step + 1e-9) + 1;
        double[] t = new double[Math.max(0, n)];
        for (int i = 0; i < t.length; i++) {
            t[i] = first + i * step;
        }
        return t;
    }

    /** A tick value without trailing zeros: 0.5, 2, −1.25. */
    static String tick(double v) {
        String s = String.format(Locale.ROOT, "%.3f", Math.abs(v) < 1e-9 ? 0 : v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static void write(BufferedImage img, Path png) {
        try {
            directories(png);
            ImageIO.write(img, "png", png.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** Several charts side by side in one PNG. */
    static void write(java.util.List<? extends Chart<?, ?>> charts, Path png) {
        try {
            directories(png);
            BitmapEncoder.saveBitmap(new java.util.ArrayList<>(charts), 1, charts.size(), png.toAbsolutePath().toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    private static void directories(Path png) throws IOException {
        Path dir = png.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
    }
}
