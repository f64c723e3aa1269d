package org.backprop.cpu;

import static org.backprop.cpu.TensorArrays.data;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * The activations (forward and backward), softmax, dropout and the bias-plus-activation pass of a
 * fused linear layer. The task bodies are made once and read the op in flight from the named
 * fields below (a lambda capturing the operands would allocate on every call).
 */
final class ActivationOps extends OpFamily {

    // the op in flight, read by the task bodies
    private float[] input;
    private float[] output;
    /** A backward op's forward output y, the gradient dy reaching it, and the gradient dx it gives. */
    private float[] forwardOutput;
    private float[] outputGrad;
    private float[] inputGrad;
    private float[] bias;
    private Pointwise unit;
    private long dropSeed;
    private int dropStep;
    private int dropLayer;
    private long dropThreshold;
    private float keptScale;

    private final WorkerPool.Body sigmoidBody = (t, w) -> sigmoidRange(input, output, run.from(t), run.to(t));
    private final WorkerPool.Body sigmoidBackwardBody = (t, w) ->
            CpuOps.sigmoidBackward(forwardOutput, outputGrad, inputGrad, run.from(t), run.to(t));
    private final WorkerPool.Body tanhBody = (t, w) -> CpuOps.tanh(input, output, run.from(t), run.to(t));
    private final WorkerPool.Body tanhBackwardBody = (t, w) ->
            CpuOps.tanhBackward(forwardOutput, outputGrad, inputGrad, run.from(t), run.to(t));
    private final WorkerPool.Body reluBody = (t, w) -> reluRange(input, output, run.from(t), run.to(t));
    private final WorkerPool.Body reluBackwardBody = (t, w) -> reluBackwardRange(run.from(t), run.to(t));
    private final WorkerPool.Body softmaxBody = (t, w) ->
            CpuOps.softmax(input, output, run.cols, run.rowFrom(t), run.rowTo(t));
    private final WorkerPool.Body dropoutBody = (t, w) -> CpuOps.dropout(input, output, run.cols, run.rowFrom(t),
            run.rowTo(t), dropSeed, dropStep, dropLayer, dropThreshold, keptScale);
    private final WorkerPool.Body biasActivationBody = (t, w) -> biasActivation(run.rowFrom(t), run.rowTo(t));

    ActivationOps(Backend owner, OpRunner run, boolean vector) {
        super(owner, run, vector);
    }

    void sigmoid(Tensor x, Tensor y) {
        forward("sigmoid", x, y, sigmoidBody);
    }

    void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("sigmoidBackward", y, dy, dx, sigmoidBackwardBody);
    }

    void tanh(Tensor x, Tensor y) {
        forward("tanh", x, y, tanhBody);
    }

    void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("tanhBackward", y, dy, dx, tanhBackwardBody);
    }

    void relu(Tensor x, Tensor y) {
        forward("relu", x, y, reluBody);
    }

    void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        backward("reluBackward", y, dy, dx, reluBackwardBody);
    }

    void softmax(Tensor logits, Tensor probabilities) {
        Checks.owned(owner, "softmax", logits, probabilities);
        Checks.sameShape("softmax", logits, probabilities);
        input = data(logits);
        output = data(probabilities);
        run.byRows(logits.rows(), logits.cols(), softmaxBody);
        release();
    }

    /** out = in·mask, forward ({@code dropout}) and backward ({@code dropoutBackward}) alike. */
    void dropout(String op, Tensor in, Tensor out, float rate, long seed, int step, int layer) {
        Checks.owned(owner, op, in, out);
        Checks.sameShape(op, in, out);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(op + ": rate must be in [0, 1), got " + rate);
        }
        input = data(in);
        output = data(out);
        dropSeed = seed;
        dropStep = step;
        dropLayer = layer;
        dropThreshold = Philox.dropThreshold(rate);
        keptScale = Philox.dropScale(rate);
        run.byRows(in.rows(), in.cols(), dropoutBody);
        release();
    }

    /** y = f(y + b) row by row, on the GEMM's finished product y. */
    void biasActivation(float[] y, float[] b, int rows, int cols, Pointwise f) {
        output = y;
        bias = b;
        unit = f;
        try {
            run.byRows(rows, cols, biasActivationBody);
        } finally {
            unit = null;
            release();
        }
    }

    private void forward(String op, Tensor x, Tensor y, WorkerPool.Body body) {
        Checks.owned(owner, op, x, y);
        Checks.sameShape(op, x, y);
        input = data(x);
        output = data(y);
        run.elementwise(x.size(), body);
        release();
    }

    private void backward(String op, Tensor y, Tensor dy, Tensor dx, WorkerPool.Body body) {
        Checks.owned(owner, op, y, dy, dx);
        Checks.sameShape(op, y, dy, dx);
        forwardOutput = data(y);
        outputGrad = data(dy);
        inputGrad = data(dx);
        run.elementwise(y.size(), body);
        release();
    }

    private void release() {
        input = null;
        output = null;
        forwardOutput = null;
        outputGrad = null;
        inputGrad = null;
        bias = null;
    }

    /** Both paths give identical bits (see {@link VectorOps}); the vector one is ~10× faster. */
    private void sigmoidRange(float[] x, float[] y, int from, int to) {
        if (vector) {
            VectorKernels.sigmoid(x, y, from, to);
        } else {
            CpuOps.sigmoid(x, y, from, to);
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
            VectorKernels.reluBackward(forwardOutput, outputGrad, inputGrad, from, to);
        } else {
            CpuOps.reluBackward(forwardOutput, outputGrad, inputGrad, from, to);
        }
    }

    /** Rows r0..r1: the same float operations per element as addBias then the activation op. */
    private void biasActivation(int r0, int r1) {
        float[] y = output;
        int cols = run.cols;
        if (unit == Pointwise.SIGMOID && vector) {
            // row by row, so the sigmoid reads the row the bias pass just left in L1
            for (int r = r0; r < r1; r++) {
                CpuOps.addBias(y, bias, cols, r, r + 1);
                VectorKernels.sigmoid(y, y, r * cols, (r + 1) * cols);
            }
            return;
        }
        CpuOps.addBias(y, bias, cols, r0, r1);
        int from = r0 * cols;
        int to = r1 * cols;
        switch (unit) {
            case IDENTITY -> { }
            case SIGMOID -> CpuOps.sigmoid(y, y, from, to);
            case TANH -> CpuOps.tanh(y, y, from, to);
            case RELU -> reluRange(y, y, from, to);
        }
    }
}
