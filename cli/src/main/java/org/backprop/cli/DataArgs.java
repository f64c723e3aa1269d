package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.backprop.data.Dataset;
import picocli.CommandLine.Option;

/** {@code --data} and its companions: where the training and test sets come from. */
final class DataArgs {

    private static final Logger LOG = Logger.getLogger(DataArgs.class.getName());

    @Option(names = "--data", paramLabel = "SOURCE", defaultValue = "mnist",
            description = "mnist (the cache, fetched when missing), mnist-sample (bundled), a directory with the"
                    + " four MNIST files, or a CSV file (default: ${DEFAULT-VALUE}).")
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

    record TrainTest(Dataset train, Dataset test, String description) { }

    TrainTest load(long seed) {
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
