package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the benchmark reports, drawn with XChart; every axis carries its unit. */
public final class Charts {

    /** x/y points of one line; NaN points (unavailable measurements) are left out when drawn. */
    public static final class Series {
        final String name;
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();

        public Series(String name) {
            this.name = name;
        }

        public Series add(double xv, double yv) {
            if (Double.isFinite(xv) && Double.isFinite(yv) && yv > 0) {
                x.add(xv);
                y.add(yv);
            }
            return this;
        }

        boolean isEmpty() {
            return x.isEmpty();
        }
    }

    /** A horizontal reference line, such as a peak rate. */
    public record Line(String name, double y) { }

    /** One epoch of a training curve. Accuracy is a fraction in [0, 1]. */
    public record Epoch(int epoch, double trainLoss, double testLoss, double testAccuracy) { }

    private Charts() { }

    /** One XY panel: lines (ours solid, peers dashed: even/odd positions) and horizontal reference lines. */
    public record XYPanel(String title, String xTitle, String yTitle, List<Series> series, List<Line> lines) { }

    /** Panels side by side in one PNG; axes are logarithmic when their values span more than a decade. */
    public static void xyPanels(List<XYPanel> panels, Path png) {
        List<XYChart> charts = new ArrayList<>();
        for (XYPanel p : panels) {
            charts.add(xy(p));
        }
        Style.write(charts, png);
    }

    static XYChart xy(XYPanel p) {
        double xmin = Double.MAX_VALUE;
        double xmax = 0;
        for (Series s : p.series()) {
            for (double x : s.x) {
                xmin = Math.min(xmin, x);
                xmax = Math.max(xmax, x);
            }
        }
        // sizes that double: spread them evenly (log₂) and label every power of two on the way
        boolean log = xmax > 0 && xmax / xmin >= 2;
        XYChart c = new XYChartBuilder().width(720).height(620).title(p.title())
                .xAxisTitle(log ? p.xTitle() + ", log scale" : p.xTitle()).yAxisTitle(p.yTitle()).build();
        style(c.getStyler());
        c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        // below the plot: inside it the legend covers the points of the largest sizes
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        double ymin = Double.MAX_VALUE;
        double ymax = 0;
        int i = 0;
        for (Series s : p.series()) {
            if (s.isEmpty()) {
                i++;
                continue;
            }
            List<double[]> pts = new ArrayList<>();
            for (int k = 0; k < s.x.size(); k++) {
                pts.add(new double[] {s.x.get(k), s.y.get(k)});
            }
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] xs = pts.stream().mapToDouble(q -> log ? log2(q[0]) : q[0]).toArray();
            double[] ys = pts.stream().mapToDouble(q -> q[1]).toArray();
            for (double y : ys) {
                ymin = Math.min(ymin, y);
                ymax = Math.max(ymax, y);
            }
            XYSeries xy = c.addSeries(s.name, xs, ys);
            Color col = Style.color(i);
            // markers on every point, so that one measured size is a visible point, not nothing
            xy.setMarker(i % 2 == 0 ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
            xy.setLineColor(col);
            xy.setMarkerColor(col);
            // peers dashed, ours solid, so each pair reads at a glance
            if (i % 2 == 1) {
                xy.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            } else {
                xy.setLineWidth(2.5f);
            }
            i++;
        }
        if (xmax <= 0) {
            placeholder(c);
            return c;
        }
        // the x range is set, not left to XChart, so that reference lines span the whole plot even
        // over a single measured size
        double lo;
        double hi;
        if (log) {
            // XChart puts the first tick on the axis minimum: whole powers of two at both ends
            lo = Math.floor(log2(xmin)) - 1;
            hi = Math.ceil(log2(xmax)) + 1;
            c.getStyler().setXAxisTickMarkSpacingHint(20);
            c.getStyler().setxAxisTickLabelsFormattingFunction(Charts::powerOfTwoLabel);
        } else {
            double pad = xmax > xmin ? (xmax - xmin) * 0.05 : Math.max(1, xmin * 0.5);
            lo = xmin - pad;
            hi = xmax + pad;
            c.getStyler().setXAxisDecimalPattern("#,##0");
        }
        c.getStyler().setXAxisMin(lo);
        c.getStyler().setXAxisMax(hi);
        for (Line l : p.lines()) {
            XYSeries xy = c.addSeries(l.name(), new double[] {lo, hi}, new double[] {l.y(), l.y()});
            xy.setMarker(SeriesMarkers.NONE);
            xy.setLineColor(Color.DARK_GRAY);
            xy.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
            ymax = Math.max(ymax, l.y());
        }
        if (ymax / ymin > 20) {
            c.getStyler().setYAxisLogarithmic(true);
        } else {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(ymax * 1.1);
        }
        return c;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** A tick of a log₂ axis: the power of two where it falls on one, else no label. */
    static String powerOfTwoLabel(double tick) {
        double r = Math.rint(tick);
        if (Math.abs(tick - r) > 1e-9 || r < 0 || r > 62) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "%,d", 1L << (long) r);
    }

