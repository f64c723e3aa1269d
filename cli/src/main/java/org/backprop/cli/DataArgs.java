package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;
import org.backprop.data.CsvTable;
import org.backprop.data.Dataset;
import org.backprop.data.Standardizer;
import org.backprop.data.TableSpec;
import org.backprop.io.ModelState;
import picocli.CommandLine.Option;

/** {@code --data} and its companions: where the training and test sets come from, and how a CSV is read. */
final class DataArgs {

    private static final Logger LOG = Logger.getLogger(DataArgs.class.getName());

    /** What {@code --data} means when it is not given. */
    static final String DEFAULT_SOURCE = "mnist";

    @Option(names = "--data", paramLabel = "SOURCE",
            description = "mnist (the cache, fetched when missing), mnist-sample (bundled), xor|circles|moons[:N]"
                    + " (seeded 2-D toy sets, N training points, default 400), a directory with the MNIST files,"
                    + " or a CSV file (default: " + DEFAULT_SOURCE + "; eval: the model's own).")
    String data;

    @Option(names = "--test", paramLabel = "FILE", description = "Test set for a CSV --data (default: a seeded hold-out).")
    Path test;

    @Option(names = "--test-split", paramLabel = "FRACTION", defaultValue = "0.2",
            description = "Hold-out fraction when a CSV has no --test; 0 trains on every row (default: ${DEFAULT-VALUE}).")
    double testSplit;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column (default: the last).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV cell separator: a character, or comma, semicolon, tab (default: sniffed from the first row).")
    String delimiter;

    @Option(names = "--task", paramLabel = "auto|classification|regression", defaultValue = "auto",
            description = "What the CSV label is: auto takes a numeric label with many distinct values as a quantity"
                    + " to regress (linear output, squared error) and anything else as classes; eval and predict use the"
                    + " model's (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--one-hot", paramLabel = "auto|COL,...",
            description = "One-hot encode these CSV feature columns (auto: every column holding words); the categories"
                    + " are saved with the model and reused by eval and predict (default: none; a word in a feature column"
                    + " is an error).")
    String oneHot;

    @Option(names = "--missing", paramLabel = "error|drop|mean", defaultValue = "error",
            description = "A missing CSV cell (empty, NA, NaN, ?): an error naming row and column, drop its row, or the"
                    + " training rows' mean; the policy and the means are saved with the model for eval and predict"
                    + " (default: ${DEFAULT-VALUE}).")
    String missing;

