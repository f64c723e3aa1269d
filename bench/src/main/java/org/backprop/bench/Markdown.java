package org.backprop.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A GitHub-flavoured Markdown table, columns padded so the raw text reads as a table too. */
final class Markdown {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Markdown(String... header) {
        this.header = List.of(header);
    }

    Markdown row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(c == null ? "" : c.toString().replace("|", "\\|"));
        }
        while (r.size() < header.size()) {
            r.add("");
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(3, header.get(i).length());
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        StringBuilder rule = new StringBuilder("|");
        for (int x : w) {
            rule.append(' ').append("-".repeat(x)).append(" |");
        }
        sb.append(rule).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < w.length; i++) {
            sb.append(' ').append(cells.get(i)).append(" ".repeat(w[i] - cells.get(i).length())).append(" |");
        }
        sb.append('\n');
    }

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    /** A number with three significant figures, or a dash when there is none. */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return f("%.0f", v);
        }
        if (a >= 10) {
            return f("%.1f", v);
        }
        if (a >= 1) {
            return f("%.2f", v);
        }
        return f("%.3g", v);
    }

    /** Seconds in the unit that suits them. */
    static String time(double s) {
        if (!Double.isFinite(s)) {
            return "–";
        }
        if (s >= 1) {
            return f("%.2f s", s);
        }
        if (s >= 1e-3) {
            return f("%.3g ms", s * 1e3);
        }
        return f("%.3g µs", s * 1e6);
    }
}
