package org.backprop.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a classification table: numeric feature columns and one label column (the last, unless
 * named). The first row is a header when it has a non-numeric cell in a column whose next row is
 * numeric (or when {@link Header} says so). Cells are separated by commas, or by semicolons or tabs
 * when the first row has more of those; one pair of surrounding double quotes is stripped, quoted
 * separators are not supported.
 *
 * <p>Labels: with declared class names, each label must be one of them; with a declared class
 * count, each must be an integer in {@code 0..classes-1}; otherwise integers starting at 0 are
 * used as they are, and anything else (strings, numbers from 1) is mapped to class indices in
 * sorted order (numeric order when every label is a number). {@link Dataset#classNames()} reports
 * the mapping.
 */
public final class CsvReader {

    /** Whether the first row names the columns. */
    public enum Header { AUTO, PRESENT, ABSENT }

    /**
     * @param label      name of the label column (needs a header), or null for the last column
     * @param classes    the number of classes the labels must fall in ({@code 0..classes-1}), or 0
     * @param classNames the classes the labels must be among (e.g. the training set's), or null
     * @param header     whether the first row is a header
     * @param separator  the cell separator, or null to detect it
     */
    public record Options(String label, int classes, List<String> classNames, Header header, Character separator) {
        public static Options defaults() {
            return new Options(null, 0, null, Header.AUTO, null);
        }

        public Options withLabel(String name) {
            return new Options(name, classes, classNames, header, separator);
        }

        public Options withClasses(int count) {
            return new Options(label, count, classNames, header, separator);
        }

        public Options withClassNames(List<String> names) {
            return new Options(label, classes, names == null ? null : List.copyOf(names), header, separator);
        }

        public Options withHeader(Header h) {
            return new Options(label, classes, classNames, h, separator);
        }

        public Options withSeparator(char c) {
            return new Options(label, classes, classNames, header, c);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private CsvReader() { }

    public static Dataset read(Path file) {
        return read(file, Options.defaults());
    }

    public static Dataset read(Path file, Options options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (IOException | OutOfMemoryError e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), options);
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    public static Dataset parse(String text, String source, Options options) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        // Keep 1-based file line numbers for messages while skipping blank lines.
        List<String> lines = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        String[] raw = text.split("\r\n|\n|\r", -1);
        for (int i = 0; i < raw.length; i++) {
            if (!raw[i].isBlank()) {
                lines.add(raw[i]);
                lineNumbers.add(i + 1);
            }
        }
        if (lines.isEmpty()) {
            throw new DataException(source + ": empty file");
        }
        char sep = options.separator() != null ? options.separator() : detectSeparator(lines.get(0));
        List<String[]> rows = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] cells = split(lines.get(i), sep);
            if (i > 0 && cells.length != rows.get(0).length) {
                throw new DataException(source + ": row " + lineNumbers.get(i) + " has " + cells.length
                        + " cells, expected " + rows.get(0).length + " as in row " + lineNumbers.get(0));
            }
            rows.add(cells);
        }
        int columns = rows.get(0).length;
        if (columns < 2) {
            throw new DataException(source + ": row " + lineNumbers.get(0) + " has " + columns
                    + " column; need at least one feature column and a label column (separator '"
                    + printable(sep) + "')");
        }
        boolean header = switch (options.header()) {
            case PRESENT -> true;
            case ABSENT -> false;
            case AUTO -> looksLikeHeader(rows);
        };
        String[] names = header ? rows.get(0) : null;
        int first = header ? 1 : 0;
        if (rows.size() == first) {
            throw new DataException(source + ": has a header row but no data rows");
        }
        int labelColumn = columns - 1;
        if (options.label() != null) {
            if (names == null) {
                throw new DataException(source + ": label column '" + options.label()
                        + "' requested, but the file has no header row");
            }
            labelColumn = -1;
            for (int c = 0; c < columns; c++) {
                if (names[c].equals(options.label())) {
                    labelColumn = c;
                }
            }
            if (labelColumn < 0) {
                throw new DataException(source + ": label column '" + options.label() + "' not found in header "
                        + String.join(", ", names));
            }
        }
        int n = rows.size() - first;
        int features = columns - 1;
        if ((long) n * features > IdxReader.MAX_ARRAY) {
            throw new DataException(source + ": " + n + " rows × " + features + " features is more than 2^31 values");
        }
        float[] x = new float[n * features];
        String[] labelText = new String[n];
        for (int r = 0; r < n; r++) {
            String[] cells = rows.get(first + r);
            int line = lineNumbers.get(first + r);
            int f = 0;
            for (int c = 0; c < columns; c++) {
                if (c == labelColumn) {
                    labelText[r] = normaliseLabel(cells[c]);
                    if (labelText[r].isEmpty()) {
                        throw new DataException(source + ": row " + line + ", " + column(names, c) + ": empty label");
                    }
                    continue;
                }
                x[r * features + f++] = number(cells[c], source, line, names, c);
            }
        }
        return labels(x, labelText, features, source, lineNumbers.subList(first, lines.size()), options);
    }

    private static Dataset labels(float[] x, String[] labelText, int features, String source,
                                  List<Integer> lines, Options options) {
        int n = labelText.length;
        int[] y = new int[n];
        List<String> classNames;
        if (options.classNames() != null) {
            classNames = options.classNames();
            if (classNames.size() < 2) {
                throw new DataException(source + ": " + classNames.size()
                        + " declared class name(s); a classifier needs at least 2 classes");
            }
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < classNames.size(); i++) {
                index.put(normaliseLabel(classNames.get(i)), i);
            }
            for (int r = 0; r < n; r++) {
                Integer k = index.get(labelText[r]);
                if (k == null) {
                    throw new DataException(source + ": row " + lines.get(r) + ": label '" + labelText[r]
                            + "' is not among the classes " + classNames);
                }
                y[r] = k;
            }
            // a test file may hold fewer classes than the training set declared
            return finish(x, y, features, classNames.size(), classNames, source);
        } else if (options.classes() > 0) {
            int classes = options.classes();
            if (classes < 2) {
                throw new DataException(source + ": " + classes + " declared class; a classifier needs at least 2");
            }
            for (int r = 0; r < n; r++) {
                long v = integer(labelText[r]);
                if (v < 0 || v >= classes) {
                    throw new DataException(source + ": row " + lines.get(r) + ": label '" + labelText[r]
                            + "' is outside the declared classes 0.." + (classes - 1));
                }
                y[r] = (int) v;
            }
            return finish(x, y, features, classes, null, source);
        } else {
            boolean allIntegers = true;
            boolean allNumbers = true;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (String s : labelText) {
                long v = integer(s);
                if (v == Long.MIN_VALUE) {
                    allIntegers = false;
                } else {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                allNumbers &= NUMBER.matcher(s).matches();
            }
            if (allIntegers && min == 0 && max < 1_000_000) {
                for (int r = 0; r < n; r++) {
                    y[r] = (int) integer(labelText[r]);
                }
                int classes = (int) max + 1;
                checkTwoClasses(y, source);
                return finish(x, y, features, classes, null, source);
            }
            TreeSet<String> distinct = allNumbers
                    ? new TreeSet<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                    : new TreeSet<>();
            for (String s : labelText) {
                distinct.add(s);
            }
            classNames = new ArrayList<>(distinct);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < classNames.size(); i++) {
                index.put(classNames.get(i), i);
            }
            for (int r = 0; r < n; r++) {
                y[r] = index.get(labelText[r]);
            }
        }
        checkTwoClasses(y, source);
        return finish(x, y, features, classNames.size(), classNames, source);
    }

    private static Dataset finish(float[] x, int[] y, int features, int classes, List<String> names, String source) {
        return new Dataset(source, x, y, features, classes, names);
    }

    private static void checkTwoClasses(int[] y, String source) {
        for (int v : y) {
            if (v != y[0]) {
                return;
            }
        }
        throw new DataException(source + ": every row has the same label; a classifier needs at least 2 classes");
    }

    /** Integral labels compare as integers ("1.0" is "1"); other numbers keep one canonical spelling. */
    private static String normaliseLabel(String cell) {
        String s = unquote(cell.trim());
        if (NUMBER.matcher(s).matches()) {
            double d = Double.parseDouble(s);
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return s;
    }

    /** The label as a long if it is an integer, else Long.MIN_VALUE. */
    private static long integer(String label) {
        if (!NUMBER.matcher(label).matches()) {
            return Long.MIN_VALUE;
        }
        try {
            return Long.parseLong(label);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    private static float number(String cell, String source, int line, String[] names, int c) {
        String s = unquote(cell.trim());
        if (s.isEmpty()) {
            throw new DataException(source + ": row " + line + ", " + column(names, c) + ": empty cell");
        }
        if (NOT_FINITE.matcher(s).matches()) {
            throw new DataException(source + ": row " + line + ", " + column(names, c) + ": '" + s
                    + "' is not a finite number");
        }
        if (!NUMBER.matcher(s).matches()) {
            throw new DataException(source + ": row " + line + ", " + column(names, c) + ": '" + abbreviate(s)
                    + "' is not a number");
        }
        float v = (float) Double.parseDouble(s);
        if (!Float.isFinite(v)) {
            throw new DataException(source + ": row " + line + ", " + column(names, c) + ": '" + abbreviate(s)
                    + "' overflows float32");
        }
        return v;
    }

    private static boolean looksLikeHeader(List<String[]> rows) {
        String[] first = rows.get(0);
        if (rows.size() == 1) {
            for (String cell : first) {
                if (isNumber(cell)) {
                    return false;
                }
            }
            return true;
        }
        String[] second = rows.get(1);
        for (int c = 0; c < first.length; c++) {
            if (!isNumber(first[c]) && isNumber(second[c])) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String cell) {
        String s = unquote(cell.trim());
        return NUMBER.matcher(s).matches() || NOT_FINITE.matcher(s).matches();
    }

    private static char detectSeparator(String line) {
        char best = ',';
        long bestCount = line.chars().filter(ch -> ch == ',').count();
        for (char c : new char[] {';', '\t'}) {
            long count = line.chars().filter(ch -> ch == c).count();
            if (count > bestCount) {
                best = c;
                bestCount = count;
            }
        }
        return best;
    }

    private static String[] split(String line, char sep) {
        List<String> cells = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == sep) {
                cells.add(line.substring(start, i));
                start = i + 1;
            }
        }
        cells.add(line.substring(start));
        return cells.toArray(new String[0]);
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') {
            return s.substring(1, s.length() - 1).trim();
        }
        return s;
    }

    private static String column(String[] names, int c) {
        return names == null ? "column " + (c + 1) : "column " + (c + 1) + " '" + abbreviate(names[c].trim()) + "'";
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
