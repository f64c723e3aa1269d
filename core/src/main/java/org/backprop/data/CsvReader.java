package org.backprop.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * Reads a CSV file row by row: memory grows with the values kept (4 bytes a feature), never
     * with the file's text, and a row longer than {@link #MAX_ROW_CHARS} is refused.
     */
    public static Dataset read(Path file, Options options) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            String source = file.toString();
            raw.mark(4096);
            byte[] head = raw.readNBytes(4096);
            raw.reset();
            checkEncoding(head, source);
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return parse(new InputStreamReader(raw, utf8), source, options);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    public static Dataset parse(String text, String source, Options options) {
        try {
            return parse(new StringReader(text), source, options);
        } catch (IOException e) {
            throw new AssertionError("a StringReader does not fail", e);
        }
    }

    /** The longest row accepted, in characters: far beyond any table of features this engine can train on. */
    public static final int MAX_ROW_CHARS = 1 << 24;

    private static void checkEncoding(byte[] head, String source) {
        if (head.length >= 2 && ((head[0] == (byte) 0xFF && head[1] == (byte) 0xFE)
                || (head[0] == (byte) 0xFE && head[1] == (byte) 0xFF))) {
            throw new DataException(source + ": the file is UTF-16 (byte-order mark " + String.format("%02X %02X",
                    head[0] & 0xff, head[1] & 0xff) + "); save it as UTF-8 (or plain ASCII) CSV");
        }
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                throw new DataException(source + ": NUL byte at byte offset " + i + ": the file is UTF-16 without a"
                        + " byte-order mark, or not text at all; save it as UTF-8 CSV");
            }
        }
    }

    private static Dataset parse(Reader text, String source, Options options) throws IOException {
        Lines in = new Lines(text, source);
        String line = in.next();
        if (line != null && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        while (line != null && line.isBlank()) {
            line = in.next();
        }
        if (line == null) {
            throw new DataException(source + ": empty file");
        }
        Character sep = options.separator();
        java.util.regex.Matcher excel = EXCEL_SEP.matcher(line.trim());
        if (excel.matches()) {
            // Excel's "sep=;" first line names the separator and is not a row
            if (sep == null) {
                sep = excel.group(1).charAt(0);
            }
            line = in.nextNonBlank();
            if (line == null) {
                throw new DataException(source + ": has only the \"" + excel.group() + "\" line, no rows");
            }
        }
        if (sep == null) {
            sep = detectSeparator(line);
        }
        char separator = sep;
        String[] first = split(line, separator, source, in.number());
        int firstLine = in.number();
        int columns = first.length;
        if (columns < 2) {
            throw new DataException(source + ": row " + firstLine + " has " + columns
                    + " column; need at least one feature column and a label column (separator '"
                    + printable(separator) + "')");
        }
        String secondLine = in.nextNonBlank();
        String[] second = secondLine == null ? null : cells(secondLine, separator, source, in.number(), columns, firstLine);
        int secondNumber = in.number();
        boolean header = switch (options.header()) {
            case PRESENT -> true;
            case ABSENT -> false;
            case AUTO -> looksLikeHeader(first, second);
        };
        String[] names = header ? first : null;
        if (header && second == null) {
            throw new DataException(source + ": has a header row but no data rows");
        }
        int labelColumn = columns - 1;
        if (options.label() != null) {
            if (names == null) {
                throw new DataException(source + ": label column '" + Text.printable(options.label())
                        + "' requested, but the file has no header row");
            }
            labelColumn = -1;
            for (int c = 0; c < columns; c++) {
                if (unquote(names[c].trim()).equals(options.label()) || names[c].equals(options.label())) {
                    labelColumn = c;
                }
            }
            if (labelColumn < 0) {
                throw new DataException(source + ": label column '" + Text.printable(options.label())
                        + "' not found in header " + abbreviate(String.join(", ", names)));
            }
        }
        int features = columns - 1;
        Table table = new Table(features, source);
        if (!header) {
            table.add(first, firstLine, labelColumn, names);
        }
        if (second != null) {
            table.add(second, secondNumber, labelColumn, names);
            for (String row = in.nextNonBlank(); row != null; row = in.nextNonBlank()) {
                table.add(cells(row, separator, source, in.number(), columns, firstLine), in.number(), labelColumn, names);
            }
        }
        return labels(table.features(), table.labels(), features, source, table.lines(), options);
    }

    private static final Pattern EXCEL_SEP = Pattern.compile("(?i)sep=(.)");

    /** Splits a data row and checks its width against the first row's, saying why when they differ. */
    private static String[] cells(String line, char sep, String source, int number, int columns, int firstLine) {
        String[] cells = split(line, sep, source, number);
        if (cells.length != columns) {
            String hint = "";
            for (char other : new char[] {',', ';', '\t'}) {
                if (other != sep && line.indexOf(other) >= 0 && split(line, other, source, number).length == columns) {
                    hint = "; split at '" + printable(other) + "' it would fit: is the separator '" + printable(other)
                            + "' (the first row suggested '" + printable(sep) + "')?";
                }
            }
            throw new DataException(source + ": row " + number + " has " + cells.length + " cells, expected "
                    + columns + " as in row " + firstLine + " (separator '" + printable(sep) + "')" + hint);
        }
        return cells;
    }

    /** The rows' values as they are read: features packed into a growing float array, labels deduplicated. */
    private static final class Table {
        private final int features;
        private final String source;
        private float[] x = new float[1024];
        private int filled;
        private final List<String> labels = new ArrayList<>();
        private final Map<String, String> distinct = new HashMap<>();
        private int[] lines = new int[64];

        Table(int features, String source) {
            this.features = features;
            this.source = source;
        }

        void add(String[] cells, int line, int labelColumn, String[] names) {
            if (filled + (long) features > x.length) {
                grow();
            }
            String label = null;
            for (int c = 0; c < cells.length; c++) {
                if (c == labelColumn) {
                    label = normaliseLabel(cells[c]);
                    if (label.isEmpty()) {
                        throw new DataException(source + ": row " + line + ", " + column(names, c) + ": empty label");
                    }
                    continue;
                }
                x[filled++] = number(cells[c], source, line, names, c);
            }
            labels.add(distinct.computeIfAbsent(label, k -> k));
            if (labels.size() > lines.length) {
                lines = Arrays.copyOf(lines, 2 * lines.length);
            }
            lines[labels.size() - 1] = line;
        }

        private void grow() {
            long wanted = Math.max(2L * x.length, filled + (long) features);
            if (filled + (long) features > IdxReader.MAX_ARRAY) {
                throw new DataException(source + ": more than 2^31 feature values (" + labels.size() + " rows × "
                        + features + " features so far)");
            }
            wanted = Math.min(wanted, IdxReader.MAX_ARRAY);
            Memory.require(4 * wanted, source + ": after " + labels.size() + " rows, holding the table as float32");
            x = Arrays.copyOf(x, (int) wanted);
        }

        float[] features() {
            return Arrays.copyOf(x, filled);
        }

        String[] labels() {
            return labels.toArray(new String[0]);
        }

        List<Integer> lines() {
            List<Integer> out = new ArrayList<>(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                out.add(lines[i]);
            }
            return out;
        }
    }

    /** Lines of text, counted from 1, each at most {@link #MAX_ROW_CHARS} long; ends at \\n, \\r\\n or \\r. */
    private static final class Lines {
        private final Reader in;
        private final String source;
        private final char[] buf = new char[1 << 16];
        private int pos;
        private int end;
        private int number;
        private boolean pendingCr;

        Lines(Reader in, String source) {
            this.in = in;
            this.source = source;
        }

        int number() {
            return number;
        }

        String nextNonBlank() throws IOException {
            String line;
            do {
                line = next();
            } while (line != null && line.isBlank());
            return line;
        }

        String next() throws IOException {
            StringBuilder line = null;
            while (true) {
                if (pos == end) {
                    try {
                        end = in.read(buf, 0, buf.length);
                    } catch (java.nio.charset.CharacterCodingException e) {
                        throw new DataException(source + ": not valid UTF-8 text near line " + (number + 1)
                                + "; save the file as UTF-8 CSV");
                    }
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        if (line == null) {
                            return null;
                        }
                        number++;
                        return line.toString();
                    }
                }
                if (pendingCr) {
                    pendingCr = false;
                    if (buf[pos] == '\n') {
                        pos++;
                        continue;
                    }
                }
                int start = pos;
                while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
                    pos++;
                }
                if (line == null) {
                    line = new StringBuilder();
                }
                if ((long) line.length() + (pos - start) > MAX_ROW_CHARS) {
                    throw new DataException(source + ": row " + (number + 1) + " is longer than " + MAX_ROW_CHARS
                            + " characters: not a table of features this reader accepts (is it CSV at all?)");
                }
                line.append(buf, start, pos - start);
                if (pos < end) {
                    pendingCr = buf[pos] == '\r';
                    pos++;
                    number++;
                    return line.toString();
                }
            }
        }
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
                    throw new DataException(source + ": row " + lines.get(r) + ": label '" + abbreviate(labelText[r])
                            + "' is not among the classes " + abbreviate(classNames.toString()));
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
                    throw new DataException(source + ": row " + lines.get(r) + ": label '" + abbreviate(labelText[r])
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
            if (allIntegers) {
                // Integer labels are class indices only as a dense range: a stray 999999 among
                // 0s and 1s is a typo to report, not a million classes to train.
                TreeSet<Long> values = new TreeSet<>();
                for (String s : labelText) {
                    values.add(integer(s));
                }
                long previous = values.first();
                for (long v : values) {
                    if (v > previous + 1) {
                        int row = 0;
                        while (integer(labelText[row]) != v) {
                            row++;
                        }
                        throw new DataException(source + ": row " + lines.get(row) + ": label " + v + " leaves a gap:"
                                + " the integer labels run " + values.first() + ".." + previous + " and then " + v
                                + " (" + (previous + 1) + (v - 1 > previous + 1 ? ".." + (v - 1) : "") + " never occur);"
                                + " integer class labels must be consecutive, so fix that row or give the classes names");
                    }
                    previous = v;
                }
                if (min == 0) {
                    for (int r = 0; r < n; r++) {
                        y[r] = (int) integer(labelText[r]);
                    }
                    int classes = (int) max + 1;
                    checkTwoClasses(y, source);
                    return finish(x, y, features, classes, null, source);
                }
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

    private static boolean looksLikeHeader(String[] first, String[] second) {
        if (second == null) {
            for (String cell : first) {
                if (isNumber(cell)) {
                    return false;
                }
            }
            return true;
        }
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

    /**
     * Cells of one row. A cell that starts (after spaces) with a double quote runs to the closing
     * quote, so it may hold the separator; {@code ""} inside it is one quote. The quotes are kept
     * and stripped later by {@link #unquote}, so quoted cells read like unquoted ones.
     */
    private static String[] split(String line, char sep, String source, int number) {
        List<String> cells = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            int start = i;
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '"' && sep != '"') {
                StringBuilder cell = new StringBuilder("\"");
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            closed = true;
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                if (!closed) {
                    throw new DataException(source + ": row " + number + ", cell " + (cells.size() + 1)
                            + ": a quoted cell is not closed on its line (line breaks inside quotes are not supported)");
                }
                cell.append('"');
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) != sep) {
                    throw new DataException(source + ": row " + number + ", cell " + (cells.size() + 1)
                            + ": text after the closing quote");
                }
                cells.add(cell.toString());
            } else {
                while (i < n && line.charAt(i) != sep) {
                    i++;
                }
                cells.add(line.substring(start, i));
            }
            if (i >= n) {
                return cells.toArray(new String[0]);
            }
            i++; // the separator
        }
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
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return Text.printable(t);
    }

    private static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
