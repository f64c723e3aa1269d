package org.backprop.cpu.gemm;

/**
 * Packing of the tiled product's operands: a strip of op(A) into MR-row strips, k-major, and a
 * strip of op(B) into NR-column strips, each k-block contiguous and zero-padded to whole tiles, so
 * that the four transpose cases and a B held in panels all become the one layout the micro-kernel
 * reads; and the dropping of a packed A strip's all-zero k steps. Copies only: no value changes.
 */
final class Packing {

    /** A strip whose first this-many k steps hold no all-zero one is multiplied whole. */
    static final int DENSE_PROBE = 64;

    private Packing() { }

    /** Packs strip s of op(B)[pc..pc+kc) into kc rows of nr contiguous floats, zero-padded, from {@code block}. */
    static void packBStrip(float[] b, int n, int k, boolean transB, boolean bPanel, int nr, float[] dst, int block,
                           int s, int pc, int kc) {
        int j0 = s * nr;
        int w = Math.min(nr, n - j0);
        int base = block + s * nr * kc;
        if (!transB) {
            for (int p = 0; p < kc; p++) {
                int d = base + p * nr;
                System.arraycopy(b, (pc + p) * n + j0, dst, d, w);
                for (int j = w; j < nr; j++) {
                    dst[d + j] = 0f;
                }
            }
        } else if (bPanel) {
            packTransposedFromPanels(b, n, nr, dst, base, j0, w, pc, kc);
        } else {
            // op(B)[p][j] = B[j][p]: read four rows of B side by side, write four floats per k step
            int j = 0;
            for (; j + 4 <= w; j += 4) {
                int s0 = (j0 + j) * k + pc;
                int s1 = s0 + k;
                int s2 = s1 + k;
                int s3 = s2 + k;
                int d = base + j;
                for (int p = 0; p < kc; p++, d += nr) {
                    dst[d] = b[s0 + p];
                    dst[d + 1] = b[s1 + p];
                    dst[d + 2] = b[s2 + p];
                    dst[d + 3] = b[s3 + p];
                }
            }
            for (; j < w; j++) {
                int src = (j0 + j) * k + pc;
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = b[src + p];
                }
            }
            for (j = w; j < nr; j++) {
                for (int p = 0; p < kc; p++) {
                    dst[base + p * nr + j] = 0f;
                }
            }
        }
    }

    /**
     * op(B) = Bᵀ for a B (n × k) held in panels nr wide: B[j][p] sits at (p / nr)·n·nr + j·nr + p mod nr,
     * so the packed strip's column j0 + jj, k steps pc..pc+kc, is a run of row j0 + jj of each panel
     * the steps cross. Four such rows read side by side, four floats written per k step, as for a
     * row-major Bᵀ; columns past w are zero.
     */
    private static void packTransposedFromPanels(float[] b, int n, int nr, float[] dst, int base, int j0, int w, int pc,
                                                 int kc) {
        for (int p0 = pc, end = pc + kc; p0 < end; ) {
            int q = p0 / nr;
            int p1 = Math.min(end, (q + 1) * nr);
            int panelRow = q * n * nr - q * nr;
            int d0 = base + (p0 - pc) * nr;
            int j = 0;
            for (; j + 4 <= w; j += 4) {
                int s0 = panelRow + (j0 + j) * nr;
                int s1 = s0 + nr;
                int s2 = s1 + nr;
                int s3 = s2 + nr;
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = b[s0 + p];
                    dst[d + 1] = b[s1 + p];
                    dst[d + 2] = b[s2 + p];
                    dst[d + 3] = b[s3 + p];
                }
            }
            for (; j < w; j++) {
                int src = panelRow + (j0 + j) * nr;
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = b[src + p];
                }
            }
            for (j = w; j < nr; j++) {
                for (int p = p0, d = d0 + j; p < p1; p++, d += nr) {
                    dst[d] = 0f;
                }
            }
            p0 = p1;
        }
    }

    /** Packs rows of strip s of op(A)[.., pc..pc+kc) as mr-row strips, k-major, zero-padded. */
    static void packAStrip(float[] a, int m, int k, boolean transA, int mr, float[] dst, int block, int s, int pc,
                           int kc) {
        int r0 = s * mr;
        int h = Math.min(mr, m - r0);
        int base = block + s * mr * kc;
        if (!transA && h == mr && mr == 4) {
            // the strip's four rows read side by side, four contiguous floats written per k step
            int s0 = r0 * k + pc;
            int s1 = s0 + k;
            int s2 = s1 + k;
            int s3 = s2 + k;
            for (int p = 0, d = base; p < kc; p++, d += 4) {
                dst[d] = a[s0 + p];
                dst[d + 1] = a[s1 + p];
                dst[d + 2] = a[s2 + p];
                dst[d + 3] = a[s3 + p];
            }
        } else if (!transA) {
            // the strip's rows read side by side (h streams), mr contiguous floats written per k step
            int s0 = r0 * k + pc;
            for (int p = 0, d = base; p < kc; p++, d += mr) {
                for (int r = 0, src = s0 + p; r < h; r++, src += k) {
                    dst[d + r] = a[src];
                }
            }
        } else if (h == mr && mr == 4) {
            // op(A)[i][p] = A[p][i]: each k step is a contiguous run of the strip's rows
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * m + r0;
                int d = base + p * 4;
                dst[d] = a[src];
                dst[d + 1] = a[src + 1];
                dst[d + 2] = a[src + 2];
                dst[d + 3] = a[src + 3];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(a, (pc + p) * m + r0, dst, base + p * mr, h);
            }
        }
        for (int r = h; r < mr; r++) {
            for (int p = 0; p < kc; p++) {
                dst[base + p * mr + r] = 0f;
            }
        }
    }

    /**
     * Drops from the packed strip at {@code base} (kc steps of mr floats) the steps whose mr values
     * are all zero, moving the kept ones to the front and listing their step numbers in
     * {@code steps} at base / mr; returns how many were kept (kc: left dense, nothing listed).
     * An input like MNIST's (81% zeros) keeps about half of the 12-row strips' steps, in both its
     * products (X·W and Xᵀ·δ). The result has the same bits as multiplying every step: a dropped
     * step adds 0·b = ±0 to each sum, which changes no sum (it starts at +0 and cannot become −0),
     * unless b is infinite or NaN, which the dropped step then does not spread. A strip whose first
     * {@link #DENSE_PROBE} steps are all kept is taken as dense and not searched further, so dense
     * operands pay only that probe.
     */
    static int dropZeroSteps(float[] dst, int base, int kc, int mr, int[] steps) {
        int listed = base / mr;
        int kept = 0;
        for (int p = 0; p < kc; p++) {
            int d = base + p * mr;
            int bits = 0;
            for (int r = 0; r < mr; r++) {
                bits |= Float.floatToRawIntBits(dst[d + r]);
            }
            if ((bits & 0x7fffffff) == 0) {
                continue;
            }
            if (kept == p && p + 1 == DENSE_PROBE) {
                return kc;
            }
            if (kept != p) {
                System.arraycopy(dst, d, dst, base + kept * mr, mr);
            }
            steps[listed + kept++] = p;
        }
        return kept;
    }
}