    /**
     * Bars, one panel per group (each on its own linear axis so a small workload is not flattened
     * by a large one). {@code panels}: panel title → (bar label → value).
     */
    public static void bars(List<Panel> panels, String yTitle, Path png) {
        List<CategoryChart> charts = new ArrayList<>();
        for (Panel p : panels) {
            CategoryChart c = new CategoryChartBuilder().width(620).height(520).title(p.title())
                    .xAxisTitle(p.xTitle()).yAxisTitle(yTitle).build();
            style(c.getStyler());
            c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            c.getStyler().setLegendVisible(false);
            c.getStyler().setLabelsVisible(true);
            c.getStyler().setLabelsPosition(0.9);
            c.getStyler().setLabelsFontColorAutomaticEnabled(false);
            c.getStyler().setLabelsFontColor(Color.BLACK);
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setDecimalPattern("#,##0.00");
            c.getStyler().setXAxisLabelRotation(p.labels().size() > 3 ? 20 : 0);
            if (p.labels().isEmpty()) {
                c.addSeries("none", List.of("no data"), List.of(0));
            } else {
                c.addSeries(p.title(), p.labels(), p.values()).setFillColor(Style.color(0));
            }
            charts.add(c);
        }
        Style.write(charts, png);
    }

    /** One panel of {@link #bars}: a title, an x-axis title and labelled values. */
    public record Panel(String title, String xTitle, List<String> labels, List<Double> values) { }

    /** One panel of grouped bars: categories along x, one coloured series per group. */
    public record GroupedPanel(String title, String xTitle, String yTitle, List<String> categories,
                               List<String> groups, double[][] values) { }

    /**
     * Panels of grouped bars side by side in one PNG, each on its own linear axis (XChart draws
     * no bars on a log axis), so ops in cache and ops streaming from memory each stay readable.
     * Category labels are vertical so that each sits under its own bar.
     */
    public static void groupedBars(List<GroupedPanel> panels, Path png) {
        List<CategoryChart> charts = new ArrayList<>();
        // the PNG grid gives every panel the widest panel's width: size them alike
        int most = panels.stream().mapToInt(p -> p.categories().size()).max().orElse(1);
        for (GroupedPanel p : panels) {
            CategoryChart c = new CategoryChartBuilder().width(Math.max(520, 45 * most + 200)).height(720)
                    .title(p.title()).xAxisTitle(p.xTitle()).yAxisTitle(p.yTitle()).build();
            style(c.getStyler());
            c.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            c.getStyler().setXAxisLabelRotation(90);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setDecimalPattern("#,##0.#");
            for (int g = 0; g < p.groups().size(); g++) {
                List<Double> v = new ArrayList<>();
                for (double d : p.values()[g]) {
                    v.add(Double.isFinite(d) ? d : 0.0);
                }
                c.addSeries(p.groups().get(g), p.categories(), v).setFillColor(Style.color(g));
            }
            if (p.groups().isEmpty() || p.categories().isEmpty()) {
                c.addSeries("no data", List.of("none"), List.of(0));
            }
            charts.add(c);
        }
        Style.write(charts, png);
    }

    /**
     * The bench's training curves: loss per epoch (training and test) beside test accuracy, drawn
     * by {@link Curves} like {@code train --plot}'s.
     */
    public static void curves(List<Epoch> epochs, String title, Path png) {
        List<Curves.Epoch> points = new ArrayList<>();
        for (Epoch e : epochs) {
            points.add(new Curves.Epoch(e.epoch(), e.trainLoss(), Double.NaN, e.testLoss(), e.testAccuracy()));
        }
        Curves.draw(points, Curves.Layout.classifier("test"), title, png);
    }

    private static void placeholder(XYChart c) {
        XYSeries s = c.addSeries("no data", new double[] {1, 2}, new double[] {1, 1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.LIGHT_GRAY);
    }

    private static void style(Styler s) {
        Style.apply(s);
        s.setMarkerSize(7);
        if (s instanceof org.knowm.xchart.style.AxesChartStyler a) {
            a.setAxisTitleFont(Style.AXIS_TITLE.deriveFont(13f));
            a.setAxisTickLabelsFont(Style.TICKS.deriveFont(12f));
        }
    }
}
