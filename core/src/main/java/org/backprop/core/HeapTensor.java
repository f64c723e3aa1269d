package org.backprop.core;

/**
 * A tensor held in Java arrays, as the CPU and reference backends keep them: a
 * {@link #firstRows} view shares its root's arrays (the first rows of a row-major matrix are a
 * prefix of them), closing a view does nothing, and a view is closed when its root is.
 */
public abstract class HeapTensor extends Tensor {

    private final Backend backend;
    /** The tensor whose arrays a view shares; null for a tensor that owns its arrays. */
    private final HeapTensor root;
    private boolean closed;

    /** A tensor owning its arrays. */
    protected HeapTensor(Backend backend, int rows, int cols, DType dtype) {
        super(rows, cols, dtype);
        this.backend = backend;
        this.root = null;
    }

    /** A view of the first rows of {@code of}. */
    protected HeapTensor(HeapTensor of, int rows) {
        super(rows, of.cols(), of.dtype());
        this.backend = of.backend;
        this.root = of.root();
    }

    /** The tensor that owns the arrays: this one, or the one this is a view of. */
    protected HeapTensor root() {
        return root != null ? root : this;
    }

    /** True for a {@link #firstRows} view of another tensor. */
    public final boolean isView() {
        return root != null;
    }

    /** The view of the first {@code n} rows, once {@code n} is known to be in range. */
    protected abstract Tensor view(int n);

    /** Lets go of the arrays of a tensor that owns them, when it is closed. */
    protected void release() { }

    @Override
    public final Backend backend() {
        return backend;
    }

    @Override
    public final Tensor firstRows(int n) {
        if (n < 1 || n > rows()) {
            throw new IllegalArgumentException("firstRows: " + n + " is outside 1.." + rows() + " of " + shape());
        }
        return view(n);
    }

    @Override
    public final boolean isClosed() {
        return root != null ? root.isClosed() : closed;
    }

    @Override
    public final void close() {
        if (root == null && !closed) {
            closed = true;
            release();
        }
    }
}
