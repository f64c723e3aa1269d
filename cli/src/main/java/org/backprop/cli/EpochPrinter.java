package org.backprop.cli;

import java.util.Locale;
import java.util.function.Consumer;
import org.backprop.data.TargetScaling;
import org.backprop.nn.EpochStats;
import org.backprop.train.TrainingRun;

/**
 * The lines a training run prints as it goes: the model line (and, on CUDA only, how the steps are
 * issued), then the epoch lines, every {@code --log-every}th and the last, nothing under
 * {@code --quiet}. A regression's epoch line shows RMSE in the targets' own units, no accuracy.
 */
final class EpochPrinter {

    private final OutputOptions out;
    private final TargetScaling scaling;
    private final boolean regression;
    private EpochStats last;
    private boolean lastPrinted;

    EpochPrinter(OutputOptions out, boolean regression, TargetScaling scaling) {
        this.out = out;
        this.regression = regression;
        this.scaling = scaling;
    }

    /** "model: 784-64-10 (...); ce loss, adam lr 0.001 cosine, batch 128", on two lines past 100 columns. */
    void modelLines(TrainingRun run, Consumer<String> say) {
        String shape = "model: " + run.model().describe();
        String how = run.recipe().loss().id() + " loss, " + run.optimizer()
                + (run.recipe().schedule().decays() ? " " + run.recipe().schedule().describe() : "")
                + (run.recipe().maxNorm() > 0 ? ", max-norm " + run.recipe().maxNorm() : "")
                + ", batch " + run.recipe().batch();
        if (shape.length() + 2 + how.length() <= Terminal.PLAIN) {
            say.accept(shape + "; " + how);
        } else {
            say.accept(shape);
            say.accept("model: " + how);
        }
        if (!"cpu".equals(run.backend().name())) {
            say.accept("steps: " + run.stepPath());
        }
    }

    void epoch(EpochStats s) {
        last = s;
        lastPrinted = s.epoch() % out.logEvery == 0 || s.epoch() == s.epochs();
        if (lastPrinted && !out.quiet) {
            System.out.println(line(s));
        }
    }

    /** The last epoch's line when --log-every skipped it (a run that stopped early). */
    void finish() {
        if (last != null && !lastPrinted && !out.quiet) {
            System.out.println(line(last));
        }
    }

    String line(EpochStats s) {
        if (!regression) {
            return s.line();
        }
        double std = scaling == null ? 1 : scaling.std();
        return String.format(Locale.ROOT, "epoch %d/%d  loss %.4f  %s rmse %.4f  (train rmse %.4f)  %.2f s  %.0f/s",
                s.epoch(), s.epochs(), s.trainLoss(), s.monitor(), std * Math.sqrt(s.testLoss()),
                std * Math.sqrt(s.trainLoss()), s.seconds(), s.samplesPerSecond());
    }

}
