package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.Test;

/**
 * The backend contract with the scalar GEMM forced, as on a JVM started without
 * {@code jdk.incubator.vector}: the packing and blocking are shared, the micro-kernel is not.
 */
class CpuBackendScalarGemmTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return new CpuBackend(2, false);
    }

    @Test
    void runsTheScalarKernelAndSaysSo() {
        CpuBackend cpu = (CpuBackend) backend();
        assertFalse(cpu.vectorGemm());
        assertTrue(cpu.description().contains("scalar"), cpu.description());
    }
}
