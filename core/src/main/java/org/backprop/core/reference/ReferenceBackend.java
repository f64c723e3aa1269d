package org.backprop.core.reference;

import java.util.Arrays;

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
        Checks.owned(this, "sigmoid", x, y);
        Checks.sameShape("sigmoid", x, y);
        double[] xv = in(x);
        double[] yv = out(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] = sigmoid(xv[i]);
        }
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
        Checks.owned(this, "sigmoidBackward", y, dy, dx);
        Checks.sameShape("sigmoidBackward", y, dy, dx);
        double[] yv = in(y);
        double[] dyv = in(dy);
        double[] dxv = out(dx);
        for (int i = 0; i < y.size(); i++) {
            dxv[i] = dyv[i] * yv[i] * (1 - yv[i]);
        }
    }

    @Override
    public void tanh(Tensor x, Tensor y) {
        Checks.owned(this, "tanh", x, y);
        Checks.sameShape("tanh", x, y);
        double[] xv = in(x);
        double[] yv = out(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] = Math.tanh(xv[i]);
        }
    }

    @Override
    public void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.owned(this, "tanhBackward", y, dy, dx);
        Checks.sameShape("tanhBackward", y, dy, dx);
        double[] yv = in(y);
        double[] dyv = in(dy);
        double[] dxv = out(dx);
        for (int i = 0; i < y.size(); i++) {
            dxv[i] = dyv[i] * (1 - yv[i] * yv[i]);
        }
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        Checks.owned(this, "relu", x, y);
        Checks.sameShape("relu", x, y);
        double[] xv = in(x);
        double[] yv = out(y);
        for (int i = 0; i < x.size(); i++) {
            yv[i] = xv[i] > 0 ? xv[i] : 0;
        }
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        Checks.owned(this, "reluBackward", y, dy, dx);
        Checks.sameShape("reluBackward", y, dy, dx);
        double[] yv = in(y);
        double[] dyv = in(dy);
        double[] dxv = out(dx);
        for (int i = 0; i < y.size(); i++) {
            dxv[i] = yv[i] > 0 ? dyv[i] : 0;
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
            double lse = logSumExp(z, i * n, n);
            for (int j = 0; j < n; j++) {
                p[i * n + j] = Math.exp(z[i * n + j] - lse);
            }
        }
    }

    /** log Σ_j exp(z[off + j]), with the row max taken out first so nothing overflows. */
    private static double logSumExp(double[] z, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(z[off + j] - max);
        }
        return max + Math.log(sum);
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        Checks.owned(this, "softmaxCrossEntropy", logits, targets, probabilities, grad, lossSum);
        Checks.sameShape("softmaxCrossEntropy", logits, targets, probabilities, grad);
        Checks.scalar("softmaxCrossEntropy", lossSum);
        // Read every input before writing any output, so any aliasing among them is harmless.
        double[] z = in(logits);
        double[] y = in(targets);
        int m = logits.rows();
        int n = logits.cols();
        double[] p = new double[z.length];
        double[] g = new double[z.length];
        double loss = 0;
        for (int i = 0; i < m; i++) {
            double lse = logSumExp(z, i * n, n);
            for (int j = 0; j < n; j++) {
                int ij = i * n + j;
                double logP = z[ij] - lse;
                p[ij] = Math.exp(logP);
                g[ij] = (p[ij] - y[ij]) / m;
                if (y[ij] != 0) {
                    loss -= y[ij] * logP;
                }
            }
        }
        store(p, probabilities);
        store(g, grad);
        out(lossSum)[0] += loss;
    }

    @Override
    public void sigmoidBinaryCrossEntropy(Tensor logits, Tensor targets, Tensor probabilities, Tensor grad, Tensor lossSum) {
        Checks.owned(this, "sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad, lossSum);
        Checks.sameShape("sigmoidBinaryCrossEntropy", logits, targets, probabilities, grad);
        Checks.scalar("sigmoidBinaryCrossEntropy", lossSum);
        double[] z = in(logits);
        double[] y = in(targets);
        int m = logits.rows();
        double[] p = new double[z.length];
        double[] g = new double[z.length];
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = sigmoid(z[i]);
            g[i] = (p[i] - y[i]) / m;
            loss += binaryCrossEntropy(z[i], y[i]);
        }
        store(p, probabilities);
        store(g, grad);
        out(lossSum)[0] += loss;
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
        Checks.owned(this, "squaredError", output, targets, grad, lossSum);
        Checks.sameShape("squaredError", output, targets, grad);
        Checks.scalar("squaredError", lossSum);
        double[] o = in(output);
        double[] y = in(targets);
        int m = output.rows();
        double[] g = new double[o.length];
        double loss = 0;
        for (int i = 0; i < o.length; i++) {
            double d = o[i] - y[i];
            loss += d * d;
            g[i] = 2 * d / m;
        }
        store(g, grad);
        out(lossSum)[0] += loss;
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

    // ---------------------------------------------------------------- optimisers

    @Override
    public void nesterovUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        Checks.owned(this, "nesterovUpdate", param, grad, velocity);
        Checks.sameShape("nesterovUpdate", param, grad, velocity);
        double[] p = out(param);
        double[] g = in(grad);
        double[] v = out(velocity);
        for (int i = 0; i < param.size(); i++) {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * (g[i] + momentum * v[i]);
        }
    }

    @Override
    public void rmspropUpdate(Tensor param, Tensor grad, Tensor square, float lr, float alpha, float eps) {
        Checks.owned(this, "rmspropUpdate", param, grad, square);
        Checks.sameShape("rmspropUpdate", param, grad, square);
        double[] p = out(param);
        double[] g = in(grad);
        double[] s = out(square);
        for (int i = 0; i < param.size(); i++) {
            s[i] = alpha * s[i] + (1 - (double) alpha) * g[i] * g[i];
            p[i] -= lr * g[i] / (Math.sqrt(s[i]) + eps);
        }
    }

    @Override
    public void sgdUpdate(Tensor param, Tensor grad, float lr) {
        Checks.owned(this, "sgdUpdate", param, grad);
        Checks.sameShape("sgdUpdate", param, grad);
        double[] p = out(param);
        double[] g = in(grad);
        for (int i = 0; i < param.size(); i++) {
            p[i] -= lr * g[i];
        }
    }

    @Override
    public void momentumUpdate(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum) {
        Checks.owned(this, "momentumUpdate", param, grad, velocity);
        Checks.sameShape("momentumUpdate", param, grad, velocity);
        double[] p = out(param);
        double[] g = in(grad);
        double[] v = out(velocity);
        for (int i = 0; i < param.size(); i++) {
            v[i] = momentum * v[i] + g[i];
            p[i] -= lr * v[i];
        }
    }

    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v,
                           float lr, float beta1, float beta2, float eps, int step) {
        Checks.owned(this, "adamUpdate", param, grad, m, v);
        Checks.sameShape("adamUpdate", param, grad, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adamUpdate: step must be 1 or more, got " + step);
        }
        double[] p = out(param);
        double[] g = in(grad);
        double[] mv = out(m);
        double[] vv = out(v);
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < param.size(); i++) {
            mv[i] = beta1 * mv[i] + (1 - (double) beta1) * g[i];
            vv[i] = beta2 * vv[i] + (1 - (double) beta2) * g[i] * g[i];
            p[i] -= lr * (mv[i] / correction1) / (Math.sqrt(vv[i] / correction2) + eps);
        }
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
    private static double[] in(Tensor t) {
        return Arrays.copyOf(((ReferenceTensor) t).values, t.size());
    }

    /** The live backing array of a float tensor; loops over it must stop at {@code t.size()}. */
    private static double[] out(Tensor t) {
        return ((ReferenceTensor) t).values;
    }

    private static void store(double[] src, Tensor dst) {
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
