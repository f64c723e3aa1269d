package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

import org.backprop.core.Backend;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Tensor;

/**
 * {@link Backend} on an NVIDIA GPU through JCuda's driver API: our PTX kernels for every op, and
 * cuBLAS for GEMM when JCublas can load it (else our PTX SGEMM; {@link #gemmPath()} says which).
 *
 * <p>All work goes to the legacy default stream, one stream in order: kernels, cuBLAS and copies
 * are then ordered without events, and {@link #download} (a blocking copy) is the only point where
 * the host waits; reading an accumulator is a download. A launch or copy that fails throws
 * {@link CudaOpException} naming the op. Kernels run asynchronously, so a fault inside one surfaces
 * at a later call; {@code -Dbackprop.cuda.syncEachOp=true} synchronises after every launch to pin
 * it to its op.
 *
 * <p>Not thread-safe, like the other backends; it may move between threads (the context is made
 * current on whichever thread calls).
 */
public final class CudaBackend implements Backend {

    /** System property: {@code auto} (default), {@code ptx} (always our SGEMM) or {@code cublas}. */
    public static final String GEMM_PROPERTY = "backprop.cuda.gemm";
    /** System property: synchronise after every launch, to attribute asynchronous faults. */
    public static final String SYNC_PROPERTY = "backprop.cuda.syncEachOp";

    private static final int BLOCK = 256;
    private static final int ROWS_PER_BLOCK = BLOCK / 32;   // one warp per row
    private static final int MAX_GRID = 65535;
    /** Upper bound of partial sums per reduction: the grid of an elementwise loss kernel. */
    private static final int MAX_PARTIALS = 1024;
    private static final int GEMM_TILE = 128;

    /** How GEMM runs. */
    public enum GemmChoice {
        AUTO, PTX, CUBLAS;

        static GemmChoice fromProperty() {
            String v = System.getProperty(GEMM_PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
            try {
                return valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + GEMM_PROPERTY + "=" + v.toLowerCase(Locale.ROOT)
                        + ": expected auto, ptx or cublas");
            }
        }
    }

    private final CudaDevice device;
    private final cublasHandle cublas;
    private final String gemmPath;
    private final boolean syncEachOp;
    private final Set<CudaTensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private CUdeviceptr scratch;
    private long scratchBytes;
    private Thread boundThread;
    private boolean closed;

    CudaBackend(CudaDevice device, GemmChoice choice) {
        this.device = device;
        this.syncEachOp = Boolean.getBoolean(SYNC_PROPERTY);
        enter();
        if (choice == GemmChoice.PTX) {
            this.cublas = null;
            this.gemmPath = "PTX SGEMM (asked for with -D" + GEMM_PROPERTY + "=ptx)";
        } else if (device.cublasLoaded()) {
            this.cublas = new cublasHandle();
            try {
                // default math mode (CUBLAS_DEFAULT_MATH): plain FP32, no TF32 tensor-op rounding
                JCublas2.cublasCreate(cublas);
            } catch (RuntimeException e) {
                throw new CudaOpException("cuda backend: cublasCreate failed: " + NativeErrors.describe(e), e);
            }
            this.gemmPath = "cuBLAS " + cublasVersionText(device.cublasVersion);
        } else if (choice == GemmChoice.CUBLAS) {
            throw new BackendUnavailableException("-D" + GEMM_PROPERTY + "=cublas but cuBLAS is unavailable: "
                    + device.cublasProblem);
        } else {
            this.cublas = null;
            this.gemmPath = "PTX SGEMM (cuBLAS unavailable: " + device.cublasProblem + ")";
        }
    }

    static String cublasVersionText(int v) {
        // cublasGetVersion: major*10000 + minor*100 + patch (CUDA 12 numbering; older: *1000)
        return v >= 10000 ? (v / 10000) + "." + (v % 10000) / 100 + "." + v % 100 : String.valueOf(v);
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return device.name + " (compute " + device.computeCapability() + ", " + CudaDevice.gib(device.totalBytes)
                + ", driver " + device.driverVersion() + "), GEMM: " + gemmPath;
    }

    /** Which GEMM runs: {@code cuBLAS 12.x} or {@code PTX SGEMM (cuBLAS unavailable: reason)}. */
    public String gemmPath() {
        return gemmPath;
    }

    // ------------------------------------------------------------------------------ memory

