package org.backprop.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel for 256-bit (AVX2) cores, which have 16 vector registers: 6 rows × 2
 * vectors of accumulators (6×16 floats), 12 accumulators + 2 B vectors + 1 broadcast = 15
 * registers, the shape BLIS and OpenBLAS use on Haswell-class cores, chosen by the register file
 * (measured only on AVX-512 cores with C2 held to AVX2: see {@code docs/performance/gemm.md}). It
 * skips the k steps where a whole strip of A is zero, as the 12×2 kernel does (see {@link Gemm}).
 */
final class VectorGemmKernel6x2 extends TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;

    VectorGemmKernel6x2() {
        super(MR, NR, VectorGemmKernel4x4.describe(S, MR, NR), true);
    }

    // The same dispatch as the 12×2 kernel's, on purpose: each calls its own class's register-block loops.
    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     float alpha, float beta) {
        // Two loops, one store each: with both store paths in one method C2 ran out of its
        // inlining budget, left vector ops as calls and boxed them (0.5 GFLOP/s instead of ~200).
        if (beta == 0) {
            store(kc, a, aOff, b, bOff, c, cOff, ldc, alpha);
            return;
        }
        scaleTile(c, cOff, ldc, MR, NR, beta);
        accumulate(kc, a, aOff, b, bOff, c, cOff, ldc, alpha);
    }

    @Override
    public void tile(int count, int[] steps, int stepsOff, float[] a, int aOff, float[] b, int bOff, float[] c,
                     int cOff, int ldc, float alpha, float beta) {
        if (beta == 0) {
            storeSkipping(count, steps, stepsOff, a, aOff, b, bOff, c, cOff, ldc, alpha);
            return;
        }
        scaleTile(c, cOff, ldc, MR, NR, beta);
        accumulateSkipping(count, steps, stepsOff, a, aOff, b, bOff, c, cOff, ldc, alpha);
    }

    // Written out on purpose, like its siblings here: folding the register blocks into shared
    // helpers passes Vector objects between methods, which C2 boxes (see docs/performance/gemm.md).
    /** C = alpha·A·B; C's old contents are never read (they may be NaN). */
    private static void store(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                              float alpha) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        for (int ai = aOff, bi = bOff, end = aOff + kc * MR; ai < end; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.mul(av).intoArray(c, cOff);
        c01.mul(av).intoArray(c, cOff + L);
        c10.mul(av).intoArray(c, cOff + ldc);
        c11.mul(av).intoArray(c, cOff + ldc + L);
        c20.mul(av).intoArray(c, cOff + 2 * ldc);
        c21.mul(av).intoArray(c, cOff + 2 * ldc + L);
        c30.mul(av).intoArray(c, cOff + 3 * ldc);
        c31.mul(av).intoArray(c, cOff + 3 * ldc + L);
        c40.mul(av).intoArray(c, cOff + 4 * ldc);
        c41.mul(av).intoArray(c, cOff + 4 * ldc + L);
        c50.mul(av).intoArray(c, cOff + 5 * ldc);
        c51.mul(av).intoArray(c, cOff + 5 * ldc + L);
    }

    /** C += alpha·A·B. */
    private static void accumulate(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                                   float alpha) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        for (int ai = aOff, bi = bOff, end = aOff + kc * MR; ai < end; ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.fma(av, FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
        c01.fma(av, FloatVector.fromArray(S, c, cOff + L)).intoArray(c, cOff + L);
        c10.fma(av, FloatVector.fromArray(S, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c11.fma(av, FloatVector.fromArray(S, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
        c20.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c21.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
        c30.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c31.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
        c40.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c41.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
        c50.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c51.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
    }

    /** As {@link #store}, over the listed k steps only: A holds them one after another, B all of them. */
    private static void storeSkipping(int count, int[] steps, int stepsOff, float[] a, int aOff, float[] b, int bOff,
                                       float[] c, int cOff, int ldc,
                              float alpha) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        for (int ai = aOff, t = stepsOff, end = aOff + count * MR; ai < end; ai += MR, t++) {
            int bi = bOff + steps[t] * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.mul(av).intoArray(c, cOff);
        c01.mul(av).intoArray(c, cOff + L);
        c10.mul(av).intoArray(c, cOff + ldc);
        c11.mul(av).intoArray(c, cOff + ldc + L);
        c20.mul(av).intoArray(c, cOff + 2 * ldc);
        c21.mul(av).intoArray(c, cOff + 2 * ldc + L);
        c30.mul(av).intoArray(c, cOff + 3 * ldc);
        c31.mul(av).intoArray(c, cOff + 3 * ldc + L);
        c40.mul(av).intoArray(c, cOff + 4 * ldc);
        c41.mul(av).intoArray(c, cOff + 4 * ldc + L);
        c50.mul(av).intoArray(c, cOff + 5 * ldc);
        c51.mul(av).intoArray(c, cOff + 5 * ldc + L);
    }

    /** As {@link #accumulate}, over the listed k steps only. */
    private static void accumulateSkipping(int count, int[] steps, int stepsOff, float[] a, int aOff, float[] b,
                                           int bOff, float[] c, int cOff, int ldc,
                                   float alpha) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        for (int ai = aOff, t = stepsOff, end = aOff + count * MR; ai < end; ai += MR, t++) {
            int bi = bOff + steps[t] * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00); c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10); c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20); c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30); c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4]);
            c40 = b0.fma(a4, c40); c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5]);
            c50 = b0.fma(a5, c50); c51 = b1.fma(a5, c51);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        c00.fma(av, FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
        c01.fma(av, FloatVector.fromArray(S, c, cOff + L)).intoArray(c, cOff + L);
        c10.fma(av, FloatVector.fromArray(S, c, cOff + ldc)).intoArray(c, cOff + ldc);
        c11.fma(av, FloatVector.fromArray(S, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
        c20.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
        c21.fma(av, FloatVector.fromArray(S, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
        c30.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
        c31.fma(av, FloatVector.fromArray(S, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
        c40.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
        c41.fma(av, FloatVector.fromArray(S, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
        c50.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
        c51.fma(av, FloatVector.fromArray(S, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
    }
}
