package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.backprop.core.Availability;
import org.backprop.core.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line on the emulated CUDA driver (cuda-kernels/src/test/emulation), run by the
 * {@code emulated-driver} test execution: {@code devices}, {@code parity} and {@code train
 * --backend cuda} on the bundled MNIST sample, whose every epoch must match the CPU's. A check of
 * the wiring and the arithmetic, never of GPU speed: the emulator runs the kernels on the CPU.
 * The network is reduced to 784-64-10 for 2 epochs (the default recipe, 784-512-512-10 for 10
 * epochs, takes minutes on the emulator).
 */
class EmulatedCudaCliTest {

    private static final Pattern EPOCH = Pattern.compile("epoch (\\d+)/\\d+ +loss ([0-9.]+) +test acc ([0-9.]+)%");

    @BeforeEach
    void emulatedRunOnly() {
        assumeTrue(System.getProperty("backprop.cuda.emulated") != null, "not the emulated-driver test run");
        Availability a = Backends.provider("cuda").availability();
        assumeTrue(a.usable(), () -> "emulated CUDA driver not usable: " + a.detail());
    }

    @AfterEach
    void defaultGemm() {
        System.clearProperty("backprop.cuda.gemm");
    }

    @Test
    void devicesShowsTheEmulatedDeviceAndItsGemmPath() {
        Cli.Run r = Cli.run("devices");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("cuda  usable"), r.out());
        assertTrue(r.out().contains("Emulated CUDA device"), r.out());
        assertTrue(r.out().contains("kernels: 26 from our PTX (ISA 8.0"), r.out());
        assertTrue(r.out().contains("GEMM path: cuBLAS"), r.out());
    }

    @Test
    void parityHoldsOnTheEmulatedDevice() {
        Cli.Run r = Cli.run("parity");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("cuda"), r.out());
        assertTrue(r.out().contains("parity: every op within its bound"), r.out());
    }

    @Test
    void trainOnCudaWithCublasGivesTheCpusEpochs() {
        assertSameEpochs(train("cpu"), train("cuda"));
    }

    @Test
    void trainOnCudaWithThePtxGemmGivesTheCpusEpochs() {
        System.setProperty("backprop.cuda.gemm", "ptx");
        assertSameEpochs(train("cpu"), train("cuda"));
    }

    private static List<double[]> train(String backend) {
        Cli.Run r = Cli.run("train", "--backend", backend, "--data", "mnist-sample", "--layers", "64",
                "--epochs", "2", "--seed", "7");
        assertEquals(0, r.exit(), r.out() + r.err());
        if (backend.equals("cuda")) {
            assertTrue(r.err().contains("Emulated CUDA device") || r.out().contains("Emulated CUDA device"),
                    r.out() + r.err());
        }
        List<double[]> epochs = new ArrayList<>();
        Matcher m = EPOCH.matcher(r.out());
        while (m.find()) {
            epochs.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
        }
        assertEquals(2, epochs.size(), r.out());
        return epochs;
    }

    private static void assertSameEpochs(List<double[]> cpu, List<double[]> cuda) {
        for (int e = 0; e < cpu.size(); e++) {
            // same seed, same batches, fp32 on both sides: the epoch loss (printed to 4 decimals)
            // may differ by the last digit from GEMM summation order, the accuracy by one image
            assertEquals(cpu.get(e)[0], cuda.get(e)[0], 2e-4, "epoch " + (e + 1) + " loss");
            assertEquals(cpu.get(e)[1], cuda.get(e)[1], 0.1, "epoch " + (e + 1) + " test accuracy (%)");
        }
    }
}
