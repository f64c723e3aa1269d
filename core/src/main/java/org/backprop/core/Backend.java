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

    /**
     * Keras's {@code MaxNorm} on a weight matrix (inputs × outputs, so unit j's incoming weights
     * are column j): with n_j = √(Σ_i w_ij²), every w_ij ← w_ij·min(n_j, c)/(ε + n_j), ε = 1e-7
     * ({@link #MAX_NORM_EPS}); a column of norm above c ends at norm c, a shorter one is (almost)
     * unchanged. c must be a positive finite number. The reference computes in double; the CPU and
     * CUDA backends sum each column's squares in float32 in row order, so their bits depend on
     * neither thread count nor launch shape.
     */
    void maxNorm(Tensor weights, float c);

    /** The ε of {@link #maxNorm}: Keras's {@code backend.epsilon()}. */
    float MAX_NORM_EPS = 1e-7f;

    // ---------------------------------------------------------------- data

    /**
     * dst[r] = src[indices[start + r]] for every row r of dst: the minibatch gather. indices is an
     * int32 tensor; {@code start + dst.rows()} must not exceed its size, and every index used must
     * be a row of src.
     */
    void gatherRows(Tensor src, Tensor indices, int start, Tensor dst);

    /**
     * dst[r] = src[indices[start[0] + r]]: {@link #gatherRows(Tensor, Tensor, int, Tensor)} with the
     * offset read from a 1×1 int32 tensor on the device, so that a recorded step can be replayed
     * for every batch of an epoch without changing.
     */
    default void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        Checks.scalar("gatherRows", start);
        gatherRows(src, indices, (int) download(start)[0], dst);
    }

    /** counter[0] += by, for a 1×1 int32 tensor (the batch offset a recorded step advances). */
    default void advanceIndex(Tensor counter, int by) {
        Checks.scalar("advanceIndex", counter);
        uploadIndices(new int[] {(int) download(counter)[0] + by}, counter);
    }

    /**
     * dst = src with each row, a side×side image, deformed as {@link org.backprop.data.Deformation}
     * defines for (seed, epoch, firstRow + r): the training batch's augmentation. src and dst are
     * m×side² and must not alias. This default is the definition: the deformation computed on the
     * host between a download and an upload (what the reference backend runs, and the path of any
     * backend without a kernel of its own).
     */
    default void deformImages(Tensor src, Tensor dst, int side, org.backprop.data.Deformation d, long seed, int epoch,
                              int firstRow) {
        Checks.deform(src, dst, side, d);
        float[] in = download(src);
        float[] out = new float[in.length];
        d.apply(in, out, src.rows(), side, seed, epoch, firstRow);
        upload(out, dst);
    }

    // ---------------------------------------------------------------- fused ops
    //
    // Each default body is the op's definition in terms of the plain ops above; the reference
    // backend runs it (in double), and the op catalogue holds every backend's override to it.

    /**
     * The forward pass of a dense layer: y = f(x·W + b). x is m×k, W k×n, b 1×n, y m×n; y must
     * not alias x or W.
     */
    default void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        gemm(false, false, 1f, x, weights, 0f, y);
        addBias(y, bias);
        f.forward(this, y, y);
    }

    /**
     * δ of the layer below: deltaBelow = (δ·Wᵀ) ⊙ f′, given the layer below's output
     * {@code below} = f(z). δ is m×n, W k×n, below and deltaBelow m×k; deltaBelow must not alias
     * δ or W (it may not be {@code below} either).
     */
    default void linearInputGradient(Tensor delta, Tensor weights, Tensor below, Pointwise f, Tensor deltaBelow) {
        gemm(false, true, 1f, delta, weights, 0f, deltaBelow);
        f.backward(this, below, deltaBelow, deltaBelow);
    }

    /**
     * A dense layer's parameter gradients: weightGrad = xᵀ·δ and biasGrad = Σ_i δ_i (column
     * sums). x is m×k, δ m×n, weightGrad k×n, biasGrad 1×n.
     */
    default void linearGradients(Tensor x, Tensor delta, Tensor weightGrad, Tensor biasGrad) {
        gemm(true, false, 1f, x, delta, 0f, weightGrad);
        biasGradient(delta, 0f, biasGrad);
    }

    /**
     * {@link #softmaxCrossEntropy(Tensor, Tensor, Tensor, Tensor, Tensor)} and
     * {@link #countCorrect} of the probabilities, in one pass; here grad must not alias
     * probabilities (the count reads them).
     */
    default void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad,
                                     Tensor lossSum, Tensor correct) {
        if (grad == probabilities) {
            throw new IllegalArgumentException("softmaxCrossEntropy with a correct count: grad must not be the"
                    + " probabilities tensor");
        }
        softmaxCrossEntropy(logits, targets, probabilities, grad, lossSum);
        countCorrect(probabilities, targets, correct);
    }

    /**
     * {@link #sgdUpdate(Tensor, Tensor, float)} of every params[i] by grads[i] in one call, with the
     * learning rate read from the 1×1 tensor {@code lr} (so a recorded step follows a schedule).
     */
    default void sgdUpdate(Tensor[] params, Tensor[] grads, Tensor lr) {
        if (params.length != grads.length) {
            throw new IllegalArgumentException("sgdUpdate: " + params.length + " parameters but " + grads.length
                    + " gradients");
        }
        Checks.scalar("sgdUpdate", lr);
        float rate = scalar(lr);
        for (int i = 0; i < params.length; i++) {
            sgdUpdate(params[i], grads[i], rate);
        }
    }

    // ---------------------------------------------------------------- recorded steps

    /**
     * Records the ops {@code step} issues, without running them, as one unit this backend can
     * replay with a single submission (a CUDA graph). Null where the backend cannot record (then
     * run {@code step} directly) or where the step did something a recording cannot hold, such as
     * reading a value back; the backend is then as it was before the call. The ops' tensors must
     * outlive the recording, and the step must read every value that changes between replays
     * (batch offset, learning rate) from device tensors.
     */
    default Recording record(Runnable step) {
        return null;
    }

    /** A recorded sequence of ops (see {@link #record}). */
    interface Recording extends AutoCloseable {
        /** Runs the recorded ops once more, in order, on the current contents of their tensors. */
        void replay();

        /** How many kernels one replay runs (for launch counts). */
        int kernels();

        @Override
        void close();
    }

    /** Waits for queued work to finish (a no-op on synchronous backends). */
    default void synchronize() { }

    /** Releases the backend's resources (thread pool, context). Tensors must be closed first. */
    @Override
    void close();
}