    @Override
    public Tensor allocate(int rows, int cols) {
        return allocate(rows, cols, Tensor.DType.FLOAT32);
    }

    @Override
    public Tensor allocateIndices(int n) {
        return allocate(1, n, Tensor.DType.INT32);
    }

    private CudaTensor allocate(int rows, int cols, Tensor.DType dtype) {
        enter();
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("allocate: tensor shape must be positive, got " + rows + "x" + cols);
        }
        long bytes = (long) rows * cols * 4L;
        CUdeviceptr p = deviceAlloc("allocate " + rows + "x" + cols, bytes);
        CudaTensor t = new CudaTensor(this, p, rows, cols, dtype, null);
        live.add(t);
        return t;
    }

    private CUdeviceptr deviceAlloc(String what, long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (String.valueOf(e.getMessage()).contains("OUT_OF_MEMORY")) {
                long free = -1;
                try {
                    free = device.memoryInfo()[0];
                } catch (RuntimeException ignored) {
                    // the out-of-memory report below still names the request
                }
                throw new CudaOutOfMemoryException(what + ": requested " + bytes + " bytes but "
                        + (free >= 0 ? free + " bytes are free" : "the free amount is unknown") + " on " + device.name
                        + "; use a smaller batch", e);
            }
            throw failed(what, e);
        }
        return p;
    }

    void free(CudaTensor t) {
        if (!live.remove(t)) {
            return;   // already freed by close()
        }
        enter();
        try {
            cuMemFree(t.pointer);
        } catch (CudaException e) {
            throw failed("free " + t.shape(), e);
        }
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        CudaTensor d = owned("upload", dst);
        Checks.length("upload", src.length, d);
        try {
            cuMemcpyHtoD(d.pointer, Pointer.to(src), d.bytes());
        } catch (CudaException e) {
            throw failed("upload", e);
        }
    }

    @Override
    public void uploadIndices(int[] src, Tensor dst) {
        CudaTensor d = ownedIndices("uploadIndices", dst);
        Checks.length("uploadIndices", src.length, d);
        try {
            cuMemcpyHtoD(d.pointer, Pointer.to(src), d.bytes());
        } catch (CudaException e) {
            throw failed("uploadIndices", e);
        }
        d.forgetHostIndices();
        d.hostIndices = src.clone();
    }

    /** Also reads int32 index tensors, converting each index to float (exact below 2^24). */
    @Override
    public void download(Tensor src, float[] dst) {
        CudaTensor s = anyOwned("download", src);
        Checks.length("download", dst.length, s);
        try {
            if (s.dtype() == Tensor.DType.INT32) {
                int[] ints = new int[dst.length];
                cuMemcpyDtoH(Pointer.to(ints), s.pointer, s.bytes());
                for (int i = 0; i < ints.length; i++) {
                    dst[i] = ints[i];
                }
            } else {
                cuMemcpyDtoH(Pointer.to(dst), s.pointer, s.bytes());
            }
        } catch (CudaException e) {
            throw failed("download", e);
        }
    }

    /** Reads an int32 index tensor. */
    public void downloadIndices(Tensor src, int[] dst) {
        CudaTensor s = ownedIndices("downloadIndices", src);
        Checks.length("downloadIndices", dst.length, s);
        try {
            cuMemcpyDtoH(Pointer.to(dst), s.pointer, s.bytes());
        } catch (CudaException e) {
            throw failed("downloadIndices", e);
        }
    }

    @Override
    public void fill(Tensor t, float value) {
        CudaTensor x = owned("fill", t);
        int n = x.size();
        launch("fill", Kernel.FILL_VALUE, grid(n), 1, BLOCK, 1, x.pointer, value, n);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CudaTensor s = owned("copy", src);
        CudaTensor d = owned("copy", dst);
        Checks.sameShape("copy", s, d);
        if (s.pointer.equals(d.pointer)) {
            return;
        }
        try {
            cuMemcpyDtoD(d.pointer, s.pointer, s.bytes());
        } catch (CudaException e) {
            throw failed("copy", e);
        }
        syncIfAsked("copy");
    }

    // ------------------------------------------------------------------------------ GEMM

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        CudaTensor ta = owned("gemm", a);
        CudaTensor tb = owned("gemm", b);
        CudaTensor tc = owned("gemm", c);
        int[] mnk = Checks.gemm(transA, transB, ta, tb, tc);
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        if (cublas != null) {
            // cuBLAS is column-major; a row-major matrix read column-major is its transpose, so
            // row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands,
            // keep each one's op, and the row strides serve as leading dimensions.
            try {
                JCublas2.cublasSgemm(cublas,
                        transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                        transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                        n, m, k,
                        Pointer.to(new float[] {alpha}), tb.pointer, tb.cols(), ta.pointer, ta.cols(),
                        Pointer.to(new float[] {beta}), tc.pointer, tc.cols());
            } catch (CudaException e) {
                throw failed("gemm (cuBLAS)", e);
            }
            syncIfAsked("gemm");
            return;
        }
        int gridX = ceilDiv(n, GEMM_TILE);
        int gridY = ceilDiv(m, GEMM_TILE);
        if (gridY > MAX_GRID) {
            throw new IllegalArgumentException("gemm: " + m + " rows exceed the PTX SGEMM's limit of "
                    + (long) MAX_GRID * GEMM_TILE);
        }
        launch("gemm", Kernel.sgemm(transA, transB), gridX, gridY, BLOCK, 1,
                m, n, k, alpha, ta.pointer, ta.cols(), tb.pointer, tb.cols(), beta, tc.pointer, tc.cols());
    }

    // ------------------------------------------------------------------------------ row-wise and elementwise

    @Override
    public void addBias(Tensor x, Tensor bias) {
        CudaTensor tx = owned("addBias", x);
        CudaTensor tb = owned("addBias", bias);
        Checks.rowVector("addBias", tb, tx.cols());
        launch("addBias", Kernel.ADD_BIAS, grid(tx.size()), 1, BLOCK, 1,
                tx.pointer, tb.pointer, tx.rows(), tx.cols());
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        CudaTensor d = owned("biasGradient", delta);
        CudaTensor g = owned("biasGradient", grad);
        Checks.rowVector("biasGradient", g, d.cols());
        launch("biasGradient", Kernel.BIAS_GRAD, ceilDiv(d.cols(), 32), 1, 32, 8,
                d.pointer, g.pointer, d.rows(), d.cols(), beta);
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        unary("sigmoid", Kernel.SIGMOID_FORWARD, x, y);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("sigmoidBackward", Kernel.SIGMOID_BACKWARD, y, dy, dx);
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        unary("tanh", Kernel.TANH_FORWARD, x, y);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("tanhBackward", Kernel.TANH_BACKWARD, y, dy, dx);
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        unary("relu", Kernel.RELU_FORWARD, x, y);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("reluBackward", Kernel.RELU_BACKWARD, y, dy, dx);
    }

    private void unary(String op, Kernel k, Tensor x, Tensor y) {
        CudaTensor tx = owned(op, x);
        CudaTensor ty = owned(op, y);
        Checks.sameShape(op, tx, ty);
        int n = tx.size();
        launch(op, k, grid(n), 1, BLOCK, 1, tx.pointer, ty.pointer, n);
    }

    private void backward(String op, Kernel k, Tensor y, Tensor dy, Tensor dx) {
        CudaTensor ty = owned(op, y);
        CudaTensor tdy = owned(op, dy);
        CudaTensor tdx = owned(op, dx);
        Checks.sameShape(op, ty, tdy, tdx);
        int n = ty.size();
        launch(op, k, grid(n), 1, BLOCK, 1, ty.pointer, tdy.pointer, tdx.pointer, n);
    }

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        CudaTensor x = owned("softmax", logits);
        CudaTensor p = owned("softmax", probabilities);
        Checks.sameShape("softmax", x, p);
        launch("softmax", Kernel.SOFTMAX_ROWS, rowGrid(x.rows()), 1, BLOCK, 1,
                x.pointer, p.pointer, x.rows(), x.cols());
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        String op = "softmaxCrossEntropy";
        CudaTensor x = owned(op, logits);
        CudaTensor y = owned(op, targets);
        CudaTensor p = owned(op, probabilities);
        CudaTensor g = owned(op, grad);
        CudaTensor loss = owned(op, lossSum);
        Checks.sameShape(op, x, y, p, g);
        Checks.scalar(op, loss);
        int m = x.rows();
        CUdeviceptr rowLoss = scratch(op, m);
        launch(op, Kernel.SOFTMAX_XENT_ROWS, rowGrid(m), 1, BLOCK, 1,
                x.pointer, y.pointer, p.pointer, g.pointer, rowLoss, m, x.cols(), (float) m);
        addPartials(op, rowLoss, m, loss);
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                          Tensor lossSum) {
        String op = "sigmoidBinaryCrossEntropy";
        CudaTensor z = owned(op, logits);
        CudaTensor y = owned(op, targets);
        CudaTensor p = owned(op, probabilities);
        CudaTensor g = owned(op, grad);
        CudaTensor loss = owned(op, lossSum);
        Checks.sameShape(op, z, y, p, g);
        Checks.scalar(op, loss);
        int n = z.size();
        int blocks = partialGrid(n);
        CUdeviceptr partials = scratch(op, blocks);
        launch(op, Kernel.SIGMOID_BCE, blocks, 1, BLOCK, 1,
                z.pointer, y.pointer, p.pointer, g.pointer, partials, n, (float) z.rows());
        addPartials(op, partials, blocks, loss);
    }

    @Override
    public void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        String op = "squaredError";
        CudaTensor o = owned(op, output);
        CudaTensor y = owned(op, targets);
        CudaTensor g = owned(op, grad);
        CudaTensor loss = owned(op, lossSum);
        Checks.sameShape(op, o, y, g);
        Checks.scalar(op, loss);
        int n = o.size();
        int blocks = partialGrid(n);
        CUdeviceptr partials = scratch(op, blocks);
        launch(op, Kernel.SQUARED_ERROR, blocks, 1, BLOCK, 1,
                o.pointer, y.pointer, g.pointer, partials, n, (float) o.rows());
        addPartials(op, partials, blocks, loss);
    }

    @Override
    public void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        String op = "countCorrect";
        CudaTensor o = owned(op, output);
        CudaTensor y = owned(op, targets);
        CudaTensor c = owned(op, correct);
        Checks.sameShape(op, o, y);
        Checks.scalar(op, c);
        int m = o.rows();
        CUdeviceptr hits = scratch(op, m);
        launch(op, Kernel.COUNT_CORRECT, rowGrid(m), 1, BLOCK, 1, o.pointer, y.pointer, hits, m, o.cols());
        addPartials(op, hits, m, c);
    }

    @Override
    public void argmax(Tensor x, Tensor indices) {
        CudaTensor tx = owned("argmax", x);
        CudaTensor idx = ownedIndices("argmax", indices);
        if (idx.size() != tx.rows()) {
            throw new IllegalArgumentException("argmax: indices " + idx.shape() + " must hold one entry per row of "
                    + tx.shape());
        }
        idx.forgetHostIndices();
        launch("argmax", Kernel.ARGMAX_ROWS, rowGrid(tx.rows()), 1, BLOCK, 1,
                tx.pointer, idx.pointer, tx.rows(), tx.cols());
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        CudaTensor tx = owned("sumOfSquares", x);
        CudaTensor s = owned("sumOfSquares", sum);
        Checks.scalar("sumOfSquares", s);
        int n = tx.size();
        int blocks = partialGrid(n);
        CUdeviceptr partials = scratch("sumOfSquares", blocks);
        launch("sumOfSquares", Kernel.SUM_OF_SQUARES, blocks, 1, BLOCK, 1, tx.pointer, partials, n);
        addPartials("sumOfSquares", partials, blocks, s);
    }

    @Override
    public void scale(Tensor x, float alpha) {
        CudaTensor tx = owned("scale", x);
        int n = tx.size();
        launch("scale", Kernel.SCALE_INPLACE, grid(n), 1, BLOCK, 1, tx.pointer, alpha, n);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        CudaTensor tx = owned("axpy", x);
        CudaTensor ty = owned("axpy", y);
        Checks.sameShape("axpy", tx, ty);
        int n = tx.size();
        launch("axpy", Kernel.AXPY, grid(n), 1, BLOCK, 1, alpha, tx.pointer, ty.pointer, n);
    }

    @Override
    public void dropout(Tensor x, Tensor y, float rate, long seed, int step, int layer) {
        dropoutOp("dropout", x, y, rate, seed, step, layer);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor dx, float rate, long seed, int step, int layer) {
        dropoutOp("dropoutBackward", dy, dx, rate, seed, step, layer);
    }

    private void dropoutOp(String op, Tensor in, Tensor out, float rate, long seed, int step, int layer) {
        CudaTensor a = owned(op, in);
        CudaTensor b = owned(op, out);
        Checks.sameShape(op, a, b);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(op + ": rate must be in [0, 1), got " + rate);
        }
        // the threshold travels as the bit pattern of an unsigned 32-bit number
        int threshold = (int) Philox.dropThreshold(rate);
        launch(op, Kernel.DROPOUT, grid(a.size()), 1, BLOCK, 1, a.pointer, b.pointer, a.rows(), a.cols(),
                (int) seed, (int) (seed >>> 32), step, layer, threshold, Philox.dropScale(rate));
    }

    // ------------------------------------------------------------------------------ optimisers

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        CudaTensor p = owned("nesterovUpdate", param);
        CudaTensor g = owned("nesterovUpdate", grad);
        CudaTensor v = owned("nesterovUpdate", velocity);
        Checks.sameShape("nesterovUpdate", p, g, v);
        int n = p.size();
        launch("nesterovUpdate", Kernel.NESTEROV_UPDATE, grid(n), 1, BLOCK, 1,
                p.pointer, g.pointer, v.pointer, lr, momentum, n);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        CudaTensor p = owned("rmspropUpdate", param);
        CudaTensor g = owned("rmspropUpdate", grad);
        CudaTensor s = owned("rmspropUpdate", square);
        Checks.sameShape("rmspropUpdate", p, g, s);
        int n = p.size();
        launch("rmspropUpdate", Kernel.RMSPROP_UPDATE, grid(n), 1, BLOCK, 1,
                p.pointer, g.pointer, s.pointer, lr, alpha, eps, n);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        CudaTensor p = owned("sgdUpdate", param);
        CudaTensor g = owned("sgdUpdate", grad);
        Checks.sameShape("sgdUpdate", p, g);
        int n = p.size();
        launch("sgdUpdate", Kernel.SGD_UPDATE, grid(n), 1, BLOCK, 1, p.pointer, g.pointer, lr, n);
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        CudaTensor p = owned("momentumUpdate", param);
        CudaTensor g = owned("momentumUpdate", grad);
        CudaTensor v = owned("momentumUpdate", velocity);
        Checks.sameShape("momentumUpdate", p, g, v);
        int n = p.size();
        launch("momentumUpdate", Kernel.MOMENTUM_UPDATE, grid(n), 1, BLOCK, 1,
                p.pointer, g.pointer, v.pointer, lr, momentum, n);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        CudaTensor p = owned("adamUpdate", param);
        CudaTensor g = owned("adamUpdate", grad);
        CudaTensor tm = owned("adamUpdate", m);
        CudaTensor tv = owned("adamUpdate", v);
        Checks.sameShape("adamUpdate", p, g, tm, tv);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more (1-based), got " + step);
        }
        float bc1 = (float) (1.0 - Math.pow(beta1, step));
        float bc2 = (float) (1.0 - Math.pow(beta2, step));
        int n = p.size();
        launch("adamUpdate", Kernel.ADAM_UPDATE, grid(n), 1, BLOCK, 1,
                p.pointer, g.pointer, tm.pointer, tv.pointer, lr, beta1, beta2, eps, bc1, bc2, n);
    }

    // ------------------------------------------------------------------------------ data

    @Override
    public void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        CudaTensor s = owned("gatherRows", src);
        CudaTensor d = owned("gatherRows", dst);
        if (indices == null) {
            throw new IllegalArgumentException("gatherRows: tensor is null");
        }
        Checks.gather(s, indices, start, d);
        CudaTensor idx = ownedIndices("gatherRows", indices);
        if (idx.hostIndices != null) {
            for (int r = 0; r < d.rows(); r++) {
                int row = idx.hostIndices[start + r];
                if (row < 0 || row >= s.rows()) {
                    throw new IllegalArgumentException("gatherRows: index " + row + " at position " + (start + r)
                            + " is not a row of the " + s.shape() + " source");
                }
            }
        }
        launch("gatherRows", Kernel.GATHER_ROWS, grid(d.size()), 1, BLOCK, 1,
                s.pointer, idx.pointer, start, d.pointer, s.rows(), d.rows(), d.cols());
    }

    @Override
    public void synchronize() {
        enter();
        try {
            cuCtxSynchronize();
        } catch (CudaException e) {
            throw failed("synchronize", e);
        }
    }

    /** Frees tensors still open, the scratch buffer and the cuBLAS handle; the context stays (see CudaDevice). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        closed = true;
        RuntimeException first = null;
        for (CudaTensor t : new ArrayList<>(live)) {
            try {
                live.remove(t);
                cuMemFree(t.pointer);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        try {
            if (scratch != null) {
                cuMemFree(scratch);
                scratch = null;
            }
            if (cublas != null) {
                JCublas2.cublasDestroy(cublas);
            }
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw new CudaOpException("close: " + NativeErrors.describe(first), first);
        }
    }

    /** Device bytes held by open tensors of this backend (for tests and reports). */
    long liveBytes() {
        long sum = 0;
        for (CudaTensor t : live) {
            sum += t.bytes();
        }
        return sum;
    }

    // ------------------------------------------------------------------------------ helpers

    /** Makes the context current on this thread when the backend has moved threads. */
    private void enter() {
        if (closed) {
            throw new IllegalStateException("cuda backend is closed");
        }
        Thread now = Thread.currentThread();
        if (now != boundThread) {
            cuCtxSetCurrent(device.context);
            boundThread = now;
        }
    }

    private CudaTensor owned(String op, Tensor t) {
        enter();
        Checks.owned(this, op, t);
        return (CudaTensor) t;
    }

    private CudaTensor ownedIndices(String op, Tensor t) {
        enter();
        Checks.ownedIndices(this, op, t);
        return (CudaTensor) t;
    }

    private CudaTensor anyOwned(String op, Tensor t) {
        enter();
        Checks.live(this, op, t);
        return (CudaTensor) t;
    }

    /** A device buffer of at least {@code doubles} doubles, reused across calls, grown on demand. */
    private CUdeviceptr scratch(String op, int doubles) {
        long need = Math.max((long) doubles, MAX_PARTIALS) * 8L;
        if (need > scratchBytes) {
            long grown = Math.max(need, scratchBytes * 2);
            if (scratch != null) {
                try {
                    cuCtxSynchronize();   // queued kernels may still use the old buffer
                    cuMemFree(scratch);
                } catch (CudaException e) {
                    throw failed(op, e);
                }
                scratch = null;
                scratchBytes = 0;
            }
            scratch = deviceAlloc(op + " (scratch for the reduction)", grown);
            scratchBytes = grown;
        }
        return scratch;
    }

    private void addPartials(String op, CUdeviceptr partials, int count, CudaTensor acc) {
        launch(op, Kernel.SUM_PARTIALS_ADD, 1, 1, BLOCK, 1, partials, count, acc.pointer);
    }

    private static int ceilDiv(long a, int b) {
        return (int) ((a + b - 1) / b);
    }

    private static int grid(long n) {
        return (int) Math.min(ceilDiv(n, BLOCK), MAX_GRID);
    }

    private static int partialGrid(long n) {
        return (int) Math.min(ceilDiv(n, BLOCK), MAX_PARTIALS);
    }

    private static int rowGrid(int rows) {
        return ceilDiv(rows, ROWS_PER_BLOCK);
    }

    /**
     * Launches {@code k} on the default stream after checking the arguments against its
     * signature (the same table {@code PtxWiringTest} checks against the PTX).
     */
    void launch(String op, Kernel k, int gridX, int gridY, int blockX, int blockY, Object... args) {
        Pointer params = Pointer.to(kernelParams(k, args));
        try {
            cuLaunchKernel(device.function(k), gridX, gridY, 1, blockX, blockY, 1, 0, null, params, null);
        } catch (CudaException e) {
            throw failed(op + " (kernel " + k.entry() + ", grid " + gridX + "x" + gridY
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

    private void syncIfAsked(String op) {
        if (syncEachOp) {
            try {
                cuCtxSynchronize();
            } catch (CudaException e) {
                throw failed(op, e);
            }
        }
    }

    private static CudaOpException failed(String op, CudaException e) {
        String code = NativeErrors.describe(e);
        String hint = code.contains("ILLEGAL_ADDRESS") || code.contains("LAUNCH_FAILED")
                || code.contains("MISALIGNED") || code.contains("ILLEGAL_INSTRUCTION")
                ? " (a fault in an earlier asynchronous kernel surfaces at a later call; run with -D"
                + SYNC_PROPERTY + "=true to pin it to its op)" : "";
        return new CudaOpException(op + ": " + code + hint, e);
    }
}
