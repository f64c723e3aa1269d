package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Backends;
import org.junit.jupiter.api.Test;

/**
 * Discovery and availability on whatever machine runs the tests: on CI (no driver) CUDA must be
 * reported unusable with a one-line reason and must never throw; on a GPU machine it is usable.
 */
class CudaAvailabilityTest {

    private static boolean libcudaPresent() {
        return Stream.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1", "/usr/lib/libcuda.so.1",
                        "/usr/local/nvidia/lib64/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1")
                .anyMatch(p -> Files.exists(Path.of(p)));
    }

    @Test
    void theCudaProviderIsRegistered() {
        BackendProvider p = Backends.provider("cuda");
        assertEquals("cuda", p.name());
        assertEquals(100, p.priority());
    }

    @Test
    void availabilityNeverThrowsAndGivesOneLine() {
        Availability a = new CudaBackendProvider().availability();
        assertFalse(a.detail().isBlank(), "availability must say what it found or why not");
        assertFalse(a.detail().contains("\n"), "reason must be one line: " + a.detail());
        assertEquals(a, new CudaBackendProvider().availability(), "the probe runs once and is cached");
    }

    @Test
    void withoutLibcudaTheReasonSaysThereIsNoDriver() {
        assumeFalse(libcudaPresent(), "libcuda.so.1 is installed here");
        Availability a = new CudaBackendProvider().availability();
        assertFalse(a.usable());
        assertEquals("no NVIDIA driver: libcuda.so.1 not found (JCuda's driver binding links it)", a.detail());
    }

    @Test
    void openingCudaWhereItCannotRunThrowsTheReason() {
        Availability a = new CudaBackendProvider().availability();
        assumeFalse(a.usable(), "CUDA is usable here");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("cuda", BackendOptions.defaults()));
        assertTrue(e.getMessage().contains(a.detail()), e.getMessage());
        assertThrows(BackendUnavailableException.class, () -> new CudaBackendProvider().create(BackendOptions.defaults()));
    }

    @Test
    void bestFallsBackToTheCpuWhereCudaCannotRun() {
        assumeFalse(new CudaBackendProvider().availability().usable(), "CUDA is usable here");
        assumeTrue(Backends.providers().stream().anyMatch(p -> p.name().equals("cpu")), "no cpu backend registered");
        try (Backend b = Backends.best()) {
            assertEquals("cpu", b.name());
        }
    }

    @Test
    void deviceReportNeverThrowsAndSaysWhy() {
        String report = CudaBackendProvider.deviceReport();
        Availability a = new CudaBackendProvider().availability();
        assertTrue(report.contains(a.detail()) || a.usable(), report);
        if (a.usable()) {
            assertTrue(report.contains("GEMM path:"), report);
            assertTrue(report.contains("cuBLAS:"), report);
        }
    }

    @Test
    void onAMachineWithADriverAndAGpuCudaIsUsable() {
        assumeTrue(libcudaPresent(), "no libcuda.so.1 here");
        Availability a = new CudaBackendProvider().availability();
        assumeTrue(!a.detail().contains("no CUDA device") && !a.detail().contains("CUDA_ERROR_NO_DEVICE"),
                "driver present but no device: " + a.detail());
        assertTrue(a.usable(), "CUDA should run here: " + a.detail());
    }
}
