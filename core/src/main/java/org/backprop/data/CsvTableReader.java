package org.backprop.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Parsing for {@link CsvTable}: the encoding check, the separator sniffed from the first line,
 * Excel's {@code sep=} line, the header decided from the first two rows, cells kept as floats,
 * words or missing, and rows refused while reading when they grow past the limits.
 */
final class CsvTableReader {

    private CsvTableReader() { }

    /** Cells that stand for "no value" (any case): pandas' and R's usual spellings, and the UCI files' "?". */
    private static final List<String> MISSING = List.of("", "na", "nan", "n/a", "#n/a", "<na>", "null", "none", "?");

    static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(inf|infinity)", Pattern.CASE_INSENSITIVE);
    private static final Pattern EXCEL_SEP = Pattern.compile("(?i)\\s*sep=(.)\\s*");

    /** Reads a file; {@code delimiter} null sniffs ',', ';' or tab from the first row. */
    static CsvTable read(Path file, CsvTable.Header header, Character delimiter) {
        String source = file.toString();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(4096);
            byte[] head = raw.readNBytes(4096);
            raw.reset();
            checkEncoding(head, source);
            CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return parse(new InputStreamReader(raw, utf8), source, header, delimiter);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (CharacterCodingException e) {
            throw new DataException(source + ": not valid UTF-8 text; save the file as UTF-8 CSV");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    static CsvTable parse(String text, String source, CsvTable.Header header, Character delimiter) {
        try {
            return parse(new StringReader(text), source, header, delimiter);
        } catch (IOException e) {
            throw new AssertionError("a StringReader does not fail", e);
        }
    }

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

    private static CsvTable parse(Reader text, String source, CsvTable.Header header, Character delimiter) throws IOException {
        RowLimit limit = new RowLimit(text, source);
        BufferedReader in = new BufferedReader(limit, 1 << 16);
        // the first line decides the delimiter, so look at it before the parser does
        in.mark(1 << 16);
        char[] peek = new char[1 << 16];
        int got = in.read(peek, 0, peek.length);
        in.reset();
        String firstChunk = got <= 0 ? "" : new String(peek, 0, got);
        int skip = 0;
        if (firstChunk.startsWith("\uFEFF")) {
            skip = 1;
            firstChunk = firstChunk.substring(1);
        }
        int lineOffset = 0;
        String firstLine = firstLineOf(firstChunk);
        while (firstLine != null && firstLine.isBlank() && firstChunk.length() > firstLine.length()) {
            // leading blank lines: the delimiter comes from the first line with something on it
            int cut = firstLine.length() + (firstChunk.startsWith("\r\n", firstLine.length()) ? 2 : 1);
            firstChunk = firstChunk.substring(cut);
            firstLine = firstLineOf(firstChunk);
        }
        Character sep = delimiter;
        boolean excel = false;
        Matcher m = firstLine == null ? null : EXCEL_SEP.matcher(firstLine);
        if (m != null && m.matches()) {
            excel = true;
            if (sep == null) {
                sep = m.group(1).charAt(0);
            }
        }
        if (sep == null) {
            sep = sniff(firstLine == null ? "" : firstLine);
        }
        limit.delimiter = sep;
        in.skip(skip);
        if (excel) {
            String line;
            do {
                line = in.readLine();
                lineOffset++;
            } while (line != null && line.isBlank());
        }
        CSVFormat format = CSVFormat.RFC4180.builder()
                .setDelimiter(sep)
                .setIgnoreEmptyLines(false)
                .setIgnoreSurroundingSpaces(true)
                .setTrim(true)
                .build();
        Builder b = new Builder(source, sep);
        try (CSVParser parser = new CSVParser(in, format)) {
            long previous = 0;
            java.util.Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                CSVRecord r;
                int line = (int) (previous + 1 + lineOffset);
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    r = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw parseError(source, line, e);
                }
                previous = parser.getCurrentLineNumber();
                if (r.size() == 1 && r.get(0).isBlank()) {
                    continue;
                }
                b.row(r, line, header);
            }
        } catch (UncheckedIOException e) {
            throw parseError(source, (int) (lineOffset + 1), e);
        }
        if (excel && b.rows == 0 && b.names == null && b.firstCells == null) {
            throw new DataException(source + ": has only the \"sep=" + sep + "\" line, no rows");
        }
        return b.finish(header);
    }

