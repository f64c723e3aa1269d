package org.backprop.cpu.gemm;

/**
 * The one place in this package that links to the Vector API kernels; reached only after the
 * Vector API module has been found, so a JVM without it never loads a class naming
 * {@code jdk.incubator.vector}.
 */
final class VectorGemmKernels {

    private VectorGemmKernels() { }

    static MicroKernel create(GemmBlocking blocking) {
        return switch (blocking.shape()) {
            case "12x2" -> new VectorGemmKernel12x2();
            case "6x2" -> new VectorGemmKernel6x2();
            default -> new VectorGemmKernel4x4();
        };
    }

    static NarrowKernel narrow() {
        return new VectorNarrowKernel();
    }

    static int lanes() {
        return VectorGemmKernel4x4.lanes();
    }
}
