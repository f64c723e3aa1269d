package org.backprop.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backprop train --spark local[2]} in a fresh JVM, as the launcher runs it: the command line
 * finds the spark module through ServiceLoader, starts and stops its own SparkSession, prints the epoch
 * lines, and writes the checkpoint and the .npz as single-process training does.
 */
class CommandLineTest {

    @TempDir Path dir;

    static ChildJvm.Run backprop(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector", "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), "org.backprop.cli.Main"));
        cmd.addAll(List.of(args));
        return ChildJvm.run(ChildJvm.command(cmd), "backprop train --spark");
    }

    @Test
    void trainWithSparkPrintsEpochLinesAndSavesCheckpointAndNpz() throws Exception {
        Path ckpt = dir.resolve("run.bpm");
        Path npz = dir.resolve("model.npz");
        ChildJvm.Run r = backprop("train", "--spark", "local[2]", "--data", "mnist-sample", "--layers", "32", "--epochs", "2",
                "--backend", "cpu", "--checkpoint-every", "1", "--checkpoint", ckpt.toString(),
                "--save", npz.toString(), "--progress=false");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("spark: master local[2], 2 partitions of 5000 rows, synchronous SGD"), r.out());
        assertTrue(r.out().contains("epoch 1/2  loss ") && r.out().contains("epoch 2/2  loss "), r.out());
        assertTrue(r.out().contains("spark: 80 jobs for 80 steps, executors computed on cpu,"), r.out());
        ModelState saved = Checkpoint.load(ckpt);
        assertEquals("2", saved.metadata().get("epoch"));
        // 5000 rows in batches of 128: 40 Adam steps per epoch, counted on the driver
        assertEquals(80f, saved.extras().get("adam.step")[0]);
        assertEquals(2, Npz.load(npz).layers().size());
        assertTrue(Files.size(npz) > 0);
    }

    @Test
    void syncEveryWithoutSparkIsABadOption() throws Exception {
        ChildJvm.Run r = backprop("train", "--sync-every", "4", "--data", "mnist-sample", "--epochs", "1");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.out().contains("backprop: --sync-every only applies to --spark training"), r.out());
    }

    @Test
    void sparkRefusesWhatItDoesNotImplementInsteadOfIgnoringIt() throws Exception {
        ChildJvm.Run dropout = backprop("train", "--spark", "local[2]", "--data", "mnist-sample", "--layers", "32",
                "--dropout", "0.5", "--epochs", "1");
        assertEquals(2, dropout.exit(), dropout.out());
        assertTrue(dropout.out().contains("backprop: cluster training does not support dropout yet"), dropout.out());
        ChildJvm.Run rmsprop = backprop("train", "--spark", "local[2]", "--data", "mnist-sample", "--optimizer", "rmsprop",
                "--epochs", "1");
        assertEquals(2, rmsprop.exit(), rmsprop.out());
        assertTrue(rmsprop.out().contains("backprop: cluster training uses sgd, momentum or adam as its optimizer, not rmsprop"), rmsprop.out());
    }
}
