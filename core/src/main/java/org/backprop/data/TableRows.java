package org.backprop.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backprop.data.TableChoices.Missing;
import org.backprop.data.TableSpec.Column;

/**
 * A fitted {@link TableSpec} applied to a file's rows: its columns found in the file, the rows the
 * missing-cell policy keeps, the seeded hold-out split, and each row encoded as inputs and label.
 */
final class TableRows {

    private final boolean header;
    private final int labelIndex;
    private final String labelName;
    private final List<Column> columns;
    private final List<String> classNames;
    private final Missing missing;
    private final float[] fill;
    private final boolean regression;
    private final int features;

    TableRows(TableSpec s) {
        this.header = s.header();
        this.labelIndex = s.labelIndex();
        this.labelName = s.labelName();
        this.columns = s.columns();
        this.classNames = s.classNames();
        this.missing = s.missing();
        this.fill = s.fill();
        this.regression = s.regression();
        this.features = s.featureCount();
    }

    private int featureCount() {
        return features;
    }

    private boolean regression() {
        return regression;
    }

    /** Where each of the spec's feature columns is in a file, where its label is (-1: none), notes for the user. */
    record Binding(int[] columns, int label, List<String> notes) { }

    /** The training file's own layout. */
    Binding identity() {
        int[] cols = new int[columns.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = columns.get(i).index();
        }
        return new Binding(cols, labelIndex, List.of());
    }

    /**
     * Another file's columns found by header name when both files have a header, else by position;
     * {@code requireLabel}: the label column must be there.
     */
    Binding bind(CsvTable t, boolean requireLabel) {
        String src = t.source();
        List<String> notes = new ArrayList<>();
        int[] cols = new int[columns.size()];
        int label;
        if (header && t.names() != null) {
            boolean[] used = new boolean[t.columns()];
            for (int i = 0; i < cols.length; i++) {
                String name = columns.get(i).name();
                cols[i] = t.indexOf(name);
                if (cols[i] < 0) {
                    throw new DataException(src + ": has no column '" + Text.printable(name) + "', which the model was"
                            + " trained on (its header: " + ColumnNames.shown(name, t.names()) + ")"
                            + ColumnNames.hint(name, t.names()));
                }
                used[cols[i]] = true;
            }
            label = labelName == null ? -1 : t.indexOf(labelName);
            if (label >= 0) {
                used[label] = true;
            } else if (requireLabel) {
                throw new DataException(src + ": has no label column '" + Text.printable(labelName) + "' (its header: "
                        + ColumnNames.shown(labelName, t.names()) + ")" + ColumnNames.hint(labelName, t.names()));
            }
            List<String> extra = new ArrayList<>();
            for (int j = 0; j < used.length; j++) {
                if (!used[j]) {
                    extra.add(t.names().get(j));
                }
            }
            if (!extra.isEmpty()) {
                notes.add(src + ": column" + (extra.size() == 1 ? " " : "s ")
                        + CsvTable.abbreviate(String.join(", ", extra)) + " not used (the model was not trained on "
                        + (extra.size() == 1 ? "it" : "them") + ")");
            }
            return new Binding(cols, label, notes);
        }
        int trained = columns.size() + 1;
        if (t.columns() == trained) {
            for (int i = 0; i < cols.length; i++) {
                cols[i] = columns.get(i).index();
            }
            return new Binding(cols, labelIndex, notes);
        }
        if (t.columns() == columns.size() && !requireLabel) {
            int k = 0;
            for (Column c : columns) {
                cols[k] = c.index() > labelIndex ? c.index() - 1 : c.index();
                k++;
            }
            return new Binding(cols, -1, notes);
        }
        throw new DataException(src + ": has " + t.columns() + " columns; the model was trained on " + columns.size()
                + " feature columns and a label" + (requireLabel ? "" : ", so give " + columns.size() + " columns (no label)"
                + " or " + trained + " (with the label)") + (t.names() == null && header
                ? "; a header row would let columns be matched by name" : ""));
    }

    // ---- rows and encoding ----

