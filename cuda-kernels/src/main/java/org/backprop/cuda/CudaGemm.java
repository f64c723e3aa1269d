package org.backprop.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUdevice_attribute;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * The matrix products of a {@link CudaBackend}: plain GEMM on cuBLAS when a handle was made, else
 * on our PTX SGEMM, and the fused linear-layer ops, which run as PTX kernels (GEMM plus bias and
 * activation in one launch) or, with cuBLAS, as their definitions in terms of the plain ops. The
 * PTX tile is picked per shape ({@link TileChoice}); a wide weight-gradient product is
 * split along the batch (split-k) where the tile grid would leave multiprocessors idle.
 */
final class CudaGemm {

    private final CudaBackend backend;
    private final CudaLaunch launch;
    private final CudaMemory memory;
    private final CudaDevice device;
    /** Null where GEMM runs on our PTX SGEMM. */
    final cublasHandle cublas;
    private final TileChoice tile;
    private final int splitK;
    private int multiprocessors;

    CudaGemm(CudaBackend backend, CudaLaunch launch, CudaMemory memory, CudaDevice device, cublasHandle cublas,
             TileChoice tile, int splitK) {
        this.backend = backend;
        this.launch = launch;
        this.memory = memory;
        this.device = device;
        this.cublas = cublas;
        this.tile = tile;
        this.splitK = splitK;
    }

