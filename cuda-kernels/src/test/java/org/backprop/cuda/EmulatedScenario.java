package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Backends;

/**
 * A child JVM of {@link EmulatedDriverTest}: one scenario per run, since the driver's knobs are
 * read once per process. Prints {@code key: value} lines for the parent to check.
 */
public final class EmulatedScenario {

    private EmulatedScenario() { }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "probe" -> probe();
            case "misuse" -> misuse();
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Availability, what best() picks and logs, and what asking for cuda explicitly says. */
    private static void probe() {
        StringBuilder logged = new StringBuilder();
        Logger.getLogger("").addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.append(r.getMessage()).append(' ');
            }

            @Override
            public void flush() { }

            @Override
            public void close() { }
        });
        Availability a = new CudaBackendProvider().availability();
        System.out.println("usable: " + a.usable());
        System.out.println("detail: " + a.detail());
        if (a.usable()) {
            try (CudaBackend b = new CudaBackend(CudaDevice.get(), GemmChoice.AUTO)) {
                System.out.println("gemm: " + b.gemmPath());
            }
        }
        try (Backend best = Backends.best()) {
            System.out.println("best: " + best.name());
        }
        System.out.println("logged: " + logged.toString().strip());
        try (Backend b = Backends.open("cuda", BackendOptions.defaults())) {
            System.out.println("open: " + b.name());
        } catch (BackendUnavailableException e) {
            System.out.println("open refused: " + e.getMessage());
        }
    }

    private static void refused(String what, Runnable launch) {
        try {
            launch.run();
            System.out.println(what + ": accepted");
        } catch (CudaOpException e) {
            System.out.println(what + ": " + e.getMessage());
        }
    }

    /** Mistakes the emulator must refuse, each through the real JCuda natives. */
    private static void misuse() {
        CudaDevice d = CudaDevice.get();
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, 40);
        try {
            cuMemcpyHtoD(p, Pointer.to(new float[11]), 44);   // one float past the end
            System.out.println("oversized copy: accepted");
        } catch (CudaException e) {
            System.out.println("oversized copy: " + e.getMessage());
        }
        Thread other = new Thread(() -> {
            try {
                cuMemFree(p);   // this thread never made the context current
                System.out.println("free without context: accepted");
            } catch (CudaException e) {
                System.out.println("free without context: " + e.getMessage());
            }
        });
        other.start();
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cuCtxSetCurrent(d.context);
        cuMemFree(p);
        try (CudaBackend b = new CudaBackend(d, GemmChoice.PTX)) {
            CudaTensor small = (CudaTensor) b.allocate(1, 3);
            CudaLaunch launch = new CudaLaunch(d, true);
            refused("2048 threads per block", () -> launch.kernel("fill", Kernel.FILL, 1, 1, 2048, 1,
                    small.pointer, 1f, 3));
            refused("gemm above its .maxntid", () -> launch.kernel("gemm", Kernel.GEMM_NN, 1, 1, 512, 1,
                    1, 1, 1, 1f, small.pointer, 1, small.pointer, 1, 0f, small.pointer, 1));
            refused("grid y of 65536", () -> launch.kernel("gemm", Kernel.GEMM_NN, 1, 65536, 256, 1,
                    1, 1, 1, 1f, small.pointer, 1, small.pointer, 1, 0f, small.pointer, 1));
            try {
                // fill's kernel told to write 300 floats into a tensor of 3: into the guard page
                new CudaLaunch(d, true).elementwise("fill", Kernel.FILL, 300, small.pointer, 1f, 300);
                System.out.println("overrunning kernel: accepted");
            } catch (CudaOpException e) {
                System.out.println("overrunning kernel: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            System.out.println("after the fault: " + NativeErrors.describe(e));
        }
    }
}
