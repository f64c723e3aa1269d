package org.backprop.cpu;

import static org.backprop.cpu.TensorArrays.data;
import static org.backprop.cpu.TensorArrays.inPanels;
import static org.backprop.cpu.TensorArrays.raw;
import static org.backprop.cpu.TensorArrays.sameArray;

import java.util.logging.Logger;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.cpu.gemm.Gemm;
import org.backprop.cpu.gemm.GemmBlocking;
import org.backprop.cpu.gemm.GemmWarmUp;
import org.backprop.cpu.gemm.PanelLayout;

/**
 * Every {@link Backend} op on the CPU, multithreaded over a persistent {@link WorkerPool}: the GEMM
 * in its own package, the other ops in families ({@link ArrayOps}, {@link ActivationOps},
 * {@link LossOps}, {@link OptimiserOps}) that share one {@link OpRunner}.
 *
 * <p>Results are bitwise independent of the thread count: work is split only over independent
 * outputs (GEMM tiles, element ranges, row ranges, column ranges for the bias gradient), the split
 * depends only on the shapes, and sums are taken per fixed-size chunk and added in chunk order.
 * Ops allocate nothing: the task bodies are created once and read the current operands from
 * fields, and scratch arrays grow only when shapes grow. Not safe for concurrent calls.
 */
public final class CpuBackend implements Backend {

    /** System property: {@code false} forces the scalar GEMM even where the Vector API loads. */
    public static final String VECTOR_PROPERTY = "backprop.cpu.vector";

    private static final Logger LOG = Logger.getLogger(CpuBackend.class.getName());

    /** Warm-up rounds: enough for C2 to compile the kernels; the time limit bounds a slow JIT. */
    private static final int WARM_ROUNDS = 2000;
    private static final long WARM_LIMIT_NS = 1_500_000_000L;

    private final WorkerPool pool;
    private final Gemm gemm;
    /** {@code -Dbackprop.cpu.panels=false} keeps weight matrices row-major (for comparisons). */
    static final String PANELS_PROPERTY = "backprop.cpu.panels";
    /** Whether weight matrices are kept in the GEMM's panels ({@link PanelLayout}). */
    private final boolean panels;
    private final boolean vector;
    private final ArrayOps arrays;
    private final ActivationOps activations;
    private final LossOps losses;
    private final OptimiserOps optimisers;
    private final DeformOps deformations;

