package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code train --resume} continues the checkpoint's run, or says which option would change it. */
class ResumeTest {

    @TempDir static Path dir;
    static Path ckpt;

    /** One epoch of a 784-16-10 sgd network on the bundled sample, checkpointed. */
    @BeforeAll
    static void trainOneEpoch() {
        ckpt = dir.resolve("run.bpm");
        Cli.Run r = Cli.ok("train", "--data", "mnist-sample", "--layers", "16", "--optimizer", "sgd", "--lr", "0.1",
                "--epochs", "1", "--batch", "500", "--backend", "cpu", "--save", ckpt.toString());
    }

    private static Cli.Run resume(String... more) {
        String[] args = new String[5 + more.length];
        System.arraycopy(new String[] {"train", "--resume", ckpt.toString(), "--backend", "cpu"}, 0, args, 0, 5);
        System.arraycopy(more, 0, args, 5, more.length);
        return Cli.run(args);
    }

    @Test
    void theCheckpointRecordsItsDataSource() {
        assertEquals("mnist-sample", Checkpoint.load(ckpt).metadata().get(ResumeCheck.DATA_SOURCE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--lr 0.05|--lr 0.05 conflicts with the checkpoint's lr 0.1; leave it out to resume, or start a new run",
            "--layers 32|--layers 32 conflicts with the checkpoint's layers 16;",
            "--optimizer adam|--optimizer adam conflicts with the checkpoint's optimizer sgd;",
            "--batch 100|--batch 100 conflicts with the checkpoint's batch 500;",
            "--seed 7|--seed 7 conflicts with the checkpoint's seed 42;",
            "--activation tanh|--activation tanh conflicts with the checkpoint's activation relu;",
            "--dropout 0.5|--dropout 0.5 conflicts with the checkpoint's dropout 0.0;",
            "--input-dropout 0.2|--input-dropout 0.2 conflicts with the checkpoint's input-dropout 0.0;",
            "--max-norm 3|--max-norm 3 conflicts with the checkpoint's max-norm 0.0;",
            "--test-split 0.5|--test-split 0.5 conflicts with the checkpoint's test-split 0.2;",
            "--init x.npz|--init and --resume both say where training starts"})
    void anOptionThatWouldChangeTheRunIsRefusedNamingBothValues(String option, String message) {
        Cli.Run r = resume(Cli.concat(option.split(" "), "--epochs", "2"));
        assertEquals(Main.USAGE, r.exit(), r.out());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.out().contains("epoch 2/2"), "refused before training: " + r.out());
    }

    @Test
    void theSameValuesAndTheOptionsThatMayChangeAreAccepted() {
        Path more = dir.resolve("more.bpm");
        Cli.Run r = resume("--layers", "16", "--optimizer", "SGD", "--lr", "0.1", "--batch", "500",
                "--epochs", "2", "--threads", "1", "--save", more.toString(), "--no-progress");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        assertEquals("2", Checkpoint.load(more).metadata().get("epoch"));
    }

    @Test
    void withoutDataTheCheckpointsDataIsUsedAndOtherDataIsRefused() {
        Cli.Run same = resume("--epochs", "2");
        assertEquals(0, same.exit(), same.err());
        assertTrue(same.out().contains("trained on mnist-sample"), same.out());
        assertTrue(same.out().contains("data: bundled MNIST sample"), same.out());

        Cli.Run other = resume("--data", "mnist", "--epochs", "2");
        assertEquals(Main.USAGE, other.exit(), other.out());
        assertTrue(other.err().contains("the checkpoint was trained on mnist-sample, --data mnist given;"
                + " leave --data out to resume"), other.err());
    }

    @Test
    void anOlderCheckpointWithoutItsDataSourceResumesWithANote() {
        Path old = dir.resolve("old.bpm");
        ModelState s = Checkpoint.load(ckpt);
        Map<String, String> m = new LinkedHashMap<>(s.metadata());
        m.remove(ResumeCheck.DATA_SOURCE);
        Checkpoint.save(old, new ModelState(s.layers(), m, s.extras()));
        Cli.Run r = Cli.ok("train", "--resume", old.toString(), "--backend", "cpu", "--data", "mnist-sample",
                "--epochs", "2");
        assertTrue(r.out().contains("resume: the checkpoint does not record its data (written by an older backprop);"
                + " training on mnist-sample"), r.out());
    }

