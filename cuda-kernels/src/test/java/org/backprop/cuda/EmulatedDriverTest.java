package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emulated driver only: what needs a driver other than the one this JVM loaded, each in a child
 * JVM ({@link EmulatedScenario}) with the emulator's knobs set: an old driver that refuses our
 * PTX and the fallback to the CPU, a machine without cuBLAS, and the emulator's own strictness
 * (the misuses it must catch, which the parent reads from the child's exit report).
 */
class EmulatedDriverTest {

    @TempDir
    Path tmp;

    @BeforeEach
    void emulatedRunOnly() {
        assumeTrue(Emulation.active(), "not the emulated-driver test run");
        assumeTrue(Emulation.notBuiltReason() == null, () -> Emulation.notBuiltReason());
    }

    /** Runs one scenario; returns its "key: value" lines (the first of each key). */
    private Map<String, String> child(String scenario, Path libraryDir, String... env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EmulatedScenario.class.getName(), scenario));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LD_LIBRARY_PATH", libraryDir.toString());
        pb.environment().put("BACKPROP_EMU_REPORT_DIR", tmp.toString());
        pb.environment().put("BACKPROP_EMU_QUIET", "1");
        for (int i = 0; i < env.length; i += 2) {
            pb.environment().put(env[i], env[i + 1]);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + out);
        Map<String, String> lines = new LinkedHashMap<>();
        for (String line : out.split("\\R")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                lines.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return lines;
    }

    private Map<String, String> report() throws IOException {
        Map<String, String> r = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(tmp)) {
            Path f = files.filter(p -> p.getFileName().toString().startsWith("driver-")).findFirst().orElseThrow();
            for (String line : Files.readAllLines(f)) {
                int sp = line.indexOf(' ');
                r.put(line.substring(0, sp), line.substring(sp + 1));
            }
        }
        return r;
    }

    @Test
    void anOldDriverRefusesOurPtxWithTheJitLogAndBestFallsBackToTheCpu() throws Exception {
        Map<String, String> out = child("probe", Emulation.dir(),
                "BACKPROP_EMU_DRIVER_VERSION", "11080", "BACKPROP_EMU_MAX_PTX_ISA", "7.8");
        assertEquals("false", out.get("usable"));
        String detail = out.get("detail");
        assertTrue(detail.startsWith("the NVIDIA driver (CUDA 11.8) rejected our PTX"), detail);
        assertTrue(detail.contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION"), detail);
        assertTrue(detail.contains("(JIT: ptxas application ptx input, line 1; fatal   : Unsupported .version 8.0"), detail);
        assertTrue(detail.contains("needs a driver of CUDA 12.0 or newer"), detail);
        assertEquals("cpu", out.get("best"));
        assertTrue(out.get("logged").contains(detail), out.get("logged"));
        assertTrue(out.get("open refused").contains(detail), out.get("open refused"));
        assertEquals("0", report().get("misuses"));
    }

    @Test
    void theOldestSupportedDriverLoadsOurPtx() throws Exception {
        Map<String, String> out = child("probe", Emulation.dir(),
                "BACKPROP_EMU_DRIVER_VERSION", "12000", "BACKPROP_EMU_MAX_PTX_ISA", "8.0");
        assertEquals("true", out.get("usable"), out.get("detail"));
        assertTrue(out.get("detail").contains("driver CUDA 12.0"), out.get("detail"));
        assertEquals("cuda", out.get("best"));
        assertEquals("0", report().get("misuses"));
        assertEquals("0", report().get("live_allocations"));
    }

    @Test
    void withoutCublasTheBackendRunsThePtxGemmAndSaysWhy() throws Exception {
        Path onlyDriver = Files.createDirectory(tmp.resolve("lib"));
        Files.createSymbolicLink(onlyDriver.resolve("libcuda.so.1"), Emulation.dir().resolve("libcuda.so.1"));
        Map<String, String> out = child("probe", onlyDriver);
        assertEquals("true", out.get("usable"), out.get("detail"));
        assertEquals("PTX SGEMM (cuBLAS unavailable: libcublas.so.12 not found (JCublas " + NativeErrors.jcudaVersion()
                + " links libcublas.so.12))", out.get("gemm"));
    }

    @Test
    void theEmulatorRefusesBadCopiesContextlessCallsLaunchesOverTheLimitsAndKernelsWritingPastAnAllocation()
            throws Exception {
        Map<String, String> out = child("misuse", Emulation.dir());
        assertTrue(out.get("oversized copy").contains("CUDA_ERROR_INVALID_VALUE"), out.toString());
        assertTrue(out.get("free without context").contains("CUDA_ERROR_INVALID_CONTEXT"), out.toString());
        assertTrue(out.get("overrunning kernel").contains("CUDA_ERROR_ILLEGAL_ADDRESS"), out.toString());
        assertTrue(out.get("2048 threads per block").contains("CUDA_ERROR_INVALID_VALUE"), out.toString());
        assertTrue(out.get("gemm above its .maxntid").contains("CUDA_ERROR_INVALID_VALUE"), out.toString());
        assertTrue(out.get("grid y of 65536").contains("CUDA_ERROR_INVALID_VALUE"), out.toString());
        Map<String, String> report = report();
        assertEquals("6", report.get("misuses"), report.toString());
        assertTrue(report.get("first_misuse").contains("outside any live allocation"), report.toString());
    }
}
