package org.backprop.cpu;

import static org.backprop.cpu.OpRunner.CHUNK;
import static org.backprop.cpu.OpRunner.PARALLEL_MIN;
import static org.backprop.cpu.TensorArrays.agree;
import static org.backprop.cpu.TensorArrays.data;
import static org.backprop.cpu.TensorArrays.raw;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The optimisers' parameter updates. A parameter and its gradient and state first take one layout
 * ({@link TensorArrays#agree}): an update treats every element alike, so it runs over the arrays as
 * they are held. The task bodies are made once and read the update in flight from the named fields.
 */
final class OptimiserOps extends OpFamily {

    // the update in flight, read by the task bodies
    private float[] param;
    private float[] grad;
    /** The optimiser's state: the velocity (momentum, Nesterov), the mean square (RMSprop), Adam's first moment. */
    private float[] state;
    /** Adam's second moment. */
    private float[] secondMoment;
    /** The learning rate; Adam's is divided by its first bias correction, 1 − β1^t. */
    private float lr;
    /** The momentum, RMSprop's smoothing α, or Adam's β1. */
    private float decay;
    /** Adam's β2. */
    private float secondDecay;
    private float eps;
    /** Adam: 1 / (1 − β2^t). */
    private float secondCorrection;

    private final WorkerPool.Body sgdBody = (t, w) -> CpuOps.sgdUpdate(param, grad, run.from(t), run.to(t), lr);
    private final WorkerPool.Body momentumBody = (t, w) ->
            CpuOps.momentumUpdate(param, grad, state, run.from(t), run.to(t), lr, decay);
    private final WorkerPool.Body nesterovBody = (t, w) ->
            CpuOps.nesterovUpdate(param, grad, state, run.from(t), run.to(t), lr, decay);
    private final WorkerPool.Body rmspropBody = (t, w) ->
            CpuOps.rmspropUpdate(param, grad, state, run.from(t), run.to(t), lr, decay, eps);
    private final WorkerPool.Body adamBody = (t, w) -> CpuOps.adamUpdate(param, grad, state, secondMoment,
            run.from(t), run.to(t), lr, decay, secondDecay, eps, secondCorrection);

    // a many-tensor SGD step: each tensor's arrays and size, and its first task number
    private float[][] manyParams = new float[0][];
    private float[][] manyGrads = new float[0][];
    private int[] manySizes = new int[0];
    private int[] manyFirstTask = new int[1];
    private int manyCount;
    private final WorkerPool.Body manySgdBody = (t, w) -> manySgd(t);

    // a max-norm in flight: the weights as held (row-major, or panels this wide), the bound, and
    // each column's sum of squares, then its scale
    private float[] maxNormData;
    private int maxNormRows;
    private int maxNormCols;
    private int maxNormWidth;
    private int maxNormColsPerTask;
    private float maxNormBound;
    private float[] columnScales = new float[0];
    private final WorkerPool.Body maxNormBody = (t, w) -> maxNormColumns(t);
    /** The fewest columns of a max-norm task on a row-major matrix: rows of 256 bytes. */
    static final int MAX_NORM_WIDTH = 64;

    OptimiserOps(Backend owner, OpRunner run, boolean vector) {
        super(owner, run, vector);
    }

    void sgd(Tensor param, Tensor grad, float lr) {
        operands("sgdUpdate", param, grad);
        this.lr = lr;
        update(param, sgdBody);
    }

    void momentum(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        stateful("momentumUpdate", param, grad, velocity, lr, momentum);
        update(param, momentumBody);
    }

    void nesterov(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        stateful("nesterovUpdate", param, grad, velocity, lr, momentum);
        update(param, nesterovBody);
    }

    void rmsprop(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        stateful("rmspropUpdate", param, grad, square, lr, alpha);
        this.eps = eps;
        update(param, rmspropBody);
    }

    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, int step) {
        Checks.owned(owner, "adamUpdate", param, grad, m, v);
        Checks.sameShape("adamUpdate", param, grad, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more, got " + step);
        }
        agree(param, grad, m, v);
        this.param = raw(param);
        this.grad = raw(grad);
        this.state = raw(m);
        this.secondMoment = raw(v);
        this.lr = (float) (lr / (1 - Math.pow(beta1, step)));
        this.decay = beta1;
        this.secondDecay = beta2;
        this.eps = eps;
        this.secondCorrection = (float) (1 / (1 - Math.pow(beta2, step)));
        update(param, adamBody);
    }

    /** The checks and arrays of an update with one state tensor, its rate and its decay. */
    private void stateful(String op, Tensor param, Tensor grad, Tensor state, float lr, float decay) {
        Checks.owned(owner, op, param, grad, state);
        Checks.sameShape(op, param, grad, state);
        agree(param, grad, state);
        this.param = raw(param);
        this.grad = raw(grad);
        this.state = raw(state);
        this.lr = lr;
        this.decay = decay;
    }

    private void operands(String op, Tensor param, Tensor grad) {
        Checks.owned(owner, op, param, grad);
        Checks.sameShape(op, param, grad);
        agree(param, grad);
        this.param = raw(param);
        this.grad = raw(grad);
    }

    private void update(Tensor param, WorkerPool.Body body) {
        run.elementwise(param.size(), body);
        this.param = null;
        this.grad = null;
        this.state = null;
        this.secondMoment = null;
    }

    /**
     * Keras's max-norm of each column (see {@link Backend#maxNorm}), on the weights as they are held:
     * a task owns a range of columns and sums each column's squares in row order in float32, so
     * the bits depend neither on the thread count nor on the layout. A task takes whole strips of
     * a matrix in panels (each strip is contiguous) and, row-major, at least {@link #MAX_NORM_WIDTH}
     * columns, so that its rows are runs of whole cache lines; its columns, read twice, fit in L2.
     */
    void maxNorm(Tensor weights, float c) {
        Checks.maxNorm(owner, weights, c);
        CpuTensor t = (CpuTensor) weights;
        boolean panels = TensorArrays.inPanels(t);
        maxNormData = raw(t);
        maxNormRows = t.rows();
        maxNormCols = t.cols();
        maxNormWidth = panels ? t.panel : t.cols();
        maxNormBound = c;
        int cols = Math.max(1, CHUNK / maxNormRows);
        maxNormColsPerTask = panels ? (cols + maxNormWidth - 1) / maxNormWidth * maxNormWidth
                : Math.min(maxNormCols, Math.max(cols, MAX_NORM_WIDTH));
        if (columnScales.length < maxNormCols) {
            columnScales = new float[maxNormCols];
        }
        int tasks = (maxNormCols + maxNormColsPerTask - 1) / maxNormColsPerTask;
        try {
            run.pool.run(tasks, maxNormBody, weights.size() < PARALLEL_MIN);
        } finally {
            maxNormData = null;
        }
    }

    /**
     * Task t of a max-norm: its columns' sums of squares, their scales, then the products, skipped
     * for the columns at either end of each strip whose scale is exactly 1 (a column well inside
     * the bound, of norm 2 or more, where ε is below half an ulp: multiplying changes no bit).
     */
    private void maxNormColumns(int task) {
        int from = task * maxNormColsPerTask;
        int to = Math.min(maxNormCols, from + maxNormColsPerTask);
        float[] s = columnScales;
        for (int j = from; j < to; ) {
            int end = Math.min(to, (j / maxNormWidth + 1) * maxNormWidth);
            columnPass(j, end, true);
            j = end;
        }
        for (int j = from; j < to; j++) {
            float norm = (float) Math.sqrt(s[j]);
            s[j] = Math.min(norm, maxNormBound) / (Backend.MAX_NORM_EPS + norm);
        }
        for (int j = from; j < to; ) {
            int end = Math.min(to, (j / maxNormWidth + 1) * maxNormWidth);
            int lo = j;
            int hi = end;
            while (lo < hi && s[lo] == 1f) {
                lo++;
            }
            while (hi > lo && s[hi - 1] == 1f) {
                hi--;
            }
            if (lo < hi) {
                columnPass(lo, hi, false);
            }
            j = end;
        }
    }

    /**
     * Columns [from, to) of one strip, every row: their squares summed into the column sums, or
     * multiplied by the column scales. Element (i, j) sits at {@code (j / w)·rows·w + i·w + j mod w}
     * ({@link org.backprop.cpu.gemm.PanelLayout}; row-major is one strip as wide as the matrix).
     */
    private void columnPass(int from, int to, boolean sum) {
        int w = maxNormWidth;
        int strip = from / w;
        int base = strip * maxNormRows * w + (from - strip * w);
        float[] a = maxNormData;
        if (sum && vector) {
            VectorKernels.columnSquares(a, base, w, maxNormRows, to - from, columnScales, from);
        } else if (sum) {
            CpuOps.columnSquares(a, base, w, maxNormRows, to - from, columnScales, from);
        } else if (vector) {
            VectorKernels.scaleColumns(a, base, w, maxNormRows, to - from, columnScales, from);
        } else {
            CpuOps.scaleColumns(a, base, w, maxNormRows, to - from, columnScales, from);
        }
    }

    /**
     * Every parameter's SGD step in one dispatch: the tasks are each tensor's fixed CHUNK-sized
     * pieces, numbered across the tensors, so one fork/join serves the whole model.
     */
    void sgd(Tensor[] params, Tensor[] grads, Tensor lr) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException("sgdUpdate: " + params.length + " parameters but " + grads.length
                    + " gradients");
        }
        Checks.owned(owner, "sgdUpdate", lr);
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
            Checks.owned(owner, "sgdUpdate", params[i], grads[i]);
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
        this.lr = data(lr)[0];
        try {
            run.pool.run(tasks, manySgdBody, elements < PARALLEL_MIN);
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
        CpuOps.sgdUpdate(manyParams[lo], manyGrads[lo], from, Math.min(manySizes[lo], from + CHUNK), lr);
    }
}
