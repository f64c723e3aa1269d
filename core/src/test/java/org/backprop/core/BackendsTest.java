package org.backprop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Core's own test class path registers no backend, which is exactly what a library user who
 * depends on backprop-core alone gets: the errors must name the artifact that is missing.
 */
class BackendsTest {

    @Test
    void coreAloneRegistersNoBackend() {
        assertEquals(List.of(), Backends.providers());
    }

    @Test
    void bestWithoutAnyBackendNamesTheCpuModule() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, Backends::best);
        assertEquals("no backend on the class path: add the dependency org.backprop:backprop-cpu-fallback "
                + "(the CPU backend) to the class path", e.getMessage());
    }

    @Test
    void openingCpuByNameWithoutTheModuleNamesIt() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.open("cpu", BackendOptions.defaults()));
        assertTrue(e.getMessage().contains("add the dependency org.backprop:backprop-cpu-fallback"), e.getMessage());
    }

    @Test
    void onlyAnUnusableCudaStillNamesTheCpuModule() {
        String m = Backends.noBackendMessage(List.of("cuda: no NVIDIA driver"));
        assertEquals("no usable backend (cuda: no NVIDIA driver) and no CPU backend: add the dependency "
                + "org.backprop:backprop-cpu-fallback (the CPU backend) to the class path", m);
    }
}
