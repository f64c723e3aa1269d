package org.backprop.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.backprop.charts.Plots;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Evaluation;
import org.backprop.nn.Model;
import org.backprop.nn.TrainResult;
import org.backprop.nn.TrainingRecipe;
import org.backprop.train.TrainingRun;

/** The end of a {@code train} run: early stopping, the test score, the {@code done:} line, and the files. */
final class RunReport {

    /** Saves the model the run kept (epoch {@code kept}) and says where, e.g. " (ONNX)". */
    interface Saver {
        String save(TrainingRun run, int kept) throws java.io.IOException;
    }

    private final OutputOptions out;
    private final RunOptions run;
    private final TrainingRun tr;
    private final TrainingRun.Outcome outcome;
    private final List<EpochStats> seen;
    private final Consumer<String> say;

    RunReport(OutputOptions out, RunOptions run, TrainingRun tr, TrainingRun.Outcome outcome, List<EpochStats> seen,
              Consumer<String> say) {
        this.out = out;
        this.run = run;
        this.tr = tr;
        this.outcome = outcome;
        this.seen = seen;
        this.say = say;
    }

    void print(TrainingRecipe recipe, Saver saver) throws java.io.IOException {
        TrainResult result = outcome.result();
        EpochStats last = result.last();
        if (result.stoppedEarly()) {
            say.accept(String.format(Locale.ROOT, "early stop: no lower validation loss for %d epochs after epoch %d;"
                    + " keeping epoch %d's weights", run.earlyStop, result.bestEpoch(), result.bestEpoch()));
        } else if (run.earlyStop > 0 && result.bestEpoch() != last.epoch()) {
            say.accept(String.format(Locale.ROOT, "early stopping: keeping epoch %d's weights (lowest validation loss)",
                    result.bestEpoch()));
        }
        boolean regression = tr.data().regression();
        double accuracy = last.testAccuracy();
        Evaluation test = outcome.test();
        if (test != null && tr.data().validation() != null && tr.data().heldOut()) {
            accuracy = test.accuracy();
            if (!regression) {
                say.accept(String.format(Locale.ROOT, "test: loss %.4f  acc %.2f%% (epoch %d's weights, %d samples)",
                        test.loss(), 100 * test.accuracy(), result.bestEpoch(), test.total()));
            }
        }
        if (out.confusion && test != null && !regression) {
            System.out.println(test.report());
        }
        String after = String.format(Locale.ROOT, "after %d epoch%s, %.1f s training", last.epoch(),
                last.epoch() == 1 ? "" : "s", result.totalSeconds());
        String scored = tr.data().scoredName();
        System.out.println(Terminal.wrap(regression ? "done: " + scored + " " + outcome.regression().line() + " " + after
                : String.format(Locale.ROOT, "done: %s accuracy %.2f%% %s", scored, 100 * accuracy, after),
                Terminal.PLAIN));
        Model model = tr.model();
        if (out.save != null) {
            say.accept("saved: " + out.save + saver.save(tr, result.bestEpoch()));
        }
        if (out.weightsPng != null) {
            WeightsPicture.draw(model.weights(0), model.inputs(), model.layers().get(0).outputs(),
                    "First-layer weights after " + last.epoch() + " epoch" + (last.epoch() == 1 ? "" : "s") + ": "
                            + model.describe(), out.weightsPng);
            say.accept("weights: " + out.weightsPng);
        }
        if (out.plotBoundary != null) {
            Boundary.draw(model, tr.data().train(), String.format(Locale.ROOT,
                    "%s: %d-%s, train acc %.1f%%, test acc %.1f%%", tr.data().train().name(), model.inputs(),
                    hiddenAndOutputs(model), 100 * last.trainAccuracy(), 100 * accuracy), out.plotBoundary);
            say.accept("boundary: " + out.plotBoundary);
        }
        if (out.plot != null) {
            Plots.curves(seen, model.describe(), tr.data().train().isRegression(), out.plot);
            say.accept("plot: " + out.plot);
        }
    }

    /** "3-1 (13 parameters)" for the title of a boundary picture. */
    private static String hiddenAndOutputs(Model m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m.layers().size(); i++) {
            sb.append(i == 0 ? "" : "-").append(m.layers().get(i).outputs());
        }
        return sb.append(" (").append(m.parameterCount()).append(" parameters)").toString();
    }
}