    @Option(names = "--cache", paramLabel = "DIR", description = "MNIST cache directory (default: ~/.cache/backprop/mnist).")
    Path cache;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Standardise CSV features with the training set's mean and std, saved with the model"
                    + " (default: on; MNIST pixels are always scaled to [0, 1]).")
    boolean standardize;

    /**
     * The two sets, a line saying where they came from, the feature scaling applied (null if
     * none), the validation set held out of the training set (null without --val-split), the
     * {@code data.*} metadata that lets eval and predict read files the same way, and whether the
     * test set is really held out ({@code false}: {@code --test-split 0}, and {@code test} is the
     * training set itself).
     */
    record TrainTest(Dataset train, Dataset test, String description, Standardizer scaler, Dataset validation,
                     Map<String, String> metadata, boolean heldOut) {
        TrainTest(Dataset train, Dataset test, String description) {
            this(train, test, description, null, null, Map.of(), true);
        }

        /** A regression's standardised targets, or null (stub until the data options standardise them). */
        org.backprop.data.TargetScaling targetScaling() { return null; }

        TrainTest withValidation(Dataset newTrain, Dataset validation) {
            return new TrainTest(newTrain, test, description, scaler, validation, metadata, heldOut);
        }
    }

    /** Checks the data options on their own, before anything is read (stub: the checks live in load). */
    void validate() { }

    /** The --data value as given, or the default. */
    String source() {
        return data != null ? data.trim() : DEFAULT_SOURCE;
    }

    /** The --delimiter character, or null to sniff it. */
    Character delimiterChar() {
        return delimiter(delimiter);
    }

    static Character delimiter(String d) {
        if (d == null) {
            return null;
        }
        switch (d.trim().toLowerCase(Locale.ROOT)) {
            case "comma" -> { return ','; }
            case "semicolon" -> { return ';'; }
            case "tab", "\\t" -> { return '\t'; }
            case "pipe" -> { return '|'; }
            default -> { }
        }
        if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
            throw new IllegalArgumentException("--delimiter must be one character (or comma, semicolon, tab), got '"
                    + org.backprop.data.Text.printable(d) + "'");
        }
        return d.charAt(0);
    }

    /** The sets as training sees them: CSV features standardised when --standardize is on. */
    TrainTest load(long seed) {
        return load(seed, null);
    }

    /**
     * The sets as training sees them; when {@code resumed} is a checkpoint being continued, a CSV
     * is encoded and scaled exactly as that run did it: with its saved spec, mean and std.
     */
    TrainTest load(long seed, ModelState resumed) {
        if (!(testSplit >= 0 && testSplit < 1)) {
            throw new IllegalArgumentException("--test-split must be 0 (train on every row) or a fraction below 1, got "
                    + testSplit);
        }
        String src = source();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data.source", src);
        if (!DataSources.isCsvSource(src)) {
            // the other sources come with their own test sets: --test-split is for a CSV
            TrainTest raw = DataSources.load(src, test, 0.2, label, cache, seed, LOG);
            meta.putAll(raw.metadata());   // what was really loaded (the sample, when MNIST could not be)
            meta.put("data.split-seed", Long.toString(seed));
            meta.put("data.task", "classification");
            meta.put("data.classes", TableSpec.joinList(raw.train().classNames()));
            boolean synthetic = org.backprop.data.Synthetic.isName(src.contains(":") ? src.substring(0, src.indexOf(':')) : src);
            meta.put("data.scaling", synthetic ? "none" : "pixels/255");
            return new TrainTest(raw.train(), raw.test(), raw.description(), null, null, meta, true);
        }
        Path file = Path.of(src);
        DataArgs.requireFile(file, "--data");
        CsvTable table = CsvTable.read(file, CsvTable.Header.AUTO, delimiterChar());
        note(table.notes());
        TableSpec stored = resumed != null ? TableSpec.fromMetadata(resumed.metadata()) : null;
        double split = test != null ? 0 : testSplit;
        TableSpec.Prepared p = stored != null ? stored.split(table, split, seed)
                : TableSpec.prepare(table, choices(), split, seed);
        TableSpec spec = p.spec();
        Dataset train = p.train(), heldOut = p.test();
        String description;
        if (test != null) {
            DataArgs.requireFile(test, "--test");
            CsvTable t = CsvTable.read(test, CsvTable.Header.AUTO, delimiterChar());
            note(t.notes());
            TableSpec.Encoded e = spec.apply(t, true);
            note(e.notes());
            heldOut = e.data();
            description = file + " (" + train.size() + " rows) with test set " + test + " (" + heldOut.size() + " rows)";
            meta.put("data.test", test.toString());
        } else if (heldOut == null) {
            description = file + ": " + train.size() + " training rows, none held out (--test-split 0)";
        } else {
            description = file + ": " + train.size() + " training rows, " + heldOut.size() + " held out (--test-split "
                    + testSplit + ", seed " + seed + ")";
        }
        description += spec.regression() ? ", regression on '" + labelText(spec) + "'" : "";
        meta.put("data.test-split", Double.toString(split));
        meta.put("data.split-seed", Long.toString(seed));
        meta.putAll(spec.metadata());
        boolean held = heldOut != null;
        Dataset testSet = held ? heldOut : train;
        Standardizer s;
        if (resumed != null) {
            s = Scaling.saved(resumed);
        } else {
            s = standardize ? Standardizer.fit(train) : null;
        }
        meta.put("data.scaling", s == null ? "none" : "standardize");
        if (s == null) {
            return new TrainTest(train, testSet, description, null, null, meta, held);
        }
        return new TrainTest(s.apply(train), s.apply(testSet), description + ", standardised", s, null, meta, held);
    }

    private static String labelText(TableSpec spec) {
        return spec.labelName() != null ? spec.labelName() : "the last column";
    }

    private TableSpec.Choices choices() {
        return TableSpec.Choices.defaults().withLabel(label).withTask(TableSpec.Task.parse(task)).withOneHot(oneHot)
                .withMissing(TableSpec.Missing.parse(missing));
    }

    /** Notes about the files go to stderr, so that stdout stays what the command promises (JSON, CSV). */
    static void note(java.util.List<String> notes) {
        for (String n : notes) {
            System.err.println("note: " + n);
        }
    }

    static void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + ": no such file: " + p);
        }
    }
}
