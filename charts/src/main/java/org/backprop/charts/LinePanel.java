package org.backprop.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One panel of lines, drawn directly rather than with XChart, so that the ticks are round values
 * chosen from the axis range alone (XChart puts ticks on the data's own step when the values are
 * evenly spaced, such as epochs or a ROC curve's k/n rates) and both ends of an axis are labelled
 * (a rate's axis ends at a labelled 1.0). Title above, legend below, wrapped into rows.
 */
final class LinePanel {

    /** A line; NaN points break it. {@code markers}: a dot on every point (left out beyond 30 points). */
    record Line(String name, double[] x, double[] y, Color color, boolean dashed, boolean markers) { }

    /**
     * An axis from {@code lo} to {@code hi}; a logarithmic one (powers of ten labelled) when
     * {@code log}; {@code whole} keeps only the whole-number ticks (epochs).
     */
    record Axis(String title, double lo, double hi, boolean log, boolean whole) {

        static Axis linear(String title, double lo, double hi) {
            return new Axis(title, lo, hi, false, false);
        }
    }

    private static final int LEGEND_ROW = 24;

    private LinePanel() { }

    /** Draws the panel into the {@code width} × {@code height} box whose left edge is {@code left}. */
    static void draw(Graphics2D g, int left, int width, int height, String title, Axis xa, Axis ya, List<Line> lines) {
        g.setFont(Style.LEGEND.deriveFont(15f));
        List<List<Line>> rows = legendRows(g.getFontMetrics(), lines, width - 130);
        int l = left + 90, t = 50, w = width - 130, h = height - 120 - LEGEND_ROW * rows.size();
        g.setStroke(new BasicStroke(1f));
        double[] xt = ticks(xa);
        double[] yt = ticks(ya);
        g.setColor(Style.GRID);
        for (double v : yt) {
            g.drawLine(l, py(ya, v, t, h), l + w, py(ya, v, t, h));
        }
        for (double v : xt) {
            g.drawLine(px(xa, v, l, w), t, px(xa, v, l, w), t + h);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(l, t, w, h);
        g.setFont(Style.TICKS.deriveFont(15f));
        FontMetrics fm = g.getFontMetrics();
        for (double v : xt) {
            int x = px(xa, v, l, w);
            g.drawLine(x, t + h, x, t + h + 6);
            String s = label(xa, v, xt);
            g.drawString(s, x - fm.stringWidth(s) / 2, t + h + 24);
        }
        for (double v : yt) {
            int y = py(ya, v, t, h);
            g.drawLine(l - 6, y, l, y);
            String s = label(ya, v, yt);
            g.drawString(s, l - 10 - fm.stringWidth(s), y + fm.getAscent() / 2 - 2);
        }
        g.setFont(Style.fitting(g, Style.AXIS_TITLE.deriveFont(16f), xa.title(), w));
        fm = g.getFontMetrics();
        g.drawString(xa.title(), l + w / 2 - fm.stringWidth(xa.title()) / 2, t + h + 52);
        g.setFont(Style.fitting(g, Style.AXIS_TITLE.deriveFont(16f), ya.title(), h));
        fm = g.getFontMetrics();
        g.rotate(-Math.PI / 2);
        g.drawString(ya.title(), -(t + h / 2) - fm.stringWidth(ya.title()) / 2, left + 24);
        g.rotate(Math.PI / 2);
        Shape clip = g.getClip();
        g.setClip(l - 5, t - 5, w + 11, h + 11); // whole markers and lines on the frame
        for (Line line : lines) {
            plot(g, line, xa, ya, l, t, w, h);
        }
        g.setClip(clip);
        legend(g, rows, l, t + h + 86);
        Style.title(g, title, left + width / 2, width - 40, 32);
    }

    private static void plot(Graphics2D g, Line line, Axis xa, Axis ya, int l, int t, int w, int h) {
        g.setColor(line.color());
        g.setStroke(stroke(line));
        int px = 0, py = 0;
        boolean previous = false;
        boolean dots = line.markers() && line.x().length <= 30;
        for (int i = 0; i < line.x().length; i++) {
            if (!Double.isFinite(line.x()[i]) || !Double.isFinite(line.y()[i])) {
                previous = false;
                continue;
            }
            int qx = px(xa, line.x()[i], l, w), qy = py(ya, line.y()[i], t, h);
            if (previous) {
                g.drawLine(px, py, qx, qy);
            }
            if (dots) {
                g.fillOval(qx - 4, qy - 4, 9, 9);
            }
            px = qx;
            py = qy;
            previous = true;
        }
    }

    private static BasicStroke stroke(Line line) {
        return line.dashed()
                ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                : new BasicStroke(2.5f);
    }

    /** The legend's entries in rows that fit {@code width}. */
    private static List<List<Line>> legendRows(FontMetrics fm, List<Line> lines, int width) {
        List<List<Line>> rows = new ArrayList<>();
        List<Line> row = new ArrayList<>();
        int used = 0;
        for (Line line : lines) {
            int need = 34 + fm.stringWidth(line.name()) + 30;
            if (!row.isEmpty() && used + need > width) {
                rows.add(row);
                row = new ArrayList<>();
                used = 0;
            }
            row.add(line);
            used += need;
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        return rows;
    }

    private static void legend(Graphics2D g, List<List<Line>> rows, int x, int y) {
        g.setFont(Style.LEGEND.deriveFont(15f));
        FontMetrics fm = g.getFontMetrics();
        for (List<Line> row : rows) {
            int lx = x;
            for (Line line : row) {
                g.setColor(line.color());
                g.setStroke(line.dashed() ? stroke(line) : new BasicStroke(3f));
                g.drawLine(lx, y - 5, lx + 26, y - 5);
                g.setColor(Color.DARK_GRAY);
                g.drawString(line.name(), lx + 34, y);
                lx += 34 + fm.stringWidth(line.name()) + 30;
            }
            y += LEGEND_ROW;
        }
    }

    private static int px(Axis a, double v, int l, int w) {
        return l + (int) Math.round(fraction(a, v) * w);
    }

    private static int py(Axis a, double v, int t, int h) {
        return t + h - (int) Math.round(fraction(a, v) * h);
    }

    private static double fraction(Axis a, double v) {
        return a.log() ? Math.log(v / a.lo()) / Math.log(a.hi() / a.lo()) : (v - a.lo()) / (a.hi() - a.lo());
    }

    /** Round ticks inside the axis, both ends included where they are round: powers of ten on a log axis. */
    static double[] ticks(Axis a) {
        if (a.log()) {
            List<Double> t = new ArrayList<>();
            for (int e = (int) Math.ceil(Math.log10(a.lo()) - 1e-9); e <= Math.floor(Math.log10(a.hi()) + 1e-9); e++) {
                t.add(Math.pow(10, e));
            }
            return t.stream().mapToDouble(Double::doubleValue).toArray();
        }
        double[] t = Style.ticks(a.lo(), a.hi());
        if (!a.whole()) {
            return t;
        }
        // epochs are whole numbers: a 1-epoch run gets ticks 0 and 1 only
        return java.util.Arrays.stream(t).filter(v -> Math.abs(v - Math.rint(v)) < 1e-9).toArray();
    }

    /** A tick's label with as many decimals as the step between ticks needs ("0.0" .. "1.0", "0.90" .. "1.00"). */
    static String label(Axis a, double v, double[] ticks) {
        if (a.log()) {
            int e = (int) Math.round(Math.log10(v));
            return e >= 0 ? String.format(Locale.ROOT, "%,d", Math.round(v))
                    : java.math.BigDecimal.ONE.movePointLeft(-e).toPlainString();
        }
        double step = ticks.length > 1 ? ticks[1] - ticks[0] : Math.max(Math.abs(v), 1);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-9 ? 0 : v);
    }
}
