package org.backprop.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The words of an error about a column name that is not in a header: the header itself (or, when
 * it is long, the names closest to the one asked for), and a hint when a name differs only in case
 * or by a typo.
 */
final class ColumnNames {

    /** A header longer than this many characters is shown by its closest names only. */
    static final int WHOLE_HEADER_CHARS = 120;
    /** How many of a long header's names are shown. */
    static final int CLOSEST = 5;

    private ColumnNames() { }

    /** "no column 'species' in the header (a, b, Species); did you mean 'Species'? (names are case-sensitive)". */
    static String notFound(String name, List<String> header) {
        String joined = String.join(", ", header);
        String where = joined.length() <= WHOLE_HEADER_CHARS
                ? "in the header (" + Text.printable(joined) + ")"
                : "among the header's " + shown(name, header);
        return "no column '" + Text.printable(name) + "' " + where + hint(name, header);
    }

    /** The whole header, or when it is long "40 columns, the closest: a, b, c". */
    static String shown(String name, List<String> header) {
        String joined = String.join(", ", header);
        return joined.length() <= WHOLE_HEADER_CHARS ? Text.printable(joined)
                : header.size() + " columns (the closest: " + closest(name, header) + ")";
    }

    /** "; did you mean 'X'?" for a name that differs only in case or by a typo, else "". */
    static String hint(String name, List<String> header) {
        for (String h : header) {
            if (h.equalsIgnoreCase(name)) {
                return "; did you mean '" + CsvTable.abbreviate(h) + "'? (names are case-sensitive)";
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String h : header) {
            int d = distance(lower(name), lower(h));
            if (d < bestDistance) {
                best = h;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, name.length() / 4);
        return best != null && bestDistance <= allowed ? "; did you mean '" + CsvTable.abbreviate(best) + "'?" : "";
    }

    private static String closest(String name, List<String> header) {
        List<String> sorted = new ArrayList<>(header);
        String n = lower(name);
        sorted.sort(Comparator.comparingInt(h -> distance(n, lower(h))));
        List<String> shown = new ArrayList<>();
        for (String h : sorted.subList(0, Math.min(CLOSEST, sorted.size()))) {
            shown.add(CsvTable.abbreviate(h));
        }
        return String.join(", ", shown);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance, over at most the first 64 characters of each (enough to rank header names). */
    static int distance(String a, String b) {
        a = a.length() > 64 ? a.substring(0, 64) : a;
        b = b.length() > 64 ? b.substring(0, 64) : b;
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
