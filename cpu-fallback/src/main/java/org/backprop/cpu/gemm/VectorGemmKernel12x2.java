package org.backprop.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel for Intel AVX-512 cores: 12 rows × 2 vectors of accumulators (12×32
 * floats), fed per k step by two loads of packed B and twelve broadcasts of packed A into 24 fused
 * multiply-adds; 27 of the 32 vector registers. Its A strips stream from L2 at 48 bytes per 24
 * FMAs, a rate the L2 keeps up with, where the 4×4 kernel's 256 bytes of B per 16 FMAs do not
 * (measurements in {@code docs/performance/gemm.md}).
 */
final class VectorGemmKernel12x2 extends TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 12;
    static final int NR = 2 * L;

    VectorGemmKernel12x2() {
        super(MR, NR, VectorGemmKernel4x4.describe(S, MR, NR), true);
    }

    // The same dispatch as the 6×2 kernel's, on purpose: each calls its own class's register-block loops.
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

    /** Rows the short tile computes: the leftover of m = 256, 784 or 1024 over 12-row strips. */
    static final int SHORT = 4;

    @Override
    public int shortRows() {
        return SHORT;
    }

    @Override
    public void shortTile(int rows, int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                          float alpha, float beta) {
        if (rows < 1 || rows > SHORT) {
            throw new IllegalArgumentException("short tile of " + rows + " rows; this kernel's take 1 to " + SHORT);
        }
        shortStore(rows, kc, a, aOff, b, bOff, c, cOff, ldc, alpha, beta);
    }

    /**
     * The first four rows of a 12-row strip (8 accumulators, enough chains for two FMA ports at a
     * latency of four); C's first {@code rows} rows get alpha·sum, plus beta·C unless beta is 0,
     * rounded as the driver's scratch-tile route rounds them, so an edge strip keeps its bits.
     */
    private static void shortStore(int rows, int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
                                   int ldc, float alpha, float beta) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
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
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        shortRow(c00.mul(av), c01.mul(av), c, cOff, beta);
        if (rows > 1) {
            shortRow(c10.mul(av), c11.mul(av), c, cOff + ldc, beta);
        }
        if (rows > 2) {
            shortRow(c20.mul(av), c21.mul(av), c, cOff + 2 * ldc, beta);
        }
        if (rows > 3) {
            shortRow(c30.mul(av), c31.mul(av), c, cOff + 3 * ldc, beta);
        }
    }

    private static void shortRow(FloatVector v0, FloatVector v1, float[] c, int off, float beta) {
        if (beta != 0) {
            v0 = v0.add(FloatVector.fromArray(S, c, off).mul(beta));
            v1 = v1.add(FloatVector.fromArray(S, c, off + L).mul(beta));
        }
        v0.intoArray(c, off);
        v1.intoArray(c, off + L);
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
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero;
        FloatVector c90 = zero, c91 = zero;
        FloatVector c100 = zero, c101 = zero;
        FloatVector c110 = zero, c111 = zero;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c80 = b0.fma(a8, c80); c81 = b1.fma(a8, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c90 = b0.fma(a9, c90); c91 = b1.fma(a9, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c100 = b0.fma(a10, c100); c101 = b1.fma(a10, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c110 = b0.fma(a11, c110); c111 = b1.fma(a11, c111);
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
        c60.mul(av).intoArray(c, cOff + 6 * ldc);
        c61.mul(av).intoArray(c, cOff + 6 * ldc + L);
        c70.mul(av).intoArray(c, cOff + 7 * ldc);
        c71.mul(av).intoArray(c, cOff + 7 * ldc + L);
        c80.mul(av).intoArray(c, cOff + 8 * ldc);
        c81.mul(av).intoArray(c, cOff + 8 * ldc + L);
        c90.mul(av).intoArray(c, cOff + 9 * ldc);
        c91.mul(av).intoArray(c, cOff + 9 * ldc + L);
        c100.mul(av).intoArray(c, cOff + 10 * ldc);
        c101.mul(av).intoArray(c, cOff + 10 * ldc + L);
        c110.mul(av).intoArray(c, cOff + 11 * ldc);
        c111.mul(av).intoArray(c, cOff + 11 * ldc + L);
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
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero;
        FloatVector c90 = zero, c91 = zero;
        FloatVector c100 = zero, c101 = zero;
        FloatVector c110 = zero, c111 = zero;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c80 = b0.fma(a8, c80); c81 = b1.fma(a8, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c90 = b0.fma(a9, c90); c91 = b1.fma(a9, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c100 = b0.fma(a10, c100); c101 = b1.fma(a10, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c110 = b0.fma(a11, c110); c111 = b1.fma(a11, c111);
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
        c60.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c61.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
        c70.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
        c71.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
        c80.fma(av, FloatVector.fromArray(S, c, cOff + 8 * ldc)).intoArray(c, cOff + 8 * ldc);
        c81.fma(av, FloatVector.fromArray(S, c, cOff + 8 * ldc + L)).intoArray(c, cOff + 8 * ldc + L);
        c90.fma(av, FloatVector.fromArray(S, c, cOff + 9 * ldc)).intoArray(c, cOff + 9 * ldc);
        c91.fma(av, FloatVector.fromArray(S, c, cOff + 9 * ldc + L)).intoArray(c, cOff + 9 * ldc + L);
        c100.fma(av, FloatVector.fromArray(S, c, cOff + 10 * ldc)).intoArray(c, cOff + 10 * ldc);
        c101.fma(av, FloatVector.fromArray(S, c, cOff + 10 * ldc + L)).intoArray(c, cOff + 10 * ldc + L);
        c110.fma(av, FloatVector.fromArray(S, c, cOff + 11 * ldc)).intoArray(c, cOff + 11 * ldc);
        c111.fma(av, FloatVector.fromArray(S, c, cOff + 11 * ldc + L)).intoArray(c, cOff + 11 * ldc + L);
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
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero;
        FloatVector c90 = zero, c91 = zero;
        FloatVector c100 = zero, c101 = zero;
        FloatVector c110 = zero, c111 = zero;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c80 = b0.fma(a8, c80); c81 = b1.fma(a8, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c90 = b0.fma(a9, c90); c91 = b1.fma(a9, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c100 = b0.fma(a10, c100); c101 = b1.fma(a10, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c110 = b0.fma(a11, c110); c111 = b1.fma(a11, c111);
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
        c60.mul(av).intoArray(c, cOff + 6 * ldc);
        c61.mul(av).intoArray(c, cOff + 6 * ldc + L);
        c70.mul(av).intoArray(c, cOff + 7 * ldc);
        c71.mul(av).intoArray(c, cOff + 7 * ldc + L);
        c80.mul(av).intoArray(c, cOff + 8 * ldc);
        c81.mul(av).intoArray(c, cOff + 8 * ldc + L);
        c90.mul(av).intoArray(c, cOff + 9 * ldc);
        c91.mul(av).intoArray(c, cOff + 9 * ldc + L);
        c100.mul(av).intoArray(c, cOff + 10 * ldc);
        c101.mul(av).intoArray(c, cOff + 10 * ldc + L);
        c110.mul(av).intoArray(c, cOff + 11 * ldc);
        c111.mul(av).intoArray(c, cOff + 11 * ldc + L);
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
        FloatVector c60 = zero, c61 = zero;
        FloatVector c70 = zero, c71 = zero;
        FloatVector c80 = zero, c81 = zero;
        FloatVector c90 = zero, c91 = zero;
        FloatVector c100 = zero, c101 = zero;
        FloatVector c110 = zero, c111 = zero;
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
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6]);
            c60 = b0.fma(a6, c60); c61 = b1.fma(a6, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7]);
            c70 = b0.fma(a7, c70); c71 = b1.fma(a7, c71);
            FloatVector a8 = FloatVector.broadcast(S, a[ai + 8]);
            c80 = b0.fma(a8, c80); c81 = b1.fma(a8, c81);
            FloatVector a9 = FloatVector.broadcast(S, a[ai + 9]);
            c90 = b0.fma(a9, c90); c91 = b1.fma(a9, c91);
            FloatVector a10 = FloatVector.broadcast(S, a[ai + 10]);
            c100 = b0.fma(a10, c100); c101 = b1.fma(a10, c101);
            FloatVector a11 = FloatVector.broadcast(S, a[ai + 11]);
            c110 = b0.fma(a11, c110); c111 = b1.fma(a11, c111);
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
        c60.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
        c61.fma(av, FloatVector.fromArray(S, c, cOff + 6 * ldc + L)).intoArray(c, cOff + 6 * ldc + L);
        c70.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
        c71.fma(av, FloatVector.fromArray(S, c, cOff + 7 * ldc + L)).intoArray(c, cOff + 7 * ldc + L);
        c80.fma(av, FloatVector.fromArray(S, c, cOff + 8 * ldc)).intoArray(c, cOff + 8 * ldc);
        c81.fma(av, FloatVector.fromArray(S, c, cOff + 8 * ldc + L)).intoArray(c, cOff + 8 * ldc + L);
        c90.fma(av, FloatVector.fromArray(S, c, cOff + 9 * ldc)).intoArray(c, cOff + 9 * ldc);
        c91.fma(av, FloatVector.fromArray(S, c, cOff + 9 * ldc + L)).intoArray(c, cOff + 9 * ldc + L);
        c100.fma(av, FloatVector.fromArray(S, c, cOff + 10 * ldc)).intoArray(c, cOff + 10 * ldc);
        c101.fma(av, FloatVector.fromArray(S, c, cOff + 10 * ldc + L)).intoArray(c, cOff + 10 * ldc + L);
        c110.fma(av, FloatVector.fromArray(S, c, cOff + 11 * ldc)).intoArray(c, cOff + 11 * ldc);
        c111.fma(av, FloatVector.fromArray(S, c, cOff + 11 * ldc + L)).intoArray(c, cOff + 11 * ldc + L);
    }
}
