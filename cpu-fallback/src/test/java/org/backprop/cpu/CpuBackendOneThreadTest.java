package org.backprop.cpu;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;

/** The backend contract on a single thread: every task runs on the caller. */
class CpuBackendOneThreadTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return new CpuBackend(1);
    }
}
