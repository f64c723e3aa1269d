package org.backprop.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.backprop.core.Backend;
import org.backprop.data.Dataset;
import org.backprop.io.ModelState;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backprop predict}: the predicted class and its probability for each input row. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict classes for each row of an input file with a saved model.",
                "Prints CSV: row,predicted,probability (and the true label when the input has one)."})
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A checkpoint or .npz written by train --save.")
    Path modelFile;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "An IDX image file (plain or gzip; pixels scaled to [0,1]) or a CSV laid out like"
                    + " the training file (its label column, --label or the last, is printed beside each prediction).")
    Path input;

    @Option(names = "--label", paramLabel = "NAME", description = "CSV label column, if the CSV has one.")
    String label;

    @Option(names = "--limit", paramLabel = "N", description = "Print at most N rows.")
    Integer limit;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the CSV here instead of stdout.")
    Path output;

    @Mixin BackendOption backendOption = new BackendOption();

    @Override
    public Integer call() throws Exception {
        DataArgs.requireFile(modelFile, "--model");
        DataArgs.requireFile(input, "--input");
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, got " + limit);
        }
        ModelState state = TrainCommand.readWeights(modelFile);
        Dataset rows = Scaling.apply(state, DataSources.readFeatures(input, label));
        try (Backend backend = backendOption.open();
             Model model = Model.fromState(state, backend)) {
            if (rows.featureCount() != model.inputs()) {
                throw new IllegalArgumentException(input + " has " + rows.featureCount() + " features per row but the model takes "
                        + model.inputs());
            }
            int n = limit == null ? rows.size() : Math.min(limit, rows.size());
            float[] x = new float[n * rows.featureCount()];
            System.arraycopy(rows.features(), 0, x, 0, x.length);
            float[] out = model.predict(x, n);
            try (PrintStream ps = output == null ? null : new PrintStream(Files.newOutputStream(output), false, "UTF-8")) {
                PrintStream p = ps == null ? System.out : ps;
                boolean labelled = DataSources.isCsv(input);
                p.println(labelled ? "row,predicted,probability,label" : "row,predicted,probability");
                int k = model.outputs();
                for (int i = 0; i < n; i++) {
                    int c = Evaluation.predictedClass(out, i, k);
                    float prob = k == 1 ? (c == 1 ? out[i] : 1 - out[i]) : out[i * k + c];
                    p.printf(Locale.ROOT, labelled ? "%d,%d,%.4f,%d%n" : "%d,%d,%.4f%n", i, c, prob,
                            labelled ? rows.labels()[i] : 0);
                }
            }
        }
        return 0;
    }
}
