package org.backprop.cpu;

import org.backprop.core.Backend;

/**
 * What a family of backend ops shares: the backend its tensors must belong to, the runner that
 * splits an op into tasks, and whether the Vector API paths are on (the same bits as the scalar
 * ones, faster). A family's task bodies are made once, as fields, and read the op in flight from
 * the family's named fields: a lambda capturing the operands would allocate on every call.
 */
abstract class OpFamily {

    final Backend owner;
    final OpRunner run;
    final boolean vector;

    OpFamily(Backend owner, OpRunner run, boolean vector) {
        this.owner = owner;
        this.run = run;
        this.vector = vector;
    }
}
