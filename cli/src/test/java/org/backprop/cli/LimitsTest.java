package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.backprop.io.Checkpoint;
import org.backprop.io.LayerState;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests beyond what the machine has are refused in one line, with the numbers. */
class LimitsTest {

    @TempDir Path dir;

    record Child(int exit, String out, String err) { }

    /** The command line in a child JVM with a small heap, so that running out of memory is cheap and contained. */
    private static Child inSmallHeap(String heap, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child did not finish");
        String e = new String(err, StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
        return new Child(p.exitValue(), new String(out, StandardCharsets.UTF_8), e);
    }

    /** Lines of stderr other than the one that says which backend runs. */
    private static long errorLines(String err) {
        return err.strip().lines().filter(l -> !l.startsWith("backprop: backend ")).count();
    }

    @Test
    void aModelThatCannotFitIsRefusedWithTheEstimateBeforeAllocating() throws Exception {
        Child c = inSmallHeap("512m", "train", "--data", "mnist-sample", "--layers", "30000,30000", "--epochs", "1",
                "--backend", "cpu");
        assertEquals(Main.USAGE, c.exit(), c.out() + c.err());
        assertEquals(1, errorLines(c.err()), c.err());
        assertTrue(c.err().contains("model 784-30000-30000-10 needs about") && c.err().contains("923,880,010 parameters")
                && c.err().contains("heap maximum"), c.err());
        assertFalse(c.out().contains("epoch 1/1"), c.out());
    }

    @Test
    void anOutOfMemoryThatStillHappensIsOneLine() {
        FaultyBackendProvider.GEMMS.set(0);
        FaultyBackendProvider.failAtGemm = 5;
        FaultyBackendProvider.outOfMemory = true;
        try {
            Cli.Run r = Cli.run("train", "--data", "mnist-sample", "--layers", "16", "--epochs", "1", "--backend", "faulty");
            assertEquals(Main.USAGE, r.exit(), r.out() + r.err());
            assertEquals(1, errorLines(r.err()), r.err());
            assertTrue(r.err().contains("backprop: out of memory: the Java heap (maximum ")
                    && r.err().contains("model 784-16-10 needs about") && r.err().contains("BACKPROP_JAVA_OPTS=-Xmx"), r.err());
        } finally {
            FaultyBackendProvider.failAtGemm = Integer.MAX_VALUE;
            FaultyBackendProvider.outOfMemory = false;
        }
    }

    @Test
    void threadsBeyondTheProcessorsAreCappedWithAMessage() {
        int cpus = Runtime.getRuntime().availableProcessors();
        Cli.Run r = Cli.ok("train", "--data", "mnist-sample", "--layers", "none", "--epochs", "1", "--backend", "cpu",
                "--threads", "4096");
        assertTrue(r.err().contains("--threads 4096 is more than the " + cpus + " processors available; using " + cpus), r.err());
        assertTrue(r.err().contains("backend cpu (CPU, " + cpus + (cpus == 1 ? " thread" : " threads")), r.err());
    }

    @Test
    void aTestSetWithoutATrainingColumnNamesTheFileAndTheColumn() throws Exception {
        Path train = Files.writeString(dir.resolve("train.csv"), "a,b,label\n1,2,0\n3,4,1\n5,6,0\n");
        Path test = Files.writeString(dir.resolve("test.csv"), "a,label\n1,0\n3,1\n");
        Cli.Run r = Cli.run("train", "--data", train.toString(), "--test", test.toString(), "--epochs", "1",
                "--backend", "cpu");
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains(test + ": has no column 'b', which the model was trained on (its header: a, label)"),
                r.err());
    }

    @Test
    void controlCharactersFromAModelFileNeverReachTheTerminalRaw() throws Exception {
        Path model = dir.resolve("evil.bpm");
        String evil = "relu\n\u001b]0;owned\u0007\u001b[2J";
        Checkpoint.save(model, new ModelState(List.of(new LayerState(evil, 784, 10, new float[7840], new float[10])),
                Map.of(), Map.of()));
        Cli.Run r = Cli.run("eval", "--model", model.toString(), "--data", "mnist-sample", "--backend", "cpu");
        assertEquals(Main.USAGE, r.exit(), r.err());
        assertEquals(1, errorLines(r.err()), r.err());
        assertFalse(r.err().contains("\u001b") || r.err().contains("\u0007"), r.err());
        assertTrue(r.err().contains("unknown activation 'relu\\n\\u001b]0;owned\\u0007\\u001b[2J'"), r.err());
    }
}
