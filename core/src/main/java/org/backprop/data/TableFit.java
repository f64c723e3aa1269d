package org.backprop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.backprop.data.TableChoices.Missing;
import org.backprop.data.TableChoices.Task;
import org.backprop.data.TableSpec.Column;

/**
 * Fitting a {@link TableSpec} on a training file: the label column and what it is (classes or a
 * quantity), the class names, the one-hot columns and their categories, and the missing-cell means
 * taken from the training rows.
 */
final class TableFit {

    /** Labels with more distinct integer values than this are read as a quantity, not as classes, under task=auto. */
    static final int MAX_AUTO_CLASSES = 50;
    /** Fewest distinct non-integer labels that make a quantity under task=auto. */
    static final int MIN_CONTINUOUS = 10;

    private TableFit() { }

    /** The index of the column a setting names ({@code setting=name}), or an error showing the header. */
    static int column(CsvTable t, String setting, String name) {
        String given = t.source() + ": " + setting + "=" + Text.printable(name) + ": ";
        if (t.names() == null) {
            throw new DataException(given + "the file has no header row, so its columns have no names");
        }
        int j = t.indexOf(name);
        if (j < 0) {
            throw new DataException(given + ColumnNames.notFound(name, t.names()));
        }
        return j;
    }

    static TableSpec fit(CsvTable t, TableChoices c) {
        String src = t.source();
        if (t.columns() < 2) {
            throw new DataException(src + ": row " + t.line(0) + " has " + t.columns()
                    + " column; need at least one feature column and a label column (separator '"
                    + CsvTable.printable(t.delimiter()) + "')");
        }
        int label = t.columns() - 1;
        if (c.label() != null) {
            label = column(t, "label", c.label());
        }
        Set<Integer> oneHot = oneHotColumns(t, c.oneHot(), label);
        List<Column> cols = new ArrayList<>();
        for (int j = 0; j < t.columns(); j++) {
            if (j == label) {
                continue;
            }
            String name = t.names() == null ? null : t.names().get(j);
            if (oneHot.contains(j)) {
                cols.add(new Column(name, j, categories(t, j)));
            } else {
                int r = t.firstWordRow(j);
                if (r >= 0) {
                    throw new DataException(src + ": row " + t.line(r) + ", " + t.describe(j) + ": '"
                            + CsvTable.abbreviate(t.word(j, r)) + "' is not a number (one-hot="
                            + (name != null ? Text.printable(name) : "auto") + " encodes a column of categories)");
                }
                cols.add(new Column(name, j, null));
            }
        }
        Task task = labelTask(t, label, c);
        List<String> names = task == Task.CLASSIFICATION ? classNames(t, label, c) : List.of();
        String labelName = t.names() == null ? null : t.names().get(label);
        return new TableSpec(t.names() != null, t.delimiter(), labelName, label, task, names, cols, c.missing(), null);
    }

