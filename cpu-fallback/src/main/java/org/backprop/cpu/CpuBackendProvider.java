package org.backprop.cpu;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;

/** Registers the CPU backend: always usable, lowest priority, so it is the floor of the choice. */
public final class CpuBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.usable(Runtime.getRuntime().availableProcessors() + " processors, "
                + (CpuBackend.vectorApiPresent() ? "Vector API GEMM" : "scalar GEMM (jdk.incubator.vector not loaded)"));
    }

    @Override
    public Backend create(BackendOptions options) {
        return new CpuBackend(options.resolvedThreads());
    }
}
