package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Supplier;

import jcuda.CudaException;
import jcuda.jcublas.cublasHandle;

import org.backprop.core.BackendUnavailableException;
import org.junit.jupiter.api.Test;

/** CI-safe: which GEMM a CUDA backend takes, given what the cuBLAS probe and cublasCreate did. */
class GemmSetupTest {

    private static final Supplier<cublasHandle> CREATE_FAILS = () -> {
        throw new CudaException("CUBLAS_STATUS_NOT_INITIALIZED");
    };
    private static final Supplier<cublasHandle> MUST_NOT_CREATE = () -> fail("cublasCreate must not be called");

    @Test
    void autoTakesCublasWhenAHandleCanBeMade() {
        cublasHandle h = new cublasHandle();
        GemmSetup s = GemmSetup.choose(GemmChoice.AUTO, null, 120803, () -> h);
        assertEquals(h, s.handle);
        assertEquals("cuBLAS 12.8.3", s.path);
    }

    @Test
    void autoFallsBackToThePtxGemmWhenCublasCreateFails() {
        GemmSetup s = GemmSetup.choose(GemmChoice.AUTO, null, 120803, CREATE_FAILS);
        assertNull(s.handle);
        assertEquals("PTX SGEMM (cuBLAS unavailable: cublasCreate failed: CUBLAS_STATUS_NOT_INITIALIZED)", s.path);
    }

    @Test
    void autoTakesThePtxGemmWithTheProbesReasonWhenCublasDidNotLoad() {
        GemmSetup s = GemmSetup.choose(GemmChoice.AUTO, "libcublas.so.12 not found",
                0, MUST_NOT_CREATE);
        assertNull(s.handle);
        assertEquals("PTX SGEMM (cuBLAS unavailable: libcublas.so.12 not found)", s.path);
    }

    @Test
    void askingForCublasWhereCublasCreateFailsIsAnErrorNotASwitch() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> GemmSetup.choose(GemmChoice.CUBLAS, null, 120803, CREATE_FAILS));
        assertTrue(e.getMessage().contains("cublasCreate failed: CUBLAS_STATUS_NOT_INITIALIZED"), e.getMessage());
    }

    @Test
    void askingForThePtxGemmNeverTouchesCublas() {
        GemmSetup s = GemmSetup.choose(GemmChoice.PTX, null, 120803, MUST_NOT_CREATE);
        assertNull(s.handle);
        assertNotNull(s.path);
        assertTrue(s.path.startsWith("PTX SGEMM (asked for"), s.path);
    }
}
