package org.backprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The data options of {@code eval}: which rows to score. How a CSV is split, encoded and scaled
 * comes from the saved model, so the training-only options ({@code --test-split}, {@code --one-hot},
 * {@code --missing}, {@code --task}...) are not offered here.
 */
final class EvalDataArgs {

    @Option(names = "--data", paramLabel = "SOURCE",
            description = "Score the test set of this source: mnist, mnist-sample, a toy set, a directory of MNIST"
                    + " files, or a CSV file, whose held-out rows are the model's own (default: the model's source).")
    String data;

    @Option(names = "--test", paramLabel = "FILE", description = "Score every row of this CSV file instead.")
    Path test;

    @Option(names = "--label", paramLabel = "NAME",
            description = "CSV label column, for a model that saved no data description (default: the model's own).")
    String label;

    @Option(names = "--delimiter", paramLabel = "CHAR",
            description = "CSV cell separator: a character, or comma, semicolon, tab (default: the model's, else sniffed).")
    String delimiter;

    @Option(names = "--cache", paramLabel = "DIR", description = "MNIST cache directory (default: the folder"
            + " backprop/mnist under ~/.cache).")
    Path cache;

    /** The --delimiter character, or null. */
    Character delimiterChar() {
        return DataArgs.delimiter(delimiter);
    }
}
