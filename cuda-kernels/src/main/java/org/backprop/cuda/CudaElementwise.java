package org.backprop.cuda;

import org.backprop.core.Checks;
import org.backprop.core.Philox;
import org.backprop.core.Tensor;
import org.backprop.data.Deformation;

/**
 * The elementwise ops of a {@link CudaBackend}, each one grid-stride kernel over its tensor: bias,
 * activations and their derivatives, scale and axpy, dropout, the row gathers that build a
 * batch on the device, and the deformations of an image batch.
 */
record CudaElementwise(CudaBackend backend, CudaLaunch launch) {

    void addBias(Tensor x, Tensor bias) {
        CudaTensor tx = backend.owned("addBias", x);
        CudaTensor tb = backend.owned("addBias", bias);
        Checks.rowVector("addBias", tb, tx.cols());
        launch.elementwise("addBias", Kernel.ADD_BIAS, tx.size(), tx.pointer, tb.pointer, tx.rows(), tx.cols());
    }

    /** One warp column per 32 columns of delta, eight warps down its rows. */
    void biasGradient(Tensor delta, float beta, Tensor grad) {
        CudaTensor d = backend.owned("biasGradient", delta);
        CudaTensor g = backend.owned("biasGradient", grad);
        Checks.rowVector("biasGradient", g, d.cols());
        launch.kernel("biasGradient", Kernel.BIAS_GRADIENT, CudaLaunch.ceilDiv(d.cols(), 32), 1, 32, 8,
                d.pointer, g.pointer, d.rows(), d.cols(), beta);
    }

    /** y = f(x) with the activation kernel {@code k}. */
    void activation(String op, Kernel k, Tensor x, Tensor y) {
        CudaTensor tx = backend.owned(op, x);
        CudaTensor ty = backend.owned(op, y);
        Checks.sameShape(op, tx, ty);
        launch.elementwise(op, k, tx.size(), tx.pointer, ty.pointer, tx.size());
    }

    /** dx = dy·f′ given y = f(x), with the derivative kernel {@code k}. */
    void activationBackward(String op, Kernel k, Tensor y, Tensor dy, Tensor dx) {
        CudaTensor ty = backend.owned(op, y);
        CudaTensor tdy = backend.owned(op, dy);
        CudaTensor tdx = backend.owned(op, dx);
        Checks.sameShape(op, ty, tdy, tdx);
        launch.elementwise(op, k, ty.size(), ty.pointer, tdy.pointer, tdx.pointer, ty.size());
    }

    void scale(Tensor x, float alpha) {
        CudaTensor tx = backend.owned("scale", x);
        launch.elementwise("scale", Kernel.SCALE, tx.size(), tx.pointer, alpha, tx.size());
    }

    void axpy(float alpha, Tensor x, Tensor y) {
        CudaTensor tx = backend.owned("axpy", x);
        CudaTensor ty = backend.owned("axpy", y);
        Checks.sameShape("axpy", tx, ty);
        int n = tx.size();
        launch.elementwise("axpy", Kernel.AXPY, n, alpha, tx.pointer, ty.pointer, n);
    }

