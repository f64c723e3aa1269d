package org.backprop.data;

import java.nio.file.Path;

/**
 * Reads a whole CSV file as one dataset: numeric feature columns and one label column (the last,
 * unless named), through {@link CsvTable} (parsing) and {@link TableSpec} (what the columns mean).
 * The first row is a header when it has a non-numeric cell in a column whose next row is numeric
 * (or when {@link CsvTable.Header} says so).
 *
 * <p>Labels: with declared class names, each label must be one of them; with a declared class
 * count, each must be an integer in {@code 0..classes-1}; otherwise consecutive integers are
 * classes in order, words are mapped to classes in sorted order, and a numeric label with many
 * distinct values is a regression target ({@link Dataset#values()}).
 *
 * <p>Memory grows with the cells kept (4 bytes a cell), never with the file's text, and a row
 * longer than {@link CsvTable#MAX_ROW_CHARS} is refused.
 */
public final class CsvReader {

    private CsvReader() { }

    public static Dataset read(Path file) {
        return read(file, TableChoices.defaults());
    }

    /** A file with a detected header and separator, its columns read as {@code choices} says. */
    public static Dataset read(Path file, TableChoices choices) {
        return read(file, CsvTable.Header.AUTO, null, choices);
    }

    /** {@code separator} null detects it from the first row. */
    public static Dataset read(Path file, CsvTable.Header header, Character separator, TableChoices choices) {
        return TableSpec.readAll(CsvTable.read(file, header, separator), choices);
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    public static Dataset parse(String text, String source, CsvTable.Header header, Character separator,
                                TableChoices choices) {
        return TableSpec.readAll(CsvTable.parse(text, source, header, separator), choices);
    }
}
