package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.backprop.data.CsvTable;
import org.backprop.data.DataException;
import org.backprop.data.Dataset;
import org.backprop.data.Standardizer;
import org.backprop.data.TableChoices;
import org.backprop.data.TableSpec;
import org.backprop.data.TargetScaling;
import org.backprop.data.Text;
import org.backprop.io.ModelState;
import picocli.CommandLine.Option;

/**
 * {@code --data} and its companions for training: where the training and test sets come from, how
 * a CSV is read, and how its targets are scaled. Works as a mixin and as an argument group, so it
 * holds no injected picocli state; {@link #validate()} checks the options before any file is read.
 */
final class DataArgs {

    private static final Logger LOG = Logger.getLogger(DataArgs.class.getName());

    /** What {@code --data} means when it is not given. */
    static final String DEFAULT_SOURCE = "mnist";
    /** The hold-out fraction when {@code --test-split} is not given. */
    static final double DEFAULT_TEST_SPLIT = 0.2;

    @Option(names = "--data", paramLabel = "SOURCE",
            description = "mnist (the cache, fetched when missing), mnist-sample (bundled), xor|circles|moons[:N]"
                    + " (seeded 2-D toy sets of N points, default 400), a directory of MNIST files, or a CSV file"
                    + " (default: " + DEFAULT_SOURCE + ").")
    String data;

    @Option(names = "--test", paramLabel = "FILE", description = "Test set for a CSV --data (default: a seeded hold-out).")
    Path test;

    /** The hold-out fraction: the option's value, the checkpoint's on a resumed run, else the default. */
    double testSplit = DEFAULT_TEST_SPLIT;
    private boolean testSplitGiven;

    @Option(names = "--test-split", paramLabel = "FRACTION",
            description = "Hold-out fraction of a CSV without --test; 0 trains on every row (default: 0.2).")
    void testSplit(double fraction) {
        testSplit = fraction;
        testSplitGiven = true;
    }

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column (default: the last).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV cell separator: a character, or comma, semicolon, tab (default: sniffed).")
    String delimiter;

    @Option(names = "--task", paramLabel = "auto|classification|regression",
            description = "What the CSV label is; auto takes a numeric label with many distinct values as a"
                    + " quantity to regress, anything else as classes (default: auto).")
    String task;

    @Option(names = "--one-hot", paramLabel = "auto|COL,...",
            description = "One-hot encode these CSV feature columns (auto: every column holding words;"
                    + " default: none, and a word in a feature column is an error).")
    String oneHot;

    @Option(names = "--missing", paramLabel = "error|drop|mean",
            description = "A missing CSV cell (empty, NA, NaN, ?): an error naming row and column, drop its row,"
                    + " or the training mean (default: error).")
    String missing;

