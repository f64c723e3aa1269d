package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;

import java.util.Locale;

import jcuda.CudaException;
import jcuda.driver.CUstream;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
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
 * <p>This class holds the context and the stream, and hands each op to the class that does its
 * family: {@link CudaTensors} (allocation and copies), {@link CudaGemm} (cuBLAS or PTX products and the fused
 * linear ops), {@link CudaElementwise}, {@link CudaReductions} (softmax, losses, counts),
 * {@link CudaOptimisers} and {@link CudaGraphs} (recorded steps). Each op launches the kernel of
 * the same name ({@link Kernel}); launch shapes and parameter marshalling live in
 * {@link CudaLaunch}, device memory and the reusable buffers in {@link CudaMemory}.
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

    /** The value of a choice property, {@code auto} when unset; an unknown value is an error naming the choices. */
    static <E extends Enum<E>> E choice(Class<E> type, String property, String expected) {
        String v = System.getProperty(property, "auto").trim().toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + property + "=" + v.toLowerCase(Locale.ROOT) + ": expected "
                    + expected);
        }
    }

    private final CudaDevice device;
    private final CudaLaunch launch;
    private final CudaMemory memory;
    private final CUstream stream;
    private final String gemmPath;
    private final CudaTensors tensors;
    private final CudaGemm gemm;
    private final CudaElementwise elementwise;
    private final CudaReductions reductions;
    private final CudaOptimisers optimisers;
    private final CudaGraphs graphs;
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
        GemmSetup setup = GemmSetup.choose(choice, device.cublasProblem, device.cublasVersion, () -> {
            cublasHandle h = new cublasHandle();
            // default math mode (CUBLAS_DEFAULT_MATH): plain FP32, no TF32 tensor-op rounding
            JCublas2.cublasCreate(h);
            return h;
        });
        this.gemmPath = setup.path;
        this.tensors = new CudaTensors(this, launch, memory);
        this.gemm = new CudaGemm(this, launch, memory, device, setup.handle, tile, splitK);
        this.elementwise = new CudaElementwise(this, launch);
        this.reductions = new CudaReductions(this, launch, memory);
        this.optimisers = new CudaOptimisers(this, launch);
        this.graphs = new CudaGraphs(this, launch, s);
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

    // ------------------------------------------------------------------------------ tensors and copies (CudaTensors)

    @Override
    public Tensor allocate(int rows, int cols) {
        return tensors.allocate(rows, cols, Tensor.DType.FLOAT32);
    }

    @Override
    public Tensor allocateIndices(int n) {
        return tensors.allocate(1, n, Tensor.DType.INT32);
    }

    void free(CudaTensor t) {
        tensors.free(t);
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        tensors.upload(src, dst);
    }

    @Override
    public void uploadIndices(int[] src, Tensor dst) {
        tensors.uploadIndices(src, dst);
    }

    /** Also reads int32 index tensors, converting each index to float (exact below 2^24). */
    @Override
    public void download(Tensor src, float[] dst) {
        tensors.download(src, dst);
    }

    /** Reads an int32 index tensor. */
    public void downloadIndices(Tensor src, int[] dst) {
        tensors.downloadIndices(src, dst);
    }

    /** Through a pinned host buffer: no array per read, and the copy needs no staging. */
    @Override
    public float scalar(Tensor t) {
        return tensors.scalar(t);
    }

    @Override
    public void fill(Tensor t, float value) {
        tensors.fill(t, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        tensors.copy(src, dst);
    }

    // ------------------------------------------------------------------------------ GEMM (CudaGemm)
    // With cuBLAS the GEMM is cuBLAS's and the fused ops fall back to their definitions.

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        gemm.gemm(transA, transB, alpha, a, b, beta, c);
    }

    @Override
    public void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        if (gemm.cublas != null) {
            Backend.super.linearForward(x, weights, bias, f, y);
        } else {
            gemm.linearForward(x, weights, bias, f, y);
        }
    }

    @Override
    public void linearInputGradient(Tensor delta, Tensor weights, Tensor below, Pointwise f, Tensor deltaBelow) {
        if (gemm.cublas != null) {
            Backend.super.linearInputGradient(delta, weights, below, f, deltaBelow);
        } else {
            gemm.linearInputGradient(delta, weights, below, f, deltaBelow);
        }
    }

    @Override
    public void linearGradients(Tensor x, Tensor delta, Tensor weightGrad, Tensor biasGrad) {
        if (gemm.cublas != null) {
            Backend.super.linearGradients(x, delta, weightGrad, biasGrad);
        } else {
            gemm.linearGradients(x, delta, weightGrad, biasGrad);
        }
    }

    // ------------------------------------------------------------------------------ elementwise (CudaElementwise)

    @Override
    public void addBias(Tensor x, Tensor bias) {
        elementwise.addBias(x, bias);
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        elementwise.biasGradient(delta, beta, grad);
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        elementwise.activation("sigmoid", Kernel.SIGMOID_FORWARD, x, y);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        elementwise.activationBackward("sigmoidBackward", Kernel.SIGMOID_BACKWARD, y, dy, dx);
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        elementwise.activation("tanh", Kernel.TANH_FORWARD, x, y);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        elementwise.activationBackward("tanhBackward", Kernel.TANH_BACKWARD, y, dy, dx);
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        elementwise.activation("relu", Kernel.RELU_FORWARD, x, y);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        elementwise.activationBackward("reluBackward", Kernel.RELU_BACKWARD, y, dy, dx);
    }

    @Override
    public void scale(Tensor x, float alpha) {
        elementwise.scale(x, alpha);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        elementwise.axpy(alpha, x, y);
    }

    @Override
    public void dropout(Tensor x, Tensor y, float rate, long seed, int step, int layer) {
        elementwise.dropout("dropout", x, y, rate, seed, step, layer);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor dx, float rate, long seed, int step, int layer) {
        elementwise.dropout("dropoutBackward", dy, dx, rate, seed, step, layer);
    }

    @Override
    public void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        elementwise.gatherRows(src, indices, start, dst);
    }

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        elementwise.gatherRows(src, indices, start, dst);
    }

    /** On the device for images up to {@link CudaElementwise#DEFORM_MAX_SIDE} wide, else by the host definition. */
    @Override
    public void deformImages(Tensor src, Tensor dst, int side, org.backprop.data.Deformation d, long seed, int epoch,
                             int firstRow) {
        if (!elementwise.deformImages(src, dst, side, d, seed, epoch, firstRow)) {
            Backend.super.deformImages(src, dst, side, d, seed, epoch, firstRow);
        }
    }

    @Override
    public void advanceIndex(Tensor counter, int by) {
        elementwise.advanceIndex(counter, by);
    }

    // ------------------------------------------------------------------------------ row-wise and reductions (CudaReductions)

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        reductions.softmax(logits, probabilities);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        reductions.softmaxCrossEntropy(logits, targets, probabilities, grad, lossSum);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                    Tensor lossSum, Tensor correct) {
        reductions.softmaxCrossEntropy(logits, targets, probabilities, grad, lossSum, correct);
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                          Tensor lossSum) {
        reductions.sigmoidBinaryCrossEntropy(logits, targets, probabilities, grad, lossSum);
    }

    @Override
    public void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        reductions.squaredError(output, targets, grad, lossSum);
    }

    @Override
    public void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        reductions.countCorrect(output, targets, correct);
    }

    @Override
    public void argmax(Tensor x, Tensor indices) {
        reductions.argmax(x, indices);
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        reductions.sumOfSquares(x, sum);
    }

    // ------------------------------------------------------------------------------ optimisers (CudaOptimisers)

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        optimisers.sgdUpdate(param, grad, lr);
    }

    @Override
    public void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        optimisers.sgdUpdate(params, grads, lr);
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        optimisers.momentumUpdate(param, grad, velocity, lr, momentum);
    }

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        optimisers.nesterovUpdate(param, grad, velocity, lr, momentum);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        optimisers.rmspropUpdate(param, grad, square, lr, alpha, eps);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        optimisers.adamUpdate(param, grad, m, v, lr, beta1, beta2, eps, step);
    }

    @Override
    public void maxNorm(Tensor weights, float c) {
        optimisers.maxNorm(weights, c);
    }

    // ------------------------------------------------------------------------------ recorded steps (CudaGraphs)

    /**
     * Captures the kernels {@code step} launches on the backend's stream into a CUDA graph.
     * Null, with the reason in {@link #recordRefusal()}, where GEMM runs on cuBLAS (its calls go
     * to the legacy stream, which a capture cannot hold) or the step did anything a graph cannot
     * hold (a copy, a synchronisation, an allocation): the capture is then invalidated and nothing ran.
     */
    @Override
    public Recording record(Runnable step) {
        enter();
        if (gemm.cublas != null) {
            return graphs.refuse("GEMM runs on cuBLAS, whose calls a stream capture of ours cannot hold");
        }
        return graphs.record(step);
    }

    /** Why the last {@link #record} returned null; null after one that succeeded. */
    public String recordRefusal() {
        return graphs.refusal;
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
        return new Counts(launch.launches, graphs.launches, memory.allocations);
    }

    @Override
    public void synchronize() {
        enter();
        launch.synchronize("synchronize");
    }

    /** Frees open recordings and tensors, the scratch buffers and the cuBLAS handle; the context stays. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        enter();
        RuntimeException first = null;
        try {
            graphs.closeAll();
        } catch (RuntimeException e) {
            first = e;
        }
        closed = true;
        try {
            tensors.freeAll();
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        try {
            memory.close();
            cuStreamDestroy(stream);
            if (gemm.cublas != null) {
                JCublas2.cublasDestroy(gemm.cublas);
            }
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw new CudaOpException("close: " + NativeErrors.describe(first), first);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Device bytes held by open tensors of this backend (for tests and reports). */
    long liveBytes() {
        return tensors.liveBytes();
    }

    // ------------------------------------------------------------------------------ operands

    /** Makes the context current on this thread when the backend has moved threads. */
    void enter() {
        if (closed) {
            throw new IllegalStateException("cuda backend is closed");
        }
        Thread now = Thread.currentThread();
        if (now != boundThread) {
            cuCtxSetCurrent(device.context);
            boundThread = now;
        }
    }

    /** A live float tensor of this backend, with the context current. */
    CudaTensor owned(String op, Tensor t) {
        enter();
        Checks.owned(this, op, t);
        return (CudaTensor) t;
    }

    /** A live int32 index tensor of this backend, with the context current. */
    CudaTensor ownedIndices(String op, Tensor t) {
        enter();
        Checks.ownedIndices(this, op, t);
        return (CudaTensor) t;
    }
}
