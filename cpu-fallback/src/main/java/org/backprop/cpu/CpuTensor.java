package org.backprop.cpu;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * A tensor of the {@link CpuBackend}: a row-major {@code float[]} (or {@code int[]} for indices).
 * A {@link #firstRows} view shares the array, since the first rows of a row-major matrix are a
 * prefix of it; ops bound their loops by the view's size, never the array's length. A weight
 * matrix may be held in {@link org.backprop.cpu.gemm.PanelLayout panels} instead ({@link #panel} &gt; 0); the backend
 * then swaps in a row-major array before any op that does not know that layout reads it, so ops
 * reach the array through {@link #root()} (a view holds none of its own).
 */
public final class CpuTensor extends Tensor {

    private final CpuBackend backend;
    private final CpuTensor parent;
    float[] data;
    int[] indices;
    /** 0: row-major; otherwise the width of the panels {@link #data} is held in (root tensors only). */
    int panel;
    private boolean closed;

    CpuTensor(CpuBackend backend, int rows, int cols, DType dtype) {
        super(rows, cols, dtype);
        this.backend = backend;
        this.parent = null;
        if (dtype == DType.FLOAT32) {
            this.data = new float[rows * cols];
        } else {
            this.indices = new int[rows * cols];
        }
    }

    private CpuTensor(CpuTensor parent, int rows) {
        super(rows, parent.cols(), parent.dtype());
        this.backend = parent.backend;
        this.parent = parent.root();
        // no float array of its own: the root's may be swapped for another layout, so ops reach it
        // through root()
        this.indices = parent.indices;
    }

    /** The tensor that owns the array: this one, or the one this is a view of. */
    CpuTensor root() {
        return parent != null ? parent : this;
    }

    boolean isView() {
        return parent != null;
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
        return new CpuTensor(this, n);
    }

    @Override
    public boolean isClosed() {
        return parent != null ? parent.isClosed() : closed;
    }

    @Override
    public void close() {
        if (parent == null && !closed) {
            closed = true;
            // drop the array so a closed tensor's memory really goes back to the heap
            data = null;
            indices = null;
        }
    }
}
