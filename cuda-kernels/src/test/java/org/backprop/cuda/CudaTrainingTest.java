package org.backprop.cuda;

import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.nn.TrainingContract;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The training contract (gradient checks, the separable set, a short MNIST-sample run) on the
 * GPU, GEMM on whatever path {@code auto} picks. Without a usable GPU the class is skipped, and
 * the skip message is the reason.
 */
@ExtendWith(RequiresCuda.class)
class CudaTrainingTest extends TrainingContract {

    @Override
    protected Backend createBackend() {
        CudaContractTest.requireCuda();
        return new CudaBackendProvider().create(BackendOptions.defaults());
    }
}
