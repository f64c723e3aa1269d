package org.backprop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backprop.data.TableChoices.Missing;
import org.backprop.data.TableChoices.Task;

/**
 * How a table's columns become a model's inputs and targets: which column is the label, whether
 * it is a class or a number (classification or regression), the class names, which feature
 * columns are one-hot encoded and their categories, and what a missing cell becomes. It is fitted
 * on the training file ({@link TableFit}), saved in the model's metadata ({@link TableMetadata},
 * keys under {@code data.}), and applied unchanged ({@link TableRows}) to held-out rows, test files
 * and the rows {@code predict} scores, so every file is read the way the model was trained.
 */
public final class TableSpec {

    /** One feature column of the training file: numeric, or one-hot over {@code categories}. */
    public record Column(String name, int index, List<String> categories) {
        public int width() {
            return categories == null ? 1 : categories.size();
        }
    }

    /** A fitted spec with the training file's rows split and encoded. */
    public record Prepared(TableSpec spec, Dataset train, Dataset test) { }

    /** Rows encoded from another file: the dataset, whether it had labels, which data rows they are, notes for the user. */
    public record Encoded(Dataset data, boolean labelled, int[] rows, List<String> notes) { }

    private final boolean header;
    private final char delimiter;
    private final String labelName;
    private final int labelIndex;
    private final Task task;
    private final List<String> classNames;
    private final List<Column> columns;
    private final Missing missing;
    private final float[] fill;

    TableSpec(boolean header, char delimiter, String labelName, int labelIndex, Task task, List<String> classNames,
              List<Column> columns, Missing missing, float[] fill) {
        this.header = header;
        this.delimiter = delimiter;
        this.labelName = labelName;
        this.labelIndex = labelIndex;
        this.task = task;
        this.classNames = classNames;
        this.columns = List.copyOf(columns);
        this.missing = missing;
        this.fill = fill;
    }

    /** The same spec with missing cells filled in by {@code values}, one per input. */
    TableSpec withFill(float[] values) {
        return new TableSpec(header, delimiter, labelName, labelIndex, task, classNames, columns, missing, values);
    }

    public Task task() {
        return task;
    }

    public boolean regression() {
        return task == Task.REGRESSION;
    }

    /** The class names in class-index order (classification only; empty for a regression). */
    public List<String> classNames() {
        return classNames;
    }

    public List<Column> columns() {
        return columns;
    }

    public String labelName() {
        return labelName;
    }

    public Missing missing() {
        return missing;
    }

    /** The delimiter the training file used, for reading its other files alike. */
    public char delimiter() {
        return delimiter;
    }

    /** Whether the training file had a header row (then other files' columns are matched by name). */
    boolean header() {
        return header;
    }

    /** The label's column in the training file. */
    int labelIndex() {
        return labelIndex;
    }

    /** Each input's value for a missing cell (the training means), or null. */
    float[] fill() {
        return fill;
    }

    /** The model's inputs: one per numeric column, one per category ("color=red") of a one-hot column. */
    public List<String> featureNames() {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            String n = c.name() != null ? c.name() : "column " + (c.index() + 1);
            if (c.categories() == null) {
                out.add(n);
            } else {
                for (String k : c.categories()) {
                    out.add(n + "=" + k);
                }
            }
        }
        return out;
    }

    public int featureCount() {
        int n = 0;
        for (Column c : columns) {
            n += c.width();
        }
        return n;
    }

    /** Fits the spec on a whole file and encodes every row (no split): what {@link CsvReader} returns. */
    public static Dataset readAll(CsvTable t, TableChoices c) {
        TableSpec s = TableFit.fit(t, c);
        TableRows r = new TableRows(s);
        int[] rows = r.usableRows(t, r.identity());
        s = TableFit.withFill(s, t, rows);
        r = new TableRows(s);
        return r.encode(t, rows, r.identity(), t.source());
    }

    /**
     * Fits the spec on a training file and splits it: rows with a missing cell are dropped first
     * (under {@link Missing#DROP}), then {@code testSplit} of the rest (0: none) is held out with
     * {@code seed}, and missing-cell means come from the training rows alone.
     */
    public static Prepared prepare(CsvTable t, TableChoices c, double testSplit, long seed) {
        TableSpec s = TableFit.fit(t, c);
        TableRows r = new TableRows(s);
        int[][] parts = TableRows.splitRows(r.usableRows(t, r.identity()), testSplit, seed, t.source());
        s = TableFit.withFill(s, t, parts[0]);
        r = new TableRows(s);
        Dataset train = r.encode(t, parts[0], r.identity(), t.source());
        Dataset test = parts[1] == null ? null : r.encode(t, parts[1], r.identity(), t.source());
        return new Prepared(s, train, test);
    }

    /** The rows of the training file this spec held out with {@code testSplit} and {@code seed}, encoded. */
    public Dataset heldOut(CsvTable t, double testSplit, long seed) {
        TableRows r = new TableRows(this);
        TableRows.Binding b = r.bind(t, true);
        int[][] parts = TableRows.splitRows(r.usableRows(t, b), testSplit, seed, t.source());
        if (parts[1] == null) {
            throw new DataException(t.source() + ": the model was trained on every row (test-split=0): give a test"
                    + " file (test=FILE)");
        }
        return r.encode(t, parts[1], b, t.source());
    }

    /** The training file split again as this spec split it (a resumed run), without refitting anything. */
    public Prepared split(CsvTable t, double testSplit, long seed) {
        TableRows r = new TableRows(this);
        TableRows.Binding b = r.bind(t, true);
        int[][] parts = TableRows.splitRows(r.usableRows(t, b), testSplit, seed, t.source());
        return new Prepared(this, r.encode(t, parts[0], b, t.source()),
                parts[1] == null ? null : r.encode(t, parts[1], b, t.source()));
    }

    /**
     * Every row of another file laid out like the training file: columns found by header name when
     * both files have a header, else by position. {@code requireLabel}: the label column must be
     * there (a test file); otherwise it may be (prediction), and {@link Dataset#classes()} is then
     * still the model's. Rows the spec drops for a missing cell are left out; {@link Encoded#rows()}
     * says which data rows were kept.
     */
    public Encoded apply(CsvTable t, boolean requireLabel) {
        TableRows r = new TableRows(this);
        TableRows.Binding b = r.bind(t, requireLabel);
        int[] rows = r.usableRows(t, b);
        return new Encoded(r.encode(t, rows, b, t.source()), b.label() >= 0, rows, b.notes());
    }

    /** The spec as {@code data.*} metadata entries (the caller adds data.source, the split and the seed). */
    public Map<String, String> metadata() {
        return TableMetadata.write(this);
    }

    /** The spec a model saved, or null when its metadata holds none (an image model, an older file). */
    public static TableSpec fromMetadata(Map<String, String> m) {
        return TableMetadata.read(m);
    }

    /** A list as one metadata string ({@link TableMetadata#joinList}). */
    public static String joinList(List<String> items) {
        return TableMetadata.joinList(items);
    }

    /** A metadata string back as its list ({@link TableMetadata#splitList}). */
    public static List<String> splitList(String text) {
        return TableMetadata.splitList(text);
    }
}
