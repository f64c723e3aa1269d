package org.backprop.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NarrowKernel} on the preferred vector: {@link #rows} takes eight rows of C at a time
 * (eight FMA chains), each row of A read through its own base so that C2 drops the range checks;
 * {@link #columns} reads A down its columns for Aᵀ·B, where the eight-row loop was slower; and
 * {@link #shortK} keeps the two rows' k values of A in registers. Measurements against the
 * transposed route are in {@code docs/performance/gemm.md}.
 */
final class VectorNarrowKernel implements NarrowKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public int width() {
        return L;
    }

    @Override
    public int rowBlock() {
        return 2 * L;
    }

    @Override
    public void columns(int i0, int i1, int chunk, int k, int m, float[] a, float[] bc, float[] c, int n, float alpha,
                        float beta, float[] scratch) {
        int j0 = chunk * CHUNK;
        int w = Math.min(CHUNK, n - j0);
        if (i1 - i0 < 2 * L) {
            // a block short of two vectors: one sum per element (rare: m not a multiple of 2·L)
            for (int i = i0; i < i1; i++) {
                for (int j = 0; j < w; j++) {
                    float sum = 0f;
                    for (int p = 0; p < k; p++) {
                        sum = Math.fma(a[p * m + i], bc[(chunk * k + p) * CHUNK + j], sum);
                    }
                    int ci = i * n + j0 + j;
                    c[ci] = beta == 0 ? alpha * sum : alpha * sum + beta * c[ci];
                }
            }
            return;
        }
        FloatVector z = FloatVector.zero(S);
        FloatVector x0 = z, x1 = z, y0 = z, y1 = z, u0 = z, u1 = z, v0 = z, v1 = z, w0 = z, w1 = z;
        int end = (chunk * k + k) * CHUNK;
        for (int bi = chunk * k * CHUNK, ai = i0; bi < end; bi += CHUNK, ai += m) {
            FloatVector h0 = FloatVector.fromArray(S, a, ai);
            FloatVector h1 = FloatVector.fromArray(S, a, ai + L);
            FloatVector b0 = FloatVector.broadcast(S, bc[bi]);
            x0 = h0.fma(b0, x0);
            x1 = h1.fma(b0, x1);
            FloatVector b1 = FloatVector.broadcast(S, bc[bi + 1]);
            y0 = h0.fma(b1, y0);
            y1 = h1.fma(b1, y1);
            FloatVector b2 = FloatVector.broadcast(S, bc[bi + 2]);
            u0 = h0.fma(b2, u0);
            u1 = h1.fma(b2, u1);
            FloatVector b3 = FloatVector.broadcast(S, bc[bi + 3]);
            v0 = h0.fma(b3, v0);
            v1 = h1.fma(b3, v1);
            FloatVector b4 = FloatVector.broadcast(S, bc[bi + 4]);
            w0 = h0.fma(b4, w0);
            w1 = h1.fma(b4, w1);
        }
        // scratch[j·2L + r] = C row i0 + r, column j0 + j
        x0.intoArray(scratch, 0);
        x1.intoArray(scratch, L);
        y0.intoArray(scratch, 2 * L);
        y1.intoArray(scratch, 3 * L);
        u0.intoArray(scratch, 4 * L);
        u1.intoArray(scratch, 5 * L);
        v0.intoArray(scratch, 6 * L);
        v1.intoArray(scratch, 7 * L);
        w0.intoArray(scratch, 8 * L);
        w1.intoArray(scratch, 9 * L);
        for (int r = 0; r < 2 * L; r++) {
            int ci = (i0 + r) * n + j0;
            for (int j = 0; j < w; j++) {
                float v = alpha * scratch[j * 2 * L + r];
                c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
            }
        }
    }

    @Override
    public void rows(int r0, int r1, int k, float[] a, float[] bPadded, float[] c, int n, float alpha, float beta,
                     float[] scratch) {
        if (n > L) {
            rowsOfTwo(r0, r1, k, a, bPadded, c, n, alpha, beta, scratch);
            return;
        }
        int r = r0;
        for (; r + 8 <= r1; r += 8) {
            eight(r, k, a, bPadded, c, n, alpha, beta, scratch);
        }
        for (; r < r1; r++) {
            FloatVector acc = FloatVector.zero(S);
            int ai = r * k;
            for (int p = 0; p < k; p++) {
                acc = FloatVector.fromArray(S, bPadded, p * L).fma(FloatVector.broadcast(S, a[ai + p]), acc);
            }
            store(acc, r, c, n, alpha, beta, scratch);
        }
    }

    private static void eight(int r, int k, float[] a, float[] bp, float[] c, int n, float alpha, float beta,
                              float[] scratch) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int a0 = r * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int a4 = a3 + k;
        int a5 = a4 + k;
        int a6 = a5 + k;
        int a7 = a6 + k;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(S, bp, p * L);
            c0 = bv.fma(FloatVector.broadcast(S, a[a0 + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[a1 + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[a2 + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[a3 + p]), c3);
            c4 = bv.fma(FloatVector.broadcast(S, a[a4 + p]), c4);
            c5 = bv.fma(FloatVector.broadcast(S, a[a5 + p]), c5);
            c6 = bv.fma(FloatVector.broadcast(S, a[a6 + p]), c6);
            c7 = bv.fma(FloatVector.broadcast(S, a[a7 + p]), c7);
        }
        store(c0, r, c, n, alpha, beta, scratch);
        store(c1, r + 1, c, n, alpha, beta, scratch);
        store(c2, r + 2, c, n, alpha, beta, scratch);
        store(c3, r + 3, c, n, alpha, beta, scratch);
        store(c4, r + 4, c, n, alpha, beta, scratch);
        store(c5, r + 5, c, n, alpha, beta, scratch);
        store(c6, r + 6, c, n, alpha, beta, scratch);
        store(c7, r + 7, c, n, alpha, beta, scratch);
    }

    /**
     * Rows of C two vectors wide (n up to 2·L, B padded to 2·L a row): four rows at a time in eight
     * accumulators, so that 16-register AVX2 keeps them, the two B vectors and a broadcast.
     */
    private static void rowsOfTwo(int r0, int r1, int k, float[] a, float[] bp, float[] c, int n, float alpha,
                                  float beta, float[] scratch) {
        int r = r0;
        for (; r + 4 <= r1; r += 4) {
            FloatVector z = FloatVector.zero(S);
            FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
            int a0 = r * k;
            int a1 = a0 + k;
            int a2 = a1 + k;
            int a3 = a2 + k;
            for (int p = 0, bi = 0; p < k; p++, bi += 2 * L) {
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
                c00 = b0.fma(x, c00);
                c01 = b1.fma(x, c01);
                x = FloatVector.broadcast(S, a[a1 + p]);
                c10 = b0.fma(x, c10);
                c11 = b1.fma(x, c11);
                x = FloatVector.broadcast(S, a[a2 + p]);
                c20 = b0.fma(x, c20);
                c21 = b1.fma(x, c21);
                x = FloatVector.broadcast(S, a[a3 + p]);
                c30 = b0.fma(x, c30);
                c31 = b1.fma(x, c31);
            }
            // vectors into scratch here: a helper taking them is boxed where C2 does not inline it
            c00.intoArray(scratch, 0);
            c01.intoArray(scratch, L);
            c10.intoArray(scratch, 2 * L);
            c11.intoArray(scratch, 3 * L);
            c20.intoArray(scratch, 4 * L);
            c21.intoArray(scratch, 5 * L);
            c30.intoArray(scratch, 6 * L);
            c31.intoArray(scratch, 7 * L);
            for (int q = 0; q < 4; q++) {
                storeRow(scratch, q * 2 * L, r + q, c, n, alpha, beta);
            }
        }
        for (; r < r1; r++) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = acc0;
            int ai = r * k;
            for (int p = 0, bi = 0; p < k; p++, bi += 2 * L) {
                FloatVector x = FloatVector.broadcast(S, a[ai + p]);
                acc0 = FloatVector.fromArray(S, bp, bi).fma(x, acc0);
                acc1 = FloatVector.fromArray(S, bp, bi + L).fma(x, acc1);
            }
            acc0.intoArray(scratch, 0);
            acc1.intoArray(scratch, L);
            storeRow(scratch, 0, r, c, n, alpha, beta);
        }
    }

    /** Row r of C from n floats of scratch at {@code from}. */
    private static void storeRow(float[] scratch, int from, int r, float[] c, int n, float alpha, float beta) {
        int ci = r * n;
        for (int j = 0; j < n; j++) {
            float v = alpha * scratch[from + j];
            c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
        }
    }

    private static void store(FloatVector acc, int r, float[] c, int n, float alpha, float beta, float[] scratch) {
        acc.intoArray(scratch, 0);
        int ci = r * n;
        for (int j = 0; j < n; j++) {
            float v = alpha * scratch[j];
            c[ci + j] = beta == 0 ? v : v + beta * c[ci + j];
        }
    }

    @Override
    public void shortK(int r0, int r1, int k, float[] a, float[] bt, float[] c, int n, float alpha, float beta) {
        for (int r = r0; r < r1; r += 2) {
            shortKPair(r, r + 1 < r1, k, a, bt, c, n, alpha, beta);
        }
    }

    // Its ten k steps are written out on purpose: a loop over them would index the ten broadcasts
    // of A as Vector objects in an array, which C2 boxes.
    /**
     * Rows r and (if {@code two}) r + 1. The p-sum always runs over ten terms: those past k are
     * 0·0 from a zero row that {@code bt} carries after its k rows, which changes no value (at
     * most the sign of a zero sum).
     */
    private static void shortKPair(int r, boolean two, int k, float[] a, float[] bt, float[] c, int n, float alpha,
                                   float beta) {
        float a0 = 0 < k ? a[r * k + 0] : 0f, e0 = 0 < k && two ? a[(r + 1) * k + 0] : 0f;
        float a1 = 1 < k ? a[r * k + 1] : 0f, e1 = 1 < k && two ? a[(r + 1) * k + 1] : 0f;
        float a2 = 2 < k ? a[r * k + 2] : 0f, e2 = 2 < k && two ? a[(r + 1) * k + 2] : 0f;
        float a3 = 3 < k ? a[r * k + 3] : 0f, e3 = 3 < k && two ? a[(r + 1) * k + 3] : 0f;
        float a4 = 4 < k ? a[r * k + 4] : 0f, e4 = 4 < k && two ? a[(r + 1) * k + 4] : 0f;
        float a5 = 5 < k ? a[r * k + 5] : 0f, e5 = 5 < k && two ? a[(r + 1) * k + 5] : 0f;
        float a6 = 6 < k ? a[r * k + 6] : 0f, e6 = 6 < k && two ? a[(r + 1) * k + 6] : 0f;
        float a7 = 7 < k ? a[r * k + 7] : 0f, e7 = 7 < k && two ? a[(r + 1) * k + 7] : 0f;
        float a8 = 8 < k ? a[r * k + 8] : 0f, e8 = 8 < k && two ? a[(r + 1) * k + 8] : 0f;
        float a9 = 9 < k ? a[r * k + 9] : 0f, e9 = 9 < k && two ? a[(r + 1) * k + 9] : 0f;
        FloatVector x0 = FloatVector.broadcast(S, a0), y0 = FloatVector.broadcast(S, e0);
        FloatVector x1 = FloatVector.broadcast(S, a1), y1 = FloatVector.broadcast(S, e1);
        FloatVector x2 = FloatVector.broadcast(S, a2), y2 = FloatVector.broadcast(S, e2);
        FloatVector x3 = FloatVector.broadcast(S, a3), y3 = FloatVector.broadcast(S, e3);
        FloatVector x4 = FloatVector.broadcast(S, a4), y4 = FloatVector.broadcast(S, e4);
        FloatVector x5 = FloatVector.broadcast(S, a5), y5 = FloatVector.broadcast(S, e5);
        FloatVector x6 = FloatVector.broadcast(S, a6), y6 = FloatVector.broadcast(S, e6);
        FloatVector x7 = FloatVector.broadcast(S, a7), y7 = FloatVector.broadcast(S, e7);
        FloatVector x8 = FloatVector.broadcast(S, a8), y8 = FloatVector.broadcast(S, e8);
        FloatVector x9 = FloatVector.broadcast(S, a9), y9 = FloatVector.broadcast(S, e9);
        int zero = k * n;
        int o1 = 1 < k ? 1 * n : zero;
        int o2 = 2 < k ? 2 * n : zero;
        int o3 = 3 < k ? 3 * n : zero;
        int o4 = 4 < k ? 4 * n : zero;
        int o5 = 5 < k ? 5 * n : zero;
        int o6 = 6 < k ? 6 * n : zero;
        int o7 = 7 < k ? 7 * n : zero;
        int o8 = 8 < k ? 8 * n : zero;
        int o9 = 9 < k ? 9 * n : zero;
        FloatVector av = FloatVector.broadcast(S, alpha);
        int ci = r * n;
        int bound = n / L * L;
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector w = FloatVector.fromArray(S, bt, j);
            FloatVector s = w.mul(x0);
            FloatVector t = w.mul(y0);
            w = FloatVector.fromArray(S, bt, o1 + j);
            s = w.fma(x1, s);
            t = w.fma(y1, t);
            w = FloatVector.fromArray(S, bt, o2 + j);
            s = w.fma(x2, s);
            t = w.fma(y2, t);
            w = FloatVector.fromArray(S, bt, o3 + j);
            s = w.fma(x3, s);
            t = w.fma(y3, t);
            w = FloatVector.fromArray(S, bt, o4 + j);
            s = w.fma(x4, s);
            t = w.fma(y4, t);
            w = FloatVector.fromArray(S, bt, o5 + j);
            s = w.fma(x5, s);
            t = w.fma(y5, t);
            w = FloatVector.fromArray(S, bt, o6 + j);
            s = w.fma(x6, s);
            t = w.fma(y6, t);
            w = FloatVector.fromArray(S, bt, o7 + j);
            s = w.fma(x7, s);
            t = w.fma(y7, t);
            w = FloatVector.fromArray(S, bt, o8 + j);
            s = w.fma(x8, s);
            t = w.fma(y8, t);
            w = FloatVector.fromArray(S, bt, o9 + j);
            s = w.fma(x9, s);
            t = w.fma(y9, t);
            if (beta == 0) {
                s.mul(av).intoArray(c, ci + j);
            } else {
                s.fma(av, FloatVector.fromArray(S, c, ci + j).mul(beta)).intoArray(c, ci + j);
            }
            if (two) {
                if (beta == 0) {
                    t.mul(av).intoArray(c, ci + n + j);
                } else {
                    t.fma(av, FloatVector.fromArray(S, c, ci + n + j).mul(beta)).intoArray(c, ci + n + j);
                }
            }
        }
        for (; j < n; j++) {
            for (int q = 0; q < (two ? 2 : 1); q++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[(r + q) * k + p], bt[p * n + j], sum);
                }
                int cj = ci + q * n + j;
                c[cj] = beta == 0 ? alpha * sum : alpha * sum + beta * c[cj];
            }
        }
    }
}