    public CpuBackend(int threads) {
        this(threads, vectorApiPresent() && !"false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY)));
    }

    /** Package-private so tests can force the scalar GEMM. */
    CpuBackend(int threads, boolean vector) {
        this(threads, vector, null);
    }

    /** Package-private so tests can run every blocking on any CPU; null: the one for this CPU. */
    CpuBackend(int threads, GemmBlocking forced) {
        this(threads, true, forced);
    }

    private CpuBackend(int threads, boolean vector, GemmBlocking forced) {
        this(threads, vector, forced, !"false".equals(System.getProperty(PANELS_PROPERTY)));
    }

    /** {@code panels} false: weights stay row-major (tests compare the two layouts bit for bit). */
    CpuBackend(int threads, boolean vector, GemmBlocking forced, boolean panels) {
        if (threads < 1) {
            throw new IllegalArgumentException("cpu backend: threads must be at least 1, got " + threads);
        }
        boolean useVector = vector && vectorApiPresent();
        GemmBlocking blocking = !useVector ? null : forced != null ? forced : GemmBlocking.forThisCpu();
        if (useVector) {
            warmUp(blocking);
        }
        this.pool = new WorkerPool(threads);
        this.gemm = useVector ? Gemm.vector(pool, blocking) : Gemm.scalar(pool);
        this.vector = useVector;
        this.panels = useVector && panels;
        OpRunner run = new OpRunner(pool);
        this.arrays = new ArrayOps(this, run, useVector);
        this.activations = new ActivationOps(this, run, useVector);
        this.losses = new LossOps(this, run);
        this.optimisers = new OptimiserOps(this, run, useVector);
        this.deformations = new DeformOps(this, run, useVector, DeformAhead.wanted(threads));
        if (!vectorApiPresent()) {
            warnNoVectorApi(System.err);
        } else if (!useVector) {
            LOG.info(() -> "cpu backend: scalar GEMM path (" + VECTOR_PROPERTY + "=false)");
        }
    }

    /** The one line a JVM without the Vector API gets, however many backends it opens. */
    static final String NO_VECTOR_API = "backprop: warning: the JVM was started without the Vector API, so the CPU "
            + "backend runs at reduced speed; start java with --add-modules jdk.incubator.vector";

    private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Straight to stderr rather than a log record: an application's logging setup may hide INFO,
     * and this halves the speed of every run, so it must be seen.
     */
    static void warnNoVectorApi(java.io.PrintStream err) {
        if (WARNED.compareAndSet(false, true)) {
            err.println(NO_VECTOR_API);
            err.flush();
        }
    }

    private static volatile boolean warm;

    /** Compiles the vector kernels on small operands, once per JVM (see {@link GemmWarmUp}). */
    private static void warmUp(GemmBlocking blocking) {
        if (warm) {
            return;
        }
        warm = true;
        long t0 = System.nanoTime();
        float[] x = new float[512];
        int rounds = GemmWarmUp.run(blocking, WARM_ROUNDS, WARM_LIMIT_NS, () -> VectorKernels.sigmoid(x, x, 0, x.length));
        LOG.fine(() -> "cpu backend: vector kernels warmed up in " + rounds + " rounds, "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    /** Whether the JVM was started with the Vector API incubator module. */
    public static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    public int threads() {
        return pool.threads();
    }

    /**
     * Fork/joins so far: each op (or GEMM phase) big enough to split hands its tasks to the
     * workers and waits for all of them, a barrier; smaller ones run on the caller alone. The
     * training step's count is what the fused ops cut (see CpuStepDispatchTest).
     */
    public long dispatches() {
        return pool.forks();
    }

    /** Whether GEMM runs on the Vector API micro-kernel (else the scalar one). */
    public boolean vectorGemm() {
        return vector;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String description() {
        int t = threads();
        return "CPU, " + t + (t == 1 ? " thread, " : " threads, ") + gemm.describe();
    }

    private void ownedIndices(String op, Tensor t) {
        Checks.ownedIndices(this, op, t);
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int rows, int cols) {
        return new CpuTensor(this, rows, cols, Tensor.DType.FLOAT32);
    }

    @Override
    public Tensor allocateIndices(int n) {
        return new CpuTensor(this, 1, n, Tensor.DType.INT32);
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        Checks.owned(this, "upload", dst);
        Checks.length("upload", src.length, dst);
        CpuTensor d = (CpuTensor) dst;
        if (!d.isView()) {
            d.panel = 0; // every element is overwritten
        }
        System.arraycopy(src, 0, data(dst), 0, src.length);
    }

    @Override
    public void uploadIndices(int[] src, Tensor dst) {
        ownedIndices("uploadIndices", dst);
        Checks.length("uploadIndices", src.length, dst);
        System.arraycopy(src, 0, ((CpuTensor) dst).indices, 0, src.length);
    }

    /** Float tensors are copied; an int32 index tensor comes back as float values (exact below 2^24). */
    @Override
    public void download(Tensor src, float[] dst) {
        if (src != null && src.dtype() == Tensor.DType.INT32) {
            ownedIndices("download", src);
            Checks.length("download", dst.length, src);
            int[] ints = ((CpuTensor) src).indices;
            for (int i = 0; i < dst.length; i++) {
                dst[i] = ints[i];
            }
            return;
        }
        Checks.owned(this, "download", src);
        Checks.length("download", dst.length, src);
        if (inPanels(src)) {
            CpuTensor s = (CpuTensor) src;
            PanelLayout.toRowMajor(s.data, s.rows(), s.cols(), s.panel, dst);
            return;
        }
        System.arraycopy(data(src), 0, dst, 0, dst.length);
    }

    @Override
    public void fill(Tensor t, float value) {
        arrays.fill(t, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        arrays.copy(src, dst);
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        Checks.owned(this, "gemm", a, b, c);
        int[] mnk = Checks.gemm(transA, transB, a, b, c);
        if (sameArray(c, a) || sameArray(c, b)) {
            throw new IllegalArgumentException("gemm: C must not alias A or B (views of one tensor share memory)");
        }
        boolean bPanel = inPanels(b);
        boolean cPanel = inPanels(c);
        if ((bPanel || cPanel) && !gemm.readsPanels(transA, transB, mnk[1], mnk[2], alpha, bPanel, cPanel)) {
            bPanel = false;
            cPanel = false;
        }
        float[] bData = bPanel ? raw(b) : data(b);
        float[] cData = cPanel ? raw(c) : data(c);
        gemm.multiply(transA, transB, mnk[0], mnk[1], mnk[2], alpha, data(a), bData, beta, cData, null, bPanel, cPanel);
    }

    // ---------------------------------------------------------------- row-wise and elementwise

    @Override
    public void addBias(Tensor x, Tensor bias) {
        arrays.addBias(x, bias);
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        arrays.biasGradient(delta, beta, grad);
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        activations.sigmoid(x, y);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        activations.sigmoidBackward(y, dy, dx);
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        activations.tanh(x, y);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        activations.tanhBackward(y, dy, dx);
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        activations.relu(x, y);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        activations.reluBackward(y, dy, dx);
    }

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        activations.softmax(logits, probabilities);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        losses.softmaxCrossEntropy(logits, targets, probabilities, grad, lossSum);
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        losses.sigmoidBinaryCrossEntropy(logits, targets, probabilities, grad, lossSum);
    }

    @Override
    public void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        losses.squaredError(output, targets, grad, lossSum);
    }

    @Override
    public void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        losses.countCorrect(output, targets, correct);
    }

    @Override
    public void argmax(Tensor x, Tensor indices) {
        losses.argmax(x, indices);
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        arrays.sumOfSquares(x, sum);
    }

    @Override
    public void scale(Tensor x, float alpha) {
        arrays.scale(x, alpha);
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        arrays.axpy(alpha, x, y);
    }

    @Override
    public void dropout(Tensor x, Tensor y, float rate, long seed, int step, int layer) {
        activations.dropout("dropout", x, y, rate, seed, step, layer);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor dx, float rate, long seed, int step, int layer) {
        activations.dropout("dropoutBackward", dy, dx, rate, seed, step, layer);
    }

    // ---------------------------------------------------------------- optimisers

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        optimisers.nesterov(param, grad, velocity, lr, momentum);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        optimisers.rmsprop(param, grad, square, lr, alpha, eps);
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        optimisers.sgd(param, grad, lr);
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        optimisers.momentum(param, grad, velocity, lr, momentum);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        optimisers.adam(param, grad, m, v, lr, beta1, beta2, eps, step);
    }

    @Override
    public void maxNorm(Tensor weights, float c) {
        optimisers.maxNorm(weights, c);
    }

    /** Every parameter's SGD step in one dispatch (see {@link OptimiserOps#sgd(Tensor[], Tensor[], Tensor)}). */
    @Override
    public void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        optimisers.sgd(params, grads, lr);
    }

