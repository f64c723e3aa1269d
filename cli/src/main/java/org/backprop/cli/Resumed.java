package org.backprop.cli;

import java.nio.file.Path;
import java.util.Map;
import org.backprop.data.Text;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.nn.InvalidSetting;
import org.backprop.nn.TrainingRecipe;
import org.backprop.train.TrainingRun;
import picocli.CommandLine.ParseResult;

/**
 * A checkpoint being resumed: its recipe (validated as any recipe is), where it stopped, and the
 * settings outside the recipe it recorded, which become the command's unless given (then equal).
 */
record Resumed(ModelState state, TrainingRecipe recipe, int epochsDone, int batchesDone) {

    TrainingRun.Start start() {
        return TrainingRun.Start.resume(state, epochsDone, batchesDone);
    }

    /** Reads {@code file} and settles the command's options against it; prints the resume line. */
    static Resumed read(Path file, TrainCommand cmd) throws java.io.IOException {
        ModelState st = Checkpoint.load(file);
        String where = "--resume: " + file;
        Map<String, String> m = st.metadata();
        for (String key : new String[] {"loss", "optimizer", "lr", "seed", "batch", "epoch"}) {
            if (m.get(key) == null) {
                throw new IllegalArgumentException(where + " has no '" + key + "' in its metadata: it was not written"
                        + " by train --checkpoint-every or --save, so the run cannot be continued");
            }
        }
        TrainingRecipe r;
        int epochsDone;
        try {
            r = TrainingRecipe.fromMetadata(st);
            epochsDone = Integer.parseInt(m.get("epoch").trim());
        } catch (InvalidSetting e) {
            // a checkpoint is a file, and files can be edited or corrupt: the recipe's one validator says what
            throw new IllegalArgumentException(where + ": the checkpoint's " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " lacks the run settings a resume needs"
                    + " (it was not written by --checkpoint-every or --save): " + Text.printable(String.valueOf(e.getMessage())));
        }
        if (epochsDone < 0 || epochsDone > 100_000) {
            throw new IllegalArgumentException(where + ": 'epoch' is " + epochsDone + ", must be between 0 and 100000");
        }
        int batchesDone = InterruptedRun.batchesDone(m, where);
        if (cmd.spec != null) {
            ParseResult given = cmd.spec.commandLine().getParseResult();
            boolean regression = r.output() == org.backprop.nn.Activation.IDENTITY;
            TrainingRecipe asked = OptionsRecipe.of(cmd.model, cmd.opt, cmd.run, st, regression, cmd::given);
            ResumeCheck.requireAgrees(given, st, r, asked);
            cmd.data.data = ResumeCheck.dataSource(given, st, cmd.data.data);
            cmd.run.valSplit = saved(m, "val-split", cmd.given("--val-split"), cmd.run.valSplit);
            cmd.opt.clipNorm = (float) saved(m, "clip-norm", cmd.given("--clip-norm"), cmd.opt.clipNorm);
            if (!cmd.given("--epochs") && m.get("epochs") != null) {
                cmd.run.epochs = r.epochs();
            }
        }
        cmd.run.seed = r.seed();
        cmd.run.batch = r.batch();
        String split = m.get("test-split");
        if (split != null) {
            double f = saved(m, "test-split", false, Double.NaN);
            if (!(f >= 0 && f < 1)) {
                throw new IllegalArgumentException(where + ": 'test-split' is " + Text.printable(split) + ", must be in [0, 1)");
            }
            cmd.data.testSplit = f;
        }
        if (epochsDone >= cmd.run.epochs) {
            throw new IllegalArgumentException("--resume: the checkpoint already completed " + epochsDone
                    + " epochs; ask for more with --epochs");
        }
        cmd.say("resume: " + file + " after epoch " + epochsDone
                + (batchesDone > 0 ? " and " + batchesDone + " batches of epoch " + (epochsDone + 1) : "")
                + ", trained on " + Text.printable(cmd.data.data));
        return new Resumed(st, r.withEpochs(cmd.run.epochs), epochsDone, batchesDone);
    }

    private static double saved(Map<String, String> m, String key, boolean given, double current) {
        String v = m.get(key);
        if (v == null || given) {
            return current;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--resume: the checkpoint's '" + key + "' is " + Text.printable(v)
                    + ", not a number");
        }
    }
}
