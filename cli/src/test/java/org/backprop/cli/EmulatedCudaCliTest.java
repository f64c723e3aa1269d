package org.backprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * --backend cuda} on the bundled MNIST sample, whose every epoch must match the CPU's, and an old
 * driver that refuses our PTX (an error for {@code --backend cuda}, the CPU for auto). A check of
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
        Cli.Run r = Cli.ok("devices");
        assertTrue(r.out().contains("cuda  usable"), r.out());
        assertTrue(r.out().contains("Emulated CUDA device"), r.out());
        assertTrue(r.out().matches("(?s).*kernels: [1-9][0-9]* from our PTX \\(ISA 8\\.0.*"), r.out());
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

    @Test
    void onAnOldDriverTrainOnCudaIsAnErrorWithTheReasonAndAutoTrainsOnTheCpu() throws Exception {
        Cli.Run cuda = oldDriver("train", "--backend", "cuda", "--data", "mnist-sample", "--layers", "8", "--epochs", "1");
        assertEquals(Main.USAGE, cuda.exit(), cuda.out() + cuda.err());
        String reason = "the NVIDIA driver (CUDA 11.8) rejected our PTX";
        assertTrue(cuda.err().contains("backend cuda cannot run here: " + reason), cuda.err());
        assertTrue(cuda.err().contains("Unsupported .version 8.0"), cuda.err());
        assertFalse(cuda.err().contains("\tat "), "no stack trace without --verbose: " + cuda.err());
        Cli.Run auto = oldDriver("train", "--backend", "auto", "--data", "mnist-sample", "--layers", "8", "--epochs", "1");
        assertEquals(0, auto.exit(), auto.out() + auto.err());
        String all = auto.out() + auto.err();
        assertTrue(all.contains("backend cpu"), all);
        assertTrue(all.contains("not cuda: " + reason), all);
    }

    @Test
    void aRegressionOnCudaGivesTheCpusRmse(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // y = 2a − b + noise: a linear output unit trained with squared error, through the same Backend ops
        java.util.Random r = new java.util.Random(3);
        StringBuilder sb = new StringBuilder("a,b,y\n");
        for (int i = 0; i < 200; i++) {
            double a = r.nextGaussian(), b = r.nextGaussian();
            sb.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.4f%n", a, b, 2 * a - b + 0.1 * r.nextGaussian()));
        }
        Path csv = java.nio.file.Files.writeString(dir.resolve("y.csv"), sb);
        Pattern done = Pattern.compile("done: test RMSE ([0-9.]+), MAE ([0-9.]+), R² (-?[0-9.]+)");
        double[][] got = new double[2][];
        String[] backends = {"cpu", "cuda"};
        for (int k = 0; k < 2; k++) {
            Cli.Run run = Cli.run("train", "--backend", backends[k], "--data", csv.toString(), "--layers", "8",
                    "--epochs", "8", "--batch", "16", "--seed", "7", "--optimizer", "sgd", "--lr", "0.05",
                    "--lr-schedule", "constant");
            assertEquals(0, run.exit(), run.out() + run.err());
            Matcher m = done.matcher(run.out());
            assertTrue(m.find(), run.out());
            got[k] = new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(3))};
        }
        assertTrue(got[0][1] > 0.9, "the CPU run learns the rule: R² " + got[0][1]);
        assertEquals(got[0][0], got[1][0], 2e-4, "test RMSE");
        assertEquals(got[0][1], got[1][1], 2e-4, "test R²");
    }

    /** The command line in a child JVM whose emulated driver plays CUDA 11.8 (PTX ISA 7.8 at most). */
    private static Cli.Run oldDriver(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("BACKPROP_EMU_DRIVER_VERSION", "11080");
        pb.environment().put("BACKPROP_EMU_MAX_PTX_ISA", "7.8");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        java.util.concurrent.CompletableFuture<byte[]> err =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        return new Cli.Run(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
