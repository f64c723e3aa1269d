package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** Gathering a minibatch of rows by index. */
interface DataContract extends ContractSupport {

    @Test
    default void gatherRowsRejectsIndicesPastTheEnd() {
        Tensor src = tensor(4, 2, 1f);
        Tensor idx = track(backend().allocateIndices(3));
        backend().uploadIndices(new int[] {0, 1, 2}, idx);
        Tensor dst = track(backend().allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().gatherRows(src, idx, 2, dst));
        Tensor wrongCols = track(backend().allocate(2, 3));
        assertThrows(IllegalArgumentException.class, () -> backend().gatherRows(src, idx, 0, wrongCols));
    }

    @Test
    default void gatherRowsRejectsAnIndexOutsideTheSource() {
        Tensor src = tensor(4, 2, 1f);
        Tensor idx = track(backend().allocateIndices(2));
        backend().uploadIndices(new int[] {0, 4}, idx);
        Tensor dst = track(backend().allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().gatherRows(src, idx, 0, dst));
    }
}
