package org.backprop.charts;

import java.awt.BasicStroke;
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
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The one look of every picture: one palette, one set of fonts, white backgrounds, light grid
 * lines, the same round ticks, and one way of writing the PNG. XChart charts take it through
 * {@link #apply}, the line charts (training and evaluation curves) through {@link #lineChart};
 * the pictures drawn directly (decision regions, weight tiles) through the fonts, {@link #canvas}
 * and {@link #title}.
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

    /** Measures text for layouts decided before anything is drawn. */
    private static final Graphics2D METRICS = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();

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

    /**
     * An XChart line chart in the shared look whose axes run exactly over the given ranges, with
     * round ticks chosen from the range alone and both ends labelled: add the series after this.
     * {@code xLog}: a logarithmic x axis, labelled at the powers of ten.
     */
    static XYChart lineChart(int width, int height, String title, String xTitle, String yTitle,
                             double xLo, double xHi, boolean xLog, double yLo, double yHi) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        apply(s);
        s.setChartTitleFont(fitting(TITLE, title, width - 40));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setPlotBorderColor(Color.DARK_GRAY);
        // the frame is the axis line: no second line beside it
        s.setAxisTicksLineVisible(false);
        s.setXAxisMin(xLo);
        s.setXAxisMax(xHi);
        s.setYAxisMin(yLo);
        s.setYAxisMax(yHi);
        s.setXAxisLogarithmic(xLog);
        // XChart lays the data out over plotContentSize of the plot (92% by default), so the frame
        // ran past the axis ends (a rate's 1.0 sat well below the top); but a label exactly on
        // the frame is dropped, and a log axis rounds its end down onto the frame: the ends sit
        // two or three pixels inside it
        s.setPlotContentSize(1 - 6.0 / Math.min(width, height));
        // about six ticks a side: the step is the round value nearest range × hint / plot size
        s.setXAxisTickMarkSpacingHint(width / 7);
        s.setYAxisTickMarkSpacingHint(height / 6);
        // XChart puts the ticks on the data's own values instead of round ones when the axis
        // range and every series' values, in the order added, are evenly spaced (epochs 1, 2, 3;
        // a ROC curve's k/n rates): a first, hidden series that steps back breaks that spacing
        double xMid = xLog ? Math.sqrt(xLo * xHi) : (xLo + xHi) / 2;
        XYSeries guard = c.addSeries(" ", new double[] {xHi, xMid}, new double[] {yHi, (yLo + yHi) / 2});
        guard.setEnabled(false);
        guard.setShowInLegend(false);
        return c;
    }

    /**
     * A line of {@code c}: NaN points break it; {@code dashed} for a reference line;
     * {@code markers}: a dot on every point, left out beyond 30 points.
     */
    static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, boolean dashed, boolean markers) {
        XYSeries s = c.addSeries(name, x, y);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(markers && x.length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (dashed) {
            s.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        } else {
            s.setLineStyle(new BasicStroke(2.5f));
        }
        return s;
    }

    /**
     * The legend outside the plot: below it in one row when that fits the chart's width; else one
     * entry a row, below the plot for up to three entries and right of it beyond (ten classes in
     * a column would leave the plot a strip), an entry too long for its room wrapped at spaces.
     * Call after the last series is added.
     */
    static void legend(XYChart c) {
        XYStyler st = c.getStyler();
        FontMetrics fm = METRICS.getFontMetrics(st.getLegendFont());
        int room = c.getWidth() - 40, row = 0, entries = 0;
        for (XYSeries s : c.getSeriesMap().values()) {
            if (s.isShowInLegend()) {
                row += st.getLegendSeriesLineLength() + 2 * st.getLegendPadding() + fm.stringWidth(s.getLabel());
                entries++;
            }
        }
        if (row <= room) {
            st.setLegendLayout(Styler.LegendLayout.Horizontal);
            return;
        }
        st.setLegendLayout(Styler.LegendLayout.Vertical);
        boolean right = entries > 3;
        st.setLegendPosition(right ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.OutsideS);
        int text = (right ? c.getWidth() / 3 : room) - st.getLegendSeriesLineLength() - 3 * st.getLegendPadding();
        for (XYSeries s : c.getSeriesMap().values()) {
            s.setLabel(wrap(fm, s.getLabel(), text));
        }
    }

    /** {@code text} broken into lines ("\n", as XChart's legend reads them) that fit {@code width}. */
    static String wrap(FontMetrics fm, String text, int width) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                out.append(line).append('\n');
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        return out.append(line).toString();
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

    /** A grey legend line centred across an image {@code width} wide, with {@code margin} each side. */
    static void caption(Graphics2D g, String text, int width, int margin, int baseline) {
        g.setFont(fitting(LEGEND, text, width - 2 * margin));
        FontMetrics fm = g.getFontMetrics();
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, (width - fm.stringWidth(text)) / 2, baseline);
    }

    /** {@code font}, made smaller until {@code text} fits {@code width}. */
    static Font fitting(Font font, String text, int width) {
        Font f = font;
        while (METRICS.getFontMetrics(f).stringWidth(text) > width && f.getSize() > 8) {
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
