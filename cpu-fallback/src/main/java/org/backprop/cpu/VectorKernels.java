package org.backprop.cpu;

/**
 * The one place that links to {@link VectorGemmKernel}; reached only after the Vector API module
 * has been found, so a JVM without it never loads a class naming {@code jdk.incubator.vector}.
 */
final class VectorKernels {

    private VectorKernels() { }

    static MicroKernel create() {
        return new VectorGemmKernel();
    }
}
