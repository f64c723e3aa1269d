package org.backprop.cpu;

/**
 * The CPU's elementwise and row-wise kernels: static methods on row-major float arrays over an
 * index range (elementwise) or a row range (row-wise), one per {@link org.backprop.core.Backend}
 * op of the same name. Sums come back as doubles for the caller to add in a fixed order.
 */
final class CpuOps {

    private CpuOps() { }

    static void fill(float[] x, int from, int to, float value) {
        java.util.Arrays.fill(x, from, to, value);
    }

    static void copy(float[] src, float[] dst, int from, int to) {
        System.arraycopy(src, from, dst, from, to - from);
    }

    static void scale(float[] x, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            x[i] *= alpha;
        }
    }

    // exp(x) = 2^n·e^r with n = round(x/ln 2), r = x − n·ln 2 (ln 2 split in two so n·LN2_HI is
    // exact), e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2: the classic single-precision expf scheme,
    // about 1 ulp. Only float +, ×, and bit moves, so VectorOps can do the same lane by lane and
    // give identical bits whether the JIT has compiled it or not (Math.exp and the Vector API's
    // EXP need not agree with each other, which would make results depend on JIT timing).
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float ROUND = 12582912f; // 1.5·2^23: adding it rounds to an integer
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;
    /** Below this exp is 0 in float; above the upper bound it is +∞ (2^n is applied in two halves). */
    static final float EXP_MIN = -104f;
    static final float EXP_MAX = 128f;

    /** e^x in float, ~1 ulp, gradual underflow to 0 and overflow to +∞, NaN stays NaN. */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float t = x * LOG2E + ROUND;
        float n = t - ROUND;
        int ni = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUND);
        float r = x - n * LN2_HI;
        r = r - n * LN2_LO;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        float e = (p * r) * r + r + 1f;
        int n1 = ni >> 1;
        int n2 = ni - n1;
        return e * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** 1/(1 + e^−z): exp over- and underflows gracefully, so no branch on the sign is needed. */
    static float sigmoid(float z) {
        return 1f / (1f + exp(-z));
    }

    static void sigmoid(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = sigmoid(x[i]);
        }
    }

    static void sigmoidBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = y[i];
            dx[i] = dy[i] * v * (1f - v);
        }
    }

    /**
     * tanh through the float exp where |x| ≥ 0.5 (there 1 − 2/(e^2|x| + 1) ≥ 0.46, so the
     * subtraction costs no relative accuracy); Math.tanh (~40 ns) only near 0.
     */
    static float tanh(float x) {
        float ax = Math.abs(x);
        if (ax < 0.5f) {
            return (float) Math.tanh(x);
        }
        return Math.copySign(1f - 2f / (exp(2f * ax) + 1f), x);
    }

    static void tanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = tanh(x[i]);
        }
    }

    static void tanhBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = y[i];
            dx[i] = dy[i] * (1f - v * v);
        }
    }

    static void relu(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v > 0 ? v : 0f;
        }
    }

    static void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        for (int i = from; i < to; i++) {
            dx[i] = y[i] > 0 ? dy[i] : 0f;
        }
    }

    static double sumOfSquares(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            double v = x[i];
            s += v * v;
        }
        return s;
    }

    /**
     * {@link #sumOfSquares} of row-major elements from..to of a rows × cols matrix held in panels
     * w wide ({@link org.backprop.cpu.gemm.PanelLayout}): the same additions in the same order, so the same bits.
     */
    static double sumOfSquaresInPanels(float[] x, int rows, int cols, int w, int from, int to) {
        double s = 0;
        for (int e = from; e < to; ) {
            int i = e / cols;
            int j = e - i * cols;
            int lane = j % w;
            int run = Math.min(to - e, w - lane);
            for (int q = (j - lane) * rows + i * w + lane, end = q + run; q < end; q++) {
                double v = x[q];
                s += v * v;
            }
            e += run;
        }
        return s;
    }

    /**
     * The sums of squares of {@code width} adjacent columns, element (i, j) at {@code base + i·stride + j}:
     * s[at + j] = Σ_i a², in row order, in float32 (max-norm's order, the CUDA kernel's too).
     */
    static void columnSquares(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        java.util.Arrays.fill(s, at, at + width, 0f);
        for (int i = 0, p = base; i < rows; i++, p += stride) {
            for (int j = 0; j < width; j++) {
                s[at + j] += a[p + j] * a[p + j];
            }
        }
    }

    /** Multiplies {@code width} adjacent columns, laid out as in {@link #columnSquares}, by s[at + j]. */
    static void scaleColumns(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        for (int i = 0, p = base; i < rows; i++, p += stride) {
            for (int j = 0; j < width; j++) {
                a[p + j] *= s[at + j];
            }
        }
    }

    static void sgdUpdate(float[] p, float[] g, int from, int to, float lr) {
        for (int i = from; i < to; i++) {
            p[i] -= lr * g[i];
        }
    }

    static void momentumUpdate(float[] p, float[] g, float[] v, int from, int to, float lr, float momentum) {
        for (int i = from; i < to; i++) {
            float vel = momentum * v[i] + g[i];
            v[i] = vel;
            p[i] -= lr * vel;
        }
    }

    static void nesterovUpdate(float[] p, float[] g, float[] v, int from, int to, float lr, float momentum) {
        for (int i = from; i < to; i++) {
            float vel = momentum * v[i] + g[i];
            v[i] = vel;
            p[i] -= lr * (g[i] + momentum * vel);
        }
    }

    static void rmspropUpdate(float[] p, float[] g, float[] s, int from, int to, float lr, float alpha, float eps) {
        float oneMinusAlpha = 1f - alpha;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float si = alpha * s[i] + oneMinusAlpha * gi * gi;
            s[i] = si;
            p[i] -= lr * gi / ((float) Math.sqrt(si) + eps);
        }
    }

    static void axpy(float alpha, float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] += alpha * x[i];
        }
    }

    /** out = in·mask over rows r0..r1, the mask drawn by {@link org.backprop.core.Philox#kept}; forward and backward alike. */
    static void dropout(float[] in, float[] out, int cols, int r0, int r1, long seed, int step, int layer,
                        long threshold, float scale) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            for (int g = 0; 4 * g < cols; g++) {
                int bits = org.backprop.core.Philox.keptBits(seed, step, layer, r, g, threshold);
                for (int j = 4 * g, k = 0; k < 4 && j < cols; j++, k++) {
                    out[off + j] = (bits >>> k & 1) != 0 ? in[off + j] * scale : 0f;
                }
            }
        }
    }

    /** stepSize = lr/(1 − β1^t) and invCorrection2 = 1/(1 − β2^t), computed once per call. */
    static void adamUpdate(float[] p, float[] g, float[] m, float[] v, int from, int to,
                           float stepSize, float beta1, float beta2, float eps, float invCorrection2) {
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = beta1 * m[i] + oneMinusBeta1 * gi;
            float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi * invCorrection2) + eps);
        }
    }

    // ---------------------------------------------------------------- row-wise

    static void addBias(float[] x, float[] bias, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            for (int j = 0; j < cols; j++) {
                x[off + j] += bias[j];
            }
        }
    }

    static void softmax(float[] z, float[] p, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            float max = rowMax(z, off, cols);
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(z[off + j] - max);
                p[off + j] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int j = 0; j < cols; j++) {
                p[off + j] *= inv;
            }
        }
    }

    private static float rowMax(float[] z, int off, int cols) {
        float max = z[off];
        for (int j = 1; j < cols; j++) {
            max = Math.max(max, z[off + j]);
        }
        return max;
    }

    /**
     * The loss of a row is lse·Σy − Σ y·z = Σy·log Σe^(z−max) − Σ y·(z − max), so it needs no
     * log of a probability (finite when one underflows) and one exp per element.
     */
    static double softmaxCrossEntropy(float[] z, float[] y, float[] p, float[] g, int m, int cols, int r0, int r1) {
        double loss = 0;
        for (int r = r0; r < r1; r++) {
            int off = r * cols;
            float max = rowMax(z, off, cols);
            double sum = 0;
            double sumY = 0;
            double sumYZ = 0;
            for (int j = 0; j < cols; j++) {
                float shifted = z[off + j] - max;
                float yj = y[off + j];
                float e = (float) Math.exp(shifted);
                sum += e;
                sumY += yj;
                sumYZ += (double) yj * shifted;
                p[off + j] = e;
            }
            loss += sumY * Math.log(sum) - sumYZ;
            float inv = (float) (1 / sum);
            for (int j = 0; j < cols; j++) {
                float pj = p[off + j] * inv;
                p[off + j] = pj;
                g[off + j] = (pj - y[off + j]) / m;
            }
        }
        return loss;
    }

    /** Per element: ŷ = σ(z), grad = (ŷ − y)/m, loss max(z, 0) − z·y + log(1 + e^−|z|). */
    static double sigmoidBinaryCrossEntropy(float[] z, float[] y, float[] p, float[] g, int m, int from, int to) {
        double loss = 0;
        for (int i = from; i < to; i++) {
            float zi = z[i];
            float yi = y[i];
            double e = Math.exp(-Math.abs((double) zi));
            float pi = (float) (zi >= 0 ? 1 / (1 + e) : e / (1 + e));
            loss += Math.max(zi, 0.0) - (double) zi * yi + Math.log1p(e);
            p[i] = pi;
            g[i] = (pi - yi) / m;
        }
        return loss;
    }

    static double squaredError(float[] o, float[] y, float[] g, int m, int from, int to) {
        double loss = 0;
        for (int i = from; i < to; i++) {
            float d = o[i] - y[i];
            loss += (double) d * d;
            g[i] = 2 * d / m;
        }
        return loss;
    }

    static int countCorrect(float[] o, float[] y, int cols, int r0, int r1) {
        int count = 0;
        for (int r = r0; r < r1; r++) {
            boolean right = cols == 1
                    ? (o[r] >= 0.5f) == (y[r] >= 0.5f)
                    : argmax(o, r * cols, cols) == argmax(y, r * cols, cols);
            if (right) {
                count++;
            }
        }
        return count;
    }

    /** First maximum wins: only a strictly larger value moves the index. */
    static int argmax(float[] x, int off, int cols) {
        int best = 0;
        float max = x[off];
        for (int j = 1; j < cols; j++) {
            if (x[off + j] > max) {
                max = x[off + j];
                best = j;
            }
        }
        return best;
    }

    static void argmax(float[] x, int[] out, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            out[r] = argmax(x, r * cols, cols);
        }
    }

    static void gatherRows(float[] src, int[] idx, int start, float[] dst, int cols, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            System.arraycopy(src, idx[start + r] * cols, dst, r * cols, cols);
        }
    }
}
