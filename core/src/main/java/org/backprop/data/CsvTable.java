package org.backprop.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A CSV file as columns of numbers and words, read row by row with Commons CSV (RFC 4180 quoting,
 * line breaks inside quotes, CRLF, a UTF-8 byte-order mark, Excel's {@code sep=;} line). What the
 * columns mean (label, features, categories, missing cells) is {@link TableSpec}'s business; this
 * class only keeps each cell as a float, as a word, or as missing ({@link CsvTableReader} reads it).
 *
 * <p>Memory grows with the cells kept (4 bytes a cell, 4 more for a cell of a column that holds
 * words), never with the file's text; a row longer than {@link #MAX_ROW_CHARS} is refused.
 */
public final class CsvTable {

    /** Whether the first row names the columns. */
    public enum Header { AUTO, PRESENT, ABSENT }

    /** The longest row accepted, in characters: far beyond any table of features this engine can train on. */
    public static final int MAX_ROW_CHARS = 1 << 24;

    /**
     * The most cells a row may have: the parser keeps a row's cells as strings (about 50 bytes a
     * short one), so a row of millions of cells would exhaust the heap before the character limit.
     */
    public static final int MAX_ROW_CELLS = 1 << 20;

    private final String source;
    private final List<String> names;
    private final char delimiter;
    private final int rows;
    private final int[] lines;
    private final float[][] values;
    private final int[][] codes;
    private final List<List<String>> words;
    private final List<String> notes;

    CsvTable(String source, List<String> names, char delimiter, int rows, int[] lines, float[][] values,
             int[][] codes, List<List<String>> words, List<String> notes) {
        this.source = source;
        this.names = names;
        this.delimiter = delimiter;
        this.rows = rows;
        this.lines = lines;
        this.values = values;
        this.codes = codes;
        this.words = words;
        this.notes = notes;
    }

    /** Reads a file; {@code delimiter} null sniffs ',', ';' or tab from the first row. */
    public static CsvTable read(Path file, Header header, Character delimiter) {
        return CsvTableReader.read(file, header, delimiter);
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    public static CsvTable parse(String text, String source, Header header, Character delimiter) {
        return CsvTableReader.parse(text, source, header, delimiter);
    }

    /** A cell's code in a column that holds words: a number, or a missing cell (words count from 0). */
    static final int NUMBER_CODE = -1;
    static final int MISSING_CODE = -2;

    public String source() {
        return source;
    }

    /** The header's column names, or null when the file has no header. */
    public List<String> names() {
        return names;
    }

    public char delimiter() {
        return delimiter;
    }

    public int rows() {
        return rows;
    }

    public int columns() {
        return values.length;
    }

    /** Notes worth a line to the user (a dropped index column). */
    public List<String> notes() {
        return notes;
    }

    /** The file's line number of data row {@code r} (counted from 0), for messages. */
    public int line(int r) {
        return lines[r];
    }

    /** The cell as a number; NaN when it is missing or a word. */
    public float number(int c, int r) {
        return values[c][r];
    }

    public boolean isMissing(int c, int r) {
        return Float.isNaN(values[c][r]) && (codes[c] == null || codes[c][r] == MISSING_CODE);
    }

    /** The cell's word, or null when it is a number or missing. */
    public String word(int c, int r) {
        if (codes[c] == null || codes[c][r] < 0) {
            return null;
        }
        return words.get(c).get(codes[c][r]);
    }

    /** The cell as written (numbers in canonical spelling), or "" when missing. */
    public String text(int c, int r) {
        String w = word(c, r);
        if (w != null) {
            return w;
        }
        return isMissing(c, r) ? "" : canonical(values[c][r]);
    }

    /** Whether column c holds any word (a cell that is neither a number nor missing). */
    public boolean hasWords(int c) {
        return codes[c] != null;
    }

    /** The first data row of column c holding a word, or -1. */
    public int firstWordRow(int c) {
        if (codes[c] == null) {
            return -1;
        }
        for (int r = 0; r < rows; r++) {
            if (codes[c][r] >= 0) {
                return r;
            }
        }
        return -1;
    }

    /** "column 3 'chol'" (or "column 3" without a header), counted from 1. */
    public String describe(int c) {
        return column(names, c);
    }

    /** Index of the column named {@code name}, or -1. */
    public int indexOf(String name) {
        return names == null ? -1 : names.indexOf(name);
    }

    static String canonical(float v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Float.toString(v);
    }

    static String column(List<String> names, int c) {
        return names == null ? "column " + (c + 1) : "column " + (c + 1) + " '" + abbreviate(names.get(c)) + "'";
    }

    static String abbreviate(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return Text.printable(t);
    }

    static String printable(char c) {
        return c == '\t' ? "\\t" : String.valueOf(c);
    }
}
