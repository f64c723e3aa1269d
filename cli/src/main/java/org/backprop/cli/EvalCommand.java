package org.backprop.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.backprop.core.Backend;
import org.backprop.io.ModelState;
import org.backprop.nn.Checkpoints;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backprop eval}: loss, accuracy and the confusion matrix of a saved model on a test set. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the test set of --data: loss, accuracy, confusion matrix.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A checkpoint or .npz written by train --save.")
    Path modelFile;

    @Mixin DataArgs data = new DataArgs();

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1024", description = "Evaluation batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed of a CSV hold-out (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin BackendOption backendOption = new BackendOption();

    @Override
    public Integer call() throws Exception {
        DataArgs.requireFile(modelFile, "--model");
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        ModelState state = TrainCommand.readWeights(modelFile);
        DataArgs.TrainTest tt = data.loadRaw(seed);
        int inputs = state.layers().get(0).inputs();
        if (tt.test().featureCount() != inputs) {
            throw new IllegalArgumentException(tt.test().name() + " has " + tt.test().featureCount()
                    + " features per row but the model " + modelFile + " takes " + inputs);
        }
        try (Backend backend = backendOption.open();
             Model model = Checkpoints.restore(state, backend);
             Optimizer unused = Optimizer.sgd(1f)) {
            Loss loss = switch (model.outputActivation()) {
                case SOFTMAX -> Loss.CROSS_ENTROPY;
                case SIGMOID -> Loss.BINARY_CROSS_ENTROPY;
                default -> Loss.MSE;
            };
            Evaluation e = new Trainer(model, loss, unused).evaluate(Scaling.apply(state, tt.test()), batch);
            System.out.println("model: " + model.describe());
            System.out.println("data: " + tt.description());
            System.out.println(e.report());
        }
        return 0;
    }
}
