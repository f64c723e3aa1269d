package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.backprop.cpu.WorkerPool;
import org.backprop.cpu.SameBits;
import org.backprop.cpu.CpuInfo;

/**
 * Tall row blocks for a large op(B) (each row block reads all of op(B), so fewer of them read it
 * from memory fewer times): the row blocking changes which task computes a tile, never the sums,
 * so C keeps every bit; and the height follows the L2 and the k-block, within its bounds.
 */
class GemmRowBlockTest {

    private static float[] values(Random r, int n, boolean sparse) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = sparse && r.nextFloat() < 0.7f ? 0f : r.nextFloat() * 2 - 1;
        }
        return v;
    }

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4} KC {5} sparse A {6}")
    @CsvSource({
        "700, 96, 300, false, false, 256, false",
        "700, 96, 300, true, false, 64, true",
        "500, 64, 130, false, true, 100, false",
        "1300, 40, 50, false, false, 1024, true",
    })
    void tallRowBlocksKeepEveryBit(int m, int n, int k, boolean transA, boolean transB, int kc, boolean sparse) {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:" + kc);
        Random r = new Random(m + 17L * n + k);
        float[] a = values(r, m * k, sparse);
        float[] b = values(r, k * n, false);
        float[] c0 = values(r, m * n, false);
        try (WorkerPool pool = new WorkerPool(3)) {
            Gemm usual = new Gemm(kernel, pool, kc, null, true, VectorGemmKernels.narrow());
            Gemm tall = new Gemm(kernel, pool, kc, null, true, VectorGemmKernels.narrow());
            tall.largeOperandBytes(0);
            int kcMax = (k + (k + kc - 1) / kc - 1) / ((k + kc - 1) / kc);
            assertTrue(tall.rowsPerBlock((long) k * n * 4, kcMax) > usual.rowsPerBlock((long) k * n * 4, kcMax),
                    "the blocks are no taller, so nothing is tested");
            float[] expected = c0.clone();
            float[] actual = c0.clone();
            usual.multiply(transA, transB, m, n, k, 0.5f, a, b, 0.25f, expected);
            tall.multiply(transA, transB, m, n, k, 0.5f, a, b, 0.25f, actual);
            SameBits.assertSameBits(expected, actual, n, "C", "row blocks of MC", "tall row blocks");
        }
    }

    @Test
    void theHeightFillsTheL2WithinItsBounds() {
        MicroKernel kernel = VectorKernelFixture.vectorKernel("12x2:1024");
        try (WorkerPool pool = new WorkerPool(1)) {
            Gemm g = new Gemm(kernel, pool, 1024, null, true, VectorGemmKernels.narrow());
            assertEquals(96, g.rowsPerBlock(TiledProduct.LARGE_B_BYTES, 1024), "a B of 32 MB is not large");
            long l2 = CpuInfo.l2Bytes(1L << 20);
            int tall = g.rowsPerBlock(TiledProduct.LARGE_B_BYTES + 1, 1024);
            assertEquals(0, tall % 12, "whole strips");
            assertTrue(tall >= 96 && tall <= 1008, "within bounds: " + tall);
            if (l2 >= 96L * 1024 * 4 && l2 <= 1008L * 1024 * 4) {
                assertTrue((long) tall * 1024 * 4 <= l2 && (long) (tall + 12) * 1024 * 4 > l2,
                        tall + " rows of 1024 floats against an L2 of " + l2 + " bytes");
            }
            assertTrue(g.rowsPerBlock(TiledProduct.LARGE_B_BYTES + 1, 64) <= 1008, "short k-blocks hit the bound");
        }
    }
}
