package org.backprop.core;

/**
 * The device-abstraction layer: every piece of numeric work in Backprop goes through this
 * interface. Tensors are row-major float32 matrices owned by the backend that made them.
 *
 * <p>Conventions shared by every implementation:
 * <ul>
 *   <li>Output tensors may alias inputs only where a method says so.</li>
 *   <li>Loss and metric ops <em>add</em> into a 1×1 accumulator tensor, so a whole epoch can be
 *       summed on the device and read once.</li>
 *   <li>Gradients produced by the fused loss ops are already divided by the batch size m (the
 *       number of rows), so a training step's gradients are 1/m-averaged.</li>
 *   <li>Reductions are done in an order that does not depend on the thread count.</li>
 *   <li>Shape mismatches throw {@link IllegalArgumentException} naming the op and the shapes.</li>
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** Short name: {@code cpu}, {@code cuda}. */
    String name();

    /** One line saying what runs: device, threads, GEMM path. */
    String description();

    // ---------------------------------------------------------------- memory

    /** A new rows×cols float tensor; contents undefined until written. */
    Tensor allocate(int rows, int cols);

    /** A new int32 index vector of n entries (1×n). */
    Tensor allocateIndices(int n);

    /** Copies host data (row-major, length rows·cols) into a new tensor. */
    default Tensor upload(float[] data, int rows, int cols) {
        Tensor t = allocate(rows, cols);
        try {
            upload(data, t);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Copies host data into an existing tensor; {@code src.length} must equal its size. */
    void upload(float[] src, Tensor dst);

    /** Copies host indices into an existing int32 tensor; {@code src.length} must equal its size. */
    void uploadIndices(int[] src, Tensor dst);

    /** Copies a tensor to the host; {@code dst.length} must equal its size. Synchronises. */
    void download(Tensor src, float[] dst);

    default float[] download(Tensor src) {
        float[] out = new float[src.size()];
        download(src, out);
        return out;
    }

    /** Reads a 1×1 tensor. */
    default float scalar(Tensor t) {
        if (t.size() != 1) {
            throw new IllegalArgumentException("scalar: expected a 1x1 tensor, got " + t.shape());
        }
        return download(t)[0];
    }

    void fill(Tensor t, float value);

    /** dst = src (same shape). */
    void copy(Tensor src, Tensor dst);

    // ---------------------------------------------------------------- GEMM

    /**
     * C = alpha·op(A)·op(B) + beta·C, row-major, op = identity or transpose. op(A) is m×k,
     * op(B) is k×n and C is m×n. With beta = 0, C's old contents are ignored (NaN included).
     * C must not alias A or B.
     */
    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

    // ---------------------------------------------------------------- row-wise and elementwise

    /** x[i][j] += bias[j]; bias is 1×n, x is m×n. In place. */
    void addBias(Tensor x, Tensor bias);

    /** grad[j] = beta·grad[j] + Σ_i delta[i][j]; grad is 1×n, delta is m×n. */
    void biasGradient(Tensor delta, float beta, Tensor grad);

    /** y = σ(x); y may be x. */
    void sigmoid(Tensor x, Tensor y);

    /** dx = dy·y·(1 − y), given y = σ(x); dx may be dy. */
    void sigmoidBackward(Tensor y, Tensor dy, Tensor dx);

    /** y = tanh(x); y may be x. */
    void tanh(Tensor x, Tensor y);

    /** dx = dy·(1 − y²), given y = tanh(x); dx may be dy. */
    void tanhBackward(Tensor y, Tensor dy, Tensor dx);

    /** y = max(0, x); y may be x. */
    void relu(Tensor x, Tensor y);

    /** dx = dy where y &gt; 0, else 0, given y = relu(x); dx may be dy. */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /** Softmax of each row, computed as exp(x − max)/Σexp(x − max); probabilities may be logits. */
    void softmax(Tensor logits, Tensor probabilities);

    /**
     * Softmax followed by categorical cross-entropy against one-hot (or soft) targets, fused.
     * Writes the probabilities, writes grad = (ŷ − y)/m (the gradient of the mean loss with
     * respect to the logits), and adds Σ_i −Σ_j y_ij·log ŷ_ij to {@code lossSum} (computed from the
     * log-sum-exp, so it is finite even where ŷ underflows). grad may alias probabilities.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum);

    /**
     * Sigmoid followed by binary cross-entropy, fused, elementwise over every column. Writes
     * ŷ = σ(z), grad = (ŷ − y)/m, and adds Σ −[y·log ŷ + (1 − y)·log(1 − ŷ)] to {@code lossSum}
     * (computed stably from z).
     */
    void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum);

    /**
     * Squared error: adds Σ_ij (ŷ − y)² to {@code lossSum} and writes grad = 2(ŷ − y)/m, the
     * gradient of the per-sample summed squared error averaged over the m rows.
     */
    void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum);

    /**
     * Adds to {@code correct} the number of rows whose prediction matches the target: argmax of
     * the row when there are several columns (first maximum wins), ŷ ≥ 0.5 against y ≥ 0.5 when
     * there is one.
     */
    void countCorrect(Tensor output, Tensor targets, Tensor correct);

    /** Writes each row's argmax (first maximum wins) into the int32 tensor {@code indices} (1×m). */
    void argmax(Tensor x, Tensor indices);

    /** sum += Σ x²; for gradient norms and finiteness checks. */
    void sumOfSquares(Tensor x, Tensor sum);

    /** x *= alpha, in place. */
    void scale(Tensor x, float alpha);

    /** y += alpha·x (same shape): L2 weight decay adds λ·param to the gradient with it. */
    void axpy(float alpha, Tensor x, Tensor y);

    /**
     * Inverted dropout: y[i][j] = x[i][j]·1/(1 − rate) where the element is kept, 0 where it is
     * dropped; y may be x. Element (i, j) is dropped when word j mod 4 of the Philox-4x32-10 block
     * for counter (⌊j/4⌋, i, step, layer) and key (low, high 32 bits of seed), read unsigned, is below
     * {@link Philox#dropThreshold}(rate) — see {@link Philox#kept} — so every backend draws the
     * identical mask, and {@link #dropoutBackward} draws it again instead of storing it.
     */
    void dropout(Tensor x, Tensor y, float rate, long seed, int step, int layer);

    /** dx = dy·mask, the mask of the {@link #dropout} call with the same (rate, seed, step, layer) and shape; dx may be dy. */
    void dropoutBackward(Tensor dy, Tensor dx, float rate, long seed, int step, int layer);

    // ---------------------------------------------------------------- optimisers (in place)

    /** param −= lr·grad. */
    void sgdUpdate(Tensor param, Tensor grad, float lr);

    /** velocity = momentum·velocity + grad; param −= lr·velocity (PyTorch's form). */
    void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum);

    /** Nesterov momentum, PyTorch's form: velocity = momentum·velocity + grad; param −= lr·(grad + momentum·velocity). */
    void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum);

    /** RMSprop, PyTorch's form: square = alpha·square + (1 − alpha)·grad²; param −= lr·grad / (√square + eps). */
    void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps);

    /**
     * Adam (Kingma and Ba) with bias correction for step t (1-based):
     * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
     * param −= lr·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                    float lr, float beta1, float beta2, float eps, int step);

    // ---------------------------------------------------------------- data

    /**
     * dst[r] = src[indices[start + r]] for every row r of dst: the minibatch gather. indices is an
     * int32 tensor; {@code start + dst.rows()} must not exceed its size, and every index used must
     * be a row of src.
     */
    void gatherRows(Tensor src, Tensor indices, int start, Tensor dst);

    /** Waits for queued work to finish (a no-op on synchronous backends). */
    default void synchronize() { }

    /** Releases the backend's resources (thread pool, context). Tensors must be closed first. */
    @Override
    void close();
}