    /** Forward and backward are one kernel: the same Philox mask, from (seed, step, layer, element). */
    void dropout(String op, Tensor in, Tensor out, float rate, long seed, int step, int layer) {
        CudaTensor a = backend.owned(op, in);
        CudaTensor b = backend.owned(op, out);
        Checks.sameShape(op, a, b);
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(op + ": rate must be in [0, 1), got " + rate);
        }
        // the threshold travels as the bit pattern of an unsigned 32-bit number
        int threshold = (int) Philox.dropThreshold(rate);
        launch.elementwise(op, Kernel.DROPOUT, a.size(), a.pointer, b.pointer, a.rows(), a.cols(),
                (int) seed, (int) (seed >>> 32), step, layer, threshold, Philox.dropScale(rate));
    }

    /** Indices uploaded from the host are checked against the source's rows before the launch. */
    void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        CudaTensor s = backend.owned("gatherRows", src);
        CudaTensor d = backend.owned("gatherRows", dst);
        if (indices == null) {
            throw new IllegalArgumentException("gatherRows: tensor is null");
        }
        Checks.gather(s, indices, start, d);
        CudaTensor idx = backend.ownedIndices("gatherRows", indices);
        if (idx.hostIndices != null) {
            for (int r = 0; r < d.rows(); r++) {
                int row = idx.hostIndices[start + r];
                if (row < 0 || row >= s.rows()) {
                    throw new IllegalArgumentException("gatherRows: index " + row + " at position " + (start + r)
                            + " is not a row of the " + s.shape() + " source");
                }
            }
        }
        launch.elementwise("gatherRows", Kernel.GATHER_ROWS, d.size(),
                s.pointer, idx.pointer, start, d.pointer, s.rows(), d.rows(), d.cols());
    }

    /** The start position read on the device, so that a recorded step can gather the next batch. */
    void gatherRows(Tensor src, Tensor indices, Tensor start, Tensor dst) {
        CudaTensor s = backend.owned("gatherRows", src);
        CudaTensor d = backend.owned("gatherRows", dst);
        CudaTensor idx = backend.ownedIndices("gatherRows", indices);
        CudaTensor at = backend.ownedIndices("gatherRows", start);
        Checks.scalar("gatherRows", at);
        if (s.cols() != d.cols()) {
            throw new IllegalArgumentException("gatherRows: source " + s.shape() + " and destination " + d.shape()
                    + " differ in columns");
        }
        if (d.rows() > idx.size()) {
            throw new IllegalArgumentException("gatherRows: " + d.rows() + " rows asked of " + idx.size() + " indices");
        }
        if (idx.hostIndices != null && (idx.hostMin < 0 || idx.hostMax >= s.rows())) {
            int bad = idx.hostMin < 0 ? idx.hostMin : idx.hostMax;
            throw new IllegalArgumentException("gatherRows: index " + bad + " is not a row of the " + s.shape()
                    + " source");
        }
        launch.elementwise("gatherRows", Kernel.GATHER_ROWS_AT, d.size(),
                s.pointer, idx.pointer, at.pointer, d.pointer, s.rows(), d.rows(), d.cols(), idx.size());
    }

    /** The largest image side the deform kernel holds in shared memory (deform.cu's DEFORM_MAX_SIDE). */
    static final int DEFORM_MAX_SIDE = 32;

    /**
     * One 256-thread block per image; false (nothing launched) for images wider than
     * {@link #DEFORM_MAX_SIDE}, which the caller deforms by the host definition.
     */
    boolean deformImages(Tensor src, Tensor dst, int side, Deformation d, long seed, int epoch, int firstRow) {
        CudaTensor s = backend.owned("deformImages", src);
        CudaTensor t = backend.owned("deformImages", dst);
        Checks.deform(s, t, side, d);
        if (side > DEFORM_MAX_SIDE) {
            return false;
        }
        int parts = (d.affine() ? 1 : 0) | (d.elastic() ? 2 : 0);
        launch.kernel("deformImages", Kernel.DEFORM_IMAGES, s.rows(), 1, CudaLaunch.BLOCK, 1, s.pointer, t.pointer,
                s.rows(), side, parts, d.rotate(), d.scale(), d.shift(), d.sigma(), d.alpha(), (int) seed,
                (int) (seed >>> 32), epoch, firstRow);
        return true;
    }

    void advanceIndex(Tensor counter, int by) {
        CudaTensor c = backend.ownedIndices("advanceIndex", counter);
        Checks.scalar("advanceIndex", c);
        c.forgetHostIndices();
        launch.kernel("advanceIndex", Kernel.ADVANCE_INDEX, 1, 1, 32, 1, c.pointer, by);
    }
}
