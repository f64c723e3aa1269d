package org.backprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code train}'s Run options: batch, epochs, seed, validation split, stopping, resume. */
final class RunOptions {

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128",
            description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10",
            description = "Epochs; a resumed cosine run anneals over the new total (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of initialisation, hold-out and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--val-split", paramLabel = "FRACTION", defaultValue = "0",
            description = "Hold out this fraction of the training set for validation; the test set is then"
                    + " scored once, at the end (default: none).")
    double valSplit;

    @Option(names = "--early-stop", paramLabel = "PATIENCE", defaultValue = "0",
            description = "Stop after PATIENCE epochs without a lower validation loss, keeping the best"
                    + " weights; needs --val-split (default: off).")
    int earlyStop;

    @Option(names = "--resume", paramLabel = "FILE",
            description = "Continue the run in this checkpoint, with its recipe and data, up to --epochs;"
                    + " options that would change the run are refused.")
    Path resume;
}
