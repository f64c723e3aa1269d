package org.backprop.core;

/**
 * Argument checks shared by every backend, so each op rejects bad shapes with the same message
 * whichever device runs it. Each throws {@link IllegalArgumentException} naming the op and shapes.
 */
public final class Checks {

    private Checks() { }

    /** The tensor exists, belongs to this backend and is not closed; any element type. */
    public static void live(Backend backend, String op, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": tensor is null");
        }
        if (t.backend() != backend) {
            throw new IllegalArgumentException(op + ": " + t + " belongs to another backend");
        }
        if (t.isClosed()) {
            throw new IllegalStateException(op + ": " + t + " is closed");
        }
    }

    /** Each tensor is live on this backend and holds float32. */
    public static void owned(Backend backend, String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            live(backend, op, t);
            if (t.dtype() != Tensor.DType.FLOAT32) {
                throw new IllegalArgumentException(op + ": expected a float32 tensor, got " + t);
            }
        }
    }

    /** The tensor is live on this backend and holds int32 row indices. */
    public static void ownedIndices(Backend backend, String op, Tensor t) {
        live(backend, op, t);
        if (t.dtype() != Tensor.DType.INT32) {
            throw new IllegalArgumentException(op + ": expected an int32 index tensor, got " + t);
        }
    }

    public static void sameShape(String op, Tensor first, Tensor... others) {
        for (Tensor t : others) {
            if (t.rows() != first.rows() || t.cols() != first.cols()) {
                throw new IllegalArgumentException(op + ": shape " + t.shape() + " does not match " + first.shape());
            }
        }
    }

    /** The operands of {@link Backend#maxNorm}: a float tensor of this backend and a positive finite bound. */
    public static void maxNorm(Backend backend, Tensor weights, float c) {
        owned(backend, "maxNorm", weights);
        if (!(c > 0) || !Float.isFinite(c)) {
            throw new IllegalArgumentException("maxNorm: the bound must be a positive finite number, got " + c);
        }
    }

    /** The operands of {@link Backend#deformImages}: same m×side² shapes, distinct tensors, a deformation. */
    public static void deform(Tensor src, Tensor dst, int side, org.backprop.data.Deformation d) {
        if (src == null || dst == null || d == null) {
            throw new IllegalArgumentException("deformImages: tensor or deformation is null");
        }
        sameShape("deformImages", src, dst);
        if (side < 1 || (long) side * side != src.cols()) {
            throw new IllegalArgumentException("deformImages: rows of " + src.cols() + " values are not " + side + "x"
                    + side + " images");
        }
        if (src == dst) {
            throw new IllegalArgumentException("deformImages: dst must not be src (every pixel reads its neighbours)");
        }
    }

    public static void scalar(String op, Tensor t) {
        if (t.size() != 1) {
            throw new IllegalArgumentException(op + ": accumulator must be 1x1, got " + t.shape());
        }
    }

    public static void rowVector(String op, Tensor t, int cols) {
        if (t.rows() != 1 || t.cols() != cols) {
            throw new IllegalArgumentException(op + ": expected a 1x" + cols + " row vector, got " + t.shape());
        }
    }

    public static void length(String op, int hostLength, Tensor t) {
        if (hostLength != t.size()) {
            throw new IllegalArgumentException(op + ": host array has " + hostLength
                    + " elements, tensor " + t.shape() + " has " + t.size());
        }
    }

    /**
     * Validates C = op(A)·op(B) and returns {m, n, k}.
     */
    public static int[] gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + (transA ? " (A transposed)" : "")
                    + ", op(B) " + kb + "x" + n + (transB ? " (B transposed)" : "")
                    + ", C " + c.shape() + " do not fit C = op(A)·op(B)");
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("gemm: C must not alias A or B");
        }
        return new int[] {m, n, k};
    }

    public static void gather(Tensor src, Tensor indices, int start, Tensor dst) {
        if (indices.dtype() != Tensor.DType.INT32) {
            throw new IllegalArgumentException("gatherRows: indices must be an int32 tensor, got " + indices);
        }
        if (dst.cols() != src.cols()) {
            throw new IllegalArgumentException("gatherRows: destination " + dst.shape()
                    + " and source " + src.shape() + " differ in columns");
        }
        if (start < 0 || (long) start + dst.rows() > indices.size()) {
            throw new IllegalArgumentException("gatherRows: rows " + start + ".." + (start + dst.rows())
                    + " are outside the " + indices.size() + " indices");
        }
    }
}
