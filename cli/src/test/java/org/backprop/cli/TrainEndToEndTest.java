package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** train, save, eval, predict and resume through the command line, on the bundled sample. */
class TrainEndToEndTest {

    @TempDir Path dir;

    private static final Pattern EPOCH = Pattern.compile(
            "epoch (\\d+)/(\\d+)  loss (\\d+\\.\\d{4})  test acc (\\d+\\.\\d{2})%  \\(test loss \\d+\\.\\d{4},"
                    + " train acc \\d+\\.\\d{2}%\\)  (\\d+\\.\\d{2}) s  \\d+/s\n");

    @Test
    void trainPrintsEpochLinesSavesAndTheModelEvaluatesAndPredicts() throws Exception {
        Path model = dir.resolve("m.bpm");
        Path png = dir.resolve("curves.png");
        Cli.Run t = Cli.ok("train", "--data", "mnist-sample", "--layers", "64", "--epochs", "2", "--batch", "64",
                "--backend", "cpu", "--save", model.toString(), "--plot", png.toString());
        Matcher m = EPOCH.matcher(t.out());
        int lines = 0;
        double acc = 0;
        while (m.find()) {
            lines++;
            acc = Double.parseDouble(m.group(4));
        }
        assertEquals(2, lines, t.out());
        // 5000 training images, 2 epochs of a 64-unit MLP: ~90% on the 1000 sample test images
        assertTrue(acc > 85, "test accuracy " + acc);
        assertTrue(Files.size(model) > 0 && Files.size(png) > 0);

        Cli.Run e = Cli.ok("eval", "--model", model.toString(), "--data", "mnist-sample", "--backend", "cpu");
        assertTrue(e.out().contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", acc)), e.out() + "\n" + t.out());

        // ~90% accurate after 2 epochs: the one-vs-rest areas are high, the calibration rough
        Matcher auc = Pattern.compile("macro ROC AUC (\\d\\.\\d{4})").matcher(e.out());
        Matcher ece = Pattern.compile("expected calibration error (\\d\\.\\d{4}) over 10 bins").matcher(e.out());
        assertTrue(auc.find() && ece.find(), e.out());
        assertTrue(Double.parseDouble(auc.group(1)) > 0.97, e.out());
        assertTrue(Double.parseDouble(ece.group(1)) < 0.2, e.out());

        Path npz = dir.resolve("m.npz");
        Cli.Run s = Cli.ok("train", "--data", "mnist-sample", "--layers", "64", "--epochs", "2", "--batch", "64",
                "--backend", "cpu", "--save", npz.toString());
        Cli.Run e2 = Cli.run("eval", "--model", npz.toString(), "--data", "mnist-sample", "--backend", "cpu");
        assertEquals(e.out(), e2.out(), "the .npz export evaluates exactly like the checkpoint");
    }

    /**
     * Resume equivalence: 4 epochs straight equals 2 epochs, a checkpoint, then 2 more, with a
     * schedule that does not depend on the run's length (cosine re-anneals over a longer run); also with
     * dropout (its mask is keyed by the optimiser's step, which the checkpoint carries) and
     * decoupled weight decay, both read back from the checkpoint rather than the command line.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--optimizer adam --lr-schedule exponential",
            "--optimizer adamw --weight-decay 0.05 --dropout 0.3,0.2 --lr-schedule step --lr-step 1"})
    void resumingFromACheckpointGivesTheSameParametersAsAnUninterruptedRun(String recipe) throws Exception {
        Path straight = dir.resolve("straight.bpm");
        Path half = dir.resolve("half.bpm");
        Path resumed = dir.resolve("resumed.bpm");
        String[] common = concat(recipe.split(" "), "--data", "mnist-sample", "--layers", "32,16", "--batch", "100",
                "--backend", "cpu", "--seed", "7");
        assertEquals(0, Cli.run(concat(common, "train", "--epochs", "4", "--save", straight.toString())).exit());
        assertEquals(0, Cli.run(concat(common, "train", "--epochs", "2", "--save", half.toString())).exit());
        // the resumed run is given none of the recipe's options: they come from the checkpoint
        Cli.Run r = Cli.ok("train", "--data", "mnist-sample", "--backend", "cpu", "--batch", "100", "--seed", "7",
                "--epochs", "4", "--resume", half.toString(), "--save", resumed.toString());
        assertTrue(r.out().contains("epoch 3/4") && !r.out().contains("epoch 2/4"), r.out());
        ModelState a = Checkpoint.load(straight), b = Checkpoint.load(resumed);
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), "layer " + i + " weights");
            assertArrayEquals(a.layers().get(i).bias(), b.layers().get(i).bias(), "layer " + i + " bias");
        }
    }

    /** --val-split, --early-stop, --history and a schedule with warm-up, through the command line. */
    @Test
    void validationSplitEarlyStoppingAndHistory() throws Exception {
        Path csv = dir.resolve("h.csv");
        Path best = dir.resolve("best.bpm");
        Cli.Run t = Cli.ok("train", "--data", "mnist-sample", "--layers", "32", "--epochs", "4", "--batch", "100",
                "--backend", "cpu", "--val-split", "0.2", "--early-stop", "1", "--history", csv.toString(),
                "--lr-schedule", "cosine", "--warmup", "1", "--save-best", best.toString());
        assertTrue(t.out().contains("validation: 1000 of the 5000 training samples held out"), t.out());
        assertTrue(t.out().contains("cosine-annealed to 0 after 1 warm-up epoch"), t.out());
        assertTrue(t.out().contains("val acc ") && !t.out().contains("test acc "), t.out());
        Matcher test = Pattern.compile("test: loss \\d+\\.\\d{4}  acc (\\d+\\.\\d{2})% \\(epoch (\\d+)'s weights, 1000 samples\\)")
                .matcher(t.out());
        assertTrue(test.find(), t.out());
        assertTrue(t.out().contains("done: test accuracy " + test.group(1) + "%"), t.out());
        // the keep-best checkpoint holds the epoch whose weights the run ended with
        assertEquals(test.group(2), Checkpoint.load(best).metadata().get("epoch"));
        java.util.List<String> rows = Files.readAllLines(csv);
        int epochLines = t.out().split("\\nepoch ", -1).length - 1;
        assertEquals("epoch,loss,accuracy,val_loss,val_accuracy,test_loss,test_accuracy,lr,seconds", rows.get(0));
        assertEquals(epochLines, rows.size() - 1, String.join("\n", rows));
        String[] first = rows.get(1).split(",", -1);
        assertEquals("1", first[0]);
        assertEquals(0.0005, Double.parseDouble(first[7]), 1e-9, "warm-up epoch 1 of 1 trains at half the rate");
        assertTrue(first[5].isEmpty() && !first[3].isEmpty(), "validation columns filled, test columns empty");
    }

    @Test
    void aResumedRunAppendsToItsHistory() throws Exception {
        Path jsonl = dir.resolve("h.jsonl");
        Path ck = dir.resolve("ck.bpm");
        String[] common = {"--data", "mnist-sample", "--layers", "16", "--batch", "250", "--backend", "cpu",
                "--history", jsonl.toString()};
        assertEquals(0, Cli.run(concat(common, "train", "--epochs", "2", "--save", ck.toString())).exit());
        Cli.Run r = Cli.ok(concat(common, "train", "--epochs", "3", "--resume", ck.toString()));
        java.util.List<String> rows = Files.readAllLines(jsonl);
        assertEquals(3, rows.size(), String.join("\n", rows));
        for (int e = 1; e <= 3; e++) {
            assertTrue(rows.get(e - 1).startsWith("{\"epoch\": " + e + ", \"loss\": "), rows.get(e - 1));
            assertTrue(rows.get(e - 1).contains("\"val_loss\": null"), rows.get(e - 1));
        }
    }

    @Test
    void firstLayerWeightsAsTilesFromTrainAndFromInspect() throws Exception {
        Path model = dir.resolve("w.bpm"), a = dir.resolve("a.png"), b = dir.resolve("b.png");
        Cli.Run t = Cli.ok("train", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--backend", "cpu",
                "--weights-png", a.toString(), "--save", model.toString());
        Cli.Run i = Cli.ok("inspect", "--model", model.toString(), "--top", "3", "--weights-png", b.toString());
        assertTrue(i.out().contains("parameters: 12730 = 12704 weights + 26 biases"), i.out());
        assertTrue(i.out().contains("   1. pixel (row "), i.out());
        for (Path png : new Path[] {a, b}) {
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            // 16 units: 4 tiles of 56 pixels a row, on a canvas at least 640 wide
            assertEquals(640, img.getWidth(), png.toString());
        }
        Cli.Run bad = Cli.run("train", "--data", "xor", "--epochs", "1", "--backend", "cpu",
                "--weights-png", dir.resolve("c.png").toString());
        assertEquals(Main.USAGE, bad.exit());
        assertTrue(bad.err().contains("--weights-png draws the first layer of an image model"), bad.err());
    }

    @Test
    void syntheticDataAndTheDecisionBoundaryPicture() throws Exception {
        Path png = dir.resolve("xor.png");
        Cli.Run t = Cli.ok("train", "--data", "xor:200", "--layers", "3", "--activation", "tanh", "--output", "sigmoid",
                "--lr", "0.05", "--lr-schedule", "constant", "--epochs", "100", "--batch", "32", "--backend", "cpu",
                "--plot-boundary", png.toString());
        assertTrue(t.out().contains("xor (synthetic, seed 42): 200 training and 50 test points"), t.out());
        assertTrue(t.out().contains("done: test accuracy 100.00%"), t.out());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(654, img.getWidth());
        Cli.Run bad = Cli.run("train", "--data", "mnist-sample", "--epochs", "1", "--layers", "8", "--backend", "cpu",
                "--plot-boundary", dir.resolve("b.png").toString());
        assertEquals(Main.USAGE, bad.exit());
        assertTrue(bad.err().contains("--plot-boundary draws models of 2 input features; this one takes 784"), bad.err());
        Cli.Run count = Cli.run("train", "--data", "moons:x");
        assertEquals(Main.USAGE, count.exit());
        assertTrue(count.err().contains("--data moons:x: 'x' is not a point count"), count.err());
    }

    /** The head arguments, then the common ones. */
    private static String[] concat(String[] common, String... head) {
        return Cli.concat(head, common);
    }
}
