package org.backprop.cpu;

import org.backprop.core.Backend;
import org.backprop.core.contract.BackendContract;

/** The backend contract on three threads: more threads than this machine's cores, tasks interleave. */
class CpuBackendThreeThreadsTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return new CpuBackend(3);
    }
}
