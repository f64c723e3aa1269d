package org.backprop.cpu.gemm;

/**
 * The GEMM micro-kernel without the Vector API: a 4×4 register block in scalar locals, for JVMs
 * started without {@code jdk.incubator.vector}. Several times slower than the vector kernel, but
 * the packing and cache blocking around it are the same.
 */
final class ScalarGemmKernel extends TileKernel {

    static final int MR = 4;
    static final int NR = 4;

    ScalarGemmKernel() {
        super(MR, NR, "scalar GEMM (no jdk.incubator.vector)", false);
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc,
                     float alpha, float beta) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR;
            int bi = bOff + p * NR;
            float b0 = b[bi];
            float b1 = b[bi + 1];
            float b2 = b[bi + 2];
            float b3 = b[bi + 3];
            float a0 = a[ai];
            float a1 = a[ai + 1];
            float a2 = a[ai + 2];
            float a3 = a[ai + 3];
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        store(c, cOff, alpha, beta, c00, c01, c02, c03);
        store(c, cOff + ldc, alpha, beta, c10, c11, c12, c13);
        store(c, cOff + 2 * ldc, alpha, beta, c20, c21, c22, c23);
        store(c, cOff + 3 * ldc, alpha, beta, c30, c31, c32, c33);
    }

    private static void store(float[] c, int off, float alpha, float beta, float v0, float v1, float v2, float v3) {
        if (beta == 0) {
            c[off] = alpha * v0;
            c[off + 1] = alpha * v1;
            c[off + 2] = alpha * v2;
            c[off + 3] = alpha * v3;
        } else {
            c[off] = alpha * v0 + beta * c[off];
            c[off + 1] = alpha * v1 + beta * c[off + 1];
            c[off + 2] = alpha * v2 + beta * c[off + 2];
            c[off + 3] = alpha * v3 + beta * c[off + 3];
        }
    }
}
