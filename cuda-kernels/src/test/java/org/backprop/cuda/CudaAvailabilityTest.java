package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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

    /** What the probe found when it could not even load JCuda's driver binding. */
    private static final String NO_DRIVER = "no NVIDIA driver: libcuda.so.1 not found (JCuda's driver binding links it)";

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
    void withoutLibcudaTheReasonSaysThereIsNoDriverAndNothingElse() {
        Availability a = new CudaBackendProvider().availability();
        assumeTrue(!a.usable() && a.detail().contains("libcuda.so.1"), "the probe loaded libcuda.so.1: " + a.detail());
        assertEquals(NO_DRIVER, a.detail());
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
    void onceTheDriverLoadsAFailureNamesTheStepThatFailed() {
        Availability a = new CudaBackendProvider().availability();
        assumeFalse(a.usable() || a.detail().equals(NO_DRIVER), "CUDA is usable, or no driver: " + a.detail());
        assertTrue(a.detail().contains(" failed: ") || a.detail().contains("rejected our PTX")
                || a.detail().contains("no CUDA device") || a.detail().contains("compute capability"), a.detail());
    }

    @Test
    void onTheEmulatedDriverCudaIsUsableAndSaysItIsEmulated() {
        assumeTrue(Emulation.active(), "not the emulated-driver test run");
        assumeTrue(Emulation.notBuiltReason() == null, () -> Emulation.notBuiltReason());
        Availability a = new CudaBackendProvider().availability();
        assertTrue(a.usable(), a.detail());
        assertTrue(a.detail().startsWith("Emulated CUDA device"), a.detail());
        String report = CudaBackendProvider.deviceReport();
        assertTrue(report.contains("Emulated CUDA device"), report);
        assertTrue(report.contains("ISA 8.0"), report);
        assertTrue(report.contains("cuBLAS: loaded, version 12.0.0"), report);
    }
}