    // ---------------------------------------------------------------- data

    @Override
    public void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        arrays.gatherRows(src, indices, start, dst);
    }

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        ownedIndices("gatherRows", start);
        Checks.scalar("gatherRows", start);
        int at = ((CpuTensor) start).indices[0];
        gatherRows(src, indices, at, dst);
        deformations.gathered(src, indices, at, dst);
    }

    /** One image per task on the worker pool (see {@link DeformOps}). */
    @Override
    public void deformImages(Tensor src, Tensor dst, int side, org.backprop.data.Deformation d, long seed, int epoch,
                             int firstRow) {
        deformations.deformImages(src, dst, side, d, seed, epoch, firstRow);
    }

    /** How many deformations the batch deformed during the previous step answered (for tests). */
    long deformAheadHits() {
        return deformations.aheadHits();
    }

    @Override
    public void advanceIndex(Tensor counter, int by) {
        ownedIndices("advanceIndex", counter);
        Checks.scalar("advanceIndex", counter);
        ((CpuTensor) counter).indices[0] += by;
    }

    // ---------------------------------------------------------------- fused ops

    // linearInputGradient is Backend's default (the GEMM, then the plain f′ op): run inside the
    // GEMM's tile tasks, f′ and the forward's bias + activation measured slower than separate
    // passes (see docs/performance/gemm.md).

    /** y = f(x·W + b): the GEMM, then bias and activation in one pass over each row range. */
    @Override
    public void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        Checks.owned(this, "linearForward", x, weights, bias, y);
        int[] mnk = Checks.gemm(false, false, x, weights, y);
        Checks.rowVector("linearForward", bias, y.cols());
        noAlias("linearForward", y, x, weights);
        CpuTensor w = (CpuTensor) weights;
        if (panels && !w.isView() && gemm.takesPanels(w.rows(), w.cols())) {
            TensorArrays.toPanels(w, gemm.panelWidth()); // once: the optimiser's updates keep the layout
        }
        boolean bPanel = inPanels(weights);
        gemm.multiply(false, false, mnk[0], mnk[1], mnk[2], 1f, data(x), bPanel ? raw(weights) : data(weights), 0f,
                data(y), null, bPanel, false);
        activations.biasActivation(data(y), data(bias), y.rows(), y.cols(), f);
    }

    /** weightGrad = xᵀ·δ, with biasGrad = Σ_i δ_i summed while δ is packed for the product. */
    @Override
    public void linearGradients(Tensor x, Tensor delta, Tensor weightGrad, Tensor biasGrad) {
        Checks.owned(this, "linearGradients", x, delta, weightGrad, biasGrad);
        int[] mnk = Checks.gemm(true, false, x, delta, weightGrad);
        Checks.rowVector("linearGradients", biasGrad, delta.cols());
        noAlias("linearGradients", weightGrad, x, delta);
        if (sameArray(biasGrad, delta) || sameArray(biasGrad, weightGrad)) {
            throw new IllegalArgumentException("linearGradients: biasGrad must not alias delta or weightGrad");
        }
        // the gradient takes the layout its weights take (overwritten whole, so nothing is turned)
        CpuTensor g = (CpuTensor) weightGrad;
        boolean cPanel = panels && !g.isView() && gemm.takesPanels(g.rows(), g.cols());
        if (cPanel) {
            g.panel = gemm.panelWidth();
        }
        gemm.multiply(true, false, mnk[0], mnk[1], mnk[2], 1f, data(x), data(delta), 0f,
                cPanel ? raw(weightGrad) : data(weightGrad), data(biasGrad), false, cPanel);
    }

    private static void noAlias(String op, Tensor c, Tensor a, Tensor b) {
        if (sameArray(c, a) || sameArray(c, b)) {
            throw new IllegalArgumentException(op + ": the output must not alias the GEMM's operands"
                    + " (views of one tensor share memory)");
        }
    }

    @Override
    public void close() {
        deformations.close();
        pool.close();
    }
}
