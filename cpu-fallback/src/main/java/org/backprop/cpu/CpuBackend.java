package org.backprop.cpu;

import java.util.logging.Logger;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * Every {@link Backend} op on the CPU, multithreaded over a persistent {@link WorkerPool}.
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

    /** Elements per task of an elementwise op; fixed, so chunk sums never depend on threads. */
    private static final int CHUNK = 16384;
    /** Below this many elements an op runs on the caller alone. */
    private static final int PARALLEL_MIN = 32768;
    /** Columns per task of the bias gradient. */
    private static final int BIAS_COLS = 128;
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
    private double[] partials = new double[64];
    private double[] columnSums = new double[64];

    // operands of the op in flight, read by the task bodies
    private float[] x0;
    private float[] x1;
    private float[] x2;
    private float[] x3;
    private int[] idx;
    private int size;
    private int rows;
    private int cols;
    private int rowsPerTask;
    /** The panel width of the tensor a layout-aware op reads. */
    private int width;
    private int start;
    private float f0;
    private float f1;
    private float f2;
    private float f3;
    private float f4;
    private long seed;
    private long threshold;
    private int step;
    private int layer;

    private final WorkerPool.Body fillBody = (t, w) -> CpuOps.fill(x0, from(t), to(t), f0);
    private final WorkerPool.Body copyBody = (t, w) -> CpuOps.copy(x0, x1, from(t), to(t));
    private final WorkerPool.Body scaleBody = (t, w) -> CpuOps.scale(x0, from(t), to(t), f0);
    private final WorkerPool.Body sigmoidBody = (t, w) -> sigmoidRange(from(t), to(t));
    private final WorkerPool.Body sigmoidBackwardBody = (t, w) -> CpuOps.sigmoidBackward(x0, x1, x2, from(t), to(t));
    private final WorkerPool.Body tanhBody = (t, w) -> CpuOps.tanh(x0, x1, from(t), to(t));
    private final WorkerPool.Body tanhBackwardBody = (t, w) -> CpuOps.tanhBackward(x0, x1, x2, from(t), to(t));
    private final WorkerPool.Body reluBody = (t, w) -> reluRange(x0, x1, from(t), to(t));
    private final WorkerPool.Body reluBackwardBody = (t, w) -> reluBackwardRange(from(t), to(t));
    private final WorkerPool.Body sumOfSquaresBody = (t, w) -> partials[t] = CpuOps.sumOfSquares(x0, from(t), to(t));
    private final WorkerPool.Body sumOfSquaresInPanelsBody = (t, w) ->
            partials[t] = CpuOps.sumOfSquaresInPanels(x0, rows, cols, width, from(t), to(t));
    private final WorkerPool.Body sgdBody = (t, w) -> CpuOps.sgdUpdate(x0, x1, from(t), to(t), f0);
    private final WorkerPool.Body momentumBody = (t, w) -> CpuOps.momentumUpdate(x0, x1, x2, from(t), to(t), f0, f1);
    private final WorkerPool.Body nesterovBody = (t, w) -> CpuOps.nesterovUpdate(x0, x1, x2, from(t), to(t), f0, f1);
    private final WorkerPool.Body rmspropBody = (t, w) -> CpuOps.rmspropUpdate(x0, x1, x2, from(t), to(t), f0, f1, f2);
    private final WorkerPool.Body axpyBody = (t, w) -> CpuOps.axpy(f0, x0, x1, from(t), to(t));
    private final WorkerPool.Body dropoutBody = (t, w) -> CpuOps.dropout(x0, x1, cols, rowFrom(t), rowTo(t),
            seed, step, layer, threshold, f0);
    private final WorkerPool.Body adamBody = (t, w) -> CpuOps.adamUpdate(x0, x1, x2, x3, from(t), to(t), f0, f1, f2, f3, f4);
    private final WorkerPool.Body binaryCrossEntropyBody = (t, w) ->
            partials[t] = CpuOps.sigmoidBinaryCrossEntropy(x0, x1, x2, x3, rows, from(t), to(t));
    private final WorkerPool.Body squaredErrorBody = (t, w) ->
            partials[t] = CpuOps.squaredError(x0, x1, x2, rows, from(t), to(t));
    private final WorkerPool.Body addBiasBody = (t, w) -> CpuOps.addBias(x0, x1, cols, rowFrom(t), rowTo(t));
    private final WorkerPool.Body biasGradientBody = (t, w) -> CpuOps.biasGradient(x0, rows, cols,
            t * BIAS_COLS, Math.min(cols, (t + 1) * BIAS_COLS), f0, x1, columnSums);
    private final WorkerPool.Body softmaxBody = (t, w) -> CpuOps.softmax(x0, x1, cols, rowFrom(t), rowTo(t));
    private final WorkerPool.Body softmaxCrossEntropyBody = (t, w) ->
            partials[t] = CpuOps.softmaxCrossEntropy(x0, x1, x2, x3, rows, cols, rowFrom(t), rowTo(t));
    private final WorkerPool.Body countCorrectBody = (t, w) ->
            partials[t] = CpuOps.countCorrect(x0, x1, cols, rowFrom(t), rowTo(t));
    private final WorkerPool.Body argmaxBody = (t, w) -> CpuOps.argmax(x0, idx, cols, rowFrom(t), rowTo(t));
    private Pointwise unit;
    private final WorkerPool.Body biasActivationBody = (t, w) -> biasActivation(rowFrom(t), rowTo(t));
    // a many-tensor optimiser step: each tensor's arrays and size, and its first task number
    private float[][] manyParams = new float[0][];
    private float[][] manyGrads = new float[0][];
    private int[] manySizes = new int[0];
    private int[] manyFirstTask = new int[1];
    private int manyCount;
    private final WorkerPool.Body manySgdBody = (t, w) -> manySgd(t);
    private final WorkerPool.Body gatherBody = (t, w) -> gather(rowFrom(t), rowTo(t));

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
        GemmBlocking blocking = !useVector ? null : forced != null ? forced : GemmBlocking.forThisCpu(VectorKernels.lanes());
        MicroKernel kernel = useVector ? VectorKernels.create(blocking) : new ScalarGemmKernel();
        if (useVector) {
            warmUp(kernel);
        }
        this.pool = new WorkerPool(threads);
        this.gemm = useVector
                ? new Gemm(kernel, pool, blocking.kc(), blocking.reason(), kernel.skipsZeroSteps(), VectorKernels.narrow())
                : new Gemm(kernel, pool);
        this.vector = useVector;
        this.panels = useVector && panels;
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

    /**
     * Runs the vector kernels on small operands until the JIT has compiled them, once per JVM.
     * Until C2 compiles a Vector API method every vector op allocates, and the first training
     * epoch spent ~2 s of 6 there; on small operands the same compilations cost a fraction of
     * that. The results cannot change: interpreted and compiled vector ops give identical bits.
     */
    private static void warmUp(MicroKernel kernel) {
        if (warm) {
            return;
        }
        warm = true;
        long t0 = System.nanoTime();
        int nr = kernel.nr();
        int m = 4 * kernel.mr();
        int n = nr + 3;
        int k = 40;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        float[] x = new float[512];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.1f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) * 0.1f;
        }
        int rounds = 0;
        try (WorkerPool one = new WorkerPool(1)) {
            // k over two blocks reaches both store branches of the kernel (beta 0 and 1)
            Gemm g = new Gemm(kernel, one, k / 2, null, kernel.skipsZeroSteps(), VectorKernels.narrow());
            float[] narrowC = new float[m * 10];
            float[] sparseA = new float[m * k];
            for (int i = 0; i < sparseA.length; i += 7) {
                sparseA[i] = 0.5f;   // mostly zeros: the kernels' step-skipping loops
            }
            while (rounds < WARM_ROUNDS && System.nanoTime() - t0 < WARM_LIMIT_NS) {
                g.multiply(false, false, m, n, k, 1f, a, b, 0f, c);
                g.multiply(true, false, m, n, k, 1f, a, b, 0f, c);
                g.multiply(false, true, m, n, k, 1f, a, b, 0f, c);
                g.multiply(false, false, m, 10, k, 1f, a, b, 0f, narrowC);
                g.multiply(true, false, m, 10, k, 1f, a, b, 0f, narrowC);
                g.multiply(false, true, m, n, 10, 1f, a, b, 0f, c);
                g.multiply(false, false, m, n, k, 1f, sparseA, b, 0f, c);
                VectorKernels.sigmoid(x, x, 0, x.length);   // its own array: c is only 456 floats under AVX2
                rounds++;
            }
        }
        int done = rounds;
        LOG.fine(() -> "cpu backend: vector kernels warmed up in " + done + " rounds, "
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

    // ---------------------------------------------------------------- dispatch helpers

    private int from(int task) {
        return task * CHUNK;
    }

    private int to(int task) {
        return Math.min(size, (task + 1) * CHUNK);
    }

    private int rowFrom(int task) {
        return task * rowsPerTask;
    }

    private int rowTo(int task) {
        return Math.min(rows, (task + 1) * rowsPerTask);
    }

    /** Both paths give identical bits (see {@link VectorOps}); the vector one is ~10× faster. */
    private void sigmoidRange(int from, int to) {
        if (vector) {
            VectorKernels.sigmoid(x0, x1, from, to);
        } else {
            CpuOps.sigmoid(x0, x1, from, to);
        }
    }

    /** Both paths give identical bits (see {@link VectorOps}); the vector one ~25× faster on mixed signs. */
    private void reluRange(float[] x, float[] y, int from, int to) {
        if (vector) {
            VectorKernels.relu(x, y, from, to);
        } else {
            CpuOps.relu(x, y, from, to);
        }
    }

    private void reluBackwardRange(int from, int to) {
        if (vector) {
            VectorKernels.reluBackward(x0, x1, x2, from, to);
        } else {
            CpuOps.reluBackward(x0, x1, x2, from, to);
        }
    }

    /** Runs body over fixed element chunks of {@code n}; returns the task count. */
    private int elementwise(int n, WorkerPool.Body body) {
        size = n;
        int tasks = (n + CHUNK - 1) / CHUNK;
        ensurePartials(tasks);
        pool.run(tasks, body, n < PARALLEL_MIN);
        return tasks;
    }

    /** Runs body over row ranges of about {@link #CHUNK} elements each; returns the task count. */
    private int byRows(int m, int n, WorkerPool.Body body) {
        rows = m;
        cols = n;
        rowsPerTask = Math.max(1, CHUNK / n);
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        ensurePartials(tasks);
        pool.run(tasks, body, (long) m * n < PARALLEL_MIN);
        return tasks;
    }

    private void ensurePartials(int tasks) {
        if (partials.length < tasks) {
            partials = new double[Math.max(tasks, 2 * partials.length)];
        }
    }

    /** Adds the task partial sums in task order, so the total is the same for any thread count. */
    private double sumPartials(int tasks) {
        double s = 0;
        for (int t = 0; t < tasks; t++) {
            s += partials[t];
        }
        return s;
    }

    private void addTo(Tensor accumulator, double value) {
        float[] a = data(accumulator);
        a[0] = (float) (a[0] + value);
    }

    private void release() {
        x0 = null;
        x1 = null;
        x2 = null;
        x3 = null;
        idx = null;
    }

    /** The tensor's elements in row-major order; a tensor held in panels is turned back first. */
    private static float[] data(Tensor t) {
        CpuTensor r = ((CpuTensor) t).root();
        if (r.panel != 0) {
            float[] rowMajor = new float[r.data.length];
            PanelLayout.toRowMajor(r.data, r.rows(), r.cols(), r.panel, rowMajor);
            r.data = rowMajor;
            r.panel = 0;
        }
        return r.data;
    }

    /**
     * The array of an op that treats every element alike, in whatever layout the tensor holds it
     * (the same for all the op's operands, see {@link #agree}); a view is a row range, so row-major.
     */
    private static float[] raw(Tensor t) {
        CpuTensor c = (CpuTensor) t;
        return c.isView() ? data(t) : c.data;
    }

    private static boolean inPanels(Tensor t) {
        CpuTensor c = (CpuTensor) t;
        return !c.isView() && c.panel != 0;
    }

    private static boolean sameArray(Tensor a, Tensor b) {
        return ((CpuTensor) a).root() == ((CpuTensor) b).root();
    }

    /**
     * Gives an elementwise op's operands one layout: the panels of the first (a parameter) when it
     * has them and the others are whole tensors of its shape (a gradient, an optimiser's state:
     * turned once, then kept), else row-major for all.
     */
    private static void agree(Tensor lead, Tensor... others) {
        boolean panels = inPanels(lead);
        for (Tensor o : others) {
            panels &= !((CpuTensor) o).isView();
        }
        if (!panels) {
            data(lead);
            for (Tensor o : others) {
                data(o);
            }
            return;
        }
        for (Tensor o : others) {
            toPanels((CpuTensor) o, ((CpuTensor) lead).panel);
        }
    }

    private static void toPanels(CpuTensor t, int width) {
        if (t.panel == width) {
            return;
        }
        float[] rowMajor = data(t);
        float[] panels = new float[rowMajor.length];
        PanelLayout.toPanels(rowMajor, t.rows(), t.cols(), width, panels);
        t.data = panels;
        t.panel = width;
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
        Checks.owned(this, "fill", t);
        x0 = raw(t);
        f0 = value;
        elementwise(t.size(), fillBody);
        release();
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.owned(this, "copy", src, dst);
        Checks.sameShape("copy", dst, src);
        if (src == dst || sameArray(src, dst)) {
            return;
        }
        agree(src, dst);
        x0 = raw(src);
        x1 = raw(dst);
        elementwise(src.size(), copyBody);
        release();
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
        Checks.owned(this, "addBias", x, bias);
        Checks.rowVector("addBias", bias, x.cols());
        x0 = data(x);
        x1 = data(bias);
        byRows(x.rows(), x.cols(), addBiasBody);
        release();
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        Checks.owned(this, "biasGradient", delta, grad);
        Checks.rowVector("biasGradient", grad, delta.cols());
        int n = delta.cols();
        if (columnSums.length < n) {
            columnSums = new double[Math.max(n, 2 * columnSums.length)];
        }
        x0 = data(delta);
        x1 = data(grad);
        f0 = beta;
        rows = delta.rows();
        cols = n;
        int tasks = (n + BIAS_COLS - 1) / BIAS_COLS;
        pool.run(tasks, biasGradientBody, delta.size() < PARALLEL_MIN);
        release();
    }

    private void unary(String op, Tensor x, Tensor y, WorkerPool.Body body) {
        Checks.owned(this, op, x, y);
        Checks.sameShape(op, x, y);
        x0 = data(x);
        x1 = data(y);
        elementwise(x.size(), body);
        release();
    }

    private void backward(String op, Tensor y, Tensor dy, Tensor dx, WorkerPool.Body body) {
        Checks.owned(this, op, y, dy, dx);
        Checks.sameShape(op, y, dy, dx);
        x0 = data(y);
        x1 = data(dy);
        x2 = data(dx);
        elementwise(y.size(), body);
        release();
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        unary("sigmoid", x, y, sigmoidBody);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("sigmoidBackward", y, dy, dx, sigmoidBackwardBody);
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        unary("tanh", x, y, tanhBody);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("tanhBackward", y, dy, dx, tanhBackwardBody);
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        unary("relu", x, y, reluBody);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("reluBackward", y, dy, dx, reluBackwardBody);
    }

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        Checks.owned(this, "softmax", logits, probabilities);
        Checks.sameShape("softmax", logits, probabilities);
        x0 = data(logits);
        x1 = data(probabilities);
        byRows(logits.rows(), logits.cols(), softmaxBody);
        release();
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        Checks.owned(this, "softmaxCrossEntropy", logits, targets, probabilities, grad, lossSum);
        Checks.sameShape("softmaxCrossEntropy", logits, targets, probabilities, grad);
        Checks.scalar("softmaxCrossEntropy", lossSum);
        x0 = data(logits);
        x1 = data(targets);
        x2 = data(probabilities);
        x3 = data(grad);
        int tasks = byRows(logits.rows(), logits.cols(), softmaxCrossEntropyBody);
        addTo(lossSum, sumPartials(tasks));
        release();
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        Checks.owned(this, "sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad, lossSum);
        Checks.sameShape("sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad);
        Checks.scalar("sigmoidBinaryCrossEntropy", lossSum);
        x0 = data(logits);
        x1 = data(targets);
        x2 = data(probabilities);
        x3 = data(grad);
        rows = logits.rows();
        int tasks = elementwise(logits.size(), binaryCrossEntropyBody);
        addTo(lossSum, sumPartials(tasks));
        release();
    }

    @Override
    public void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        Checks.owned(this, "squaredError", output, targets, grad, lossSum);
        Checks.sameShape("squaredError", output, targets, grad);
        Checks.scalar("squaredError", lossSum);
        x0 = data(output);
        x1 = data(targets);
        x2 = data(grad);
        rows = output.rows();
        int tasks = elementwise(output.size(), squaredErrorBody);
        addTo(lossSum, sumPartials(tasks));
        release();
    }

    @Override
    public void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        Checks.owned(this, "countCorrect", output, targets, correct);
        Checks.sameShape("countCorrect", output, targets);
        Checks.scalar("countCorrect", correct);
        x0 = data(output);
        x1 = data(targets);
        int tasks = byRows(output.rows(), output.cols(), countCorrectBody);
        addTo(correct, sumPartials(tasks));
        release();
    }

    @Override
    public void argmax(Tensor x, Tensor indices) {
        Checks.owned(this, "argmax", x);
        ownedIndices("argmax", indices);
        if (indices.size() != x.rows()) {
            throw new IllegalArgumentException("argmax: " + indices.size() + " indices for the "
                    + x.rows() + " rows of " + x.shape());
        }
        x0 = data(x);
        idx = ((CpuTensor) indices).indices;
        byRows(x.rows(), x.cols(), argmaxBody);
        release();
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        Checks.owned(this, "sumOfSquares", x, sum);
        Checks.scalar("sumOfSquares", sum);
        x0 = raw(x);
        rows = x.rows();
        cols = x.cols();
        width = ((CpuTensor) x).panel;
        // in panels, each task still adds its row-major range in row-major order: the same bits
        int tasks = elementwise(x.size(), inPanels(x) ? sumOfSquaresInPanelsBody : sumOfSquaresBody);
        addTo(sum, sumPartials(tasks));
        release();
    }

    @Override
    public void scale(Tensor x, float alpha) {
        Checks.owned(this, "scale", x);
        x0 = raw(x);
        f0 = alpha;
        elementwise(x.size(), scaleBody);
        release();
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        Checks.owned(this, "axpy", x, y);
        Checks.sameShape("axpy", x, y);
        agree(y, x);
        x0 = raw(x);
        x1 = raw(y);
        f0 = alpha;
        elementwise(x.size(), axpyBody);
        release();
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
        Checks.owned(this, op, in, out);
        Checks.sameShape(op, in, out);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(op + ": rate must be in [0, 1), got " + rate);
        }
        x0 = data(in);
        x1 = data(out);
        this.seed = seed;
        this.step = step;
        this.layer = layer;
        this.threshold = Philox.dropThreshold(rate);
        f0 = Philox.dropScale(rate);
        byRows(in.rows(), in.cols(), dropoutBody);
        release();
    }

    // ---------------------------------------------------------------- optimisers

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        velocityUpdate("nesterovUpdate", param, grad, velocity, lr, momentum, nesterovBody);
    }

    /** The momentum family's shared shape: one state tensor (the velocity), a rate and a momentum. */
    private void velocityUpdate(String op, Tensor param, Tensor grad, Tensor velocity, float lr, float momentum,
                                WorkerPool.Body body) {
        Checks.owned(this, op, param, grad, velocity);
        Checks.sameShape(op, param, grad, velocity);
        agree(param, grad, velocity);
        x0 = raw(param);
        x1 = raw(grad);
        x2 = raw(velocity);
        f0 = lr;
        f1 = momentum;
        elementwise(param.size(), body);
        release();
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        Checks.owned(this, "rmspropUpdate", param, grad, square);
        Checks.sameShape("rmspropUpdate", param, grad, square);
        agree(param, grad, square);
        x0 = raw(param);
        x1 = raw(grad);
        x2 = raw(square);
        f0 = lr;
        f1 = alpha;
        f2 = eps;
        elementwise(param.size(), rmspropBody);
        release();
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        Checks.owned(this, "sgdUpdate", param, grad);
        Checks.sameShape("sgdUpdate", param, grad);
        agree(param, grad);
        x0 = raw(param);
        x1 = raw(grad);
        f0 = lr;
        elementwise(param.size(), sgdBody);
        release();
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        velocityUpdate("momentumUpdate", param, grad, velocity, lr, momentum, momentumBody);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        Checks.owned(this, "adamUpdate", param, grad, m, v);
        Checks.sameShape("adamUpdate", param, grad, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more, got " + step);
        }
        agree(param, grad, m, v);
        x0 = raw(param);
        x1 = raw(grad);
        x2 = raw(m);
        x3 = raw(v);
        f0 = (float) (lr / (1 - Math.pow(beta1, step)));
        f1 = beta1;
        f2 = beta2;
        f3 = eps;
        f4 = (float) (1 / (1 - Math.pow(beta2, step)));
        elementwise(param.size(), adamBody);
        release();
    }

    // ---------------------------------------------------------------- data

    @Override
    public void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        Checks.owned(this, "gatherRows", src, dst);
        ownedIndices("gatherRows", indices);
        Checks.gather(src, indices, start, dst);
        int[] ix = ((CpuTensor) indices).indices;
        int limit = src.rows();
        for (int r = 0; r < dst.rows(); r++) {
            int row = ix[start + r];
            if (row < 0 || row >= limit) {
                throw new IllegalArgumentException("gatherRows: index " + row + " at position " + (start + r)
                        + " is not a row of " + src.shape());
            }
        }
        x0 = data(src);
        x1 = data(dst);
        idx = ix;
        this.start = start;
        byRows(dst.rows(), dst.cols(), gatherBody);
        release();
    }

    /** Rows r0..r1 of the current gather: four cold rows in flight at a time where the Vector API is on. */
    private void gather(int r0, int r1) {
        if (vector) {
            VectorKernels.gatherRows(x0, idx, start, x1, cols, r0, r1);
        } else {
            CpuOps.gatherRows(x0, idx, start, x1, cols, r0, r1);
        }
    }

    @Override
    public void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        ownedIndices("gatherRows", start);
        Checks.scalar("gatherRows", start);
        gatherRows(src, indices, ((CpuTensor) start).indices[0], dst);
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
    // passes (numbers in the Gemm javadoc).

    /** y = f(x·W + b): the GEMM, then bias and activation in one pass over each row range. */
    @Override
    public void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        Checks.owned(this, "linearForward", x, weights, bias, y);
        int[] mnk = Checks.gemm(false, false, x, weights, y);
        Checks.rowVector("linearForward", bias, y.cols());
        noAlias("linearForward", y, x, weights);
        CpuTensor w = (CpuTensor) weights;
        if (panels && !w.isView() && gemm.takesPanels(w.rows(), w.cols())) {
            toPanels(w, gemm.panelWidth()); // once: the optimiser's updates keep the layout
        }
        boolean bPanel = inPanels(weights);
        gemm.multiply(false, false, mnk[0], mnk[1], mnk[2], 1f, data(x), bPanel ? raw(weights) : data(weights), 0f,
                data(y), null, bPanel, false);
        x0 = data(y);
        x1 = data(bias);
        unit = f;
        try {
            byRows(y.rows(), y.cols(), biasActivationBody);
        } finally {
            unit = null;
            release();
        }
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

    /** Rows r0..r1: the same float operations per element as addBias then the activation op. */
    private void biasActivation(int r0, int r1) {
        float[] y = x0;
        if (unit == Pointwise.SIGMOID && vector) {
            // row by row, so the sigmoid reads the row the bias pass just left in L1
            for (int r = r0; r < r1; r++) {
                CpuOps.addBias(y, x1, cols, r, r + 1);
                VectorKernels.sigmoid(y, y, r * cols, (r + 1) * cols);
            }
            return;
        }
        CpuOps.addBias(y, x1, cols, r0, r1);
        int from = r0 * cols;
        int to = r1 * cols;
        switch (unit) {
            case IDENTITY -> { }
            case SIGMOID -> CpuOps.sigmoid(y, y, from, to);
            case TANH -> CpuOps.tanh(y, y, from, to);
            case RELU -> reluRange(y, y, from, to);
        }
    }

    /**
     * Every parameter's SGD step in one dispatch: the tasks are each tensor's fixed CHUNK-sized
     * pieces, numbered across the tensors, so one fork/join serves the whole model.
     */
    @Override
    public void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException("sgdUpdate: " + params.length + " parameters but " + grads.length
                    + " gradients");
        }
        Checks.owned(this, "sgdUpdate", lr);
        Checks.scalar("sgdUpdate", lr);
        int count = params.length;
        if (manyParams.length < count) {
            manyParams = new float[count][];
            manyGrads = new float[count][];
            manySizes = new int[count];
            manyFirstTask = new int[count + 1];
        }
        long elements = 0;
        int tasks = 0;
        for (int i = 0; i < count; i++) {
            Checks.owned(this, "sgdUpdate", params[i], grads[i]);
            Checks.sameShape("sgdUpdate", params[i], grads[i]);
            agree(params[i], grads[i]);
            manyParams[i] = raw(params[i]);
            manyGrads[i] = raw(grads[i]);
            manySizes[i] = params[i].size();
            manyFirstTask[i] = tasks;
            tasks += (manySizes[i] + CHUNK - 1) / CHUNK;
            elements += manySizes[i];
        }
        manyFirstTask[count] = tasks;
        manyCount = count;
        f0 = data(lr)[0];
        try {
            pool.run(tasks, manySgdBody, elements < PARALLEL_MIN);
        } finally {
            java.util.Arrays.fill(manyParams, 0, count, null);
            java.util.Arrays.fill(manyGrads, 0, count, null);
        }
    }

    /** Task t of a many-tensor update: which tensor (binary search over first tasks), which chunk. */
    private void manySgd(int task) {
        int lo = 0;
        int hi = manyCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (manyFirstTask[mid] <= task) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        int from = (task - manyFirstTask[lo]) * CHUNK;
        CpuOps.sgdUpdate(manyParams[lo], manyGrads[lo], from, Math.min(manySizes[lo], from + CHUNK), f0);
    }

    @Override
    public void close() {
        pool.close();
    }
}
