package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device that dies mid-run: an error naming it, or with --fallback cpu, the same run finished on the CPU. */
class FallbackTest {

    @TempDir Path dir;

    private static final String[] RUN = {"train", "--data", "mnist-sample", "--layers", "16", "--epochs", "3",
            "--batch", "500", "--seed", "3", "--threads", "2"};

    @AfterEach
    void reset() {
        FaultyBackendProvider.failAtGemm = Integer.MAX_VALUE;
    }

    private static String[] with(String... extra) {
        String[] out = new String[RUN.length + extra.length];
        System.arraycopy(RUN, 0, out, 0, RUN.length);
        System.arraycopy(extra, 0, out, RUN.length, extra.length);
        return out;
    }

    @Test
    void aDeviceFaultWithoutFallbackIsAClearErrorAndExitCode1() {
        FaultyBackendProvider.GEMMS.set(0);
        FaultyBackendProvider.failAtGemm = 80;
        Cli.Run r = Cli.run(with("--backend", "faulty"));
        assertEquals(Main.FAILED, r.exit(), r.out());
        assertTrue(r.err().contains("simulated device fault: CUDA_ERROR_LAUNCH_FAILED in gemm"), r.err());
        assertTrue(r.out().contains("epoch 1/3"), r.out());
    }

    @Test
    void withFallbackTheRunContinuesOnTheCpuFromTheLastEpochAndMatchesAnUninterruptedRun() throws Exception {
        Path clean = dir.resolve("clean.bpm"), rescued = dir.resolve("rescued.bpm");
        assertEquals(0, Cli.run(with("--backend", "cpu", "--save", clean.toString())).exit());
        FaultyBackendProvider.GEMMS.set(0);
        FaultyBackendProvider.failAtGemm = 80; // 10 batches x 5 GEMMs per epoch plus evaluation: fails in epoch 2
        Cli.Run r = Cli.ok(with("--backend", "faulty", "--fallback", "cpu", "--save", rescued.toString()));
        assertTrue(r.err().contains("backend faulty failed: simulated device fault"), r.err());
        assertTrue(r.err().contains("continuing on the CPU after epoch 1"), r.err());
        assertTrue(r.out().contains("epoch 2/3") && r.out().contains("epoch 3/3"), r.out());
        ModelState a = Checkpoint.load(clean), b = Checkpoint.load(rescued);
        for (int i = 0; i < a.layers().size(); i++) {
            assertArrayEquals(a.layers().get(i).weights(), b.layers().get(i).weights(), "layer " + i);
        }
    }
}
