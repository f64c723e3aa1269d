package org.backprop.cpu.gemm;

/**
 * What every micro-kernel shares: its tile shape, its description, whether it skips all-zero k
 * steps, and the β pass before an accumulating tile.
 */
abstract class TileKernel implements MicroKernel {

    private final int mr;
    private final int nr;
    private final String description;
    private final boolean skipsZeroSteps;

    TileKernel(int mr, int nr, String description, boolean skipsZeroSteps) {
        this.mr = mr;
        this.nr = nr;
        this.description = description;
        this.skipsZeroSteps = skipsZeroSteps;
    }

    @Override
    public final boolean skipsZeroSteps() {
        return skipsZeroSteps;
    }

    @Override
    public final String describe() {
        return description;
    }

    @Override
    public final int mr() {
        return mr;
    }

    @Override
    public final int nr() {
        return nr;
    }

    /** C *= beta over an mr×nr tile (nothing when beta is 1): the kernels' β ≠ 0 path before accumulating. */
    static void scaleTile(float[] c, int cOff, int ldc, int mr, int nr, float beta) {
        if (beta != 1) {
            for (int r = 0; r < mr; r++) {
                for (int j = 0; j < nr; j++) {
                    c[cOff + r * ldc + j] *= beta;
                }
            }
        }
    }
}
