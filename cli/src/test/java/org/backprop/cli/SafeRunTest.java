package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run never loses or silently replaces a file, and a resumed run rebuilds its data exactly. */
class SafeRunTest {

    @TempDir Path dir;

    /** A two-class table with a rule the model can learn, plenty of rows so the split matters. */
    private Path table(String name, int rows, long seed) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("a,b,c,label\n");
        for (int i = 0; i < rows; i++) {
            double a = 10 * r.nextGaussian() + 5, b = r.nextGaussian(), c = 100 * r.nextDouble();
            sb.append(String.format(Locale.ROOT, "%.3f,%.3f,%.2f,%d%n", a, b, c, a - 5 + 3 * b > 0 ? 1 : 0));
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb);
        return p;
    }

    private static void assertSameParameters(ModelState a, ModelState b) {
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), "layer " + i + " weights");
            assertArrayEquals(a.layers().get(i).bias(), b.layers().get(i).bias(), "layer " + i + " bias");
        }
    }

    @Test
    void resumingACsvRunSplitsAndScalesWithTheCheckpointsSeedNotTheCommandLines() throws Exception {
        Path csv = table("data.csv", 300, 3);
        Path straight = dir.resolve("straight.bpm"), half = dir.resolve("half.bpm"), resumed = dir.resolve("resumed.bpm");
        String[] common = {"--data", csv.toString(), "--layers", "8", "--batch", "16", "--backend", "cpu",
                "--optimizer", "sgd", "--lr", "0.1", "--test-split", "0.3", "--lr-schedule", "exponential"};
        assertEquals(0, Cli.run(cat(common, "train", "--seed", "7", "--epochs", "4", "--save", straight.toString())).exit());
        assertEquals(0, Cli.run(cat(common, "train", "--seed", "7", "--epochs", "2", "--save", half.toString())).exit());
        // the command line's seed and split (the defaults, 42 and 0.2) differ; the checkpoint's must win
        Cli.Run r = Cli.ok("train", "--data", csv.toString(), "--backend", "cpu",
                "--epochs", "4", "--resume", half.toString(), "--save", resumed.toString());
        assertTrue(r.out().contains("held out (--test-split 0.3, seed 7)"), r.out());
        assertSameParameters(Checkpoint.load(straight), Checkpoint.load(resumed));
    }

    @Test
    void aFreshRunDoesNotReplaceAnotherRunsCheckpointUnlessTold() throws Exception {
        Path other = dir.resolve("run.bpm");
        String[] common = {"--data", "mnist-sample", "--layers", "none", "--epochs", "1", "--backend", "cpu",
                "--checkpoint-every", "1", "--checkpoint", other.toString()};
        assertEquals(0, Cli.run(cat(common, "train")).exit());
        byte[] before = Files.readAllBytes(other);
        Cli.Run again = Cli.run(cat(common, "train", "--seed", "9"));
        assertEquals(Main.USAGE, again.exit(), again.out());
        assertTrue(again.err().contains("already exists and this run did not write it: pass --overwrite"), again.err());
        assertFalse(again.out().contains("epoch 1/1"), "refused before training: " + again.out());
        assertArrayEquals(before, Files.readAllBytes(other));

        Cli.Run told = Cli.ok(cat(common, "train", "--seed", "9", "--overwrite"));
        assertEquals("9", Checkpoint.load(other).metadata().get("seed"));
    }

    @Test
    void aSaveTargetThatCannotBeWrittenFailsBeforeTheFirstEpoch() throws Exception {
        Path target = Files.createDirectory(dir.resolve("model.bpm"));
        Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "1", "--backend", "cpu",
                "--save", target.toString(), "--overwrite");
        assertEquals(Main.USAGE, r.exit(), r.out());
        assertTrue(r.err().contains("is a directory, not a regular file"), r.err());
        assertFalse(r.out().contains("epoch 1/1"), "refused before training: " + r.out());
    }

    @Test
    void aDivergedRunNamesOnlyACheckpointItWrote() throws Exception {
        Path stale = dir.resolve("stale.bpm");
        Files.write(stale, new byte[] {1, 2, 3});
        StringBuilder sb = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 40; i++) {
            sb.append(i % 4 == 0 ? "3e38" : Integer.toString(i % 7)).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("huge.csv"), sb);
        Cli.Run r = Cli.run("train", "--data", csv.toString(), "--no-standardize", "--layers", "4", "--epochs", "3",
                "--backend", "cpu", "--optimizer", "sgd", "--checkpoint-every", "1", "--checkpoint", stale.toString(),
                "--overwrite");
        assertEquals(Main.FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("this run wrote no checkpoint before it diverged"), r.err());
        assertFalse(r.err().contains("last good checkpoint is " + stale), r.err());
    }

    @Test
    void aCheckpointWithoutItsLossSettingIsNamedNotANullPointer() throws Exception {
        Cli.Run r = resumeEdited(metadata("loss", null));
        assertTrue(r.err().contains("has no 'loss' in its metadata"), r.err());
        assertFalse(r.err().contains("null"), r.err());
    }

    @Test
    void aCheckpointsBatchSizeIsHeldToTheOptionsRange() throws Exception {
        Cli.Run r = resumeEdited(metadata("batch", "0"));
        assertTrue(r.err().contains("the checkpoint's batch must be between 1 and 1048576, got 0"), r.err());
    }

    @Test
    void anAdamStepThatIsNotACountIsRefused() throws Exception {
        Cli.Run r = resumeEdited(s -> {
            Map<String, float[]> extras = new LinkedHashMap<>(s.extras());
            extras.put("adam.step", new float[] {Float.NaN});
            return new ModelState(s.layers(), s.metadata(), extras);
        });
        assertTrue(r.err().contains("adam.step is NaN"), r.err());
    }

    /** Saves a one-epoch run, edits its checkpoint, and resumes it: the run must end in a usage error. */
    private Cli.Run resumeEdited(UnaryOperator<ModelState> edit) {
        Path ckpt = dir.resolve("run.bpm");
        assertEquals(0, Cli.run("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "1",
                "--backend", "cpu", "--save", ckpt.toString()).exit());
        Checkpoint.save(ckpt, edit.apply(Checkpoint.load(ckpt)));
        Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--epochs", "2", "--backend", "cpu", "--resume", ckpt.toString());
        assertEquals(Main.USAGE, r.exit(), r.err());
        return r;
    }

    /** The edit that sets (or, given null, removes) one metadata entry. */
    private static UnaryOperator<ModelState> metadata(String key, String value) {
        return s -> {
            Map<String, String> m = new LinkedHashMap<>(s.metadata());
            if (value == null) {
                m.remove(key);
            } else {
                m.put(key, value);
            }
            return new ModelState(s.layers(), m, s.extras());
        };
    }

    /** The head arguments, then the common ones. */
    private static String[] cat(String[] common, String... head) {
        return Cli.concat(head, common);
    }
}
