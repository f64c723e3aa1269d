package org.backprop.cuda;

/** How GEMM runs: cuBLAS where it loads ({@code AUTO}), or forced to our PTX SGEMM or to cuBLAS. */
public enum GemmChoice {
    AUTO, PTX, CUBLAS;

    static GemmChoice fromProperty() {
        return CudaBackend.choice(GemmChoice.class, CudaBackend.GEMM_PROPERTY, "auto, ptx or cublas");
    }
}