    private static Set<Integer> oneHotColumns(CsvTable t, String spec, int label) {
        Set<Integer> out = new TreeSet<>();
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return out;
        }
        if (spec.trim().equalsIgnoreCase("auto")) {
            for (int j = 0; j < t.columns(); j++) {
                if (j != label && t.hasWords(j)) {
                    out.add(j);
                }
            }
            return out;
        }
        for (String part : spec.split(",")) {
            String name = part.trim();
            int j = column(t, "one-hot", name);
            if (j == label) {
                throw new DataException(t.source() + ": one-hot=" + Text.printable(name) + ": that is the label column");
            }
            out.add(j);
        }
        return out;
    }

    /** The distinct present cells of column j, in numeric order when {@code numbers}, else in text order. */
    private static TreeSet<String> distinct(CsvTable t, int j, boolean numbers) {
        TreeSet<String> set = numbers
                ? new TreeSet<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                : new TreeSet<>();
        for (int r = 0; r < t.rows(); r++) {
            if (!t.isMissing(j, r)) {
                set.add(t.text(j, r));
            }
        }
        return set;
    }

    /** The distinct cells of a column, sorted (numerically when every one is a number), as sklearn orders them. */
    private static List<String> categories(CsvTable t, int j) {
        TreeSet<String> set = distinct(t, j, !t.hasWords(j));
        if (set.isEmpty()) {
            throw new DataException(t.source() + ": " + t.describe(j) + " has no values to encode");
        }
        return List.copyOf(set);
    }

    private static Task labelTask(CsvTable t, int label, TableChoices c) {
        String src = t.source();
        int numbers = 0, words = 0, firstNumber = -1, firstWord = -1;
        for (int r = 0; r < t.rows(); r++) {
            if (t.isMissing(label, r)) {
                continue;
            }
            if (t.word(label, r) != null) {
                words++;
                firstWord = firstWord < 0 ? r : firstWord;
            } else {
                numbers++;
                firstNumber = firstNumber < 0 ? r : firstNumber;
            }
        }
        if (numbers > 0 && words > 0) {
            boolean oddWord = words <= numbers;
            int odd = oddWord ? firstWord : firstNumber, usual = oddWord ? firstNumber : firstWord;
            throw new DataException(src + ": row " + t.line(odd) + ", label " + t.describe(label) + ": '"
                    + CsvTable.abbreviate(t.text(label, odd)) + "' is a " + (oddWord ? "word" : "number")
                    + " among labels that are " + (oddWord ? "numbers" : "words") + " (as in row " + t.line(usual)
                    + ": '" + CsvTable.abbreviate(t.text(label, usual)) + "'); a label column holds one kind");
        }
        if (c.classNames() != null || c.classes() > 0) {
            return Task.CLASSIFICATION;
        }
        if (words > 0) {
            if (c.task() == Task.REGRESSION) {
                throw new DataException(src + ": row " + t.line(firstWord) + ": label '"
                        + CsvTable.abbreviate(t.text(label, firstWord)) + "' is not a number; a regression needs numeric labels");
            }
            return Task.CLASSIFICATION;
        }
        TreeSet<Float> distinct = new TreeSet<>();
        float fractional = Float.NaN;
        for (int r = 0; r < t.rows(); r++) {
            if (!t.isMissing(label, r)) {
                float v = t.number(label, r);
                distinct.add(v);
                if (v != Math.rint(v) && Float.isNaN(fractional)) {
                    fractional = v;
                }
            }
        }
        boolean continuous = (!Float.isNaN(fractional) && distinct.size() >= MIN_CONTINUOUS)
                || distinct.size() > MAX_AUTO_CLASSES;
        if (c.task() == Task.REGRESSION) {
            return Task.REGRESSION;
        }
        if (continuous) {
            String example = !Float.isNaN(fractional) ? ", e.g. " + fractional : "";
            if (c.task() == Task.CLASSIFICATION) {
                throw new DataException(src + ": the label " + t.describe(label) + " looks like a quantity, not classes ("
                        + distinct.size() + " distinct values" + example + "): train a regression with task=regression"
                        + " (or task=auto), or bin the values into classes first");
            }
            return Task.REGRESSION;
        }
        return Task.CLASSIFICATION;
    }

    private static List<String> classNames(CsvTable t, int label, TableChoices c) {
        String src = t.source();
        if (c.classNames() != null) {
            if (c.classNames().size() < 2) {
                throw new DataException(src + ": " + c.classNames().size()
                        + " declared class name(s); a classifier needs at least 2 classes");
            }
            return c.classNames();
        }
        if (c.classes() > 0) {
            if (c.classes() < 2) {
                throw new DataException(src + ": " + c.classes() + " declared class; a classifier needs at least 2");
            }
            List<String> n = new ArrayList<>();
            for (int k = 0; k < c.classes(); k++) {
                n.add(Integer.toString(k));
            }
            return n;
        }
        boolean numeric = !t.hasWords(label);
        if (numeric) {
            TreeSet<Long> values = new TreeSet<>();
            boolean integers = true;
            for (int r = 0; r < t.rows(); r++) {
                if (!t.isMissing(label, r)) {
                    float v = t.number(label, r);
                    integers &= v == Math.rint(v) && Math.abs(v) < 1e15;
                    values.add((long) v);
                }
            }
            if (integers && !values.isEmpty()) {
                // Integer labels are class indices only as a dense range: a stray 999999 among
                // 0s and 1s is a typo to report, not a million classes to train.
                long previous = values.first();
                for (long v : values) {
                    if (v > previous + 1) {
                        int row = 0;
                        while (t.isMissing(label, row) || (long) t.number(label, row) != v) {
                            row++;
                        }
                        throw new DataException(src + ": row " + t.line(row) + ": label " + v + " leaves a gap:"
                                + " the integer labels run " + values.first() + ".." + previous + " and then " + v
                                + " (" + (previous + 1) + (v - 1 > previous + 1 ? ".." + (v - 1) : "") + " never occur);"
                                + " integer class labels must be consecutive, so fix that row or give the classes names");
                    }
                    previous = v;
                }
                List<String> n = new ArrayList<>();
                for (long v = values.first(); v <= values.last(); v++) {
                    n.add(Long.toString(v));
                }
                checkTwoClasses(n, src);
                return n;
            }
        }
        TreeSet<String> distinct = distinct(t, label, numeric);
        List<String> n = new ArrayList<>(distinct);
        checkTwoClasses(n, src);
        return n;
    }

    private static void checkTwoClasses(List<String> names, String src) {
        if (names.size() < 2) {
            throw new DataException(src + ": every row has the same label; a classifier needs at least 2 classes");
        }
    }

    /** With {@link Missing#MEAN}, each input's mean over the given (training) rows, missing cells left out. */
    static TableSpec withFill(TableSpec s, CsvTable t, int[] rows) {
        if (s.missing() != Missing.MEAN) {
            return s;
        }
        TableRows encoding = new TableRows(s);
        TableRows.Binding b = encoding.identity();
        int d = s.featureCount();
        double[] sum = new double[d];
        long[] count = new long[d];
        float[] row = new float[d];
        for (int r : rows) {
            encoding.encodeRow(t, r, b, row, null);
            for (int j = 0; j < d; j++) {
                if (!Float.isNaN(row[j])) {
                    sum[j] += row[j];
                    count[j]++;
                }
            }
        }
        float[] f = new float[d];
        for (int j = 0; j < d; j++) {
            f[j] = count[j] == 0 ? 0f : (float) (sum[j] / count[j]);
        }
        return s.withFill(f);
    }
}
