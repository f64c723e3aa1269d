package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;
import org.junit.jupiter.api.Test;

class CpuBackendDiscoveryTest {

    @Test
    void serviceLoaderFindsTheCpuProvider() {
        BackendProvider p = Backends.provider("cpu");
        assertInstanceOf(CpuBackendProvider.class, p);
        assertEquals(0, p.priority());
        assertTrue(p.availability().usable(), p.availability().detail());
    }

    @Test
    void openingByNameHonoursTheThreadCount() {
        try (Backend b = Backends.open("cpu", new BackendOptions(3))) {
            CpuBackend cpu = assertInstanceOf(CpuBackend.class, b);
            assertEquals(3, cpu.threads());
            assertEquals("cpu", cpu.name());
            assertTrue(cpu.description().startsWith("CPU, 3 threads, "), cpu.description());
        }
    }

    @Test
    void defaultOptionsUseEveryProcessor() {
        try (CpuBackend cpu = (CpuBackend) new CpuBackendProvider().create(BackendOptions.defaults())) {
            assertEquals(Runtime.getRuntime().availableProcessors(), cpu.threads());
        }
    }

    @Test
    void testJvmsRunTheVectorGemm() {
        // surefire adds jdk.incubator.vector; without it the contract would only cover the scalar kernel
        try (CpuBackend cpu = new CpuBackend(1)) {
            assertTrue(cpu.vectorGemm(), cpu.description());
            assertTrue(cpu.description().contains("vector GEMM"), cpu.description());
        }
    }

    @Test
    void zeroThreadsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(0));
    }
}