    @Option(names = "--cache", paramLabel = "DIR", description = "MNIST cache directory (default: the folder"
            + " backprop/mnist under ~/.cache).")
    Path cache;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Standardise CSV features with the training rows' mean and std (default: on; MNIST"
                    + " pixels are always scaled to [0, 1]).")
    boolean standardize = true;

    @Option(names = "--target-scaling", paramLabel = "standardize|none",
            description = "A regression's targets: standardised with the training rows' mean and std, undone"
                    + " on predictions, or used raw (default: standardize).")
    String targetScaling;

    /**
     * The two sets, a line saying where they came from, the feature scaling applied (null if
     * none), the validation set held out of the training set (null without --val-split), the
     * {@code data.*} metadata that lets eval and predict read files the same way, whether the
     * test set is really held out ({@code false}: {@code --test-split 0}, and {@code test} is the
     * training set itself), and a regression's target scaling (null if none).
     */
    record TrainTest(Dataset train, Dataset test, String description, Standardizer scaler, Dataset validation,
                     Map<String, String> metadata, boolean heldOut, TargetScaling targetScaling) {
        TrainTest(Dataset train, Dataset test, String description) {
            this(train, test, description, null, null, Map.of(), true, null);
        }

        TrainTest withValidation(Dataset newTrain, Dataset validation) {
            return new TrainTest(newTrain, test, description, scaler, validation, metadata, heldOut, targetScaling);
        }
    }

    /**
     * Checks the options against each other before any file is read: the settings' values, a
     * --test-split beside --test, CSV-only options with another source (--test-split there is
     * only noted when the data loads: it has no effect). A resumed run's source
     * is known only from its checkpoint, so {@link #load} repeats the check once it is.
     */
    void validate() {
        check(data);
    }

    private void check(String source) {
        if (!(testSplit >= 0 && testSplit < 1)) {
            throw new IllegalArgumentException("--test-split must be 0 (train on every row) or a fraction below 1, got "
                    + testSplit);
        }
        if (test != null && testSplitGiven) {
            throw new IllegalArgumentException("--test-split with --test: the test file is the test set, so there is"
                    + " nothing to split; give one of them");
        }
        delimiterChar();
        TableChoices.Task t = flags(() -> task == null ? TableChoices.Task.AUTO : TableChoices.Task.parse(task));
        flags(() -> missing == null ? null : TableChoices.Missing.parse(missing));
        scaleTargets();
        if (targetScaling != null && t == TableChoices.Task.CLASSIFICATION) {
            throw new IllegalArgumentException("--target-scaling is for a regression; --task classification has classes");
        }
        if (source == null || DataSources.isCsvSource(source.trim())) {
            return;
        }
        String given = csvOnlyGiven();
        if (given != null) {
            throw new IllegalArgumentException(given + " applies to a CSV file; --data " + Text.printable(source.trim())
                    + " is not one");
        }
    }

    /** The first CSV-only option given, or null. */
    private String csvOnlyGiven() {
        String[][] options = {{"--test", test == null ? null : "x"}, {"--label", label}, {"--delimiter", delimiter}, {"--task", task}, {"--one-hot", oneHot},
                {"--missing", missing}, {"--target-scaling", targetScaling}};
        for (String[] o : options) {
            if (o[1] != null) {
                return o[0];
            }
        }
        return null;
    }

    /** Whether a regression's targets are standardised (the default), from --target-scaling. */
    boolean scaleTargets() {
        if (targetScaling == null) {
            return true;
        }
        return switch (targetScaling.trim().toLowerCase(Locale.ROOT)) {
            case "standardize", "standardise" -> true;
            case "none" -> false;
            default -> throw new IllegalArgumentException("--target-scaling must be standardize or none, got '"
                    + Text.printable(targetScaling) + "'");
        };
    }

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
                    + Text.printable(d) + "'");
        }
        return d.charAt(0);
    }

    /** The sets as training sees them: CSV features standardised when --standardize is on. */
    TrainTest load(long seed) {
        return load(seed, null);
    }

    /**
     * The sets as training sees them; when {@code resumed} is a checkpoint being continued, a CSV
     * is encoded and scaled exactly as that run did it: with its saved spec, means and stds.
     */
    TrainTest load(long seed, ModelState resumed) {
        String src = source();
        check(src);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("data.source", src);
        if (!DataSources.isCsvSource(src)) {
            if (testSplitGiven) {
                note(List.of("--test-split applies to a CSV file; " + src + " comes with its own test set"));
            }
            TrainTest raw = DataSources.load(src, cache, seed, LOG);
            meta.putAll(raw.metadata());   // what was really loaded (the sample, when MNIST could not be)
            meta.put("data.split-seed", Long.toString(seed));
            meta.put("data.task", "classification");
            meta.put("data.classes", TableSpec.joinList(raw.train().classNames()));
            boolean synthetic = org.backprop.data.Synthetic.isName(src.contains(":") ? src.substring(0, src.indexOf(':')) : src);
            meta.put("data.scaling", synthetic ? "none" : "pixels/255");
            return new TrainTest(raw.train(), raw.test(), raw.description(), null, null, meta, true, null);
        }
        try {
            return loadCsv(Path.of(src), seed, resumed, meta);
        } catch (DataException e) {
            throw new DataException(flags(e.getMessage()), e);
        }
    }

    private TrainTest loadCsv(Path file, long seed, ModelState resumed, Map<String, String> meta) {
        DataArgs.requireFile(file, "--data");
        if (test != null) {
            DataArgs.requireFile(test, "--test");
        }
        CsvTable table = DataSources.readTable(file, delimiterChar());
        TableSpec stored = resumed != null ? TableSpec.fromMetadata(resumed.metadata()) : null;
        double split = test != null ? 0 : testSplit;
        TableSpec.Prepared p = stored != null ? stored.split(table, split, seed)
                : TableSpec.prepare(table, flags(this::choices), split, seed);
        TableSpec spec = p.spec();
        Dataset train = p.train(), heldOut = p.test();
        String description;
        if (test != null) {
            heldOut = DataSources.encode(spec, test, delimiterChar()).data();
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
        TargetScaling targets = targetScaling(spec, train, resumed);
        if (targets != null) {
            train = targets.apply(train);
            heldOut = heldOut == null ? null : targets.apply(heldOut);
            targets.writeTo(meta);
        }
        boolean held = heldOut != null;
        Dataset testSet = held ? heldOut : train;
        Standardizer s = resumed != null ? Scaling.saved(resumed) : standardize ? Standardizer.fit(train) : null;
        meta.put("data.scaling", s == null ? "none" : "standardize");
        if (s == null) {
            return new TrainTest(train, testSet, description, null, null, meta, held, targets);
        }
        return new TrainTest(s.apply(train), s.apply(testSet), description + ", standardised", s, null, meta, held,
                targets);
    }

    /**
     * A regression's target scaling: the checkpoint's on a resumed run (none for a checkpoint that
     * saved none), else fitted on the training rows unless --target-scaling none.
     */
    private TargetScaling targetScaling(TableSpec spec, Dataset train, ModelState resumed) {
        if (!spec.regression()) {
            if (targetScaling != null) {
                throw new IllegalArgumentException("--target-scaling is for a regression; the label '"
                        + Text.printable(labelText(spec)) + "' holds classes");
            }
            return null;
        }
        if (resumed != null) {
            TargetScaling saved = TargetScaling.from(resumed.metadata());
            if (targetScaling != null && scaleTargets() != (saved != null)) {
                throw new IllegalArgumentException("--target-scaling " + Text.printable(targetScaling.trim())
                        + " differs from the checkpoint's (" + (saved != null ? "standardize" : "none") + ")");
            }
            return saved;
        }
        return scaleTargets() ? TargetScaling.fit(train.values()) : null;
    }

    private static String labelText(TableSpec spec) {
        return spec.labelName() != null ? spec.labelName() : "the last column";
    }

    private TableChoices choices() {
        return TableChoices.defaults().withLabel(label)
                .withTask(task == null ? TableChoices.Task.AUTO : TableChoices.Task.parse(task))
                .withOneHot(oneHot)
                .withMissing(missing == null ? TableChoices.Missing.ERROR : TableChoices.Missing.parse(missing));
    }

    /** The data settings core's messages name ({@code setting=value}), as this command's options. */
    private static final Pattern SETTING = Pattern.compile("\\b(label|one-hot|missing|task|test-split|test)=");
    private static final Pattern LEADING_SETTING = Pattern.compile("^(label|one-hot|missing|task|test-split) must ");

    /** A message of core's with its data settings written as this command's options. */
    static String flags(String message) {
        String m = SETTING.matcher(message).replaceAll("--$1 ");
        return LEADING_SETTING.matcher(m).replaceFirst("--$1 must ");
    }

    /** Runs {@code parse}, its IllegalArgumentException's message naming options instead of settings. */
    private static <T> T flags(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flags(e.getMessage()), e);
        }
    }

    /** Notes about the files go to stderr, so that stdout stays what the command promises (JSON, CSV). */
    static void note(List<String> notes) {
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
