package org.backprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A JVM killed while saving must leave the previous checkpoint (or a complete new one) in place,
 * never a partial file.
 */
class CheckpointCrashTest {

    @TempDir
    Path dir;

    static Process child(Path file, String mode, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CheckpointCrashChild.class.getName(), file.toString(), mode));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the child's output until a line starts with {@code prefix}; fails if the child ends first. */
    static void awaitLine(Process p, BufferedReader out, String prefix) throws IOException {
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return;
            }
            seen.append(line).append(" | ");
        }
        throw new AssertionError("child ended without printing '" + prefix + "': " + seen);
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child did not die");
    }

    @Test
    void killedBetweenWriteAndRenameLeavesThePreviousCheckpoint() throws Exception {
        Path file = dir.resolve("model.bprop");
        ModelState previous = States.random(1, 6, 4, 3);
        Checkpoint.save(file, previous);
        Process p = child(file, "pause", "-D" + AtomicFile.PAUSE_PROPERTY + "=60000");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            awaitLine(p, out, "written ");
            kill(p);
        } finally {
            p.destroyForcibly();
        }
        States.assertSame(previous, Checkpoint.load(file));
    }

    /**
     * Kills the child while its temporary file is being written (after {@code bytes} of it are
     * on disk), during its first save or a later one; the file must then be the last complete
     * checkpoint: all its values equal.
     */
    @ParameterizedTest
    @CsvSource({"1, 1", "4000000, 1", "1, 3"})
    void killedMidWriteLeavesACompleteCheckpoint(long bytes, int save) throws Exception {
        Path file = dir.resolve("model.bprop");
        Checkpoint.save(file, States.filled(0, 1024, 2048));
        Process p = child(file, "loop");
        long partial;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            awaitLine(p, out, "saving " + save);
            partial = awaitTemporaryFile(p, bytes);
            kill(p);
        } finally {
            p.destroyForcibly();
        }
        assertTrue(partial >= bytes, "killed with a temporary file of " + partial + " bytes");
        ModelState s = Checkpoint.load(file);
        float value = Float.parseFloat(s.metadata().get("value"));
        for (LayerState layer : s.layers()) {
            assertEquals(1024 * 2048, layer.weights().length);
            for (float w : layer.weights()) {
                assertEquals(value, w, 0f);
            }
        }
    }

    /** Polls for the child's temporary checkpoint to reach {@code bytes}; returns its size then. */
    private long awaitTemporaryFile(Process p, long bytes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    if (f.getFileName().toString().endsWith(".tmp")) {
                        try {
                            long size = Files.size(f);
                            if (size >= bytes) {
                                return size;
                            }
                        } catch (NoSuchFileException renamedMeanwhile) {
                            // the save finished between list and size: wait for the next one
                        }
                    }
                }
            }
            Thread.sleep(0, 200_000);
        }
        throw new AssertionError("never saw a temporary checkpoint of " + bytes + " bytes");
    }
}
