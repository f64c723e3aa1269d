package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.cpu.CpuBackend;

/** The vector micro-kernels for the GEMM tests, which skip where the Vector API is not loaded. */
final class VectorKernelFixture {

    private VectorKernelFixture() { }

    /** The vector micro-kernel of a blocking such as {@code 12x2:256}. */
    static MicroKernel vectorKernel(String blocking) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        return VectorGemmKernels.create(GemmBlocking.parse(blocking));
    }
}
