package org.backprop.cpu;

import static org.backprop.cpu.OpRunner.PARALLEL_MIN;
import static org.backprop.cpu.TensorArrays.addTo;
import static org.backprop.cpu.TensorArrays.agree;
import static org.backprop.cpu.TensorArrays.data;
import static org.backprop.cpu.TensorArrays.inPanels;
import static org.backprop.cpu.TensorArrays.raw;
import static org.backprop.cpu.TensorArrays.sameArray;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Tensor;
import org.backprop.cpu.gemm.ColumnSums;

/**
 * The ops on whole arrays and rows that are neither activations, losses nor updates: fill, copy,
 * scale, axpy, the sum of squares, the bias and its gradient, and the row gather of a batch. The
 * task bodies are made once and read the op in flight from the named fields below.
 */
final class ArrayOps extends OpFamily {

    /** Columns per task of the bias gradient. */
    private static final int BIAS_COLS = 128;

    private double[] columnSums = new double[64];

    // the op in flight, read by the task bodies
    private float[] src;
    private float[] dst;
    private int[] rowIndices;
    /** The value filled, the factor scaled by, axpy's alpha, or the bias gradient's beta. */
    private float value;
    /** Shape of a sum of squares or a bias gradient, and the panel width of a sum over panels. */
    private int rows;
    private int cols;
    private int panelWidth;
    /** Where a gather's run of indices starts. */
    private int firstIndex;

    private final WorkerPool.Body fillBody = (t, w) -> CpuOps.fill(dst, run.from(t), run.to(t), value);
    private final WorkerPool.Body copyBody = (t, w) -> CpuOps.copy(src, dst, run.from(t), run.to(t));
    private final WorkerPool.Body scaleBody = (t, w) -> CpuOps.scale(dst, run.from(t), run.to(t), value);
    private final WorkerPool.Body axpyBody = (t, w) -> CpuOps.axpy(value, src, dst, run.from(t), run.to(t));
    private final WorkerPool.Body sumOfSquaresBody = (t, w) ->
            run.partials[t] = CpuOps.sumOfSquares(src, run.from(t), run.to(t));
    private final WorkerPool.Body sumOfSquaresInPanelsBody = (t, w) ->
            run.partials[t] = CpuOps.sumOfSquaresInPanels(src, rows, cols, panelWidth, run.from(t), run.to(t));
    private final WorkerPool.Body addBiasBody = (t, w) ->
            CpuOps.addBias(dst, src, run.cols, run.rowFrom(t), run.rowTo(t));
    private final WorkerPool.Body biasGradientBody = (t, w) -> ColumnSums.biasGradient(src, rows, cols,
            t * BIAS_COLS, Math.min(cols, (t + 1) * BIAS_COLS), value, dst, columnSums);
    private final WorkerPool.Body gatherBody = (t, w) -> gather(run.rowFrom(t), run.rowTo(t));

    ArrayOps(Backend owner, OpRunner run, boolean vector) {
        super(owner, run, vector);
    }

    void fill(Tensor t, float value) {
        Checks.owned(owner, "fill", t);
        dst = raw(t);
        this.value = value;
        run.elementwise(t.size(), fillBody);
        release();
    }

    void copy(Tensor from, Tensor to) {
        Checks.owned(owner, "copy", from, to);
        Checks.sameShape("copy", to, from);
        if (from == to || sameArray(from, to)) {
            return;
        }
        agree(from, to);
        src = raw(from);
        dst = raw(to);
        run.elementwise(from.size(), copyBody);
        release();
    }

    void scale(Tensor x, float alpha) {
        Checks.owned(owner, "scale", x);
        dst = raw(x);
        value = alpha;
        run.elementwise(x.size(), scaleBody);
        release();
    }

    void axpy(float alpha, Tensor x, Tensor y) {
        Checks.owned(owner, "axpy", x, y);
        Checks.sameShape("axpy", x, y);
        agree(y, x);
        src = raw(x);
        dst = raw(y);
        value = alpha;
        run.elementwise(x.size(), axpyBody);
        release();
    }

    void sumOfSquares(Tensor x, Tensor sum) {
        Checks.owned(owner, "sumOfSquares", x, sum);
        Checks.scalar("sumOfSquares", sum);
        src = raw(x);
        rows = x.rows();
        cols = x.cols();
        panelWidth = ((CpuTensor) x).panel;
        // in panels, each task still adds its row-major range in row-major order: the same bits
        int tasks = run.elementwise(x.size(), inPanels(x) ? sumOfSquaresInPanelsBody : sumOfSquaresBody);
        addTo(sum, run.sumPartials(tasks));
        release();
    }

    void addBias(Tensor x, Tensor bias) {
        Checks.owned(owner, "addBias", x, bias);
        Checks.rowVector("addBias", bias, x.cols());
        dst = data(x);
        src = data(bias);
        run.byRows(x.rows(), x.cols(), addBiasBody);
        release();
    }

    void biasGradient(Tensor delta, float beta, Tensor grad) {
        Checks.owned(owner, "biasGradient", delta, grad);
        Checks.rowVector("biasGradient", grad, delta.cols());
        int n = delta.cols();
        if (columnSums.length < n) {
            columnSums = new double[Math.max(n, 2 * columnSums.length)];
        }
        src = data(delta);
        dst = data(grad);
        value = beta;
        rows = delta.rows();
        cols = n;
        int tasks = (n + BIAS_COLS - 1) / BIAS_COLS;
        run.pool.run(tasks, biasGradientBody, delta.size() < PARALLEL_MIN);
        release();
    }

    void gatherRows(Tensor from, Tensor indices, int start, Tensor to) {
        Checks.owned(owner, "gatherRows", from, to);
        Checks.ownedIndices(owner, "gatherRows", indices);
        Checks.gather(from, indices, start, to);
        int[] ix = ((CpuTensor) indices).indices;
        int limit = from.rows();
        for (int r = 0; r < to.rows(); r++) {
            int row = ix[start + r];
            if (row < 0 || row >= limit) {
                throw new IllegalArgumentException("gatherRows: index " + row + " at position " + (start + r)
                        + " is not a row of " + from.shape());
            }
        }
        src = data(from);
        dst = data(to);
        rowIndices = ix;
        firstIndex = start;
        run.byRows(to.rows(), to.cols(), gatherBody);
        release();
    }

    /** Rows r0..r1 of the current gather: four cold rows in flight at a time where the Vector API is on. */
    private void gather(int r0, int r1) {
        if (vector) {
            VectorKernels.gatherRows(src, rowIndices, firstIndex, dst, run.cols, r0, r1);
        } else {
            CpuOps.gatherRows(src, rowIndices, firstIndex, dst, run.cols, r0, r1);
        }
    }

    private void release() {
        src = null;
        dst = null;
        rowIndices = null;
    }
}
