package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU's fused ops take their own routes (the bias gradient summed while δ is packed for the
 * GEMM, one dispatch for every parameter's SGD step, the forward's bias and activation in one
 * pass; linearInputGradient is Backend's default, so it has nothing of its own to check here).
 * They must still give exactly the bits of their definitions in {@link Backend} (the plain GEMM
 * followed by the plain elementwise op), on shapes that exercise every path: edge tiles, several
 * k-blocks, the transposed path of a narrow C, the inline path of a tiny product, and many tile
 * tasks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuFusedOpsTest {

    private final List<CpuBackend> backends = new ArrayList<>();

    @BeforeAll
    void open() {
        backends.add(new CpuBackend(1));
        backends.add(new CpuBackend(3));
        backends.add(new CpuBackend(2, false));
    }

    @AfterAll
    void close() {
        backends.forEach(CpuBackend::close);
    }

    /** m, n, k: batch-like, narrow (10-wide output), multi-k-block, edge-heavy, tiny. */
    static Stream<Arguments> shapes() {
        int[][] s = {{256, 1024, 784}, {256, 10, 1024}, {97, 513, 300}, {13, 37, 1100}, {3, 5, 7}, {1, 64, 1}};
        List<Arguments> out = new ArrayList<>();
        for (int[] mnk : s) {
            for (Pointwise f : Pointwise.values()) {
                out.add(Arguments.of(mnk[0], mnk[1], mnk[2], f));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}x{1}x{2} {3}")
    @MethodSource("shapes")
    void linearForwardGivesThePlainOpsBits(int m, int n, int k, Pointwise f) {
        SplittableRandom rnd = new SplittableRandom(m * 31L + n * 7L + k + f.ordinal());
        float[] x = uniform(rnd, m * k);
        float[] w = uniform(rnd, k * n);
        float[] bias = uniform(rnd, n);
        for (CpuBackend b : backends) {
            Tensor tx = b.upload(x, m, k);
            Tensor tw = b.upload(w, k, n);
            Tensor tb = b.upload(bias, 1, n);
            Tensor plain = b.allocate(m, n);
            b.gemm(false, false, 1f, tx, tw, 0f, plain);
            b.addBias(plain, tb);
            f.forward(b, plain, plain);
            Tensor fused = b.allocate(m, n);
            b.fill(fused, Float.NaN);
            b.linearForward(tx, tw, tb, f, fused);
            assertArrayEquals(b.download(plain), b.download(fused), b.description());
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2}")
    @MethodSource("shapes")
    void linearGradientsGiveThePlainOpsBits(int m, int n, int k, Pointwise unused) {
        if (unused != Pointwise.IDENTITY) {
            return;   // no activation in this op: one run per shape
        }
        SplittableRandom rnd = new SplittableRandom(m * 13L + n * 3L + k);
        // here m is the batch: x is m×k, δ is m×n
        float[] x = uniform(rnd, m * k);
        float[] d = uniform(rnd, m * n);
        for (CpuBackend b : backends) {
            Tensor tx = b.upload(x, m, k);
            Tensor td = b.upload(d, m, n);
            Tensor plainW = b.allocate(k, n);
            Tensor plainB = b.allocate(1, n);
            b.gemm(true, false, 1f, tx, td, 0f, plainW);
            b.biasGradient(td, 0f, plainB);
            Tensor fusedW = b.allocate(k, n);
            Tensor fusedB = b.allocate(1, n);
            b.fill(fusedW, Float.NaN);
            b.fill(fusedB, Float.NaN);
            b.linearGradients(tx, td, fusedW, fusedB);
            assertArrayEquals(b.download(plainW), b.download(fusedW), b.description());
            assertArrayEquals(b.download(plainB), b.download(fusedB), b.description());
        }
    }

    @Test
    void manyTensorSgdGivesThePlainUpdatesBits() {
        int[][] shapes = {{784, 1024}, {1, 1024}, {1024, 10}, {1, 10}, {70000, 1}};
        for (CpuBackend b : backends) {
            SplittableRandom rnd = new SplittableRandom(5);
            Tensor[] ps = new Tensor[shapes.length];
            Tensor[] gs = new Tensor[shapes.length];
            Tensor[] plain = new Tensor[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                int size = shapes[i][0] * shapes[i][1];
                float[] p = uniform(rnd, size);
                ps[i] = b.upload(p, shapes[i][0], shapes[i][1]);
                plain[i] = b.upload(p, shapes[i][0], shapes[i][1]);
                gs[i] = b.upload(uniform(rnd, size), shapes[i][0], shapes[i][1]);
            }
            for (int i = 0; i < shapes.length; i++) {
                b.sgdUpdate(plain[i], gs[i], 0.05f);
            }
            b.sgdUpdate(ps, gs, b.upload(new float[] {0.05f}, 1, 1));
            for (int i = 0; i < shapes.length; i++) {
                assertArrayEquals(b.download(plain[i]), b.download(ps[i]), b.description() + " tensor " + i);
            }
        }
    }

    @Test
    void fusedOpsRefuseOutputsThatAliasTheirInputs() {
        CpuBackend b = backends.get(0);
        Tensor x = b.allocate(4, 4);
        Tensor w = b.allocate(4, 4);
        Tensor bias = b.allocate(1, 4);
        assertThrows(IllegalArgumentException.class, () -> b.linearForward(x, w, bias, Pointwise.RELU, x));
        assertThrows(IllegalArgumentException.class, () -> b.linearInputGradient(x, w, w, Pointwise.RELU, w));
        Tensor y = b.allocate(4, 4);
        assertThrows(IllegalArgumentException.class, () -> b.linearGradients(x, y, x, bias));
        assertThrows(IllegalArgumentException.class, () -> b.linearGradients(x, y, w, y.firstRows(1)));
    }

    private static float[] uniform(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }
}
