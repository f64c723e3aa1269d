package org.backprop.core;

/**
 * A row-major matrix living on one backend: an opaque handle plus its shape. Row vectors
 * (biases) are 1×n; scalars (loss and metric accumulators) are 1×1. Index tensors hold int32.
 *
 * <p>Closing a tensor frees its memory at once. A {@linkplain #firstRows(int) view} shares its
 * parent's memory, so closing it does nothing; it must not outlive the parent.
 */
public abstract class Tensor implements AutoCloseable {

    /** Element type. Everything numeric is float32; row indices for gathers are int32. */
    public enum DType { FLOAT32, INT32 }

    private final int rows;
    private final int cols;
    private final DType dtype;

    protected Tensor(int rows, int cols, DType dtype) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("tensor shape must be positive, got " + rows + "x" + cols);
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + rows + "x" + cols + " has more than 2^31 elements");
        }
        this.rows = rows;
        this.cols = cols;
        this.dtype = dtype;
    }

    public final int rows() { return rows; }

    public final int cols() { return cols; }

    public final int size() { return rows * cols; }

    public final DType dtype() { return dtype; }

    /** The backend that owns this tensor's memory. */
    public abstract Backend backend();

    /** A view of the first {@code n} rows, sharing this tensor's memory (for a short last batch). */
    public abstract Tensor firstRows(int n);

    /** True once {@link #close()} has freed the memory (always false for a live view). */
    public abstract boolean isClosed();

    @Override
    public abstract void close();

    public final String shape() { return rows + "x" + cols; }

    @Override
    public String toString() {
        return backend().name() + " tensor " + shape() + (dtype == DType.INT32 ? " int32" : "");
    }
}
