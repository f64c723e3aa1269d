package org.backprop.core.contract;

import static org.backprop.core.contract.ContractSupport.rnd;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.backprop.core.Tensor;
import org.backprop.core.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** Memory: upload, download, fill, copy, scalar reads, row views, and what a backend must refuse. */
interface MemoryContract extends ContractSupport {

    @Test
    default void uploadIntoExistingTensorOverwritesIt() {
        Tensor t = track(backend().allocate(2, 3));
        float[] data = {1, 2, 3, 4, 5, 6};
        backend().upload(data, t);
        assertArrayEquals(data, backend().download(t));
    }

    @Test
    default void scalarReadsOneByOne() {
        Pair p = pair(new float[] {3.25f}, 1, 1);
        assertEquals(3.25f, backend().scalar(p.dev));
    }

    @Test
    default void firstRowsViewSharesMemoryWithItsParent() {
        Pair p = random(rnd("view"), 5, 3, -1, 1);
        Tensor view = p.dev.firstRows(2);
        assertEquals(2, view.rows());
        assertEquals(3, view.cols());
        backend().fill(view, 7f);
        float[] all = backend().download(p.dev);
        for (int i = 0; i < 15; i++) {
            assertEquals(i < 6 ? 7f : p.host[i], all[i], "element " + i);
        }
        view.close();
        assertTrue(!p.dev.isClosed(), "closing a view must not close its parent");
    }

    @Test
    default void opsOnAViewLeaveTheOtherRowsAlone() {
        Pair x = random(rnd("viewop"), 6, 4, -3, 3);
        Pair y = filled(6, 4, 9f);
        Tensor xv = x.dev.firstRows(3);
        Tensor yv = y.dev.firstRows(3);
        backend().sigmoid(xv, yv);
        float[] out = backend().download(y.dev);
        for (int i = 0; i < 24; i++) {
            if (i < 12) {
                // 32u: float32 exp and a division, each within a few ulp
                assertEquals(ReferenceBackend.sigmoid(x.host[i]), out[i], 32 * U, "element " + i);
            } else {
                assertEquals(9f, out[i], "element " + i + " is outside the view");
            }
        }
    }

    @Test
    default void uploadRejectsAWrongLength() {
        Tensor t = track(backend().allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().upload(new float[3], t));
        assertThrows(IllegalArgumentException.class, () -> backend().download(t, new float[5]));
        Tensor idx = track(backend().allocateIndices(3));
        assertThrows(IllegalArgumentException.class, () -> backend().uploadIndices(new int[2], idx));
    }

    @Test
    default void copyRejectsDifferentShapes() {
        Tensor a = track(backend().allocate(2, 3));
        Tensor b = track(backend().allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend().copy(a, b));
    }

    @Test
    default void aClosedTensorIsRejected() {
        Tensor t = backend().allocate(2, 2);
        t.close();
        assertTrue(t.isClosed());
        Tensor other = track(backend().allocate(2, 2));
        assertThrows(IllegalStateException.class, () -> backend().fill(t, 1f));
        assertThrows(IllegalStateException.class, () -> backend().copy(t, other));
    }

    @Test
    default void aTensorOfAnotherBackendIsRejected() {
        Tensor mine = track(backend().allocate(1, 1));
        Tensor foreign = track(reference().allocate(1, 1));
        assertThrows(IllegalArgumentException.class, () -> backend().copy(foreign, mine));
    }
}
