package org.backprop.core.contract;

import org.backprop.core.Backend;
import org.backprop.core.reference.ReferenceBackend;

/**
 * The contract run against a second reference: the only difference is the rounding to float32 on
 * download, so this fails if a tolerance in the contract is tighter than float32 itself allows.
 */
class ReferenceBackendContractTest extends BackendContract {

    @Override
    protected Backend createBackend() {
        return new ReferenceBackend();
    }
}
