package org.backprop.cuda;

import java.util.ArrayList;
import java.util.List;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.BackendUnavailableException;

/**
 * Registers the CUDA backend ({@code cuda}, priority 100, above the CPU). {@link #availability()}
 * runs the whole CUDA start-up once (driver, device, context, our PTX, cuBLAS probe) and caches
 * the outcome, never throwing: on a machine without a driver it reports the missing library.
 */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        return CudaDevice.probe();
    }

    @Override
    public Backend create(BackendOptions options) {
        Availability a = availability();
        if (!a.usable()) {
            throw new BackendUnavailableException("backend cuda cannot run here: " + a.detail());
        }
        return new CudaBackend(CudaDevice.get(), GemmChoice.fromProperty());
    }

    @Override
    public String report() {
        return deviceReport().replaceFirst("^cuda: ", "");
    }

    /**
     * A few lines for {@code backprop devices}: the GPU (name, compute capability, memory, driver),
     * whether cuBLAS loaded or exactly why not, and which GEMM path runs. Never throws.
     */
    public static String deviceReport() {
        Availability a = CudaDevice.probe();
        List<String> lines = new ArrayList<>();
        if (!a.usable()) {
            lines.add("cuda: not usable: " + a.detail());
            return String.join(System.lineSeparator(), lines);
        }
        CudaDevice d = CudaDevice.get();
        lines.add("cuda: usable");
        String memory = CudaDevice.gib(d.totalBytes) + " total";
        try {
            long[] info = d.memoryInfo();
            memory += ", " + CudaDevice.gib(info[0]) + " free";
        } catch (Throwable t) {
            memory += ", free unknown (" + NativeErrors.describe(t) + ")";
        }
        lines.add("  device " + d.ordinal + ": " + d.name + ", compute capability " + d.computeCapability()
                + ", " + memory);
        lines.add("  driver: " + d.driverVersion());
        lines.add("  kernels: " + Kernel.values().length + " from our PTX (ISA " + d.ptxIsa + ", target compute_75)");
        lines.add("  cuBLAS: " + (d.cublasLoaded()
                ? "loaded, version " + GemmSetup.cublasVersionText(d.cublasVersion)
                : "unavailable: " + d.cublasProblem));
        lines.add("  GEMM path: " + gemmPath(d));
        return String.join(System.lineSeparator(), lines);
    }

    private static String gemmPath(CudaDevice d) {
        GemmChoice choice;
        try {
            choice = GemmChoice.fromProperty();
        } catch (IllegalArgumentException e) {
            return "unknown: " + e.getMessage();
        }
        if (choice == GemmChoice.PTX) {
            return GemmSetup.ptxAskedFor();
        }
        if (d.cublasLoaded()) {
            return GemmSetup.cublasPath(d.cublasVersion);
        }
        return GemmSetup.ptxFallback(d.cublasProblem);
    }
}
