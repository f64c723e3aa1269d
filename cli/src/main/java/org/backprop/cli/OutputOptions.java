package org.backprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code train}'s Outputs: the model, checkpoints, history, pictures and what is printed. */
final class OutputOptions {

    static final String DEFAULT_CHECKPOINT = "backprop-checkpoint.bpm";

    @Option(names = "--save", paramLabel = "FILE",
            description = "Save the model: .onnx an ONNX model, .npz NumPy arrays, else our checkpoint format.")
    Path save;

    @Option(names = "--save-best", paramLabel = "FILE",
            description = "Checkpoint saved each time the validation (or test) loss reaches a new low.")
    Path saveBest;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Save a checkpoint to --checkpoint every N epochs (default: 0, never).")
    int checkpointEvery;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file (default: the --resume file, else " + DEFAULT_CHECKPOINT + ").")
    Path checkpoint;

    @Option(names = "--overwrite", description = "Replace an existing --save or --checkpoint file.")
    boolean overwrite;

    @Option(names = "--history", paramLabel = "FILE.csv|FILE.jsonl",
            description = "Write every epoch's metrics, rate and time; a resumed run appends.")
    Path history;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Training curves as a PNG.")
    Path plot;

    @Option(names = "--weights-png", paramLabel = "FILE.png",
            description = "Draw an image model's first-layer weights, one tile per hidden unit.")
    Path weightsPng;

    @Option(names = "--augment-preview", paramLabel = "FILE.png",
            description = "A few training images beside deformed versions of each, as --augment makes them.")
    Path augmentPreview;

    @Option(names = "--plot-boundary", paramLabel = "FILE.png",
            description = "Draw the decision regions of a model with two inputs.")
    Path plotBoundary;

    @Option(names = "--confusion", description = "Print the test confusion matrix, precision and recall at the end.")
    boolean confusion;

    @Option(names = "--quiet", description = "Print only the final done: line (and errors).")
    boolean quiet;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "1",
            description = "Print every Nth epoch line, and the last (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--progress", negatable = true, description = "Progress bar (default: on in a terminal).")
    Boolean progress;

    @Option(names = "--memory", description = "Print the heap in use after each epoch (for soak runs).")
    boolean memory;

    Path checkpointFile() {
        return checkpoint != null ? checkpoint : Path.of(DEFAULT_CHECKPOINT);
    }
}
