package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.backprop.nn.TrainingRecipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code train}'s surface: the grouped help, the refusals before data, and what a run prints. */
class TrainSurfaceTest {

    @TempDir Path dir;

    @Test
    void helpIsGroupedAsTheRecipeInOrder() {
        Cli.Run r = Cli.ok("train", "--help");
        List<String> lines = r.out().lines().toList();
        assertEquals("Usage: backprop train [OPTIONS]", lines.get(0));
        int at = -1;
        for (String heading : new String[] {"Data", "Model", "Optimiser and schedule", "Run", "Outputs",
                "Device and cluster"}) {
            int i = lines.indexOf(heading);
            assertTrue(i > at, heading + " missing or out of order:\n" + r.out());
            at = i;
        }
        assertTrue(lines.indexOf("      --epochs=N             Epochs; a resumed cosine run anneals over the new")
                == lines.indexOf("      --batch=N              Minibatch size (default: 128).") + 1, r.out());
    }

    @Test
    void everyHelpLineFitsIn100Columns() {
        Cli.Run r = Cli.run("train", "--help");
        r.out().lines().forEach(l -> assertTrue(l.length() <= 100, "over 100 columns: " + l));
    }

    /** Each refusal names the option even though --data names no file: it comes before the data loads. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--momentum 0.5|--momentum applies to --optimizer momentum or nesterov, not adam",
            "--lr-decay 0.5|--lr-decay applies to --lr-schedule exponential or step, not cosine",
            "--lr-schedule constant --lr-decay 0.5|--lr-decay applies to --lr-schedule exponential or step, not constant",
            "--lr-schedule exponential --lr-step 2|--lr-step applies to --lr-schedule step, not exponential",
            "--epochs 3 --warmup 3|--warmup must be between 0 and --epochs - 1, got 3",
            "--sync-every 4|--sync-every only applies to --spark training",
            "--early-stop 2|--early-stop watches the validation loss: give --val-split too",
            "--layers none --dropout 0.5|--dropout needs a hidden layer",
            "--plot-boundary x.txt|--plot-boundary writes a PNG"})
    void optionsThatDoNotApplyAreRefusedBeforeTheData(String options, String message) {
        String[] args = ("train --data " + dir.resolve("missing.csv") + " " + options).split(" ");
        Cli.Run r = Cli.run(args);
        assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("no such file"), r.err());
    }

    /** Two epochs of a 784-16-10 network on the bundled MNIST sample on the CPU, which must succeed. */
    private static Cli.Run twoSampleEpochs(String flag) {
        return Cli.ok("train", "--data", "mnist-sample", "--layers", "16", "--epochs", "2", "--backend", "cpu", flag);
    }

    @Test
    void aCpuRunPrintsDataBackendModelEpochAndDoneLinesOnly() {
        Cli.Run r = twoSampleEpochs("--no-progress");
        List<String> out = r.out().lines().toList();
        assertTrue(out.get(0).startsWith("data: "), r.out());
        assertTrue(out.get(1).startsWith("model: 784-16-10"), r.out());
        int i = 2;
        while (out.get(i).startsWith("model: ")) {
            i++;
        }
        assertTrue(out.get(i).startsWith("epoch 1/2 ") && out.get(i + 1).startsWith("epoch 2/2 "), r.out());
        assertTrue(out.get(i + 2).startsWith("done: test accuracy "), r.out());
        assertEquals(i + 3, out.size(), r.out());
        for (String l : (r.out() + r.err()).lines().toList()) {
            assertTrue(l.length() <= 100, "over 100 columns: " + l);
            assertFalse(l.startsWith("training:") || l.startsWith("steps:"), l);
        }
    }

    @Test
    void quietPrintsOnlyTheDoneLine() {
        Cli.Run r = twoSampleEpochs("--quiet");
        List<String> out = r.out().lines().toList();
        assertEquals(1, out.size(), r.out());
        assertTrue(out.get(0).startsWith("done: test accuracy "), r.out());
        assertFalse(r.err().contains("backend cpu"), r.err());
    }

    @Test
    void logEveryPrintsEveryNthEpochAndTheLast() {
        Cli.Run r = Cli.ok("train", "--data", "xor", "--layers", "4", "--epochs", "7", "--log-every", "3",
                "--backend", "cpu", "--no-progress");
        List<String> epochs = r.out().lines().filter(l -> l.startsWith("epoch ")).map(l -> l.split(" ")[1]).toList();
        assertEquals(List.of("3/7", "6/7", "7/7"), epochs, r.out());
    }

    @Test
    void aRegressionsEpochLinesAndHistoryHaveNoAccuracy() throws Exception {
        Path csv = dir.resolve("reg.csv");
        StringBuilder sb = new StringBuilder("a,b,y\n");
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            double a = rnd.nextGaussian(), b = rnd.nextGaussian();
            sb.append(String.format(Locale.ROOT, "%.4f,%.4f,%.4f%n", a, b, 150 + 40 * a - 20 * b + rnd.nextGaussian()));
        }
        Files.writeString(csv, sb.toString());
        Path history = dir.resolve("h.csv");
        Cli.Run r = Cli.ok("train", "--data", csv.toString(), "--layers", "none", "--epochs", "3", "--backend", "cpu",
                "--history", history.toString(), "--no-progress");
        List<String> epochs = r.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(3, epochs.size(), r.out());
        for (String l : epochs) {
            assertTrue(l.contains("rmse") && !l.contains("acc"), l);
        }
        assertTrue(r.out().contains("done: test RMSE "), r.out());
        String header = Files.readAllLines(history).get(0);
        assertEquals("epoch,loss,val_loss,test_loss,lr,seconds", header);
    }

    @Test
    void theDefaultScheduleIsCosine() {
        assertEquals("cosine", TrainingRecipe.defaults().schedule().kind());
        Cli.Run r = Cli.ok("train", "--data", "xor", "--layers", "4", "--epochs", "1", "--backend", "cpu",
                "--no-progress");
        assertTrue(r.out().contains("cosine-annealed to 0"), r.out());
    }
}
