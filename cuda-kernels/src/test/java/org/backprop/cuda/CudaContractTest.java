package org.backprop.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole backend contract (every op against the double-precision reference, over many shapes)
 * on the GPU with GEMM on cuBLAS. Without a usable GPU, or where cuBLAS cannot load (then
 * {@link CudaPtxGemmContractTest} is the contract of what runs), the class is skipped, and the
 * skip message is the reason. In CI both run on the emulated driver and emulated cuBLAS.
 */
@ExtendWith(RequiresCuda.AndCublas.class)
class CudaContractTest extends BackendContract {

    static Availability requireCuda() {
        Availability a = CudaDevice.probe();
        assumeTrue(a.usable(), () -> "CUDA not usable here: " + a.detail());
        return a;
    }

    @Override
    protected Backend createBackend() {
        requireCuda();
        return new CudaBackend(CudaDevice.get(), GemmChoice.CUBLAS);
    }
}