    void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        CudaTensor ta = backend.owned("gemm", a);
        CudaTensor tb = backend.owned("gemm", b);
        CudaTensor tc = backend.owned("gemm", c);
        int[] mnk = Checks.gemm(transA, transB, ta, tb, tc);
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        if (cublas != null) {
            // cuBLAS is column-major; a row-major matrix read column-major is its transpose, so
            // row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands,
            // keep each one's op, and the row strides serve as leading dimensions.
            try {
                JCublas2.cublasSgemm(cublas,
                        transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                        transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                        n, m, k,
                        Pointer.to(new float[] {alpha}), tb.pointer, tb.cols(), ta.pointer, ta.cols(),
                        Pointer.to(new float[] {beta}), tc.pointer, tc.cols());
            } catch (CudaException e) {
                throw CudaLaunch.failed("gemm (cuBLAS)", e);
            }
            launch.syncIfAsked("gemm");
            return;
        }
        ptxLaunch("gemm", Kernel.gemm(transA, transB), m, m, n,
                m, n, k, alpha, ta.pointer, ta.cols(), tb.pointer, tb.cols(), beta, tc.pointer, tc.cols());
    }

    // The fused ops below are PTX kernels only; with cuBLAS the backend runs their definitions.

    void linearForward(Tensor x, Tensor weights, Tensor bias, Pointwise f, Tensor y) {
        String op = "linearForward";
        CudaTensor tx = backend.owned(op, x);
        CudaTensor tw = backend.owned(op, weights);
        CudaTensor tb = backend.owned(op, bias);
        CudaTensor ty = backend.owned(op, y);
        int[] mnk = Checks.gemm(false, false, tx, tw, ty);
        Checks.rowVector(op, tb, ty.cols());
        ptxLaunch(op, Kernel.LINEAR_FORWARD, mnk[0], mnk[0], mnk[1],
                mnk[0], mnk[1], mnk[2], tx.pointer, tx.cols(), tw.pointer, tw.cols(), tb.pointer, f.ordinal(),
                ty.pointer, ty.cols());
    }

    void linearInputGradient(Tensor delta, Tensor weights, Tensor below, Pointwise f, Tensor deltaBelow) {
        String op = "linearInputGradient";
        CudaTensor td = backend.owned(op, delta);
        CudaTensor tw = backend.owned(op, weights);
        CudaTensor tbelow = backend.owned(op, below);
        CudaTensor tdx = backend.owned(op, deltaBelow);
        int[] mnk = Checks.gemm(false, true, td, tw, tdx);
        Checks.sameShape(op, tdx, tbelow);
        ptxLaunch(op, Kernel.LINEAR_INPUT_GRADIENT, mnk[0], mnk[0], mnk[1],
                mnk[0], mnk[1], mnk[2], td.pointer, td.cols(), tw.pointer, tw.cols(), tbelow.pointer, f.ordinal(),
                tdx.pointer, tdx.cols());
    }

    void linearGradients(Tensor x, Tensor delta, Tensor weightGrad, Tensor biasGrad) {
        String op = "linearGradients";
        CudaTensor tx = backend.owned(op, x);
        CudaTensor td = backend.owned(op, delta);
        CudaTensor gw = backend.owned(op, weightGrad);
        CudaTensor gb = backend.owned(op, biasGrad);
        int[] mnk = Checks.gemm(true, false, tx, td, gw);
        Checks.rowVector(op, gb, gw.cols());
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        int splits = tile.narrow(n) ? 1 : splits(m + 1, n, k);
        if (splits > 1) {
            // split-k: partial products of k / splits rows of the batch each, added in a fixed order
            int kChunk = CudaLaunch.ceilDiv(k, splits);
            CUdeviceptr partial = memory.splitPartials(op, (long) splits * (m + 1) * n);
            int gridX = CudaLaunch.ceilDiv(n, CudaLaunch.GEMM_TILE);
            int gridY = CudaLaunch.ceilDiv(m + 1, CudaLaunch.GEMM_TILE);
            if (gridY > CudaLaunch.MAX_GRID) {
                throw new IllegalArgumentException(op + ": " + m + " rows exceed the PTX SGEMM's limit");
            }
            launch.kernel3(op, Kernel.LINEAR_GRADIENTS_SPLIT, gridX, gridY, splits,
                    m, n, k, kChunk, tx.pointer, tx.cols(), td.pointer, td.cols(), partial);
            launch.elementwise(op, Kernel.REDUCE_SPLITS, (long) (m + 1) * n,
                    partial, splits, m, n, gw.pointer, gw.cols(), gb.pointer);
            return;
        }
        // the grid covers one row more than the weight gradient: the bias row
        ptxLaunch(op, Kernel.LINEAR_GRADIENTS, m, m + 1, n,
                m, n, k, tx.pointer, tx.cols(), td.pointer, td.cols(), gw.pointer, gw.cols(), gb.pointer);
    }

    /**
     * Splits of a wide weight-gradient product: forced, or as many as the SMs the tile grid
     * leaves idle allow, keeping at least 128 of k (16 steps of the tile's k loop) per split.
     */
    int splits(int rows, int n, int k) {
        if (splitK > 0) {
            return splitK;
        }
        if (multiprocessors == 0) {
            int[] sm = new int[1];
            cuDeviceGetAttribute(sm, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device.device);
            multiprocessors = Math.max(1, sm[0]);
        }
        long blocks = (long) CudaLaunch.ceilDiv(n, CudaLaunch.GEMM_TILE) * CudaLaunch.ceilDiv(rows, CudaLaunch.GEMM_TILE);
        return (int) Math.max(1, Math.min(multiprocessors / blocks, k / 128));
    }

    /** A PTX GEMM-family launch on the tile {@link TileChoice} picks for n columns; gridRows ≥ m rows of C. */
    private void ptxLaunch(String op, Kernel k, int m, int gridRows, int n, Object... args) {
        boolean narrow = tile.narrow(n);
        int rowsPerBlock = narrow ? CudaLaunch.NARROW_ROWS : CudaLaunch.GEMM_TILE;
        int gridX = CudaLaunch.ceilDiv(n, narrow ? CudaLaunch.NARROW_COLS : CudaLaunch.GEMM_TILE);
        int gridY = CudaLaunch.ceilDiv(gridRows, rowsPerBlock);
        if (gridY > CudaLaunch.MAX_GRID) {
            throw new IllegalArgumentException(op + ": " + m + " rows exceed the PTX SGEMM's limit of "
                    + ((long) CudaLaunch.MAX_GRID * rowsPerBlock - 1));
        }
        launch.kernel(op, narrow ? k.narrow() : k, gridX, gridY, CudaLaunch.BLOCK, 1, args);
    }
}
