package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * Device memory for one {@link CudaBackend}: allocation with an out-of-memory message a user can
 * act on, the three copies, a pinned host buffer for scalar reads, and two reusable device buffers:
 * the scratch every two-pass reduction writes its partial sums to, and the split-k partial
 * products (each sized once, grown on demand, so a training step allocates nothing).
 */
final class CudaMemory {

    private final CudaDevice device;
    private final Reusable scratch = new Reusable("scratch for the reduction");
    private final Reusable partials = new Reusable("split-k partial products");
    /** cuMemAlloc calls so far, for the no-allocation-per-step check. */
    long allocations;
    /** A page-locked host buffer for scalar read-backs: a pinned copy needs no staging. */
    private Pointer pinned;
    private ByteBuffer pinnedBytes;

    CudaMemory(CudaDevice device) {
        this.device = device;
    }

    CUdeviceptr allocate(String what, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        allocations++;
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) {
                throw outOfMemory(what, bytes, e);
            }
            throw CudaLaunch.failed(what, e);
        }
        return p;
    }

    private CudaOutOfMemoryException outOfMemory(String what, long bytes, CudaException e) {
        long free = -1;
        try {
            free = device.memoryInfo()[0];
        } catch (RuntimeException ignored) {
            // the out-of-memory report below still names the request
        }
        return new CudaOutOfMemoryException(what + ": requested " + bytes + " bytes but "
                + (free >= 0 ? free + " bytes are free" : "the free amount is unknown") + " on " + device.name
                + "; use a smaller batch", e);
    }

    /** Runs one driver call; a failure becomes the op's one-line error. */
    private static void driver(String op, Runnable call) {
        try {
            call.run();
        } catch (CudaException e) {
            throw CudaLaunch.failed(op, e);
        }
    }

    void free(String what, CUdeviceptr p) {
        driver(what, () -> cuMemFree(p));
    }

    void upload(String op, Pointer src, CUdeviceptr dst, long bytes) {
        driver(op, () -> cuMemcpyHtoD(dst, src, bytes));
    }

    /** Reads {@code dst.length} floats, or int32 values converted to float (exact below 2^24). */
    void download(String op, CUdeviceptr src, float[] dst, boolean ints) {
        if (!ints) {
            download(op, src, Pointer.to(dst), dst.length * 4L);
            return;
        }
        int[] read = new int[dst.length];
        download(op, src, Pointer.to(read), read.length * 4L);
        for (int i = 0; i < read.length; i++) {
            dst[i] = read[i];
        }
    }

    void download(String op, CUdeviceptr src, Pointer dst, long bytes) {
        driver(op, () -> cuMemcpyDtoH(dst, src, bytes));
    }

    void copy(String op, CUdeviceptr src, CUdeviceptr dst, long bytes) {
        driver(op, () -> cuMemcpyDtoD(dst, src, bytes));
    }

    /** A device buffer of at least {@code doubles} doubles, reused across calls, grown on demand. */
    CUdeviceptr scratch(String op, int doubles) {
        long need = Math.max((long) doubles, CudaLaunch.MAX_PARTIALS) * 8L;
        return scratch.atLeast(op, need, Math.max(need, scratch.bytes * 2));
    }

    /** A device buffer of at least {@code floats} floats for split-k partial products, reused, grown on demand. */
    CUdeviceptr splitPartials(String op, long floats) {
        long need = floats * 4L;
        return partials.atLeast(op, need, need);
    }

    /** The 4 bytes at {@code src} through the pinned buffer (allocated on first use). */
    ByteBuffer readScalar(String op, CUdeviceptr src) {
        try {
            if (pinned == null) {
                Pointer p = new Pointer();
                cuMemAllocHost(p, 8);
                pinned = p;
                pinnedBytes = p.getByteBuffer(0, 8).order(ByteOrder.nativeOrder());
            }
            cuMemcpyDtoH(pinned, src, 4);
        } catch (CudaException e) {
            throw CudaLaunch.failed(op, e);
        }
        return pinnedBytes;
    }

    /** Frees the scratch, partial-product and pinned buffers; tensors are the backend's to free. */
    void close() {
        partials.free("close (split-k partials)");
        if (pinned != null) {
            Pointer p = pinned;
            pinned = null;
            pinnedBytes = null;
            try {
                cuMemFreeHost(p);
            } catch (CudaException e) {
                throw CudaLaunch.failed("close (pinned buffer)", e);
            }
        }
        scratch.free("close (scratch)");
    }

    /** A device buffer that is reused across calls and replaced by a larger one when a call needs more. */
    private final class Reusable {
        private final String purpose;
        private CUdeviceptr pointer;
        private long bytes;

        Reusable(String purpose) {
            this.purpose = purpose;
        }

        /** At least {@code need} bytes; when it must grow, the new buffer has {@code grown} bytes. */
        CUdeviceptr atLeast(String op, long need, long grown) {
            if (need > bytes) {
                if (pointer != null) {
                    try {
                        cuCtxSynchronize();   // queued kernels may still use the old buffer
                        cuMemFree(pointer);
                    } catch (CudaException e) {
                        throw CudaLaunch.failed(op, e);
                    }
                    pointer = null;
                    bytes = 0;
                }
                pointer = allocate(op + " (" + purpose + ")", grown);
                bytes = grown;
            }
            return pointer;
        }

        void free(String what) {
            if (pointer != null) {
                CUdeviceptr p = pointer;
                pointer = null;
                bytes = 0;
                CudaMemory.this.free(what, p);
            }
        }
    }
}
