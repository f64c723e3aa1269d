package org.backprop.cpu;

/**
 * The one place in this package that links to the Vector API ops ({@link VectorOps}); reached only
 * after the Vector API module has been found, so a JVM without it never loads a class naming
 * {@code jdk.incubator.vector}. The GEMM's kernels have their own such place in its package.
 */
final class VectorKernels {

    private VectorKernels() { }

    static void sigmoid(float[] x, float[] y, int from, int to) {
        VectorOps.sigmoid(x, y, from, to);
    }

    static void relu(float[] x, float[] y, int from, int to) {
        VectorOps.relu(x, y, from, to);
    }

    static void reluBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        VectorOps.reluBackward(y, dy, dx, from, to);
    }

    static void gatherRows(float[] src, int[] idx, int start, float[] dst, int cols, int r0, int r1) {
        VectorOps.gatherRows(src, idx, start, dst, cols, r0, r1);
    }

    static void columnSquares(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        VectorOps.columnSquares(a, base, stride, rows, width, s, at);
    }

    static void scaleColumns(float[] a, int base, int stride, int rows, int width, float[] s, int at) {
        VectorOps.scaleColumns(a, base, stride, rows, width, s, at);
    }
}
