package org.backprop.nn;

import org.backprop.core.Backend;
import org.backprop.cpu.CpuBackend;

/** The training contract on the CPU backend, two threads. */
class CpuTrainingTest extends TrainingContract {

    @Override
    protected Backend createBackend() {
        return new CpuBackend(2);
    }
}
