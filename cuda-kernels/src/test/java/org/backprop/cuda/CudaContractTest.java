package org.backprop.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole backend contract (every op against the double-precision reference, over many shapes)
 * on the GPU, with GEMM on whatever path {@code auto} picks (cuBLAS when it loads). Without a
 * usable GPU the class is skipped, and the skip message is the reason.
 */
@ExtendWith(RequiresCuda.class)
class CudaContractTest extends BackendContract {

    static Availability requireCuda() {
        Availability a = CudaDevice.probe();
        assumeTrue(a.usable(), () -> "CUDA not usable here: " + a.detail());
        return a;
    }

    @Override
    protected Backend createBackend() {
        requireCuda();
        return new CudaBackendProvider().create(BackendOptions.defaults());
    }
}
