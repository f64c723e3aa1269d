package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.backprop.cpu.SameBits;
import org.junit.jupiter.api.Test;
import org.backprop.cpu.CpuBackend;

/**
 * The 12×2 kernel's short tile against the route it replaces for an edge strip: the whole 12-row
 * tile into scratch with α = 1, β = 0, then α·t (+ β·C) row by row, as {@code Gemm} writes an edge
 * tile. Every bit of the first {@code rows} rows must match, and C's other rows must stay unread
 * and unwritten (they hold NaN here, which any read or write would spread or change).
 */
class ShortTileTest {

    @Test
    void aShortTileHasTheBitsOfTheScratchRoute() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        VectorGemmKernel12x2 kernel = new VectorGemmKernel12x2();
        int mr = kernel.mr();
        int nr = kernel.nr();
        int ldc = nr + 8;   // C wider than the tile, as inside a product
        for (int kc : new int[] {1, 7, 256}) {
            float[] a = filled(mr * kc, kc);
            float[] b = filled(nr * kc, kc + 1);
            float[] old = filled(mr * ldc, kc + 2);
            for (int rows = 1; rows <= kernel.shortRows(); rows++) {
                // A's rows past the strip's height are the packing's zeros
                float[] strip = a.clone();
                for (int p = 0; p < kc; p++) {
                    for (int r = rows; r < mr; r++) {
                        strip[p * mr + r] = 0;
                    }
                }
                for (float[] ab : new float[][] {{1f, 0f}, {0.5f, 0f}, {1f, 1f}, {-2f, 0.25f}}) {
                    float alpha = ab[0];
                    float beta = ab[1];
                    float[] t = new float[mr * nr];
                    kernel.tile(kc, strip, 0, b, 0, t, 0, nr, 1f, 0f);
                    float[] expected = new float[mr * ldc];
                    float[] actual = new float[mr * ldc];
                    java.util.Arrays.fill(expected, Float.NaN);
                    java.util.Arrays.fill(actual, Float.NaN);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < ldc; j++) {
                            expected[r * ldc + j] = old[r * ldc + j];
                            actual[r * ldc + j] = old[r * ldc + j];
                        }
                        for (int j = 0; j < nr; j++) {
                            float v = alpha * t[r * nr + j];
                            expected[r * ldc + j] = beta == 0 ? v : v + beta * old[r * ldc + j];
                        }
                    }
                    kernel.shortTile(rows, kc, strip, 0, b, 0, actual, 0, ldc, alpha, beta);
                    SameBits.assertSameBits(expected, actual, ldc,
                            "kc " + kc + ", " + rows + " rows, alpha " + alpha + ", beta " + beta + ": C",
                            "scratch route", "short tile");
                }
            }
        }
    }

    @Test
    void moreRowsThanItTakesIsRefused() {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        VectorGemmKernel12x2 kernel = new VectorGemmKernel12x2();
        float[] a = new float[12];
        int nr = kernel.nr();
        float[] b = new float[nr];
        float[] c = new float[12 * nr];
        assertThrows(IllegalArgumentException.class, () -> kernel.shortTile(5, 1, a, 0, b, 0, c, 0, nr, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> kernel.shortTile(0, 1, a, 0, b, 0, c, 0, nr, 1f, 0f));
    }

    /** Values in [−0.5, 0.5), the same for the same seed. */
    private static float[] filled(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble() - 0.5f;
        }
        return x;
    }
}
