package org.backprop.cpu.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel on the Vector API chosen for AMD Zen 4/5 (see {@link GemmBlocking}): a 4-row × 4-vector block of accumulators (4×64 floats
 * with 512-bit vectors), fed per k step by four loads of packed B and four broadcasts of packed A
 * into sixteen fused multiply-adds. It skips the k steps where a whole strip of A is zero, as the
 * other kernels do (see {@link Gemm}).
 */
final class VectorGemmKernel4x4 extends TileKernel {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 4 * L;

    VectorGemmKernel4x4() {
        super(MR, NR, describe(S, MR, NR), true);
    }

    static String describe(VectorSpecies<Float> s, int mr, int nr) {
        return (s.vectorBitSize() >= 512 ? "AVX-512" : s.vectorBitSize() + "-bit") + " vector GEMM, "
                + mr + "x" + nr + " tile";
    }

    static int lanes() {
        return L;
    }

    // Written out on purpose, like its siblings here: folding the register blocks into shared
    // helpers passes Vector objects between methods, which C2 boxes (see docs/performance/gemm.md).
    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int ai = aOff;
        int bi = bOff;
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            c03 = b3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            c13 = b3.fma(a1, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            c23 = b3.fma(a2, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
            c33 = b3.fma(a3, c33);
        }
        // Stored here rather than in a helper: vectors passed to a method C2 does not inline get
        // boxed, which slowed the whole kernel tenfold.
        FloatVector av = FloatVector.broadcast(S, alpha);
        int o0 = cOff;
        int o1 = cOff + ldc;
        int o2 = cOff + 2 * ldc;
        int o3 = cOff + 3 * ldc;
        if (beta == 0) {
            c00.mul(av).intoArray(c, o0);
            c01.mul(av).intoArray(c, o0 + L);
            c02.mul(av).intoArray(c, o0 + 2 * L);
            c03.mul(av).intoArray(c, o0 + 3 * L);
            c10.mul(av).intoArray(c, o1);
            c11.mul(av).intoArray(c, o1 + L);
            c12.mul(av).intoArray(c, o1 + 2 * L);
            c13.mul(av).intoArray(c, o1 + 3 * L);
            c20.mul(av).intoArray(c, o2);
            c21.mul(av).intoArray(c, o2 + L);
            c22.mul(av).intoArray(c, o2 + 2 * L);
            c23.mul(av).intoArray(c, o2 + 3 * L);
            c30.mul(av).intoArray(c, o3);
            c31.mul(av).intoArray(c, o3 + L);
            c32.mul(av).intoArray(c, o3 + 2 * L);
            c33.mul(av).intoArray(c, o3 + 3 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00.fma(av, FloatVector.fromArray(S, c, o0).mul(bv)).intoArray(c, o0);
            c01.fma(av, FloatVector.fromArray(S, c, o0 + L).mul(bv)).intoArray(c, o0 + L);
            c02.fma(av, FloatVector.fromArray(S, c, o0 + 2 * L).mul(bv)).intoArray(c, o0 + 2 * L);
            c03.fma(av, FloatVector.fromArray(S, c, o0 + 3 * L).mul(bv)).intoArray(c, o0 + 3 * L);
            c10.fma(av, FloatVector.fromArray(S, c, o1).mul(bv)).intoArray(c, o1);
            c11.fma(av, FloatVector.fromArray(S, c, o1 + L).mul(bv)).intoArray(c, o1 + L);
            c12.fma(av, FloatVector.fromArray(S, c, o1 + 2 * L).mul(bv)).intoArray(c, o1 + 2 * L);
            c13.fma(av, FloatVector.fromArray(S, c, o1 + 3 * L).mul(bv)).intoArray(c, o1 + 3 * L);
            c20.fma(av, FloatVector.fromArray(S, c, o2).mul(bv)).intoArray(c, o2);
            c21.fma(av, FloatVector.fromArray(S, c, o2 + L).mul(bv)).intoArray(c, o2 + L);
            c22.fma(av, FloatVector.fromArray(S, c, o2 + 2 * L).mul(bv)).intoArray(c, o2 + 2 * L);
            c23.fma(av, FloatVector.fromArray(S, c, o2 + 3 * L).mul(bv)).intoArray(c, o2 + 3 * L);
            c30.fma(av, FloatVector.fromArray(S, c, o3).mul(bv)).intoArray(c, o3);
            c31.fma(av, FloatVector.fromArray(S, c, o3 + L).mul(bv)).intoArray(c, o3 + L);
            c32.fma(av, FloatVector.fromArray(S, c, o3 + 2 * L).mul(bv)).intoArray(c, o3 + 2 * L);
            c33.fma(av, FloatVector.fromArray(S, c, o3 + 3 * L).mul(bv)).intoArray(c, o3 + 3 * L);
        }
    }

    /** As the tile above, over the listed k steps only: A holds them one after another, B all of them. */
    @Override
    public void tile(int count, int[] steps, int stepsOff, float[] a, int aOff, float[] b, int bOff, float[] c,
                     int cOff, int ldc, float alpha, float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int ai = aOff, t = stepsOff, end = aOff + count * MR; ai < end; ai += MR, t++) {
            int bi = bOff + steps[t] * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            c02 = b2.fma(a0, c02);
            c03 = b3.fma(a0, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            c12 = b2.fma(a1, c12);
            c13 = b3.fma(a1, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            c22 = b2.fma(a2, c22);
            c23 = b3.fma(a2, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            c32 = b2.fma(a3, c32);
            c33 = b3.fma(a3, c33);
        }
        FloatVector av = FloatVector.broadcast(S, alpha);
        int o0 = cOff;
        int o1 = cOff + ldc;
        int o2 = cOff + 2 * ldc;
        int o3 = cOff + 3 * ldc;
        if (beta == 0) {
            c00.mul(av).intoArray(c, o0);
            c01.mul(av).intoArray(c, o0 + L);
            c02.mul(av).intoArray(c, o0 + 2 * L);
            c03.mul(av).intoArray(c, o0 + 3 * L);
            c10.mul(av).intoArray(c, o1);
            c11.mul(av).intoArray(c, o1 + L);
            c12.mul(av).intoArray(c, o1 + 2 * L);
            c13.mul(av).intoArray(c, o1 + 3 * L);
            c20.mul(av).intoArray(c, o2);
            c21.mul(av).intoArray(c, o2 + L);
            c22.mul(av).intoArray(c, o2 + 2 * L);
            c23.mul(av).intoArray(c, o2 + 3 * L);
            c30.mul(av).intoArray(c, o3);
            c31.mul(av).intoArray(c, o3 + L);
            c32.mul(av).intoArray(c, o3 + 2 * L);
            c33.mul(av).intoArray(c, o3 + 3 * L);
        } else {
            FloatVector bv = FloatVector.broadcast(S, beta);
            c00.fma(av, FloatVector.fromArray(S, c, o0).mul(bv)).intoArray(c, o0);
            c01.fma(av, FloatVector.fromArray(S, c, o0 + L).mul(bv)).intoArray(c, o0 + L);
            c02.fma(av, FloatVector.fromArray(S, c, o0 + 2 * L).mul(bv)).intoArray(c, o0 + 2 * L);
            c03.fma(av, FloatVector.fromArray(S, c, o0 + 3 * L).mul(bv)).intoArray(c, o0 + 3 * L);
            c10.fma(av, FloatVector.fromArray(S, c, o1).mul(bv)).intoArray(c, o1);
            c11.fma(av, FloatVector.fromArray(S, c, o1 + L).mul(bv)).intoArray(c, o1 + L);
            c12.fma(av, FloatVector.fromArray(S, c, o1 + 2 * L).mul(bv)).intoArray(c, o1 + 2 * L);
            c13.fma(av, FloatVector.fromArray(S, c, o1 + 3 * L).mul(bv)).intoArray(c, o1 + 3 * L);
            c20.fma(av, FloatVector.fromArray(S, c, o2).mul(bv)).intoArray(c, o2);
            c21.fma(av, FloatVector.fromArray(S, c, o2 + L).mul(bv)).intoArray(c, o2 + L);
            c22.fma(av, FloatVector.fromArray(S, c, o2 + 2 * L).mul(bv)).intoArray(c, o2 + 2 * L);
            c23.fma(av, FloatVector.fromArray(S, c, o2 + 3 * L).mul(bv)).intoArray(c, o2 + 3 * L);
            c30.fma(av, FloatVector.fromArray(S, c, o3).mul(bv)).intoArray(c, o3);
            c31.fma(av, FloatVector.fromArray(S, c, o3 + L).mul(bv)).intoArray(c, o3 + L);
            c32.fma(av, FloatVector.fromArray(S, c, o3 + 2 * L).mul(bv)).intoArray(c, o3 + 2 * L);
            c33.fma(av, FloatVector.fromArray(S, c, o3 + 3 * L).mul(bv)).intoArray(c, o3 + 3 * L);
        }
    }
}
