package org.backprop.cpu;

import static org.backprop.cpu.TensorArrays.addTo;
import static org.backprop.cpu.TensorArrays.data;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The losses with their gradients, and the accuracy ops (count correct, argmax). Each loss adds
 * the tasks' partial sums in task order into its scalar, so the sum has the same bits on any
 * thread count. The task bodies are made once and read the op in flight from the named fields.
 */
final class LossOps extends OpFamily {

    // the op in flight, read by the task bodies
    /** The network's output: logits for the fused losses, values for squared error and accuracy. */
    private float[] output;
    private float[] targets;
    private float[] probabilities;
    private float[] grad;
    private int[] predicted;
    /** The batch's row count, by which a loss's gradient is divided. */
    private int batchRows;

    private final WorkerPool.Body softmaxCrossEntropyBody = (t, w) -> run.partials[t] = CpuOps.softmaxCrossEntropy(
            output, targets, probabilities, grad, run.rows, run.cols, run.rowFrom(t), run.rowTo(t));
    private final WorkerPool.Body binaryCrossEntropyBody = (t, w) -> run.partials[t] =
            CpuOps.sigmoidBinaryCrossEntropy(output, targets, probabilities, grad, batchRows, run.from(t), run.to(t));
    private final WorkerPool.Body squaredErrorBody = (t, w) ->
            run.partials[t] = CpuOps.squaredError(output, targets, grad, batchRows, run.from(t), run.to(t));
    private final WorkerPool.Body countCorrectBody = (t, w) ->
            run.partials[t] = CpuOps.countCorrect(output, targets, run.cols, run.rowFrom(t), run.rowTo(t));
    private final WorkerPool.Body argmaxBody = (t, w) ->
            CpuOps.argmax(output, predicted, run.cols, run.rowFrom(t), run.rowTo(t));

    LossOps(Backend owner, OpRunner run) {
        super(owner, run, false);
    }

    void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        fusedLoss("softmaxCrossEntropy", logits, targets, probabilities, grad, lossSum);
        int tasks = run.byRows(logits.rows(), logits.cols(), softmaxCrossEntropyBody);
        addTo(lossSum, run.sumPartials(tasks));
        release();
    }

    void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        fusedLoss("sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad, lossSum);
        batchRows = logits.rows();
        int tasks = run.elementwise(logits.size(), binaryCrossEntropyBody);
        addTo(lossSum, run.sumPartials(tasks));
        release();
    }

    /** The checks and operands of a loss fused with its output activation. */
    private void fusedLoss(String op, Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                           Tensor lossSum) {
        Checks.owned(owner, op, logits, targets, probabilities, grad, lossSum);
        Checks.sameShape(op, logits, targets, probabilities, grad);
        Checks.scalar(op, lossSum);
        this.output = data(logits);
        this.targets = data(targets);
        this.probabilities = data(probabilities);
        this.grad = data(grad);
    }

    void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        Checks.owned(owner, "squaredError", output, targets, grad, lossSum);
        Checks.sameShape("squaredError", output, targets, grad);
        Checks.scalar("squaredError", lossSum);
        this.output = data(output);
        this.targets = data(targets);
        this.grad = data(grad);
        batchRows = output.rows();
        int tasks = run.elementwise(output.size(), squaredErrorBody);
        addTo(lossSum, run.sumPartials(tasks));
        release();
    }

    void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        Checks.owned(owner, "countCorrect", output, targets, correct);
        Checks.sameShape("countCorrect", output, targets);
        Checks.scalar("countCorrect", correct);
        this.output = data(output);
        this.targets = data(targets);
        int tasks = run.byRows(output.rows(), output.cols(), countCorrectBody);
        addTo(correct, run.sumPartials(tasks));
        release();
    }

    void argmax(Tensor x, Tensor indices) {
        Checks.owned(owner, "argmax", x);
        Checks.ownedIndices(owner, "argmax", indices);
        if (indices.size() != x.rows()) {
            throw new IllegalArgumentException("argmax: " + indices.size() + " indices for the "
                    + x.rows() + " rows of " + x.shape());
        }
        output = data(x);
        predicted = ((CpuTensor) indices).indices;
        run.byRows(x.rows(), x.cols(), argmaxBody);
        release();
    }

    private void release() {
        output = null;
        targets = null;
        probabilities = null;
        grad = null;
        predicted = null;
    }
}
