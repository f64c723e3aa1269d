package org.backprop.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel on the Vector API: a 4-row × 3-vector block of accumulators (4×48 floats
 * with 512-bit vectors), fed per k step by three loads of packed B and four broadcasts of packed A
 * into twelve fused multiply-adds. This is the only class that names {@code jdk.incubator.vector},
 * so the scalar path never loads it.
 */
final class VectorGemmKernel implements MicroKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 3 * L;

    @Override
    public int mr() {
        return MR;
    }

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public String describe() {
        return S.vectorBitSize() >= 512 ? "AVX-512 (" + L + " floats) vector GEMM"
                : S.vectorBitSize() + "-bit (" + L + " floats) vector GEMM";
    }

    static int lanes() {
        return L;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00;
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
        }
        store(c, cOff, alpha, beta, c00, c01, c02);
        store(c, cOff + ldc, alpha, beta, c10, c11, c12);
        store(c, cOff + 2 * ldc, alpha, beta, c20, c21, c22);
        store(c, cOff + 3 * ldc, alpha, beta, c30, c31, c32);
    }

    private static void store(float[] c, int off, float alpha, float beta,
                              FloatVector v0, FloatVector v1, FloatVector v2) {
        if (beta == 0) {
            v0.mul(alpha).intoArray(c, off);
            v1.mul(alpha).intoArray(c, off + L);
            v2.mul(alpha).intoArray(c, off + 2 * L);
        } else {
            FloatVector a = FloatVector.broadcast(S, alpha);
            v0.fma(a, FloatVector.fromArray(S, c, off).mul(beta)).intoArray(c, off);
            v1.fma(a, FloatVector.fromArray(S, c, off + L).mul(beta)).intoArray(c, off + L);
            v2.fma(a, FloatVector.fromArray(S, c, off + 2 * L).mul(beta)).intoArray(c, off + 2 * L);
        }
    }
}