    @Test
    void withoutEpochsTheRunContinuesToTheEpochsItWasStartedWith() {
        Path half = dir.resolve("half.bpm");
        assertEquals(0, Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "3",
                "--backend", "cpu", "--checkpoint-every", "1", "--checkpoint", half.toString()).exit());
        ModelState s = Checkpoint.load(half);
        Map<String, String> m = new LinkedHashMap<>(s.metadata());
        m.put("epoch", "1");   // as if interrupted after epoch 1
        Checkpoint.save(half, new ModelState(s.layers(), m, s.extras()));
        Cli.Run r = Cli.ok("train", "--resume", half.toString(), "--backend", "cpu");
        assertTrue(r.out().contains("epoch 2/3") && r.out().contains("epoch 3/3"), r.out());
    }

    @Test
    void anNpzIsNotACheckpointAndSaysToUseInit() {
        Path npz = dir.resolve("w.npz");
        assertEquals(0, Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "1",
                "--backend", "cpu", "--save", npz.toString()).exit());
        Cli.Run r = Cli.run("train", "--resume", npz.toString(), "--backend", "cpu");
        assertEquals(Main.USAGE, r.exit(), r.out());
        assertTrue(r.err().contains("is an export of the weights, not a checkpoint") && r.err().contains(
                "use --init " + npz), r.err());
    }

    @Test
    void initWithoutLayersTakesTheArchitectureFromTheFile() {
        Path npz = dir.resolve("arch.npz");
        assertEquals(0, Cli.run("train", "--data", "mnist-sample", "--layers", "24,12", "--activation", "tanh",
                "--epochs", "1", "--batch", "500", "--backend", "cpu", "--save", npz.toString()).exit());
        Cli.Run r = Cli.ok("train", "--data", "mnist-sample", "--init", npz.toString(), "--epochs", "1",
                "--batch", "500", "--backend", "cpu");
        assertTrue(r.out().replace("\n  ", " ").contains("architecture: 784-24-12-10 tanh, softmax output, from --init "
                + npz), r.out());
        assertTrue(r.out().contains("model: 784-24-12-10 (tanh, tanh, softmax;"), r.out());
    }

    @Test
    void anNpzWithoutActivationsEvaluatesAndInspectsWithTheDefaults() {
        Path named = dir.resolve("named.npz");
        assertEquals(0, Cli.run("train", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--batch", "500",
                "--backend", "cpu", "--save", named.toString()).exit());
        ModelState s = org.backprop.io.Npz.load(named);
        java.util.List<org.backprop.io.LayerState> bare = new java.util.ArrayList<>();
        for (org.backprop.io.LayerState l : s.layers()) {
            bare.add(new org.backprop.io.LayerState("", l.inputs(), l.outputs(), l.weights(), l.bias()));
        }
        Path unnamed = dir.resolve("unnamed.npz");
        org.backprop.io.Npz.save(unnamed, new ModelState(bare));
        Cli.Run a = Cli.run("eval", "--model", named.toString(), "--data", "mnist-sample", "--backend", "cpu");
        Cli.Run b = Cli.ok("eval", "--model", unnamed.toString(), "--data", "mnist-sample", "--backend", "cpu");
        assertEquals(a.out().replace(named.toString(), "M"), b.out().replace(unnamed.toString(), "M"),
                "ReLU and softmax by default: the same model");
        Cli.Run i = Cli.ok("inspect", "--model", unnamed.toString());
        assertTrue(i.out().contains("architecture: 784-16-10 (relu, softmax; the file names no activation"), i.out());
    }

    /**
     * Every train option is either checked against the checkpoint or free to change on resume, so
     * a new option cannot silently change a resumed run: decide which, in ResumeCheck (and the
     * README's list).
     */
    @Test
    void everyTrainOptionIsCheckedOnResumeOrFreeToChange() {
        picocli.CommandLine trainCl = new picocli.CommandLine(new Main()).getSubcommands().get("train");
        java.util.Set<String> decided = new java.util.HashSet<>(ResumeCheck.FREE);
        decided.addAll(ResumeCheck.checked());
        for (picocli.CommandLine.Model.ArgGroupSpec g : trainCl.getCommandSpec().argGroups()) {
            if (ResumeCheck.FREE_GROUPS.contains(g.heading().replace("%n", "").trim())) {
                g.options().forEach(o -> decided.addAll(java.util.List.of(o.names())));
            }
        }
        // where training starts, and the command's own
        decided.addAll(java.util.List.of("--resume", "--init", "--help", "--version", "--verbose"));
        picocli.CommandLine train = new picocli.CommandLine(new Main()).getSubcommands().get("train");
        for (picocli.CommandLine.Model.OptionSpec o : train.getCommandSpec().options()) {
            assertTrue(java.util.Arrays.stream(o.names()).anyMatch(decided::contains), "train option "
                    + o.longestName() + " is neither checked"
                    + " against a resumed checkpoint nor listed as free to change (ResumeCheck)");
        }
    }

    /** A CSV run's checkpoint records how its table was read and encoded: a resume may not change that. */
    @Test
    void aCsvRunsTableOptionsAreCheckedOnResume() {
        Path heart = Path.of(System.getProperty("user.dir")).getParent().resolve("docs/examples/heart.csv");
        Path csvRun = dir.resolve("heart.bpm");
        Cli.Run r = Cli.ok("train", "--data", heart.toString(), "--label", "target", "--one-hot", "auto",
                "--missing", "mean", "--layers", "none", "--output", "sigmoid", "--loss", "bce", "--epochs", "1",
                "--backend", "cpu", "--save", csvRun.toString(), "--no-progress");
        String[][] conflicts = {
                {"--missing", "drop", "--missing drop conflicts with the checkpoint's missing-cell policy mean;"},
                {"--label", "sex", "--label sex conflicts with the checkpoint's label column target;"},
                {"--task", "regression", "--task regression conflicts with the checkpoint's task classification;"},
                {"--one-hot", "sex", "--one-hot sex conflicts with the checkpoint's one-hot columns"}};
        for (String[] c : conflicts) {
            Cli.Run x = Cli.run("train", "--resume", csvRun.toString(), "--backend", "cpu", "--epochs", "2", c[0], c[1]);
            assertEquals(Main.USAGE, x.exit(), x.out());
            assertTrue(x.err().contains(c[2]), x.err());
        }
        Cli.Run same = Cli.ok("train", "--resume", csvRun.toString(), "--backend", "cpu", "--epochs", "2",
                "--label", "target", "--one-hot", "auto", "--missing", "mean", "--no-progress");
        assertTrue(same.out().contains("epoch 2/2"), same.out());
    }
}
