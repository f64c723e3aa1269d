package org.backprop.cuda;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The tensors of a {@link CudaBackend}: allocation, the open set that closing the backend frees,
 * and the copies between host and device (synchronous, on the legacy stream, so a download is
 * where the host waits for the queued kernels).
 */
final class CudaTensors {

    private final CudaBackend backend;
    private final CudaLaunch launch;
    private final CudaMemory memory;
    private final Set<CudaTensor> live = Collections.newSetFromMap(new IdentityHashMap<>());

    CudaTensors(CudaBackend backend, CudaLaunch launch, CudaMemory memory) {
        this.backend = backend;
        this.launch = launch;
        this.memory = memory;
    }

    CudaTensor allocate(int rows, int cols, Tensor.DType dtype) {
        backend.enter();
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("allocate: tensor shape must be positive, got " + rows + "x" + cols);
        }
        CUdeviceptr p = memory.allocate("allocate " + rows + "x" + cols, (long) rows * cols * 4L);
        CudaTensor t = new CudaTensor(backend, p, rows, cols, dtype, null);
        live.add(t);
        return t;
    }

    void free(CudaTensor t) {
        if (!live.remove(t)) {
            return;   // already freed by freeAll()
        }
        backend.enter();
        memory.free("free " + t.shape(), t.pointer);
    }

    /** Frees every tensor still open; the first failure is thrown after trying them all. */
    void freeAll() {
        RuntimeException first = null;
        for (CudaTensor t : new ArrayList<>(live)) {
            try {
                live.remove(t);
                memory.free("close", t.pointer);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Device bytes held by open tensors. */
    long liveBytes() {
        long sum = 0;
        for (CudaTensor t : live) {
            sum += t.bytes();
        }
        return sum;
    }

    void upload(float[] src, Tensor dst) {
        CudaTensor d = backend.owned("upload", dst);
        Checks.length("upload", src.length, d);
        memory.upload("upload", Pointer.to(src), d.pointer, d.bytes());
    }

    /** Keeps a host copy of the indices and their range, so that gathers can check them before a launch. */
    void uploadIndices(int[] src, Tensor dst) {
        CudaTensor d = backend.ownedIndices("uploadIndices", dst);
        Checks.length("uploadIndices", src.length, d);
        memory.upload("uploadIndices", Pointer.to(src), d.pointer, d.bytes());
        d.rememberHostIndices(src);
    }

    void download(Tensor src, float[] dst) {
        CudaTensor s = anyLive("download", src);
        Checks.length("download", dst.length, s);
        memory.download("download", s.pointer, dst, s.dtype() == Tensor.DType.INT32);
    }

    void downloadIndices(Tensor src, int[] dst) {
        CudaTensor s = backend.ownedIndices("downloadIndices", src);
        Checks.length("downloadIndices", dst.length, s);
        memory.download("downloadIndices", s.pointer, Pointer.to(dst), s.bytes());
    }

    float scalar(Tensor t) {
        CudaTensor s = anyLive("scalar", t);
        if (s.size() != 1) {
            throw new IllegalArgumentException("scalar: expected a 1x1 tensor, got " + s.shape());
        }
        ByteBuffer b = memory.readScalar("scalar", s.pointer);
        return s.dtype() == Tensor.DType.INT32 ? b.getInt(0) : b.getFloat(0);
    }

    void fill(Tensor t, float value) {
        CudaTensor x = backend.owned("fill", t);
        launch.elementwise("fill", Kernel.FILL, x.size(), x.pointer, value, x.size());
    }

    void copy(Tensor src, Tensor dst) {
        CudaTensor s = backend.owned("copy", src);
        CudaTensor d = backend.owned("copy", dst);
        Checks.sameShape("copy", s, d);
        if (s.pointer.equals(d.pointer)) {
            return;
        }
        memory.copy("copy", s.pointer, d.pointer, s.bytes());
        launch.syncIfAsked("copy");
    }

    /** A live tensor of this backend of either type, with the context current. */
    private CudaTensor anyLive(String op, Tensor t) {
        backend.enter();
        Checks.live(backend, op, t);
        return (CudaTensor) t;
    }
}
