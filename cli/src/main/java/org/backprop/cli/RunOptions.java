package org.backprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code train}'s Run options: batch, epochs, seed, validation split, stopping, resume, deformations. */
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

    @Option(names = "--augment", paramLabel = "affine|elastic|affine+elastic",
            description = "Deform the training images afresh every epoch (square images only, e.g. MNIST):"
                    + " affine (rotation, scaling, shift) and/or elastic (Simard et al. 2003); evaluation and"
                    + " predictions see the images as they are (default: none).")
    String augment;

    @Option(names = "--rotate", paramLabel = "DEG",
            description = "Largest rotation of --augment affine, degrees (default: 15).")
    Float rotate;

    @Option(names = "--scale", paramLabel = "F",
            description = "Largest relative change of each axis' scale for --augment affine, drawn per axis"
                    + " (default: 0.15).")
    Float scale;

    @Option(names = "--shift", paramLabel = "PX",
            description = "Largest translation of --augment affine along each axis, pixels (default: 0: neither"
                    + " paper lists one).")
    Float shift;

    @Option(names = "--elastic-sigma", paramLabel = "S",
            description = "σ of --augment elastic: the displacement field's Gaussian smoothing, pixels"
                    + " (default: 6, Ciresan et al. 2010's 5-6; Simard et al. 2003 used 4).")
    Float elasticSigma;

    @Option(names = "--elastic-alpha", paramLabel = "A",
            description = "α of --augment elastic: the smoothed field's scale, pixels (default: 36, Ciresan et al."
                    + " 2010's 36-38; Simard et al. 2003 used 34).")
    Float elasticAlpha;
}
