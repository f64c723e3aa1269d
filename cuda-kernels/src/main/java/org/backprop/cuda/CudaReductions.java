package org.backprop.cuda;

import java.util.function.Function;

import jcuda.driver.CUdeviceptr;

import org.backprop.core.Checks;
import org.backprop.core.Tensor;

/**
 * The row-wise and reducing ops of a {@link CudaBackend}: softmax, the losses, the accuracy count,
 * argmax and the sum of squares. Every reduction has two passes so that its sum is the same on
 * every run: a kernel writes one partial per row or per block to the scratch buffer of
 * {@link CudaMemory}, then one block adds the partials in a fixed order onto the accumulator.
 */
record CudaReductions(CudaBackend backend, CudaLaunch launch, CudaMemory memory) {

    void softmax(Tensor logits, Tensor probabilities) {
        CudaTensor x = backend.owned("softmax", logits);
        CudaTensor p = backend.owned("softmax", probabilities);
        Checks.sameShape("softmax", x, p);
        launch.rows("softmax", Kernel.SOFTMAX, x.rows(), x.pointer, p.pointer, x.rows(), x.cols());
    }

    void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        String op = "softmaxCrossEntropy";
        CudaTensor[] t = lossOperands(op, logits, targets, probabilities, grad, lossSum);
        int m = t[0].rows();
        CUdeviceptr rowLoss = memory.scratch(op, m);
        launch.rows(op, Kernel.SOFTMAX_CROSS_ENTROPY, m,
                t[0].pointer, t[1].pointer, t[2].pointer, t[3].pointer, rowLoss, m, t[0].cols(), (float) m);
        addPartials(op, rowLoss, m, t[4]);
    }

    /** The loss and the correct count in one pass: per-row losses and hits side by side in the scratch. */
    void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                             Tensor lossSum, Tensor correct) {
        String op = "softmaxCrossEntropy";
        CudaTensor[] t = lossOperands(op, logits, targets, probabilities, grad, lossSum);
        CudaTensor hits = backend.owned(op, correct);
        Checks.scalar(op, hits);
        if (t[2].pointer.equals(t[3].pointer)) {
            throw new IllegalArgumentException(op + " with a correct count: grad must not be the probabilities tensor");
        }
        int m = t[0].rows();
        CUdeviceptr rowLoss = memory.scratch(op, 2 * m);
        CUdeviceptr rowHits = rowLoss.withByteOffset(8L * m);
        launch.rows(op, Kernel.SOFTMAX_CROSS_ENTROPY_COUNT, m, t[0].pointer, t[1].pointer, t[2].pointer,
                t[3].pointer, rowLoss, rowHits, m, t[0].cols(), (float) m);
        addPartials(op, rowLoss, m, t[4]);
        addPartials(op, rowHits, m, hits);
    }

    void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                   Tensor lossSum) {
        String op = "sigmoidBinaryCrossEntropy";
        CudaTensor[] t = lossOperands(op, logits, targets, probabilities, grad, lossSum);
        CudaTensor z = t[0];
        blockReduce(op, Kernel.SIGMOID_BINARY_CROSS_ENTROPY, z.size(), t[4], partials -> new Object[] {
            z.pointer, t[1].pointer, t[2].pointer, t[3].pointer, partials, z.size(), (float) z.rows()});
    }

    void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        String op = "squaredError";
        CudaTensor o = backend.owned(op, output);
        CudaTensor y = backend.owned(op, targets);
        CudaTensor g = backend.owned(op, grad);
        CudaTensor loss = backend.owned(op, lossSum);
        Checks.sameShape(op, o, y, g);
        Checks.scalar(op, loss);
        blockReduce(op, Kernel.SQUARED_ERROR, o.size(), loss, partials -> new Object[] {
            o.pointer, y.pointer, g.pointer, partials, o.size(), (float) o.rows()});
    }

    void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        String op = "countCorrect";
        CudaTensor o = backend.owned(op, output);
        CudaTensor y = backend.owned(op, targets);
        CudaTensor c = backend.owned(op, correct);
        Checks.sameShape(op, o, y);
        Checks.scalar(op, c);
        int m = o.rows();
        CUdeviceptr hits = memory.scratch(op, m);
        launch.rows(op, Kernel.COUNT_CORRECT, m, o.pointer, y.pointer, hits, m, o.cols());
        addPartials(op, hits, m, c);
    }

    void argmax(Tensor x, Tensor indices) {
        CudaTensor tx = backend.owned("argmax", x);
        CudaTensor idx = backend.ownedIndices("argmax", indices);
        if (idx.size() != tx.rows()) {
            throw new IllegalArgumentException("argmax: indices " + idx.shape() + " must hold one entry per row of "
                    + tx.shape());
        }
        idx.forgetHostIndices();
        launch.rows("argmax", Kernel.ARGMAX, tx.rows(), tx.pointer, idx.pointer, tx.rows(), tx.cols());
    }

    void sumOfSquares(Tensor x, Tensor sum) {
        CudaTensor tx = backend.owned("sumOfSquares", x);
        CudaTensor s = backend.owned("sumOfSquares", sum);
        Checks.scalar("sumOfSquares", s);
        blockReduce("sumOfSquares", Kernel.SUM_OF_SQUARES, tx.size(), s,
                partials -> new Object[] {tx.pointer, partials, tx.size()});
    }

    /** Logits, targets, probabilities and gradient of one shape, and a scalar loss accumulator. */
    private CudaTensor[] lossOperands(String op, Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                      Tensor lossSum) {
        CudaTensor x = backend.owned(op, logits);
        CudaTensor y = backend.owned(op, targets);
        CudaTensor p = backend.owned(op, probabilities);
        CudaTensor g = backend.owned(op, grad);
        CudaTensor loss = backend.owned(op, lossSum);
        Checks.sameShape(op, x, y, p, g);
        Checks.scalar(op, loss);
        return new CudaTensor[] {x, y, p, g, loss};
    }

    /** An elementwise reduction over n values: one partial per block, then {@link #addPartials}. */
    private void blockReduce(String op, Kernel k, int n, CudaTensor acc, Function<CUdeviceptr, Object[]> args) {
        int blocks = CudaLaunch.partialGrid(n);
        CUdeviceptr partials = memory.scratch(op, blocks);
        launch.kernel(op, k, blocks, 1, CudaLaunch.BLOCK, 1, args.apply(partials));
        addPartials(op, partials, blocks, acc);
    }

    /** The second pass of every reduction: {@code acc += sum of count partials}, one block, fixed order. */
    private void addPartials(String op, CUdeviceptr partials, int count, CudaTensor acc) {
        launch.kernel(op, Kernel.ADD_PARTIALS, 1, 1, CudaLaunch.BLOCK, 1, partials, count, acc.pointer);
    }
}
