package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/**
 * Launching our kernels: the launch shapes every kernel header describes, the parameter
 * marshalling checked against {@link Kernel}'s signatures, and how a failed call becomes an
 * exception naming its op. The op methods in {@link CudaBackend} say only which kernel, which
 * shape and which arguments.
 */
final class CudaLaunch {

    static final int BLOCK = 256;
    static final int ROWS_PER_BLOCK = BLOCK / 32;   // one warp per row
    static final int MAX_GRID = 65535;
    /** Upper bound of partial sums per reduction: the grid of an elementwise loss kernel. */
    static final int MAX_PARTIALS = 1024;
    static final int GEMM_TILE = 128;
    /** The narrow GEMM variant's tile: 64 rows by 16 columns. */
    static final int NARROW_ROWS = 64;
    static final int NARROW_COLS = 16;

    private final CudaDevice device;
    private final boolean syncEachOp;
    /** The backend's stream: every kernel goes here, so that a step can be captured as a graph. */
    CUstream stream;
    /** True while a step is being captured: launches are recorded, not run, and nothing synchronises. */
    boolean capturing;
    /** Kernels launched one by one (cuLaunchKernel calls outside a capture), for launch counts. */
    long launches;
    /** Kernels recorded into graphs (cuLaunchKernel calls inside a capture). */
    long captured;

    CudaLaunch(CudaDevice device, boolean syncEachOp) {
        this.device = device;
        this.syncEachOp = syncEachOp;
    }

    /** 1-D grid-stride launch over n elements, 256 threads per block. */
    void elementwise(String op, Kernel k, long n, Object... args) {
        kernel(op, k, grid(n), 1, BLOCK, 1, args);
    }

    /** One warp per row, 8 rows per 256-thread block. */
    void rows(String op, Kernel k, int rows, Object... args) {
        kernel(op, k, ceilDiv(rows, ROWS_PER_BLOCK), 1, BLOCK, 1, args);
    }

    /**
     * Launches {@code k} on the backend's stream after checking the arguments against its
     * signature (the same table {@code PtxWiringTest} checks against the PTX).
     */
    void kernel(String op, Kernel k, int gridX, int gridY, int blockX, int blockY, Object... args) {
        launch(op, k, gridX, gridY, 1, blockX, blockY, args);
    }

    /** A 3-D grid of 256-thread blocks (split-k: z is the split). */
    void kernel3(String op, Kernel k, int gridX, int gridY, int gridZ, Object... args) {
        launch(op, k, gridX, gridY, gridZ, BLOCK, 1, args);
    }

    private void launch(String op, Kernel k, int gridX, int gridY, int gridZ, int blockX, int blockY, Object... args) {
        Pointer params = Pointer.to(kernelParams(k, args));
        try {
            cuLaunchKernel(device.function(k), gridX, gridY, gridZ, blockX, blockY, 1, 0, stream, params, null);
            if (capturing) {
                captured++;
            } else {
                launches++;
            }
        } catch (CudaException e) {
            throw failed(op + " (kernel " + k.entry() + ", grid " + gridX + "x" + gridY + "x" + gridZ
                    + ", block " + blockX + "x" + blockY + ")", e);
        }
        syncIfAsked(op);
    }

    /** The pointers cuLaunchKernel wants, one per argument, after checking them against {@code k}'s signature. */
    static Pointer[] kernelParams(Kernel k, Object... args) {
        String sig = k.signature();
        if (args.length != sig.length()) {
            throw new IllegalStateException("kernel " + k.entry() + " takes " + sig.length() + " arguments ("
                    + sig + "), Java passed " + args.length);
        }
        Pointer[] ps = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            char want = sig.charAt(i);
            if (want == 'p' && a instanceof CUdeviceptr) {
                ps[i] = Pointer.to((CUdeviceptr) a);
            } else if (want == 'i' && a instanceof Integer) {
                ps[i] = Pointer.to(new int[] {(Integer) a});
            } else if (want == 'f' && a instanceof Float) {
                ps[i] = Pointer.to(new float[] {(Float) a});
            } else {
                throw new IllegalStateException("kernel " + k.entry() + " argument " + i + ": signature " + sig
                        + " wants '" + want + "', Java passed " + (a == null ? "null" : a.getClass().getSimpleName()));
            }
        }
        return ps;
    }

    void syncIfAsked(String op) {
        if (syncEachOp && !capturing) {
            synchronize(op);
        }
    }

    void synchronize(String op) {
        try {
            cuCtxSynchronize();
        } catch (CudaException e) {
            throw failed(op, e);
        }
    }

    static int ceilDiv(long a, int b) {
        return (int) ((a + b - 1) / b);
    }

    static int grid(long n) {
        return (int) Math.min(ceilDiv(n, BLOCK), MAX_GRID);
    }

    static int partialGrid(long n) {
        return (int) Math.min(ceilDiv(n, BLOCK), MAX_PARTIALS);
    }

    static CudaOpException failed(String op, CudaException e) {
        String code = NativeErrors.describe(e);
        String hint = code.contains("ILLEGAL_ADDRESS") || code.contains("LAUNCH_FAILED")
                || code.contains("MISALIGNED") || code.contains("ILLEGAL_INSTRUCTION")
                ? " (a fault in an earlier asynchronous kernel surfaces at a later call; run with -D"
                + CudaBackend.SYNC_PROPERTY + "=true to pin it to its op)" : "";
        return new CudaOpException(op + ": " + code + hint, e);
    }
}
