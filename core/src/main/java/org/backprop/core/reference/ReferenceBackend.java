package org.backprop.core.reference;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Tensor;

/**
 * The judge: every op of {@link Backend} in plain double-precision loops, written to be read
 * beside the interface's javadoc rather than to be fast. Float tensors hold doubles, so nothing is
 * rounded to float until {@link #download}; {@link #values(Tensor)} gives the unrounded result.
 * Products are plain triple loops too; {@code ReferenceBackendTest} checks them against Commons Math.
 */
public final class ReferenceBackend implements Backend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String description() {
        return "double-precision reference (plain loops)";
    }

    // ---------------------------------------------------------------- memory

    @Override
    public Tensor allocate(int rows, int cols) {
        ReferenceTensor t = new ReferenceTensor(this, rows, cols, Tensor.DType.FLOAT32);
        // Contents are undefined by contract; NaN makes any read-before-write in the reference loud.
        Arrays.fill(t.values, Double.NaN);
        return t;
    }

    @Override
    public Tensor allocateIndices(int n) {
        return new ReferenceTensor(this, 1, n, Tensor.DType.INT32);
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        Checks.owned(this, "upload", dst);
        Checks.length("upload", src.length, dst);
        double[] d = out(dst);
        for (int i = 0; i < src.length; i++) {
            d[i] = src[i];
        }
    }

    @Override
    public void uploadIndices(int[] src, Tensor dst) {
        ownedIndices("uploadIndices", dst);
        Checks.length("uploadIndices", src.length, dst);
        System.arraycopy(src, 0, ((ReferenceTensor) dst).indices, 0, src.length);
    }

    /** Float tensors round to float; int32 tensors come back as their (exactly representable) values. */
    @Override
    public void download(Tensor src, float[] dst) {
        ReferenceTensor t = live("download", src);
        Checks.length("download", dst.length, src);
        for (int i = 0; i < dst.length; i++) {
            dst[i] = t.values != null ? (float) t.values[i] : (float) t.indices[i];
        }
    }

    /** The exact double values of a float tensor of this backend (a copy, in row-major order). */
    public double[] values(Tensor t) {
        Checks.owned(this, "values", t);
        return in(t);
    }

    /** The int values of an index tensor of this backend (a copy). */
    public int[] indices(Tensor t) {
        ownedIndices("indices", t);
        return Arrays.copyOf(((ReferenceTensor) t).indices, t.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        Checks.owned(this, "fill", t);
        Arrays.fill(((ReferenceTensor) t).values, 0, t.size(), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Checks.owned(this, "copy", src, dst);
        Checks.sameShape("copy", dst, src);
        System.arraycopy(((ReferenceTensor) src).values, 0, ((ReferenceTensor) dst).values, 0, src.size());
    }

    // ---------------------------------------------------------------- GEMM

    @Override
    public void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        Checks.owned(this, "gemm", a, b, c);
        int[] mnk = Checks.gemm(transA, transB, a, b, c);
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        double[] av = in(a);
        double[] bv = in(b);
        int lda = a.cols();
        int ldb = b.cols();
        // all in double: the product has to be exact to far below fp32's rounding to judge it
        double[] product = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? av[p * lda + i] : av[i * lda + p];
                    double y = transB ? bv[j * ldb + p] : bv[p * ldb + j];
                    sum += x * y;
                }
                product[i * n + j] = sum;
            }
        }
        double[] cv = out(c);
        for (int i = 0; i < m * n; i++) {
            double old = beta == 0 ? 0 : beta * cv[i];
            cv[i] = alpha * product[i] + old;
        }
    }

    // ---------------------------------------------------------------- row-wise and elementwise

    @Override
    public void addBias(Tensor x, Tensor bias) {
        Checks.owned(this, "addBias", x, bias);
        Checks.rowVector("addBias", bias, x.cols());
        double[] xv = out(x);
        double[] bv = in(bias);
        int n = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < n; j++) {
                xv[i * n + j] += bv[j];
            }
        }
    }

    @Override
    public void biasGradient(Tensor delta, float beta, Tensor grad) {
        Checks.owned(this, "biasGradient", delta, grad);
        Checks.rowVector("biasGradient", grad, delta.cols());
        double[] dv = in(delta);
        double[] gv = out(grad);
        int n = delta.cols();
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int i = 0; i < delta.rows(); i++) {
                sum += dv[i * n + j];
            }
            gv[j] = (beta == 0 ? 0 : beta * gv[j]) + sum;
        }
    }

    @Override
    public void sigmoid(Tensor x, Tensor y) {
        map("sigmoid", x, y, ReferenceBackend::sigmoid);
    }

    /** σ(z) without overflow: exp is only ever taken of a non-positive number. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    @Override
    public void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        mapBackward("sigmoidBackward", y, dy, dx, (yi, dyi) -> dyi * yi * (1 - yi));
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        map("tanh", x, y, Math::tanh);
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        mapBackward("tanhBackward", y, dy, dx, (yi, dyi) -> dyi * (1 - yi * yi));
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        map("relu", x, y, xi -> xi > 0 ? xi : 0);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        mapBackward("reluBackward", y, dy, dx, (yi, dyi) -> yi > 0 ? dyi : 0);
    }

    /** y = f(x) element by element; y may be x. */
    private void map(String op, Tensor x, Tensor y, DoubleUnaryOperator f) {
        Checks.owned(this, op, x, y);
        Checks.sameShape(op, x, y);
        double[] xv = in(x);
        double[] yv = out(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] = f.applyAsDouble(xv[i]);
        }
    }

    /** dx = df(y, dy) element by element, given y = f(x); dx may be dy. */
    private void mapBackward(String op, Tensor y, Tensor dy, Tensor dx, DoubleBinaryOperator df) {
        Checks.owned(this, op, y, dy, dx);
        Checks.sameShape(op, y, dy, dx);
        double[] yv = in(y);
        double[] dyv = in(dy);
        double[] dxv = out(dx);
        for (int i = 0; i < y.size(); i++) {
            dxv[i] = df.applyAsDouble(yv[i], dyv[i]);
        }
    }

    @Override
    public void softmax(Tensor logits, Tensor probabilities) {
        Checks.owned(this, "softmax", logits, probabilities);
        Checks.sameShape("softmax", logits, probabilities);
        double[] z = in(logits);
        double[] p = out(probabilities);
        int n = logits.cols();
        for (int i = 0; i < logits.rows(); i++) {
            double lse = ReferenceLosses.logSumExp(z, i * n, n);
            for (int j = 0; j < n; j++) {
                p[i * n + j] = Math.exp(z[i * n + j] - lse);
            }
        }
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        ReferenceLosses.softmaxCrossEntropy(this, logits, targets, probabilities, grad, lossSum);
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        ReferenceLosses.sigmoidBinaryCrossEntropy(this, logits, targets, probabilities, grad, lossSum);
    }

    /**
     * −[y·log σ(z) + (1 − y)·log(1 − σ(z))] rewritten as max(z, 0) − z·y + log(1 + e^−|z|), which
     * neither overflows nor takes the log of an underflowed zero.
     */
    public static double binaryCrossEntropy(double z, double y) {
        return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
    }

    @Override
    public void squaredError(Tensor output, Tensor targets, Tensor grad, Tensor lossSum) {
        ReferenceLosses.squaredError(this, output, targets, grad, lossSum);
    }

    @Override
    public void countCorrect(Tensor output, Tensor targets, Tensor correct) {
        Checks.owned(this, "countCorrect", output, targets, correct);
        Checks.sameShape("countCorrect", output, targets);
        Checks.scalar("countCorrect", correct);
        double[] o = in(output);
        double[] y = in(targets);
        int n = output.cols();
        int count = 0;
        for (int i = 0; i < output.rows(); i++) {
            boolean right = n == 1
                    ? (o[i] >= 0.5) == (y[i] >= 0.5)
                    : argmax(o, i * n, n) == argmax(y, i * n, n);
            if (right) {
                count++;
            }
        }
        out(correct)[0] += count;
    }

    @Override
    public void argmax(Tensor x, Tensor indices) {
        Checks.owned(this, "argmax", x);
        ownedIndices("argmax", indices);
        if (indices.size() != x.rows()) {
            throw new IllegalArgumentException("argmax: " + indices.size() + " indices for the "
                    + x.rows() + " rows of " + x.shape());
        }
        double[] xv = in(x);
        int[] out = ((ReferenceTensor) indices).indices;
        int n = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            out[i] = argmax(xv, i * n, n);
        }
    }

    /** Column of the first largest entry; strict {@code >} is what makes the first one win. */
    private static int argmax(double[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) {
                best = j;
            }
        }
        return best;
    }

    @Override
    public void sumOfSquares(Tensor x, Tensor sum) {
        Checks.owned(this, "sumOfSquares", x, sum);
        Checks.scalar("sumOfSquares", sum);
        double[] xv = in(x);
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
            s += xv[i] * xv[i];
        }
        out(sum)[0] += s;
    }

    @Override
    public void scale(Tensor x, float alpha) {
        Checks.owned(this, "scale", x);
        double[] xv = out(x);
        for (int i = 0; i < x.size(); i++) {
            xv[i] *= alpha;
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        Checks.owned(this, "axpy", x, y);
        Checks.sameShape("axpy", x, y);
        double[] xv = in(x);
        double[] yv = out(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] += alpha * xv[i];
        }
    }

    @Override
    public void dropout(Tensor x, Tensor y, float rate, long seed, int step, int layer) {
        masked("dropout", x, y, rate, seed, step, layer);
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor dx, float rate, long seed, int step, int layer) {
        masked("dropoutBackward", dy, dx, rate, seed, step, layer);
    }

    /**
     * The mask straight from the published generator: element (i, j) is kept when word j mod 4
     * of Philox-4x32-10 at counter (⌊j/4⌋, i, step, layer), key (seed low, seed high), as an
     * unsigned number, is at least rate·2³² (rounded down); kept values are scaled by 1/(1 − rate).
     */
    private void masked(String op, Tensor in, Tensor out, float rate, long seed, int step, int layer) {
        Checks.owned(this, op, in, out);
        Checks.sameShape(op, in, out);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(op + ": rate must be in [0, 1), got " + rate);
        }
        double[] a = in(in);
        double[] b = out(out);
        double threshold = Math.floor(rate * 4294967296.0);
        for (int i = 0; i < in.rows(); i++) {
            for (int j = 0; j < in.cols(); j++) {
                int word = Philox.block(j / 4, i, step, layer, (int) seed, (int) (seed >>> 32))[j % 4];
                boolean kept = Integer.toUnsignedLong(word) >= threshold;
                int k = i * in.cols() + j;
                b[k] = kept ? a[k] / (1.0 - rate) : 0.0;
            }
        }
    }

    // ---------------------------------------------------------------- optimisers (ReferenceOptimisers)

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        ReferenceOptimisers.sgd(this, param, grad, lr);
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        ReferenceOptimisers.momentum(this, param, grad, velocity, lr, momentum);
    }

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        ReferenceOptimisers.nesterov(this, param, grad, velocity, lr, momentum);
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        ReferenceOptimisers.rmsprop(this, param, grad, square, lr, alpha, eps);
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        ReferenceOptimisers.adam(this, param, grad, m, v, lr, beta1, beta2, eps, step);
    }

    @Override
    public void maxNorm(Tensor weights, float c) {
        ReferenceOptimisers.maxNorm(this, weights, c);
    }

    // ---------------------------------------------------------------- data

    @Override
    public void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        Checks.owned(this, "gatherRows", src, dst);
        ownedIndices("gatherRows", indices);
        Checks.gather(src, indices, start, dst);
        int[] idx = ((ReferenceTensor) indices).indices;
        double[] s = in(src);
        double[] d = out(dst);
        int n = src.cols();
        for (int r = 0; r < dst.rows(); r++) {
            int row = idx[start + r];
            if (row < 0 || row >= src.rows()) {
                throw new IllegalArgumentException("gatherRows: index " + row + " at position " + (start + r)
                        + " is not a row of " + src.shape());
            }
            System.arraycopy(s, row * n, d, r * n, n);
        }
    }

    @Override
    public void close() {
        // Nothing to release: tensors are plain arrays.
    }

    // ---------------------------------------------------------------- helpers

    /** A copy of a float tensor's values, exactly its size even for a view. */
    static double[] in(Tensor t) {
        return Arrays.copyOf(((ReferenceTensor) t).values, t.size());
    }

    /** The live backing array of a float tensor; loops over it must stop at {@code t.size()}. */
    static double[] out(Tensor t) {
        return ((ReferenceTensor) t).values;
    }

    static void store(double[] src, Tensor dst) {
        System.arraycopy(src, 0, out(dst), 0, src.length);
    }

    private ReferenceTensor live(String op, Tensor t) {
        Checks.live(this, op, t);
        return (ReferenceTensor) t;
    }

    private void ownedIndices(String op, Tensor t) {
        Checks.ownedIndices(this, op, t);
    }
}
