package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.nn.StopRequest;
import org.backprop.nn.TrainResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C during {@code train}: the first saves the run after its batch, the second quits at once. */
class InterruptTest {

    @TempDir Path dir;

    @Test
    void theFirstSignalRequestsAStopAndTheSecondExitsWith130() {
        StopRequest stop = new StopRequest();
        AtomicInteger exit = new AtomicInteger(-1);
        AtomicInteger cleared = new AtomicInteger();
        Interrupts i = new Interrupts(stop, cleared::incrementAndGet, exit::set);
        i.onSignal();
        assertTrue(stop.isRequested());
        assertEquals(-1, exit.get(), "the first Ctrl-C lets the batch finish");
        i.onSignal();
        assertEquals(1, cleared.get(), "the progress bar is cleared before quitting");
        assertEquals(130, exit.get());
    }

    @Test
    void theCheckpointNeverReplacesAFileThisRunMayNotReplace() throws IOException {
        Path fallback = Path.of(OutputOptions.DEFAULT_CHECKPOINT);
        Path save = dir.resolve("model.bpm");
        Path beside = dir.resolve(OutputOptions.DEFAULT_CHECKPOINT);
        assertEquals(beside, InterruptedRun.checkpointFile(null, null, save, false, false, fallback));
        Files.writeString(beside, "another run's");
        assertEquals(dir.resolve("backprop-checkpoint-1.bpm"),
                InterruptedRun.checkpointFile(null, null, save, false, false, fallback));
        assertEquals(beside, InterruptedRun.checkpointFile(null, null, save, false, true, fallback), "--overwrite");
        assertEquals(beside, InterruptedRun.checkpointFile(beside, null, null, true, false, fallback),
                "the --checkpoint this run writes every N epochs");
        Path resumed = dir.resolve("run.bpm");
        assertEquals(resumed, InterruptedRun.checkpointFile(null, resumed, save, false, false, fallback));
    }

    @Test
    void theLineSaysWhereAndTheCommandThatResumes() {
        String line = InterruptedRun.line(new TrainResult.Interruption(2, 120, 469), Path.of("my run.bpm"), null);
        assertEquals("interrupted in epoch 3 after batch 120 of 469: checkpoint my run.bpm;"
                + " resume with: backprop train --resume 'my run.bpm'", line);
        assertTrue(InterruptedRun.line(new TrainResult.Interruption(4, 0, 10), Path.of("c.bpm"), null)
                .startsWith("interrupted after epoch 4: checkpoint c.bpm;"));
    }

    /**
     * A real SIGINT to a training JVM: it exits 130 with a checkpoint of the batch it stopped
     * after and the command that resumes it; that command continues from that batch.
     */
    @Test
    void sigintToATrainingProcessSavesTheRunAndTheResumeCommandContinuesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(sigintIgnoredHere(),
                "SIGINT is ignored in this process (a background job or nohup), so a child JVM could not receive it");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", "--data", "mnist-sample", "--layers", "32", "--epochs", "1000", "--batch", "10",
                "--backend", "cpu", "--threads", "1", "--progress"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        // a child that never reacts must not hold the build for its 1000 epochs
        java.util.concurrent.CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS).execute(p::destroyForcibly);
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            boolean sent = false;
            while ((l = r.readLine()) != null) {
                out.append(l).append('\n');
                if (!sent && l.startsWith("epoch 1/1000")) {
                    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
                    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -INT failed");
                    sent = true;
                }
            }
            assertTrue(sent, "never saw epoch 1: " + out);
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        assertEquals(130, p.exitValue(), out.toString());
        Matcher m = Pattern.compile("interrupted (in epoch (\\d+) after batch (\\d+) of 500|after epoch (\\d+)):"
                + " checkpoint backprop-checkpoint.bpm; resume with: backprop train --resume backprop-checkpoint.bpm"
                + " --backend cpu --threads 1\n").matcher(out);
        assertTrue(m.find(), out.toString());
        assertTrue(out.toString().contains("finishing this batch, then saving a checkpoint"), out.toString());
        ModelState saved = Checkpoint.load(dir.resolve("backprop-checkpoint.bpm"));
        int epoch = m.group(2) != null ? Integer.parseInt(m.group(2)) : Integer.parseInt(m.group(4)) + 1;
        String batches = m.group(3) != null ? m.group(3) : "0";
        assertEquals(Integer.toString(epoch - 1), saved.metadata().get("epoch"));
        assertEquals(batches, saved.metadata().get(InterruptedRun.BATCHES_DONE));

        // the printed command, with a nearer end, continues from the batch after the last one done
        Cli.Run resumed = Cli.ok("train", "--resume", dir.resolve("backprop-checkpoint.bpm").toString(),
                "--backend", "cpu", "--threads", "1", "--epochs", Integer.toString(epoch));
        String after = batches.equals("0") ? "after epoch " + (epoch - 1) + ","
                : "after epoch " + (epoch - 1) + " and " + batches + " batches of epoch " + epoch + ",";
        assertTrue(resumed.out().replace("\n  ", " ").contains(after), resumed.out());
        assertTrue(resumed.out().contains("epoch " + epoch + "/" + epoch), resumed.out());
        assertFalse(resumed.out().contains("epoch " + (epoch - 1) + "/"), resumed.out());
    }

    /** Whether SIGINT (signal 2) is ignored in this JVM, which a child would inherit. */
    private static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String l : Files.readAllLines(status)) {
            if (l.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(l.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }
}