    private static DataException parseError(String source, int line, RuntimeException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof CharacterCodingException) {
            return new DataException(source + ": not valid UTF-8 text near line " + line + "; save the file as UTF-8 CSV");
        }
        String why = String.valueOf(cause.getMessage());
        if (why.contains("EOF reached before encapsulated token finished")) {
            return new DataException(source + ": row " + line + ": a quoted cell opened in this row is never closed"
                    + " (the file ends inside the quotes)");
        }
        if (why.contains("invalid char between encapsulated token and delimiter")) {
            return new DataException(source + ": row " + line + ": text after a closing quote (a quote inside a quoted"
                    + " cell is written \"\")");
        }
        return new DataException(source + ": row " + line + ": " + Text.printable(why), e);
    }

    private static String firstLineOf(String chunk) {
        if (chunk.isEmpty()) {
            return null;
        }
        int nl = 0;
        while (nl < chunk.length() && chunk.charAt(nl) != '\n' && chunk.charAt(nl) != '\r') {
            nl++;
        }
        return chunk.substring(0, nl);
    }

    /** The most frequent of ',', ';' and tab outside quotes in the first line; ',' on a tie. */
    static char sniff(String line) {
        int[] count = new int[3];
        char[] candidates = {',', ';', '\t'};
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                for (int k = 0; k < 3; k++) {
                    if (c == candidates[k]) {
                        count[k]++;
                    }
                }
            }
        }
        int best = 0;
        for (int k = 1; k < 3; k++) {
            if (count[k] > count[best]) {
                best = k;
            }
        }
        return candidates[best];
    }

    /** Accumulates the rows, deciding the header from the first two. */
    private static final class Builder {
        final String source;
        final char sep;
        List<String> names;
        String[] firstCells;
        int firstLine;
        int columns = -1;
        int rows;
        int[] lines = new int[64];
        float[][] values;
        int[][] codes;
        List<Map<String, Integer>> dict;
        List<List<String>> words;

        Builder(String source, char sep) {
            this.source = source;
            this.sep = sep;
        }

        void row(CSVRecord r, int line, CsvTable.Header header) {
            String[] cells = r.values();
            if (columns < 0) {
                columns = cells.length;
                firstLine = line;
                if (header == CsvTable.Header.PRESENT) {
                    names = names(cells);
                } else if (header == CsvTable.Header.AUTO) {
                    firstCells = cells;  // decided by the second row
                } else {
                    allocate();
                    add(cells, line);
                }
                return;
            }
            if (cells.length != columns) {
                throw ragged(r, cells.length, line);
            }
            if (firstCells != null) {
                if (looksLikeHeader(firstCells, cells)) {
                    names = names(firstCells);
                    allocate();
                } else {
                    allocate();
                    add(firstCells, firstLine);
                }
                firstCells = null;
            } else if (values == null) {
                allocate();
            }
            add(cells, line);
        }

        private DataException ragged(CSVRecord r, int got, int line) {
            String text = String.join(String.valueOf(sep), r.values());
            String hint = "";
            for (char other : new char[] {',', ';', '\t'}) {
                if (other != sep && text.indexOf(other) >= 0 && text.split(Pattern.quote(String.valueOf(other)), -1).length == columns) {
                    hint = "; split at '" + CsvTable.printable(other) + "' it would fit: is the separator '" + CsvTable.printable(other)
                            + "' (the first row suggested '" + CsvTable.printable(sep) + "')?";
                }
            }
            return new DataException(source + ": row " + line + " has " + got + " cells, expected " + columns
                    + " as in row " + firstLine + " (separator '" + CsvTable.printable(sep) + "')" + hint);
        }

        private List<String> names(String[] cells) {
            List<String> out = new ArrayList<>(cells.length);
            Collections.addAll(out, cells);
            return out;
        }

        private void allocate() {
            if (values == null) {
                values = new float[columns][64];
                codes = new int[columns][];
                dict = new ArrayList<>();
                words = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    dict.add(null);
                    words.add(null);
                }
            }
        }

        private void add(String[] cells, int line) {
            if (rows == values[0].length) {
                grow();
            }
            for (int c = 0; c < columns; c++) {
                String s = cells[c];
                if (s.length() <= 4 && MISSING.contains(s.toLowerCase(java.util.Locale.ROOT))) {
                    values[c][rows] = Float.NaN;
                    if (codes[c] != null) {
                        codes[c][rows] = CsvTable.MISSING_CODE;
                    }
                    continue;
                }
                if (NUMBER.matcher(s).matches()) {
                    float v = (float) Double.parseDouble(s);
                    if (!Float.isFinite(v)) {
                        throw new DataException(source + ": row " + line + ", " + CsvTable.column(names, c) + ": '"
                                + CsvTable.abbreviate(s) + "' overflows float32");
                    }
                    values[c][rows] = v;
                    if (codes[c] != null) {
                        codes[c][rows] = CsvTable.NUMBER_CODE;
                    }
                    continue;
                }
                if (NOT_FINITE.matcher(s).matches()) {
                    throw new DataException(source + ": row " + line + ", " + CsvTable.column(names, c) + ": '" + CsvTable.abbreviate(s)
                            + "' is not a finite number");
                }
                if (codes[c] == null) {
                    codes[c] = new int[values[c].length];
                    for (int i = 0; i < rows; i++) {
                        codes[c][i] = Float.isNaN(values[c][i]) ? CsvTable.MISSING_CODE : CsvTable.NUMBER_CODE;
                    }
                    dict.set(c, new HashMap<>());
                    words.set(c, new ArrayList<>());
                }
                Map<String, Integer> d = dict.get(c);
                Integer k = d.get(s);
                if (k == null) {
                    k = d.size();
                    d.put(s, k);
                    words.get(c).add(s);
                }
                values[c][rows] = Float.NaN;
                codes[c][rows] = k;
            }
            lines[rows] = line;
            rows++;
        }

        private void grow() {
            long wanted = 2L * values[0].length;
            if (wanted > IdxReader.MAX_ARRAY) {
                throw new DataException(source + ": more than 2^31 rows");
            }
            long perRow = 4L * columns;
            for (int[] c : codes) {
                if (c != null) {
                    perRow += 4;
                }
            }
            Memory.require(Memory.times(perRow, wanted) + 4 * wanted,
                    source + ": after " + rows + " rows, holding the table as float32");
            for (int c = 0; c < columns; c++) {
                values[c] = Arrays.copyOf(values[c], (int) wanted);
                if (codes[c] != null) {
                    codes[c] = Arrays.copyOf(codes[c], (int) wanted);
                }
            }
            lines = Arrays.copyOf(lines, (int) wanted);
        }

        CsvTable finish(CsvTable.Header header) {
            if (columns < 0) {
                throw new DataException(source + ": empty file");
            }
            if (firstCells != null) {
                // a single row: a header only when none of its cells is a number
                boolean allWords = true;
                for (String c : firstCells) {
                    allWords &= !isNumber(c);
                }
                if (allWords) {
                    names = names(firstCells);
                } else {
                    allocate();
                    add(firstCells, firstLine);
                }
            }
            if (rows == 0) {
                throw new DataException(source + ": has a header row but no data rows");
            }
            List<String> notes = new ArrayList<>();
            List<String> ns = names;
            int drop = -1;
            if (ns != null && ns.get(0).isEmpty() && columns > 1 && isRowIndex(values[0], codes[0], rows)) {
                // pandas' to_csv and R's write.csv write the row index as a first column with no name
                drop = 0;
                notes.add(source + ": the first column has no name and counts the rows (a pandas or R index);"
                        + " it is not used as a feature");
            }
            float[][] v = new float[columns][];
            for (int c = 0; c < columns; c++) {
                v[c] = Arrays.copyOf(values[c], rows);
            }
            int[][] k = new int[columns][];
            for (int c = 0; c < columns; c++) {
                k[c] = codes[c] == null ? null : Arrays.copyOf(codes[c], rows);
            }
            List<List<String>> w = new ArrayList<>(words);
            List<String> n = ns;
            float[][] vv = v;
            int[][] kk = k;
            if (drop == 0) {
                vv = Arrays.copyOfRange(v, 1, columns);
                kk = Arrays.copyOfRange(k, 1, columns);
                w = w.subList(1, columns);
                n = ns.subList(1, columns);
            }
            return new CsvTable(source, n == null ? null : List.copyOf(n), sep, rows, Arrays.copyOf(lines, rows), vv, kk,
                    w, List.copyOf(notes));
        }
    }

    /** 0, 1, 2, … or 1, 2, 3, …: a row counter, not a measurement. */
    private static boolean isRowIndex(float[] v, int[] codes, int rows) {
        if (codes != null) {
            // R quotes its row names, which then read as numbers too; words are never an index
            return false;
        }
        float start = v[0];
        if (start != 0 && start != 1) {
            return false;
        }
        for (int i = 0; i < rows; i++) {
            if (v[i] != start + i) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksLikeHeader(String[] first, String[] second) {
        for (int c = 0; c < first.length; c++) {
            if (!isNumber(first[c]) && isNumber(second[c])) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNumber(String cell) {
        return NUMBER.matcher(cell).matches() || NOT_FINITE.matcher(cell).matches()
                || cell.equalsIgnoreCase("nan");
    }
}
