package org.backprop.nn;

import org.backprop.core.Backend;
import org.backprop.core.reference.ReferenceBackend;

/**
 * The training contract on the double-precision reference, so a failure elsewhere can be told
 * from a fault in the contract itself.
 */
class ReferenceTrainingTest extends TrainingContract {

    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }

    /** Double inside, so the difference quotient is clean: a smaller step and a tighter bound. */
    @Override
    protected double gradientCheckStep() {
        return 1e-3;
    }

    @Override
    protected double gradientCheckTolerance() {
        return 2e-3;
    }
}
