package org.backprop.cuda;

import jcuda.driver.CUdeviceptr;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * A tensor in device memory. Closing frees it at once (cuMemFree); a {@link #firstRows} view
 * shares the parent's pointer, so row-major layout makes "the first n rows" the same address
 * with fewer rows, and closing a view frees nothing.
 */
public final class CudaTensor extends Tensor {

    private final CudaBackend backend;
    final CUdeviceptr pointer;
    private final CudaTensor parent;
    private boolean closed;
    /**
     * For int32 index tensors: the indices last uploaded from the host, so gathers can be checked
     * on the host without a device sync; null once a kernel has written the tensor.
     */
    int[] hostIndices;
    /** The smallest and largest of {@link #hostIndices}, for gathers whose offset is on the device. */
    int hostMin;
    int hostMax;

    CudaTensor(CudaBackend backend, CUdeviceptr pointer, int rows, int cols, DType dtype, CudaTensor parent) {
        super(rows, cols, dtype);
        this.backend = backend;
        this.pointer = pointer;
        this.parent = parent;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    long bytes() {
        return (long) size() * 4L;
    }

    @Override
    public Tensor firstRows(int n) {
        if (n < 1 || n > rows()) {
            throw new IllegalArgumentException("firstRows: " + n + " rows asked of a " + shape() + " tensor");
        }
        if (isClosed()) {
            throw new IllegalStateException("firstRows: " + this + " is closed");
        }
        CudaTensor root = parent == null ? this : parent;
        CudaTensor view = new CudaTensor(backend, pointer, n, cols(), dtype(), root);
        if (hostIndices != null) {
            view.hostIndices = java.util.Arrays.copyOf(hostIndices, n * cols());
        }
        return view;
    }

    @Override
    public boolean isClosed() {
        return parent != null ? parent.isClosed() : closed;
    }

    boolean isView() {
        return parent != null;
    }

    /** The indices just uploaded, kept with their range; a view's earlier copy is dropped. */
    void rememberHostIndices(int[] src) {
        forgetHostIndices();
        hostIndices = src.clone();
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : src) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        hostMin = lo;
        hostMax = hi;
    }

    /** A kernel or a partial upload changed the indices: the host copy no longer tells the truth. */
    void forgetHostIndices() {
        hostIndices = null;
        if (parent != null) {
            parent.hostIndices = null;
        }
    }

    @Override
    public void close() {
        if (parent != null || closed) {
            return;
        }
        closed = true;
        backend.free(this);
    }
}
