package org.backprop.data;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * How a table's columns become a model's inputs and targets: which column is the label, whether
 * it is a class or a number (classification or regression), the class names, which feature
 * columns are one-hot encoded and their categories, and what a missing cell becomes. It is fitted
 * on the training file, saved in the model's metadata ({@link #metadata()}, keys under
 * {@code data.}), and applied unchanged to held-out rows, test files and the rows {@code predict}
 * scores, so every file is read the way the model was trained.
 */
public final class TableSpec {

    public enum Task {
        AUTO, CLASSIFICATION, REGRESSION;

        public static Task parse(String s) {
            for (Task t : values()) {
                if (t.name().equalsIgnoreCase(s.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("--task must be auto, classification or regression, got '"
                    + Text.printable(s) + "'");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a missing cell (empty, NA, NaN, ?) does: stop with its row and column, drop its row, or take the training mean. */
    public enum Missing {
        ERROR, DROP, MEAN;

        public static Missing parse(String s) {
            for (Missing m : values()) {
                if (m.name().equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--missing must be error, drop or mean, got '" + Text.printable(s) + "'");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What the user asked for.
     *
     * @param label      the label column's name (needs a header), or null for the last column
     * @param task       classification, regression, or auto (a numeric label with many distinct values is a regression)
     * @param oneHot     null or "none", "auto" (every feature column holding words), or column names, comma-separated
     * @param missing    the missing-cell policy
     * @param classNames the classes the labels must be among, or null
     * @param classes    the number of classes integer labels must fall in ({@code 0..classes-1}), or 0
     */
    public record Choices(String label, Task task, String oneHot, Missing missing, List<String> classNames, int classes) {
        public static Choices defaults() {
            return new Choices(null, Task.AUTO, null, Missing.ERROR, null, 0);
        }

        public Choices withLabel(String l) {
            return new Choices(l, task, oneHot, missing, classNames, classes);
        }

        public Choices withTask(Task t) {
            return new Choices(label, t, oneHot, missing, classNames, classes);
        }

        public Choices withOneHot(String o) {
            return new Choices(label, task, o, missing, classNames, classes);
        }

        public Choices withMissing(Missing m) {
            return new Choices(label, task, oneHot, m, classNames, classes);
        }

        public Choices withClassNames(List<String> n) {
            return new Choices(label, task, oneHot, missing, n == null ? null : List.copyOf(n), classes);
        }

        public Choices withClasses(int k) {
            return new Choices(label, task, oneHot, missing, classNames, k);
        }
    }

    /** One feature column of the training file: numeric, or one-hot over {@code categories}. */
    public record Column(String name, int index, List<String> categories) {
        public int width() {
            return categories == null ? 1 : categories.size();
        }
    }

    /** A fitted spec with the training file's rows split and encoded. */
    public record Prepared(TableSpec spec, Dataset train, Dataset test) { }

    /** Labels with more distinct integer values than this are read as a quantity, not as classes, under --task auto. */
    static final int MAX_AUTO_CLASSES = 50;
    /** Fewest distinct non-integer labels that make a quantity under --task auto. */
    static final int MIN_CONTINUOUS = 10;

    private final boolean header;
    private final char delimiter;
    private final String labelName;
    private final int labelIndex;
    private final Task task;
    private final List<String> classNames;
    private final List<Column> columns;
    private final Missing missing;
    private final float[] fill;

    private TableSpec(boolean header, char delimiter, String labelName, int labelIndex, Task task, List<String> classNames,
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

    /** The model's inputs: one per numeric column, one per category ("color=red") of a one-hot column. */
    public List<String> featureNames() {
        List<String> out = new ArrayList<>();
        for (Column c : columns) {
            String n = c.name != null ? c.name : "column " + (c.index + 1);
            if (c.categories == null) {
                out.add(n);
            } else {
                for (String k : c.categories) {
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
    public static Dataset readAll(CsvTable t, Choices c) {
        TableSpec s = fit(t, c);
        int[] rows = s.usableRows(t, s.identity(t), null);
        s = s.withFill(t, rows);
        return s.encode(t, rows, s.identity(t), t.source());
    }

    /**
     * Fits the spec on a training file and splits it: rows with a missing cell are dropped first
     * (under {@link Missing#DROP}), then {@code testSplit} of the rest (0: none) is held out with
     * {@code seed}, and missing-cell means come from the training rows alone.
     */
    public static Prepared prepare(CsvTable t, Choices c, double testSplit, long seed) {
        TableSpec s = fit(t, c);
        Binding all = s.identity(t);
        int[] usable = s.usableRows(t, all, null);
        int[][] parts = splitRows(usable, testSplit, seed, t.source());
        s = s.withFill(t, parts[0]);
        Dataset train = s.encode(t, parts[0], all, t.source());
        Dataset test = parts[1] == null ? null : s.encode(t, parts[1], all, t.source());
        return new Prepared(s, train, test);
    }

    /** The rows of the training file this spec held out with {@code testSplit} and {@code seed}, encoded. */
    public Dataset heldOut(CsvTable t, double testSplit, long seed) {
        Binding b = bind(t, true);
        int[] usable = usableRows(t, b, null);
        int[][] parts = splitRows(usable, testSplit, seed, t.source());
        if (parts[1] == null) {
            throw new DataException(t.source() + ": the model was trained on every row (--test-split 0): give a test"
                    + " file with --test");
        }
        return encode(t, parts[1], b, t.source());
    }

    /** The training file split again as this spec split it (a resumed run), without refitting anything. */
    public Prepared split(CsvTable t, double testSplit, long seed) {
        Binding b = bind(t, true);
        int[][] parts = splitRows(usableRows(t, b, null), testSplit, seed, t.source());
        return new Prepared(this, encode(t, parts[0], b, t.source()),
                parts[1] == null ? null : encode(t, parts[1], b, t.source()));
    }

    /**
     * Every row of another file laid out like the training file: columns found by header name when
     * both files have a header, else by position. {@code requireLabel}: the label column must be
     * there (a test file); otherwise it may be (prediction), and {@link Dataset#classes()} is then
     * still the model's. Rows the spec drops for a missing cell are left out; {@link Encoded#rows()}
     * says which data rows were kept.
     */
    public Encoded apply(CsvTable t, boolean requireLabel) {
        Binding b = bind(t, requireLabel);
        int[] rows = usableRows(t, b, null);
        return new Encoded(encode(t, rows, b, t.source()), b.label >= 0, rows, b.notes);
    }

    /** Rows encoded from another file: the dataset, whether it had labels, which data rows they are, notes for the user. */
    public record Encoded(Dataset data, boolean labelled, int[] rows, List<String> notes) { }

    // ---- fitting ----

    static TableSpec fit(CsvTable t, Choices c) {
        String src = t.source();
        if (t.columns() < 2) {
            throw new DataException(src + ": row " + t.line(0) + " has " + t.columns()
                    + " column; need at least one feature column and a label column (separator '"
                    + CsvTable.printable(t.delimiter()) + "')");
        }
        int label = t.columns() - 1;
        if (c.label() != null) {
            if (t.names() == null) {
                throw new DataException(src + ": label column '" + Text.printable(c.label())
                        + "' requested, but the file has no header row");
            }
            label = t.indexOf(c.label());
            if (label < 0) {
                throw new DataException(src + ": label column '" + Text.printable(c.label()) + "' not found in header "
                        + CsvTable.abbreviate(String.join(", ", t.names())));
            }
        }
        java.util.Set<Integer> oneHot = oneHotColumns(t, c.oneHot(), label);
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
                            + CsvTable.abbreviate(t.word(j, r)) + "' is not a number (--one-hot "
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

    private static java.util.Set<Integer> oneHotColumns(CsvTable t, String spec, int label) {
        java.util.Set<Integer> out = new java.util.TreeSet<>();
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
            int j = t.indexOf(name);
            if (j < 0) {
                throw new DataException(t.source() + ": --one-hot column '" + Text.printable(name) + "' not found in "
                        + (t.names() == null ? "a file without a header row" : "header "
                        + CsvTable.abbreviate(String.join(", ", t.names()))));
            }
            if (j == label) {
                throw new DataException(t.source() + ": --one-hot " + Text.printable(name) + " is the label column");
            }
            out.add(j);
        }
        return out;
    }

    /** The distinct cells of a column, sorted (numerically when every one is a number), as sklearn orders them. */
    private static List<String> categories(CsvTable t, int j) {
        boolean numbers = !t.hasWords(j);
        TreeSet<String> set = numbers
                ? new TreeSet<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                : new TreeSet<>();
        for (int r = 0; r < t.rows(); r++) {
            if (!t.isMissing(j, r)) {
                set.add(t.text(j, r));
            }
        }
        if (set.isEmpty()) {
            throw new DataException(t.source() + ": " + t.describe(j) + " has no values to encode");
        }
        return List.copyOf(set);
    }

    private static Task labelTask(CsvTable t, int label, Choices c) {
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
                        + distinct.size() + " distinct values" + example + "): train a regression with --task regression"
                        + " (or --task auto), or bin the values into classes first");
            }
            return Task.REGRESSION;
        }
        return Task.CLASSIFICATION;
    }

    private static List<String> classNames(CsvTable t, int label, Choices c) {
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
        TreeSet<String> distinct = numeric
                ? new TreeSet<>((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)))
                : new TreeSet<>();
        for (int r = 0; r < t.rows(); r++) {
            if (!t.isMissing(label, r)) {
                distinct.add(t.text(label, r));
            }
        }
        List<String> n = new ArrayList<>(distinct);
        checkTwoClasses(n, src);
        return n;
    }

    private static void checkTwoClasses(List<String> names, String src) {
        if (names.size() < 2) {
            throw new DataException(src + ": every row has the same label; a classifier needs at least 2 classes");
        }
    }

    // ---- binding another file's columns to the spec's ----

    private record Binding(int[] columns, int label, List<String> notes) { }

    private Binding identity(CsvTable t) {
        int[] cols = new int[columns.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = columns.get(i).index;
        }
        return new Binding(cols, labelIndex, List.of());
    }

    private Binding bind(CsvTable t, boolean requireLabel) {
        String src = t.source();
        List<String> notes = new ArrayList<>();
        int[] cols = new int[columns.size()];
        int label;
        if (header && t.names() != null) {
            boolean[] used = new boolean[t.columns()];
            for (int i = 0; i < cols.length; i++) {
                String name = columns.get(i).name;
                cols[i] = t.indexOf(name);
                if (cols[i] < 0) {
                    throw new DataException(src + ": has no column '" + Text.printable(name) + "', which the model was"
                            + " trained on (its header: " + CsvTable.abbreviate(String.join(", ", t.names())) + ")");
                }
                used[cols[i]] = true;
            }
            label = labelName == null ? -1 : t.indexOf(labelName);
            if (label >= 0) {
                used[label] = true;
            } else if (requireLabel) {
                throw new DataException(src + ": has no label column '" + Text.printable(labelName) + "'");
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
                cols[i] = columns.get(i).index;
            }
            return new Binding(cols, labelIndex, notes);
        }
        if (t.columns() == columns.size() && !requireLabel) {
            int k = 0;
            for (Column c : columns) {
                cols[k] = c.index > labelIndex ? c.index - 1 : c.index;
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

    private int[] usableRows(CsvTable t, Binding b, List<Integer> keptOut) {
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
                        + " (--missing drop leaves such rows out)");
            }
            if (missingColumn >= 0 && missing == Missing.ERROR) {
                throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(missingColumn)
                        + ": missing value (an empty, NA, NaN or ? cell)"
                        + " (--missing drop leaves such rows out, --missing mean fills in the training mean)");
            }
            if (labelMissing || (missingColumn >= 0 && missing == Missing.DROP)) {
                continue;
            }
            keep[n++] = r;
        }
        if (n == 0) {
            throw new DataException(t.source() + ": every row has a missing cell, so --missing drop leaves none");
        }
        return Arrays.copyOf(keep, n);
    }

    private static int[] allRows(CsvTable t) {
        int[] r = new int[t.rows()];
        for (int i = 0; i < r.length; i++) {
            r[i] = i;
        }
        return r;
    }

    /** The same shuffle as {@link Dataset#split}, over the usable rows; part 1 is null when {@code testSplit} is 0. */
    private static int[][] splitRows(int[] rows, double testSplit, long seed, String src) {
        if (testSplit == 0) {
            return new int[][] {rows, null};
        }
        if (!(testSplit > 0 && testSplit < 1)) {
            throw new IllegalArgumentException("--test-split must be 0 (train on every row) or a fraction below 1, got "
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

    /** With {@link Missing#MEAN}, each input's mean over the given (training) rows, missing cells left out. */
    private TableSpec withFill(CsvTable t, int[] rows) {
        if (missing != Missing.MEAN) {
            return this;
        }
        Binding b = identity(t);
        int d = featureCount();
        double[] sum = new double[d];
        long[] count = new long[d];
        float[] row = new float[d];
        for (int r : rows) {
            encodeRow(t, r, b, row, null);
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
        return new TableSpec(header, delimiter, labelName, labelIndex, task, classNames, columns, missing, f);
    }

    private Dataset encode(CsvTable t, int[] rows, Binding b, String name) {
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
    private void encodeRow(CsvTable t, int r, Binding b, float[] out, float[] fill) {
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
            if (c.categories == null) {
                String w = t.word(col, r);
                if (w != null) {
                    throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(col) + ": '"
                            + CsvTable.abbreviate(w) + "' is not a number");
                }
                out[j++] = t.number(col, r);
            } else {
                String text = t.text(col, r);
                int k = c.categories.indexOf(text);
                if (k < 0) {
                    throw new DataException(t.source() + ": row " + t.line(r) + ", " + t.describe(col) + ": category '"
                            + CsvTable.abbreviate(text) + "' was not in the training data (its categories: "
                            + CsvTable.abbreviate(String.join(", ", c.categories)) + ")");
                }
                for (int m = 0; m < c.width(); m++) {
                    out[j + m] = m == k ? 1f : 0f;
                }
                j += c.width();
            }
        }
    }

    // ---- metadata ----

    /** The spec as {@code data.*} metadata entries (the caller adds data.source, the split and the seed). */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("data.task", task.id());
        m.put("data.header", Boolean.toString(header));
        m.put("data.delimiter", String.valueOf(delimiter));
        if (labelName != null) {
            m.put("data.label", labelName);
        }
        m.put("data.label-column", Integer.toString(labelIndex));
        if (!regression()) {
            m.put("data.classes", joinList(classNames));
        }
        List<String> names = new ArrayList<>(), indices = new ArrayList<>(), oneHot = new ArrayList<>();
        for (Column c : columns) {
            names.add(c.name != null ? c.name : "");
            indices.add(Integer.toString(c.index));
            if (c.categories != null) {
                oneHot.add(c.name != null ? c.name : Integer.toString(c.index));
                m.put("data.one-hot." + (c.name != null ? c.name : Integer.toString(c.index)), joinList(c.categories));
            }
        }
        m.put("data.columns", joinList(names));
        m.put("data.column-index", joinList(indices));
        m.put("data.features", joinList(featureNames()));
        m.put("data.one-hot", joinList(oneHot));
        m.put("data.missing", missing.id());
        if (fill != null) {
            List<String> f = new ArrayList<>();
            for (float v : fill) {
                f.add(Float.toString(v));
            }
            m.put("data.fill", joinList(f));
        }
        return m;
    }

    /** The spec a model saved, or null when its metadata holds none (an image model, an older file). */
    public static TableSpec fromMetadata(Map<String, String> m) {
        if (m.get("data.task") == null || m.get("data.columns") == null) {
            return null;
        }
        try {
            Task task = Task.parse(m.get("data.task"));
            boolean header = Boolean.parseBoolean(m.get("data.header"));
            String delim = m.getOrDefault("data.delimiter", ",");
            int labelIndex = Integer.parseInt(m.get("data.label-column").trim());
            List<String> names = splitList(m.get("data.columns"));
            List<String> indices = splitList(m.get("data.column-index"));
            List<Column> cols = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).isEmpty() && !header ? null : names.get(i);
                int index = Integer.parseInt(indices.get(i));
                String key = "data.one-hot." + (name != null ? name : Integer.toString(index));
                List<String> cats = m.containsKey(key) ? splitList(m.get(key)) : null;
                cols.add(new Column(name, index, cats));
            }
            List<String> classes = task == Task.REGRESSION ? List.of() : splitList(m.get("data.classes"));
            Missing missing = Missing.parse(m.getOrDefault("data.missing", "error"));
            float[] fill = null;
            if (m.get("data.fill") != null) {
                List<String> f = splitList(m.get("data.fill"));
                fill = new float[f.size()];
                for (int j = 0; j < fill.length; j++) {
                    fill[j] = Float.parseFloat(f.get(j));
                }
            }
            TableSpec s = new TableSpec(header, delim.isEmpty() ? ',' : delim.charAt(0), m.get("data.label"), labelIndex,
                    task, classes, cols, missing, fill);
            if (fill != null && fill.length != s.featureCount()) {
                throw new IllegalArgumentException("data.fill has " + fill.length + " values for " + s.featureCount() + " inputs");
            }
            return s;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model's data description (data.* metadata) is unusable: "
                    + Text.printable(String.valueOf(e.getMessage())));
        }
    }

    /** The delimiter the training file used, for reading its other files alike. */
    public char delimiter() {
        return delimiter;
    }

    /** One CSV record: a list of names that may hold commas and quotes travels in one metadata string. */
    public static String joinList(List<String> items) {
        StringWriter w = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator("").build())) {
            p.printRecord(items);
        } catch (IOException e) {
            throw new AssertionError("a StringWriter does not fail", e);
        }
        return w.toString();
    }

    public static List<String> splitList(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        try (CSVParser p = CSVParser.parse(text, CSVFormat.RFC4180)) {
            List<CSVRecord> records = p.getRecords();
            return records.isEmpty() ? List.of() : List.of(records.get(0).values());
        } catch (IOException e) {
            throw new AssertionError("a string does not fail", e);
        }
    }
}
