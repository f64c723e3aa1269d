package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same inputs on 1, 2 and 3 threads give bitwise-identical outputs for every op: the guarantee
 * that makes a training run reproducible whatever {@code --threads} says. Shapes are large
 * enough that the multi-threaded backends really split the work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuBackendDeterminismTest {

    private CpuBackend one;
    private CpuBackend two;
    private CpuBackend three;

    @BeforeAll
    void open() {
        one = new CpuBackend(1);
        two = new CpuBackend(2);
        three = new CpuBackend(3);
    }

    @AfterAll
    void close() {
        one.close();
        two.close();
        three.close();
    }

    static Stream<Arguments> gemmShapes() {
        int[][] mnk = {{1, 1, 1}, {13, 127, 31}, {97, 513, 300}, {300, 50, 1000}, {257, 1031, 61}, {5, 2000, 7}};
        List<Arguments> out = new ArrayList<>();
        for (int[] s : mnk) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    out.add(Arguments.of(s[0], s[1], s[2], ta, tb));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemmIsBitwiseIndependentOfThreads(int m, int n, int k, boolean ta, boolean tb) {
        Random r = new Random(m * 31L + n * 7L + k);
        float[] a = random(r, m * k, -1, 1);
        float[] b = random(r, k * n, -1, 1);
        float[] c = random(r, m * n, -1, 1);
        float[] expected = gemm(one, m, n, k, ta, tb, a, b, c);
        assertArrayEquals(expected, gemm(two, m, n, k, ta, tb, a, b, c), "2 threads");
        assertArrayEquals(expected, gemm(three, m, n, k, ta, tb, a, b, c), "3 threads");
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void scalarGemmIsBitwiseIndependentOfThreads(int m, int n, int k, boolean ta, boolean tb) {
        Random r = new Random(m * 17L + n * 5L + k);
        float[] a = random(r, m * k, -1, 1);
        float[] b = random(r, k * n, -1, 1);
        float[] c = random(r, m * n, -1, 1);
        try (CpuBackend scalarOne = new CpuBackend(1, false); CpuBackend scalarThree = new CpuBackend(3, false)) {
            assertArrayEquals(gemm(scalarOne, m, n, k, ta, tb, a, b, c), gemm(scalarThree, m, n, k, ta, tb, a, b, c));
        }
    }

    private static float[] gemm(Backend be, int m, int n, int k, boolean ta, boolean tb, float[] a, float[] b, float[] c) {
        try (Tensor ta_ = be.upload(a, ta ? k : m, ta ? m : k);
             Tensor tb_ = be.upload(b, tb ? n : k, tb ? k : n);
             Tensor tc = be.upload(c, m, n)) {
            be.gemm(ta, tb, 0.7f, ta_, tb_, -0.3f, tc);
            return be.download(tc);
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(257, 1031), Arguments.of(5003, 13), Arguments.of(70000, 1), Arguments.of(3, 40000));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void everyOtherOpIsBitwiseIndependentOfThreads(int rows, int cols) {
        List<float[]> expected = everyOp(one, rows, cols);
        List<float[]> withTwo = everyOp(two, rows, cols);
        List<float[]> withThree = everyOp(three, rows, cols);
        assertEquals(expected.size(), withThree.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), withTwo.get(i), "output " + i + " with 2 threads");
            assertArrayEquals(expected.get(i), withThree.get(i), "output " + i + " with 3 threads");
        }
    }

    /** Runs every non-GEMM op once on seeded inputs and returns each output. */
    private static List<float[]> everyOp(Backend be, int rows, int cols) {
        Random r = new Random(rows * 1000L + cols);
        List<float[]> out = new ArrayList<>();
        List<Tensor> open = new ArrayList<>();
        try {
            Tensor x = track(open, be.upload(random(r, rows * cols, -5, 5), rows, cols));
            Tensor y = track(open, be.allocate(rows, cols));
            Tensor dy = track(open, be.upload(random(r, rows * cols, -1, 1), rows, cols));
            Tensor dx = track(open, be.allocate(rows, cols));
            Tensor targets = track(open, be.upload(random(r, rows * cols, 0, 1), rows, cols));
            Tensor bias = track(open, be.upload(random(r, cols, -1, 1), 1, cols));
            Tensor acc = track(open, be.allocate(1, 1));

            Tensor xb = track(open, be.allocate(rows, cols));
            be.copy(x, xb);
            be.addBias(xb, bias);
            out.add(be.download(xb));
            Tensor bg = track(open, be.upload(random(r, cols, -1, 1), 1, cols));
            be.biasGradient(dy, 0.5f, bg);
            out.add(be.download(bg));
            be.sigmoid(x, y);
            out.add(be.download(y));
            be.sigmoidBackward(y, dy, dx);
            out.add(be.download(dx));
            be.tanh(x, y);
            out.add(be.download(y));
            be.tanhBackward(y, dy, dx);
            out.add(be.download(dx));
            be.relu(x, y);
            out.add(be.download(y));
            be.reluBackward(y, dy, dx);
            out.add(be.download(dx));
            be.softmax(x, y);
            out.add(be.download(y));
            be.fill(acc, 0.25f);
            be.softmaxCrossEntropy(x, targets, y, dx, acc);
            out.add(be.download(y));
            out.add(be.download(dx));
            out.add(be.download(acc));
            be.fill(acc, 0.25f);
            be.sigmoidBinaryCrossEntropy(x, targets, y, dx, acc);
            out.add(be.download(y));
            out.add(be.download(dx));
            out.add(be.download(acc));
            be.fill(acc, 0.25f);
            be.squaredError(x, targets, dx, acc);
            out.add(be.download(dx));
            out.add(be.download(acc));
            be.fill(acc, 0f);
            be.countCorrect(x, targets, acc);
            out.add(be.download(acc));
            be.fill(acc, 0f);
            be.sumOfSquares(x, acc);
            out.add(be.download(acc));
            Tensor idx = track(open, be.allocateIndices(rows));
            be.argmax(x, idx);
            out.add(be.download(idx));

            Tensor p = track(open, be.allocate(rows, cols));
            Tensor m = track(open, be.allocate(rows, cols));
            Tensor v = track(open, be.allocate(rows, cols));
            be.copy(x, p);
            be.sgdUpdate(p, dy, 0.1f);
            be.scale(p, 0.9f);
            out.add(be.download(p));
            be.fill(v, 0f);
            be.momentumUpdate(p, dy, v, 0.1f, 0.9f);
            be.momentumUpdate(p, targets, v, 0.1f, 0.9f);
            out.add(be.download(p));
            be.fill(m, 0f);
            be.fill(v, 0f);
            be.adamUpdate(p, dy, m, v, 0.01f, 0.9f, 0.999f, 1e-8f, 1);
            be.adamUpdate(p, targets, m, v, 0.01f, 0.9f, 0.999f, 1e-8f, 2);
            out.add(be.download(p));

            int[] order = new int[rows];
            for (int i = 0; i < rows; i++) {
                order[i] = r.nextInt(rows);
            }
            Tensor perm = track(open, be.allocateIndices(rows));
            be.uploadIndices(order, perm);
            be.gatherRows(x, perm, 0, y);
            out.add(be.download(y));
            return out;
        } finally {
            for (Tensor t : open) {
                t.close();
            }
        }
    }

    private static Tensor track(List<Tensor> open, Tensor t) {
        open.add(t);
        return t;
    }

    private static float[] random(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }
}
