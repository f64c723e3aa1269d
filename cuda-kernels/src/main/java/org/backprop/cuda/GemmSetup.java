package org.backprop.cuda;

import java.util.function.Supplier;

import jcuda.jcublas.cublasHandle;

import org.backprop.core.BackendUnavailableException;

/** Which GEMM a backend runs, and the cuBLAS handle when that is cuBLAS. */
final class GemmSetup {
    final cublasHandle handle;
    final String path;

    private GemmSetup(cublasHandle handle, String path) {
        this.handle = handle;
        this.path = path;
    }

    /**
     * {@code auto} takes cuBLAS when the probe loaded it and a handle can be made, else our PTX
     * SGEMM with the reason; {@code cublas} where cuBLAS cannot run is an error, never a switch.
     */
    static GemmSetup choose(GemmChoice choice, String cublasProblem, int cublasVersion,
                            Supplier<cublasHandle> create) {
        if (choice == GemmChoice.PTX) {
            return new GemmSetup(null, ptxAskedFor());
        }
        String problem = cublasProblem;
        if (problem == null) {
            try {
                return new GemmSetup(create.get(), cublasPath(cublasVersion));
            } catch (RuntimeException | LinkageError e) {
                problem = "cublasCreate failed: " + NativeErrors.describe(e);
            }
        }
        if (choice == GemmChoice.CUBLAS) {
            throw new BackendUnavailableException("-D" + CudaBackend.GEMM_PROPERTY
                    + "=cublas but cuBLAS is unavailable: " + problem);
        }
        return new GemmSetup(null, ptxFallback(problem));
    }

    static String ptxAskedFor() {
        return "PTX SGEMM (asked for with -D" + CudaBackend.GEMM_PROPERTY + "=ptx)";
    }

    static String ptxFallback(String problem) {
        return "PTX SGEMM (cuBLAS unavailable: " + problem + ")";
    }

    static String cublasPath(int version) {
        return "cuBLAS " + cublasVersionText(version);
    }

    static String cublasVersionText(int v) {
        // cublasGetVersion: major*10000 + minor*100 + patch (CUDA 12 numbering; older: *1000)
        return v >= 10000 ? (v / 10000) + "." + (v % 10000) / 100 + "." + v % 100 : String.valueOf(v);
    }
}
