package org.backprop.cpu;

import org.backprop.core.HeapTensor;
import org.backprop.core.Tensor;

/**
 * A tensor of the {@link CpuBackend}: a row-major {@code float[]} (or {@code int[]} for indices).
 * A {@link #firstRows} view shares the array, since the first rows of a row-major matrix are a
 * prefix of it; ops bound their loops by the view's size, never the array's length. A weight
 * matrix may be held in {@link org.backprop.cpu.gemm.PanelLayout panels} instead ({@link #panel} &gt; 0); the backend
 * then swaps in a row-major array before any op that does not know that layout reads it, so ops
 * reach the array through {@link #root()} (a view holds none of its own).
 */
public final class CpuTensor extends HeapTensor {

    float[] data;
    int[] indices;
    /** 0: row-major; otherwise the width of the panels {@link #data} is held in (root tensors only). */
    int panel;

    CpuTensor(CpuBackend backend, int rows, int cols, DType dtype) {
        super(backend, rows, cols, dtype);
        if (dtype == DType.FLOAT32) {
            this.data = new float[rows * cols];
        } else {
            this.indices = new int[rows * cols];
        }
    }

    private CpuTensor(CpuTensor parent, int rows) {
        super(parent, rows);
        // no float array of its own: the root's may be swapped for another layout, so ops reach it
        // through root()
        this.indices = parent.indices;
    }

    /** The tensor that owns the array: this one, or the one this is a view of. */
    @Override
    protected CpuTensor root() {
        return (CpuTensor) super.root();
    }

    @Override
    protected Tensor view(int n) {
        return new CpuTensor(this, n);
    }

    /** Drops the arrays so a closed tensor's memory really goes back to the heap. */
    @Override
    protected void release() {
        data = null;
        indices = null;
    }
}
