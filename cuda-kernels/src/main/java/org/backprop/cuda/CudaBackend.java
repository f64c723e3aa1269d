package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

import org.backprop.core.Backend;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * {@link Backend} on an NVIDIA GPU through JCuda's driver API: our PTX kernels for every op, and
 * cuBLAS for GEMM when JCublas can load it (else our PTX SGEMM; {@link #gemmPath()} says which).
 *
 * <p>Kernels go to the backend's own blocking stream, cuBLAS and the synchronous copies to the
 * legacy default stream, which a blocking stream is ordered with: all work runs in issue order
 * without events, and {@link #download} (a blocking copy) is the only point where the host waits;
 * reading an accumulator is a download. A training step can be captured from that stream as a
 * CUDA graph ({@link #record}) and replayed with one launch. A launch or copy that fails throws
 * {@link CudaOpException} naming the op. Kernels run asynchronously, so a fault inside one surfaces
 * at a later call; {@code -Dbackprop.cuda.syncEachOp=true} synchronises after every launch to pin
 * it to its op.
 *
 * <p>Not thread-safe, like the other backends; it may move between threads (the context is made
 * current on whichever thread calls).
 *
 * <p>The op methods read one-to-one like {@code CpuBackend}'s, each launching the kernel of the
 * same name ({@link Kernel}); launch shapes and parameter marshalling live in {@link CudaLaunch},
 * device memory and the reduction scratch buffer in {@link CudaMemory}.
 */
public final class CudaBackend implements Backend {

    /** System property: {@code auto} (default), {@code ptx} (always our SGEMM) or {@code cublas}. */
    public static final String GEMM_PROPERTY = "backprop.cuda.gemm";
    /** System property: synchronise after every launch, to attribute asynchronous faults. */
    public static final String SYNC_PROPERTY = "backprop.cuda.syncEachOp";

    /** System property: splits of the weight-gradient product Xᵀ·δ, 0 (default) to pick them per shape. */
    public static final String SPLIT_PROPERTY = "backprop.cuda.splitK";
    /** System property: {@code auto} (default: the narrow tile for n ≤ 16), {@code wide} or {@code narrow}. */
    public static final String TILE_PROPERTY = "backprop.cuda.gemmTile";

    /** Which PTX SGEMM tile runs: picked per shape, or forced (for tests and comparisons). */
    public enum TileChoice {
        AUTO, WIDE, NARROW;

        static TileChoice fromProperty() {
            String v = System.getProperty(TILE_PROPERTY, "auto").trim().toUpperCase(Locale.ROOT);
            try {
                return valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + TILE_PROPERTY + "=" + v.toLowerCase(Locale.ROOT)
                        + ": expected auto, wide or narrow");
            }
        }

        /** The 128x128 tile wastes most of itself on a product of at most 16 columns. */
        boolean narrow(int n) {
            return this == NARROW || (this == AUTO && n <= CudaLaunch.NARROW_COLS);
        }
    }

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
    private final CudaLaunch launch;
    private final CudaMemory memory;
    private final cublasHandle cublas;
    private final String gemmPath;
    private final Set<CudaTensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<CudaRecording> recordings = Collections.newSetFromMap(new IdentityHashMap<>());
    private final CUstream stream;
    private final TileChoice tile;
    private final int splitK;
    private int multiprocessors;
    private long graphLaunches;
    private String recordRefusal;
    private Thread boundThread;
    private boolean closed;

    CudaBackend(CudaDevice device, GemmChoice choice) {
        this(device, choice, TileChoice.fromProperty());
    }

    CudaBackend(CudaDevice device, GemmChoice choice, TileChoice tile) {
        this(device, choice, tile, Integer.getInteger(SPLIT_PROPERTY, 0));
    }

    /** {@code splitK}: the splits of every wide weight-gradient product, 0 to pick them per shape. */
    CudaBackend(CudaDevice device, GemmChoice choice, TileChoice tile, int splitK) {
        if (splitK < 0 || splitK > 64) {
            throw new IllegalArgumentException("-D" + SPLIT_PROPERTY + "=" + splitK + ": expected 0 (auto) to 64");
        }
        this.device = device;
        this.tile = tile;
        this.splitK = splitK;
        this.launch = new CudaLaunch(device, Boolean.getBoolean(SYNC_PROPERTY));
        this.memory = new CudaMemory(device);
        enter();
        // a blocking stream (flags 0): it orders itself with the legacy stream that the
        // synchronous copies and cuBLAS use, so only capture needs to know it exists
        CUstream s = new CUstream();
        try {
            cuStreamCreate(s, 0);
        } catch (CudaException e) {
            throw CudaLaunch.failed("cuda backend: creating its stream", e);
        }
        this.stream = s;
        launch.stream = s;
        GemmSetup gemm = GemmSetup.choose(choice, device.cublasProblem, device.cublasVersion, () -> {
            cublasHandle h = new cublasHandle();
            // default math mode (CUBLAS_DEFAULT_MATH): plain FP32, no TF32 tensor-op rounding
            JCublas2.cublasCreate(h);
            return h;
        });
        this.cublas = gemm.handle;
        this.gemmPath = gemm.path;
    }

    /** Which GEMM a backend runs, and the cuBLAS handle when that is cuBLAS. */
    static final class GemmSetup {
        final cublasHandle handle;
        final String path;

        private GemmSetup(cublasHandle handle, String path) {
            this.handle = handle;
            this.path = path;
        }

        /**
         * {@code auto} takes cuBLAS when the probe loaded it and a handle can be made, else our PTX
         * SGEMM with the reason; {@code cublas} where cuBLAS cannot run is an error, never a switch.
         */
        static GemmSetup choose(GemmChoice choice, String cublasProblem, int cublasVersion,
                                java.util.function.Supplier<cublasHandle> create) {
            if (choice == GemmChoice.PTX) {
                return new GemmSetup(null, "PTX SGEMM (asked for with -D" + GEMM_PROPERTY + "=ptx)");
            }
            String problem = cublasProblem;
            if (problem == null) {
                try {
                    return new GemmSetup(create.get(), "cuBLAS " + cublasVersionText(cublasVersion));
                } catch (RuntimeException | LinkageError e) {
                    problem = "cublasCreate failed: " + NativeErrors.describe(e);
                }
            }
            if (choice == GemmChoice.CUBLAS) {
                throw new BackendUnavailableException("-D" + GEMM_PROPERTY + "=cublas but cuBLAS is unavailable: "
                        + problem);
            }
            return new GemmSetup(null, "PTX SGEMM (cuBLAS unavailable: " + problem + ")");
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
        CUdeviceptr p = memory.allocate("allocate " + rows + "x" + cols, (long) rows * cols * 4L);
        CudaTensor t = new CudaTensor(this, p, rows, cols, dtype, null);
        live.add(t);
        return t;
    }

    void free(CudaTensor t) {
        if (!live.remove(t)) {
            return;   // already freed by close()
        }
        enter();
        memory.free("free " + t.shape(), t.pointer);
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        CudaTensor d = owned("upload", dst);
        Checks.length("upload", src.length, d);
        memory.upload("upload", Pointer.to(src), d.pointer, d.bytes());
    }

    @Override
    public void uploadIndices(int[] src, Tensor dst) {
        CudaTensor d = ownedIndices("uploadIndices", dst);
        Checks.length("uploadIndices", src.length, d);
        memory.upload("uploadIndices", Pointer.to(src), d.pointer, d.bytes());
        d.forgetHostIndices();
        d.hostIndices = src.clone();
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : src) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        d.hostMin = lo;
        d.hostMax = hi;
    }

    /** Also reads int32 index tensors, converting each index to float (exact below 2^24). */
    @Override
    public void download(Tensor src, float[] dst) {
        CudaTensor s = anyOwned("download", src);
        Checks.length("download", dst.length, s);
        if (s.dtype() == Tensor.DType.INT32) {
            int[] ints = new int[dst.length];
            memory.download("download", s.pointer, Pointer.to(ints), s.bytes());
            for (int i = 0; i < ints.length; i++) {
                dst[i] = ints[i];
            }
        } else {
            memory.download("download", s.pointer, Pointer.to(dst), s.bytes());
        }
    }

    /** Reads an int32 index tensor. */
    public void downloadIndices(Tensor src, int[] dst) {
        CudaTensor s = ownedIndices("downloadIndices", src);
        Checks.length("downloadIndices", dst.length, s);
        memory.download("downloadIndices", s.pointer, Pointer.to(dst), s.bytes());
    }

    @Override
    public void fill(Tensor t, float value) {
        CudaTensor x = owned("fill", t);
        launch.elementwise("fill", Kernel.FILL, x.size(), x.pointer, value, x.size());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        CudaTensor s = owned("copy", src);
        CudaTensor d = owned("copy", dst);
        Checks.sameShape("copy", s, d);
        if (s.pointer.equals(d.pointer)) {
            return;
        }
        memory.copy("copy", s.pointer, d.pointer, s.bytes());
        launch.syncIfAsked("copy");
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
                throw CudaLaunch.failed("gemm (cuBLAS)", e);
            }
            launch.syncIfAsked("gemm");
            return;
        }
        gemmLaunch("gemm", Kernel.gemm(transA, transB), m, m, n,
                m, n, k, alpha, ta.pointer, ta.cols(), tb.pointer, tb.cols(), beta, tc.pointer, tc.cols());
    }

    // ------------------------------------------------------------------------------ row-wise and elementwise

    @Override
    public void addBias(Tensor x, Tensor bias) {
        CudaTensor tx = owned("addBias", x);
        CudaTensor tb = owned("addBias", bias);
        Checks.rowVector("addBias", tb, tx.cols());
        launch.elementwise("addBias", Kernel.ADD_BIAS, tx.size(), tx.pointer, tb.pointer, tx.rows(), tx.cols());
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        CudaTensor d = owned("biasGradient", delta);
        CudaTensor g = owned("biasGradient", grad);
        Checks.rowVector("biasGradient", g, d.cols());
        launch.kernel("biasGradient", Kernel.BIAS_GRADIENT, CudaLaunch.ceilDiv(d.cols(), 32), 1, 32, 8,
                d.pointer, g.pointer, d.rows(), d.cols(), beta);
    }

    private void unary(String op, Kernel k, Tensor x, Tensor y) {
        CudaTensor tx = owned(op, x);
        CudaTensor ty = owned(op, y);
        Checks.sameShape(op, tx, ty);
        launch.elementwise(op, k, tx.size(), tx.pointer, ty.pointer, tx.size());
    }

    private void backward(String op, Kernel k, Tensor y, Tensor dy, Tensor dx) {
        CudaTensor ty = owned(op, y);
        CudaTensor tdy = owned(op, dy);
        CudaTensor tdx = owned(op, dx);
        Checks.sameShape(op, ty, tdy, tdx);
        launch.elementwise(op, k, ty.size(), ty.pointer, tdy.pointer, tdx.pointer, ty.size());
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

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        CudaTensor x = owned("softmax", logits);
        CudaTensor p = owned("softmax", probabilities);
        Checks.sameShape("softmax", x, p);
        launch.rows("softmax", Kernel.SOFTMAX, x.rows(), x.pointer, p.pointer, x.rows(), x.cols());
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
        CUdeviceptr rowLoss = memory.scratch(op, m);
        launch.rows(op, Kernel.SOFTMAX_CROSS_ENTROPY, m,
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
        int blocks = CudaLaunch.partialGrid(n);
        CUdeviceptr partials = memory.scratch(op, blocks);
        launch.kernel(op, Kernel.SIGMOID_BINARY_CROSS_ENTROPY, blocks, 1, CudaLaunch.BLOCK, 1,
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
        int blocks = CudaLaunch.partialGrid(n);
        CUdeviceptr partials = memory.scratch(op, blocks);
        launch.kernel(op, Kernel.SQUARED_ERROR, blocks, 1, CudaLaunch.BLOCK, 1,
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
        CUdeviceptr hits = memory.scratch(op, m);
        launch.rows(op, Kernel.COUNT_CORRECT, m, o.pointer, y.pointer, hits, m, o.cols());
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
        launch.rows("argmax", Kernel.ARGMAX, tx.rows(), tx.pointer, idx.pointer, tx.rows(), tx.cols());
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        CudaTensor tx = owned("sumOfSquares", x);
        CudaTensor s = owned("sumOfSquares", sum);
        Checks.scalar("sumOfSquares", s);
        int n = tx.size();
        int blocks = CudaLaunch.partialGrid(n);
        CUdeviceptr partials = memory.scratch("sumOfSquares", blocks);
        launch.kernel("sumOfSquares", Kernel.SUM_OF_SQUARES, blocks, 1, CudaLaunch.BLOCK, 1, tx.pointer, partials, n);
        addPartials("sumOfSquares", partials, blocks, s);
    }

    @Override
    public void scale(Tensor x, float alpha) {
        CudaTensor tx = owned("scale", x);
        launch.elementwise("scale", Kernel.SCALE, tx.size(), tx.pointer, alpha, tx.size());
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        CudaTensor tx = owned("axpy", x);
        CudaTensor ty = owned("axpy", y);
        Checks.sameShape("axpy", tx, ty);
        int n = tx.size();
        launch.elementwise("axpy", Kernel.AXPY, n, alpha, tx.pointer, ty.pointer, n);
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
        launch.elementwise(op, Kernel.DROPOUT, a.size(), a.pointer, b.pointer, a.rows(), a.cols(),
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
        launch.elementwise("nesterovUpdate", Kernel.NESTEROV_UPDATE, n,
                p.pointer, g.pointer, v.pointer, lr, momentum, n);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        CudaTensor p = owned("rmspropUpdate", param);
        CudaTensor g = owned("rmspropUpdate", grad);
        CudaTensor s = owned("rmspropUpdate", square);
        Checks.sameShape("rmspropUpdate", p, g, s);
        int n = p.size();
        launch.elementwise("rmspropUpdate", Kernel.RMSPROP_UPDATE, n,
                p.pointer, g.pointer, s.pointer, lr, alpha, eps, n);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        CudaTensor p = owned("sgdUpdate", param);
        CudaTensor g = owned("sgdUpdate", grad);
        Checks.sameShape("sgdUpdate", p, g);
        launch.elementwise("sgdUpdate", Kernel.SGD_UPDATE, p.size(), p.pointer, g.pointer, lr, p.size());
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        CudaTensor p = owned("momentumUpdate", param);
        CudaTensor g = owned("momentumUpdate", grad);
        CudaTensor v = owned("momentumUpdate", velocity);
        Checks.sameShape("momentumUpdate", p, g, v);
        launch.elementwise("momentumUpdate", Kernel.MOMENTUM_UPDATE, p.size(),
                p.pointer, g.pointer, v.pointer, lr, momentum, p.size());
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
        launch.elementwise("adamUpdate", Kernel.ADAM_UPDATE, p.size(),
                p.pointer, g.pointer, tm.pointer, tv.pointer, lr, beta1, beta2, eps, bc1, bc2, p.size());
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
        launch.elementwise("gatherRows", Kernel.GATHER_ROWS, d.size(),
                s.pointer, idx.pointer, start, d.pointer, s.rows(), d.rows(), d.cols());
    }

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        CudaTensor s = owned("gatherRows", src);
        CudaTensor d = owned("gatherRows", dst);
        CudaTensor idx = ownedIndices("gatherRows", indices);
        CudaTensor at = ownedIndices("gatherRows", start);
        Checks.scalar("gatherRows", at);
        if (s.cols() != d.cols()) {
            throw new IllegalArgumentException("gatherRows: source " + s.shape() + " and destination " + d.shape()
                    + " differ in columns");
        }
        if (d.rows() > idx.size()) {
            throw new IllegalArgumentException("gatherRows: " + d.rows() + " rows asked of " + idx.size() + " indices");
        }
        if (idx.hostIndices != null && (idx.hostMin < 0 || idx.hostMax >= s.rows())) {
            int bad = idx.hostMin < 0 ? idx.hostMin : idx.hostMax;
            throw new IllegalArgumentException("gatherRows: index " + bad + " is not a row of the " + s.shape()
                    + " source");
        }
        launch.elementwise("gatherRows", Kernel.GATHER_ROWS_AT, d.size(),
                s.pointer, idx.pointer, at.pointer, d.pointer, s.rows(), d.rows(), d.cols(), idx.size());
    }

    @Override
    public void advanceIndex(Tensor counter, int by) {
        CudaTensor c = ownedIndices("advanceIndex", counter);
        Checks.scalar("advanceIndex", c);
        c.forgetHostIndices();
        launch.kernel("advanceIndex", Kernel.ADVANCE_INDEX, 1, 1, 32, 1, c.pointer, by);
    }

    // ------------------------------------------------------------------------------ fused ops
    // With cuBLAS the GEMM is cuBLAS's and the fused ops fall back to their definitions.

    @Override
    public void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        if (cublas != null) {
            Backend.super.linearForward(x, weights, bias, f, y);
            return;
        }
        String op = "linearForward";
        CudaTensor tx = owned(op, x);
        CudaTensor tw = owned(op, weights);
        CudaTensor tb = owned(op, bias);
        CudaTensor ty = owned(op, y);
        int[] mnk = Checks.gemm(false, false, tx, tw, ty);
        Checks.rowVector(op, tb, ty.cols());
        gemmLaunch(op, Kernel.LINEAR_FORWARD, mnk[0], mnk[0], mnk[1],
                mnk[0], mnk[1], mnk[2], tx.pointer, tx.cols(), tw.pointer, tw.cols(), tb.pointer, f.ordinal(),
                ty.pointer, ty.cols());
    }

    @Override
    public void linearInputGradient(Tensor delta, Tensor weights, Tensor below, Pointwise f, Tensor deltaBelow) {
        if (cublas != null) {
            Backend.super.linearInputGradient(delta, weights, below, f, deltaBelow);
            return;
        }
        String op = "linearInputGradient";
        CudaTensor td = owned(op, delta);
        CudaTensor tw = owned(op, weights);
        CudaTensor tbelow = owned(op, below);
        CudaTensor tdx = owned(op, deltaBelow);
        int[] mnk = Checks.gemm(false, true, td, tw, tdx);
        Checks.sameShape(op, tdx, tbelow);
        gemmLaunch(op, Kernel.LINEAR_INPUT_GRADIENT, mnk[0], mnk[0], mnk[1],
                mnk[0], mnk[1], mnk[2], td.pointer, td.cols(), tw.pointer, tw.cols(), tbelow.pointer, f.ordinal(),
                tdx.pointer, tdx.cols());
    }

    @Override
    public void linearGradients(Tensor x, Tensor delta, Tensor weightGrad, Tensor biasGrad) {
        if (cublas != null) {
            Backend.super.linearGradients(x, delta, weightGrad, biasGrad);
            return;
        }
        String op = "linearGradients";
        CudaTensor tx = owned(op, x);
        CudaTensor td = owned(op, delta);
        CudaTensor gw = owned(op, weightGrad);
        CudaTensor gb = owned(op, biasGrad);
        int[] mnk = Checks.gemm(true, false, tx, td, gw);
        Checks.rowVector(op, gb, gw.cols());
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        int splits = tile.narrow(n) ? 1 : splits(m + 1, n, k);
        if (splits > 1) {
            // split-k: partial products of k / splits rows of the batch each, added in a fixed order
            int kChunk = CudaLaunch.ceilDiv(k, splits);
            CUdeviceptr partial = memory.splitPartials(op, (long) splits * (m + 1) * n);
            int gridX = CudaLaunch.ceilDiv(n, CudaLaunch.GEMM_TILE);
            int gridY = CudaLaunch.ceilDiv(m + 1, CudaLaunch.GEMM_TILE);
            if (gridY > CudaLaunch.MAX_GRID) {
                throw new IllegalArgumentException(op + ": " + m + " rows exceed the PTX SGEMM's limit");
            }
            launch.kernel3(op, Kernel.LINEAR_GRADIENTS_SPLIT, gridX, gridY, splits,
                    m, n, k, kChunk, tx.pointer, tx.cols(), td.pointer, td.cols(), partial);
            launch.elementwise(op, Kernel.REDUCE_SPLITS, (long) (m + 1) * n,
                    partial, splits, m, n, gw.pointer, gw.cols(), gb.pointer);
            return;
        }
        // the grid covers one row more than the weight gradient: the bias row
        gemmLaunch(op, Kernel.LINEAR_GRADIENTS, m, m + 1, n,
                m, n, k, tx.pointer, tx.cols(), td.pointer, td.cols(), gw.pointer, gw.cols(), gb.pointer);
    }

    /**
     * Splits of a wide weight-gradient product: forced, or as many as the SMs the tile grid
     * leaves idle allow, keeping at least 128 of k (16 steps of the tile's k loop) per split.
     */
    int splits(int rows, int n, int k) {
        if (splitK > 0) {
            return splitK;
        }
        if (multiprocessors == 0) {
            int[] sm = new int[1];
            cuDeviceGetAttribute(sm, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device.device);
            multiprocessors = Math.max(1, sm[0]);
        }
        long blocks = (long) CudaLaunch.ceilDiv(n, CudaLaunch.GEMM_TILE) * CudaLaunch.ceilDiv(rows, CudaLaunch.GEMM_TILE);
        return (int) Math.max(1, Math.min(multiprocessors / blocks, k / 128));
    }

    /** A PTX GEMM-family launch on the tile {@link TileChoice} picks for n columns; gridRows ≥ m rows of C. */
    private void gemmLaunch(String op, Kernel k, int m, int gridRows, int n, Object... args) {
        boolean narrow = tile.narrow(n);
        int rowsPerBlock = narrow ? CudaLaunch.NARROW_ROWS : CudaLaunch.GEMM_TILE;
        int gridX = CudaLaunch.ceilDiv(n, narrow ? CudaLaunch.NARROW_COLS : CudaLaunch.GEMM_TILE);
        int gridY = CudaLaunch.ceilDiv(gridRows, rowsPerBlock);
        if (gridY > CudaLaunch.MAX_GRID) {
            throw new IllegalArgumentException(op + ": " + m + " rows exceed the PTX SGEMM's limit of "
                    + ((long) CudaLaunch.MAX_GRID * rowsPerBlock - 1));
        }
        launch.kernel(op, narrow ? k.narrow() : k, gridX, gridY, CudaLaunch.BLOCK, 1, args);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                    Tensor lossSum, Tensor correct) {
        String op = "softmaxCrossEntropy";
        CudaTensor x = owned(op, logits);
        CudaTensor y = owned(op, targets);
        CudaTensor p = owned(op, probabilities);
        CudaTensor g = owned(op, grad);
        CudaTensor loss = owned(op, lossSum);
        CudaTensor hits = owned(op, correct);
        Checks.sameShape(op, x, y, p, g);
        Checks.scalar(op, loss);
        Checks.scalar(op, hits);
        if (p.pointer.equals(g.pointer)) {
            throw new IllegalArgumentException(op + " with a correct count: grad must not be the probabilities tensor");
        }
        int m = x.rows();
        CUdeviceptr rowLoss = memory.scratch(op, 2 * m);
        CUdeviceptr rowHits = rowLoss.withByteOffset(8L * m);
        launch.rows(op, Kernel.SOFTMAX_CROSS_ENTROPY_COUNT, m,
                x.pointer, y.pointer, p.pointer, g.pointer, rowLoss, rowHits, m, x.cols(), (float) m);
        addPartials(op, rowLoss, m, loss);
        addPartials(op, rowHits, m, hits);
    }

    @Override
    public void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        String op = "sgdUpdate";
        if (params.length != grads.length) {
            throw new IllegalArgumentException(op + ": " + params.length + " parameters but " + grads.length + " gradients");
        }
        CudaTensor rate = owned(op, lr);
        Checks.scalar(op, rate);
        CudaTensor[] ps = new CudaTensor[params.length];
        CudaTensor[] gs = new CudaTensor[params.length];
        for (int i = 0; i < params.length; i++) {
            ps[i] = owned(op, params[i]);
            gs[i] = owned(op, grads[i]);
            Checks.sameShape(op, ps[i], gs[i]);
        }
        for (int from = 0; from < ps.length; from += Kernel.MANY) {
            int count = Math.min(Kernel.MANY, ps.length - from);
            Object[] args = new Object[2 + 3 * Kernel.MANY];
            args[0] = rate.pointer;
            args[1] = count;
            int gridX = 1;
            for (int slot = 0; slot < Kernel.MANY; slot++) {
                int i = from + Math.min(slot, count - 1);
                args[2 + 3 * slot] = ps[i].pointer;
                args[3 + 3 * slot] = gs[i].pointer;
                args[4 + 3 * slot] = slot < count ? ps[i].size() : 0;
                gridX = Math.max(gridX, CudaLaunch.grid(ps[i].size()));
            }
            launch.kernel(op, Kernel.SGD_UPDATE_MANY, gridX, count, CudaLaunch.BLOCK, 1, args);
        }
    }

    /** Through a pinned host buffer: no array per read, and the copy needs no staging. */
    @Override
    public float scalar(Tensor t) {
        CudaTensor s = anyOwned("scalar", t);
        if (s.size() != 1) {
            throw new IllegalArgumentException("scalar: expected a 1x1 tensor, got " + s.shape());
        }
        java.nio.ByteBuffer b = memory.readScalar("scalar", s.pointer);
        return s.dtype() == Tensor.DType.INT32 ? b.getInt(0) : b.getFloat(0);
    }

    // ------------------------------------------------------------------------------ recorded steps (CUDA graphs)

    /**
     * Captures the kernels {@code step} launches on the backend's stream into a CUDA graph
     * (stream capture, global mode) and instantiates it. Null, with the reason in
     * {@link #recordRefusal()}, where GEMM runs on cuBLAS (its calls go to the legacy stream,
     * which a capture cannot hold) or the step did anything a graph cannot hold (a copy, a
     * synchronisation, an allocation): the capture is then invalidated and nothing ran.
     */
    @Override
    public Recording record(Runnable step) {
        enter();
        if (cublas != null) {
            recordRefusal = "GEMM runs on cuBLAS, whose calls a stream capture of ours cannot hold";
            return null;
        }
        long before = launch.captured;
        try {
            cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_GLOBAL);
        } catch (CudaException e) {
            recordRefusal = "cuStreamBeginCapture: " + NativeErrors.describe(e);
            return null;
        }
        RuntimeException failure = null;
        launch.capturing = true;
        try {
            step.run();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            launch.capturing = false;
        }
        CUgraph graph = new CUgraph();
        try {
            cuStreamEndCapture(stream, graph);
        } catch (CudaException e) {
            recordRefusal = "the step could not be captured: " + NativeErrors.describe(failure != null ? failure : e);
            return null;
        }
        if (failure != null) {
            cuGraphDestroy(graph);
            recordRefusal = "the step could not be captured: " + NativeErrors.describe(failure);
            return null;
        }
        CUgraphExec exec = new CUgraphExec();
        try {
            cuGraphInstantiate(exec, graph, 0);
        } catch (CudaException e) {
            cuGraphDestroy(graph);
            recordRefusal = "cuGraphInstantiate: " + NativeErrors.describe(e);
            return null;
        }
        recordRefusal = null;
        CudaRecording r = new CudaRecording(graph, exec, (int) (launch.captured - before));
        recordings.add(r);
        return r;
    }

    /** Why the last {@link #record} returned null; null after one that succeeded. */
    public String recordRefusal() {
        return recordRefusal;
    }

    /** A captured and instantiated graph of this backend. */
    private final class CudaRecording implements Recording {
        private final CUgraph graph;
        private final CUgraphExec exec;
        private final int kernels;
        private boolean open = true;

        CudaRecording(CUgraph graph, CUgraphExec exec, int kernels) {
            this.graph = graph;
            this.exec = exec;
            this.kernels = kernels;
        }

        @Override
        public void replay() {
            if (!open) {
                throw new IllegalStateException("replay of a closed recording");
            }
            enter();
            try {
                cuGraphLaunch(exec, stream);
            } catch (CudaException e) {
                throw CudaLaunch.failed("replay (CUDA graph of " + kernels + " kernels)", e);
            }
            graphLaunches++;
            launch.syncIfAsked("replay");
        }

        @Override
        public int kernels() {
            return kernels;
        }

        @Override
        public void close() {
            if (!open || closed) {
                return;
            }
            enter();
            open = false;
            recordings.remove(this);
            cuGraphExecDestroy(exec);
            cuGraphDestroy(graph);
        }
    }

    /**
     * Work submitted so far: kernels launched one by one, graph launches, and device
     * allocations. Per-step differences of these are the launch counts the docs quote.
     */
    public record Counts(long kernelLaunches, long graphLaunches, long allocations) {
        /** this − earlier, field by field. */
        public Counts minus(Counts earlier) {
            return new Counts(kernelLaunches - earlier.kernelLaunches, graphLaunches - earlier.graphLaunches,
                    allocations - earlier.allocations);
        }
    }

    public Counts counts() {
        return new Counts(launch.launches, graphLaunches, memory.allocations);
    }

    @Override
    public void synchronize() {
        enter();
        launch.synchronize("synchronize");
    }

    /** Frees tensors still open, the scratch buffer and the cuBLAS handle; the context stays (see CudaDevice). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        RuntimeException first = null;
        for (CudaRecording r : new ArrayList<>(recordings)) {
            try {
                r.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        closed = true;
        for (CudaTensor t : new ArrayList<>(live)) {
            try {
                live.remove(t);
                memory.free("close", t.pointer);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        try {
            memory.close();
            cuStreamDestroy(stream);
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

    /** The second pass of every reduction: {@code acc += sum of count partials}, one block, fixed order. */
    private void addPartials(String op, CUdeviceptr partials, int count, CudaTensor acc) {
        launch.kernel(op, Kernel.ADD_PARTIALS, 1, 1, CudaLaunch.BLOCK, 1, partials, count, acc.pointer);
    }
}
