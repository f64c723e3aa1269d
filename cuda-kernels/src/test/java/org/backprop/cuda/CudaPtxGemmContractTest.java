package org.backprop.cuda;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract again with GEMM forced onto our PTX SGEMM, so the kernel is judged on every GPU
 * machine, including those where cuBLAS loads and {@link CudaContractTest} never reaches it.
 */
@ExtendWith(RequiresCuda.class)
class CudaPtxGemmContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        CudaContractTest.requireCuda();
        return new CudaBackend(CudaDevice.get(), GemmChoice.PTX);
    }
}
