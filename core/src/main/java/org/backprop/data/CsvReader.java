package org.backprop.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads a whole CSV file as one dataset: numeric feature columns and one label column (the last,
 * unless named), through {@link CsvTable} (parsing) and {@link TableSpec} (what the columns mean).
 * The first row is a header when it has a non-numeric cell in a column whose next row is numeric
 * (or when {@link Header} says so).
 *
 * <p>Labels: with declared class names, each label must be one of them; with a declared class
 * count, each must be an integer in {@code 0..classes-1}; otherwise consecutive integers are
 * classes in order, words are mapped to classes in sorted order, and a numeric label with many
 * distinct values is a regression target ({@link Dataset#values()}).
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

        CsvTable.Header tableHeader() {
            return CsvTable.Header.valueOf(header.name());
        }

        TableSpec.Choices choices() {
            return TableSpec.Choices.defaults().withLabel(label).withClassNames(classNames).withClasses(classes);
        }
    }

    /** The longest row accepted, in characters: far beyond any table of features this engine can train on. */
    public static final int MAX_ROW_CHARS = CsvTable.MAX_ROW_CHARS;

    private CsvReader() { }

    public static Dataset read(Path file) {
        return read(file, Options.defaults());
    }

    /**
     * Reads a CSV file row by row: memory grows with the values kept (4 bytes a cell), never
     * with the file's text, and a row longer than {@link #MAX_ROW_CHARS} is refused.
     */
    public static Dataset read(Path file, Options options) {
        return TableSpec.readAll(CsvTable.read(file, options.tableHeader(), options.separator()), options.choices());
    }

    /** Parses CSV text; {@code source} names it in error messages. */
    public static Dataset parse(String text, String source, Options options) {
        return TableSpec.readAll(CsvTable.parse(text, source, options.tableHeader(), options.separator()), options.choices());
    }
}
