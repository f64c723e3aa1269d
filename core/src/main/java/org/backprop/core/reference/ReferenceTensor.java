package org.backprop.core.reference;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * A tensor of the {@link ReferenceBackend}: float32 tensors keep their values as doubles so the
 * reference never rounds in the middle of an op; int32 tensors keep ints.
 */
public final class ReferenceTensor extends Tensor {

    private final ReferenceBackend backend;
    final double[] values;
    final int[] indices;
    private final ReferenceTensor parent;
    private boolean closed;

    ReferenceTensor(ReferenceBackend backend, int rows, int cols, DType dtype) {
        super(rows, cols, dtype);
        this.backend = backend;
        this.values = dtype == DType.FLOAT32 ? new double[rows * cols] : null;
        this.indices = dtype == DType.INT32 ? new int[rows * cols] : null;
        this.parent = null;
    }

    private ReferenceTensor(ReferenceTensor parent, int rows) {
        super(rows, parent.cols(), parent.dtype());
        this.backend = parent.backend;
        // Row-major storage: the first rows are a prefix, so sharing the arrays is the view.
        this.values = parent.values;
        this.indices = parent.indices;
        this.parent = parent;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public Tensor firstRows(int n) {
        if (n < 1 || n > rows()) {
            throw new IllegalArgumentException("firstRows: " + n + " is outside 1.." + rows() + " of " + shape());
        }
        return new ReferenceTensor(this, n);
    }

    @Override
    public boolean isClosed() {
        return parent != null ? parent.isClosed() : closed;
    }

    @Override
    public void close() {
        if (parent == null) {
            closed = true;
        }
    }
}