    /** The data rows the missing-cell policy keeps. */
    int[] usableRows(CsvTable t, Binding b) {
        int[] keep = new int[t.rows()];
        int n = 0;
        for (int r = 0; r < t.rows(); r++) {
            int missingColumn = -1;
            for (int i = 0; i < b.columns.length && missingColumn < 0; i++) {
                if (t.isMissing(b.columns[i], r)) {
                    missingColumn = b.columns[i];
                }
            }
            boolean labelMissing = b.label >= 0 && t.isMissing(b.label, r);
            if (labelMissing && missing != Missing.DROP) {
                throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(b.label) + ": empty label"
                        + " (missing=drop leaves such rows out)");
            }
            if (missingColumn >= 0 && missing == Missing.ERROR) {
                throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(missingColumn)
                        + ": missing value (an empty, NA, NaN or ? cell)"
                        + " (missing=drop leaves such rows out, missing=mean fills in the training mean)");
            }
            if (labelMissing || (missingColumn >= 0 && missing == Missing.DROP)) {
                continue;
            }
            keep[n++] = r;
        }
        if (n == 0) {
            throw new DataException(t.source() + ": every row has a missing cell, so missing=drop leaves none");
        }
        return Arrays.copyOf(keep, n);
    }

    /** The same shuffle as {@link Dataset#split}, over the usable rows; part 1 is null when {@code testSplit} is 0. */
    static int[][] splitRows(int[] rows, double testSplit, long seed, String src) {
        if (testSplit == 0) {
            return new int[][] {rows, null};
        }
        if (!(testSplit > 0 && testSplit < 1)) {
            throw new IllegalArgumentException("test-split must be 0 (train on every row) or a fraction below 1, got "
                    + testSplit);
        }
        if (rows.length < 2) {
            throw new DataException(src + " has " + rows.length + " usable row(s); a hold-out split needs at least 2");
        }
        int[] order = Dataset.shuffled(rows.length, seed);
        int testCount = (int) Math.round(rows.length * testSplit);
        testCount = Math.max(1, Math.min(rows.length - 1, testCount));
        int[] test = new int[testCount], train = new int[rows.length - testCount];
        for (int i = 0; i < order.length; i++) {
            if (i < testCount) {
                test[i] = rows[order[i]];
            } else {
                train[i - testCount] = rows[order[i]];
            }
        }
        return new int[][] {train, test};
    }

    /** The given data rows encoded: inputs, and the label where the binding has one. */
    Dataset encode(CsvTable t, int[] rows, Binding b, String name) {
        int d = featureCount();
        long size = Memory.times(rows.length, d);
        if (size > IdxReader.MAX_ARRAY) {
            throw new DataException(name + ": " + rows.length + " rows × " + d + " inputs are more than 2^31 values");
        }
        Memory.require(4 * size, name + ": " + rows.length + " rows × " + d + " inputs as float32");
        float[] x = new float[(int) size];
        float[] row = new float[d];
        Map<String, Integer> classIndex = new HashMap<>();
        for (int k = 0; k < classNames.size(); k++) {
            classIndex.put(classNames.get(k), k);
        }
        int[] y = new int[rows.length];
        float[] values = regression() ? new float[rows.length] : null;
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            encodeRow(t, r, b, row, fill);
            System.arraycopy(row, 0, x, i * d, d);
            if (b.label < 0) {
                continue;
            }
            if (regression()) {
                if (t.word(b.label, r) != null) {
                    throw new DataException(name + ": row " + t.line(r) + ", " + t.describe(b.label) + ": label '"
                            + CsvTable.abbreviate(t.word(b.label, r)) + "' is not a number; the model predicts a quantity");
                }
                values[i] = t.number(b.label, r);
            } else {
                String text = t.text(b.label, r);
                Integer k = classIndex.get(text);
                if (k == null) {
                    throw new DataException(name + ": row " + t.line(r) + ": label '" + CsvTable.abbreviate(text)
                            + "' is not among the classes " + CsvTable.abbreviate(classNames.toString()));
                }
                y[i] = k;
            }
        }
        if (regression()) {
            return Dataset.regression(name, x, values, d);
        }
        return new Dataset(name, x, y, d, classNames.size(), classNames);
    }

    /** One row's inputs into {@code out}; a missing cell is NaN when {@code fill} is null. */
    void encodeRow(CsvTable t, int r, Binding b, float[] out, float[] fill) {
        int j = 0;
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            int col = b.columns[i];
            if (t.isMissing(col, r)) {
                for (int k = 0; k < c.width(); k++, j++) {
                    out[j] = fill != null ? fill[j] : Float.NaN;
                }
                continue;
            }
            if (c.categories() == null) {
                String w = t.word(col, r);
                if (w != null) {
                    throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(col) + ": '"
                            + CsvTable.abbreviate(w) + "' is not a number");
                }
                out[j++] = t.number(col, r);
            } else {
                String text = t.text(col, r);
                int k = c.categories().indexOf(text);
                if (k < 0) {
                    throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(col) + ": category '"
                            + CsvTable.abbreviate(text) + "' was not in the training data (its categories: "
                            + CsvTable.abbreviate(String.join(", ", c.categories())) + ")");
                }
                for (int m = 0; m < c.width(); m++) {
                    out[j + m] = m == k ? 1f : 0f;
                }
                j += c.width();
            }
        }
    }
}
