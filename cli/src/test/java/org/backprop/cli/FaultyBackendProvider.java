package org.backprop.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.cpu.CpuBackend;

/**
 * A test-only backend ("faulty") that is the CPU backend until its GEMM call number (plain or fused)
 * {@link #failAtGemm} throws, as a GPU whose driver dies mid-run would. Priority below the CPU,
 * so it is only ever used when asked for by name.
 */
public final class FaultyBackendProvider implements BackendProvider {

    static volatile int failAtGemm = Integer.MAX_VALUE;
    /** When set, the failing GEMM runs out of Java heap instead, as an allocation nothing estimated would. */
    static volatile boolean outOfMemory;
    static final AtomicInteger GEMMS = new AtomicInteger();
    /** The ops with a GEMM inside: the plain one and the fused dense-layer ops the trainer calls. */
    private static final java.util.Set<String> GEMM_OPS =
            java.util.Set.of("gemm", "linearForward", "linearInputGradient", "linearGradients");

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Availability availability() {
        return Availability.usable("test double: the CPU until GEMM " + failAtGemm + " fails");
    }

    @Override
    public Backend create(BackendOptions options) {
        CpuBackend cpu = new CpuBackend(options.resolvedThreads());
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("name")) {
                        return "faulty";
                    }
                    if (GEMM_OPS.contains(method.getName()) && GEMMS.incrementAndGet() == failAtGemm) {
                        if (outOfMemory) {
                            throw new OutOfMemoryError("Java heap space");
                        }
                        throw new IllegalStateException("simulated device fault: CUDA_ERROR_LAUNCH_FAILED in gemm");
                    }
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
