package org.backprop.core.reference;

import org.backprop.core.HeapTensor;
import org.backprop.core.Tensor;

/**
 * A tensor of the {@link ReferenceBackend}: float32 tensors keep their values as doubles so the
 * reference never rounds in the middle of an op; int32 tensors keep ints.
 */
public final class ReferenceTensor extends HeapTensor {

    final double[] values;
    final int[] indices;

    ReferenceTensor(ReferenceBackend backend, int rows, int cols, DType dtype) {
        super(backend, rows, cols, dtype);
        this.values = dtype == DType.FLOAT32 ? new double[rows * cols] : null;
        this.indices = dtype == DType.INT32 ? new int[rows * cols] : null;
    }

    private ReferenceTensor(ReferenceTensor parent, int rows) {
        super(parent, rows);
        // Row-major storage: the first rows are a prefix, so sharing the arrays is the view.
        this.values = parent.values;
        this.indices = parent.indices;
    }

    @Override
    protected Tensor view(int n) {
        return new ReferenceTensor(this, n);
    }
}
