package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.backprop.data.Dataset;
import org.backprop.data.Standardizer;
import org.backprop.io.ModelState;
import picocli.CommandLine.Option;

/** {@code --data} and its companions: where the training and test sets come from. */
final class DataArgs {

    private static final Logger LOG = Logger.getLogger(DataArgs.class.getName());

    @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "mnist",
            description = "mnist (the cache, fetched when missing), mnist-sample (bundled), xor|circles|moons[:N]"
                    + " (seeded 2-D toy sets, N training points, default 400), a directory with the four MNIST files,"
                    + " or a CSV file (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--test", paramLabel = "FILE", description = "Test set for a CSV --data (default: a seeded hold-out).")
    Path test;

    @Option(names = "--test-split", paramLabel = "FRACTION", defaultValue = "0.2",
            description = "Hold-out fraction when a CSV has no --test (default: ${DEFAULT-VALUE}).")
    double testSplit;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column (default: the last).")
    String label;

    @Option(names = "--cache", paramLabel = "DIR", description = "MNIST cache directory (default: ~/.cache/backprop/mnist).")
    Path cache;

    @Option(names = "--standardize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Standardise CSV features with the training set's mean and std, saved with the model"
                    + " (default: on; MNIST pixels are always scaled to [0, 1]).")
    boolean standardize;

    /**
     * The two sets, a line saying where they came from, the feature scaling applied (null if
     * none), and the validation set held out of the training set (null without --val-split).
     */
    record TrainTest(Dataset train, Dataset test, String description, Standardizer scaler, Dataset validation) {
        TrainTest(Dataset train, Dataset test, String description) {
            this(train, test, description, null, null);
        }

        TrainTest(Dataset train, Dataset test, String description, Standardizer scaler) {
            this(train, test, description, scaler, null);
        }
    }

    /** The sets as training sees them: CSV features standardised when --standardize is on. */
    TrainTest load(long seed) {
        return load(seed, null);
    }

    /**
     * The sets as training sees them; when {@code resumed} is a checkpoint being continued, a CSV
     * is scaled exactly as that run scaled it: with its saved mean and std, or not at all.
     */
    TrainTest load(long seed, ModelState resumed) {
        TrainTest raw = loadRaw(seed);
        if (!DataSources.isCsv(Path.of(data.trim()))) {
            return raw;
        }
        Standardizer s;
        if (resumed != null) {
            s = Scaling.saved(resumed);
            if (s == null) {
                return raw;
            }
        } else if (standardize) {
            s = Standardizer.fit(raw.train());
        } else {
            return raw;
        }
        return new TrainTest(s.apply(raw.train()), s.apply(raw.test()), raw.description() + ", standardised", s);
    }

    /** The sets as the files hold them (eval and predict apply the model's own saved scaling). */
    TrainTest loadRaw(long seed) {
        if (!(testSplit > 0 && testSplit < 1)) {
            throw new IllegalArgumentException("--test-split must be between 0 and 1 (exclusive), got " + testSplit);
        }
        return DataSources.load(data, test, testSplit, label, cache, seed, LOG);
    }

    static void requireFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException(option + ": no such file: " + p);
        }
    }
}
