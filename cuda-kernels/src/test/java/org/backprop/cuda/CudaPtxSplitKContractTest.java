package org.backprop.cuda;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract with every wide weight-gradient product ({@code linearGradients}) split three ways
 * over k, including splits left empty when k < 3: the split-k kernel and its fixed-order
 * reduction, which the automatic choice takes only on GPUs with more SMs than tiles.
 */
@ExtendWith(RequiresCuda.class)
class CudaPtxSplitKContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        CudaContractTest.requireCuda();
        return new CudaBackend(CudaDevice.get(), GemmChoice.PTX, TileChoice.WIDE, 3);
    }
}
