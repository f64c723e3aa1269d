package org.backprop.cli;

import picocli.CommandLine.Option;

/** {@code train}'s Optimiser and schedule options. */
final class OptimiserOptions {

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|rmsprop|adam|adamw", defaultValue = "adam",
            description = "Update rule, PyTorch's definitions (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.001 for adam, adamw and rmsprop, 0.01 with --layers"
                    + " none; 0.1 for sgd; 0.05 for momentum and nesterov).")
    Float lr;

    @Option(names = "--momentum", paramLabel = "MU",
            description = "Momentum of --optimizer momentum or nesterov (default: 0.9).")
    Float momentum;

    @Option(names = "--momentum-ramp", paramLabel = "START:END:STEPS",
            description = "Momentum rising linearly from START to END over the first STEPS updates, then END"
                    + " (momentum and nesterov; e.g. 0.5:0.99:500000).")
    String momentumRamp;

    @Option(names = "--rho", paramLabel = "RHO", description = "RMSprop's smoothing constant (default: 0.99).")
    Float rho;

    @Option(names = "--eps", paramLabel = "EPS", description = "The epsilon of rmsprop, adam and adamw (default: 1e-8).")
    Float eps;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "L2 weight decay (decoupled for adamw) (default: 0; 0.01 for adamw).")
    Float weightDecay;

    @Option(names = "--lr-schedule", paramLabel = "cosine|constant|exponential|step", defaultValue = "cosine",
            description = "Rate per epoch: cosine anneals it to 0 over the run's epochs, exponential multiplies it"
                    + " by --lr-decay each epoch, step every --lr-step epochs (default: ${DEFAULT-VALUE}).")
    String lrSchedule;

    @Option(names = "--lr-decay", paramLabel = "GAMMA",
            description = "Factor of the exponential and step schedules (default: 0.8 exponential, 0.1 step).")
    Float lrDecay;

    @Option(names = "--lr-step", paramLabel = "N", description = "Epochs between step decays (default: 5).")
    Integer lrStep;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "Linear warm-up over the first N epochs, then the schedule (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "0",
            description = "Clip the global gradient norm to X (default: 0, off).")
    float clipNorm;
}
