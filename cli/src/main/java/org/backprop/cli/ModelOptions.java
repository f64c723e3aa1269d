package org.backprop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code train}'s Model options: the architecture, its activations, loss and initial weights. */
final class ModelOptions {

    @Option(names = "--layers", paramLabel = "N,N,...", defaultValue = "512,512",
            description = "Hidden layer widths; 'none' for logistic or softmax regression (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--activation", paramLabel = "sigmoid|tanh|relu", defaultValue = "relu",
            description = "Hidden activation (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--output", paramLabel = "softmax|sigmoid",
            description = "Output layer: softmax over the classes, or sigmoid (one unit for two classes)"
                    + " (default: softmax; a regression has one linear unit).")
    String output;

    @Option(names = "--loss", paramLabel = "ce|bce|se",
            description = "Loss: ce cross-entropy, bce binary cross-entropy, se squared error"
                    + " (default: ce for softmax, bce for sigmoid, se for a regression).")
    String loss;

    @Option(names = "--dropout", paramLabel = "P[,P...]",
            description = "Inverted dropout after the hidden layers: one rate, or one per layer (default: none).")
    String dropout;

    @Option(names = "--input-dropout", paramLabel = "P",
            description = "Inverted dropout on the input features, e.g. 0.2 (default: none).")
    Float inputDropout;

    @Option(names = "--max-norm", paramLabel = "C",
            description = "After every step, rescale each hidden unit's incoming weights to norm <= C"
                    + " (Keras's MaxNorm; default: off).")
    Float maxNorm;

    @Option(names = "--weight-init", paramLabel = "auto|xavier|he|zeros", defaultValue = "auto",
            description = "Initial weights: auto = He for ReLU, Xavier otherwise, zeros with no hidden layer"
                    + " (default: ${DEFAULT-VALUE}).")
    String weightInit;

    @Option(names = "--init", paramLabel = "FILE.npz", description = "Start from these weights (.npz or a checkpoint).")
    Path init;
}
