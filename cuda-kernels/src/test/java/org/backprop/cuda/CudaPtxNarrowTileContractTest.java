package org.backprop.cuda;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract with the PTX SGEMM forced onto its narrow tile for every product (the automatic
 * choice gives the narrow tile only to products of at most 16 columns), so both tiles, and their
 * fused epilogues, are judged on every shape of the catalogue.
 */
@ExtendWith(RequiresCuda.class)
class CudaPtxNarrowTileContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        CudaContractTest.requireCuda();
        return new CudaBackend(CudaDevice.get(), GemmChoice.PTX, TileChoice.NARROW);
    }
}
