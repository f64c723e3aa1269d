package org.backprop.core.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.ReferenceBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of a backend against the double-precision {@link ReferenceBackend}, on seeded random
 * inputs over many shapes. A backend module subclasses this and says how to open its backend; the
 * tests use only the public {@link Backend} API, so the same suite judges the CPU and the GPU.
 *
 * <p>Tolerances are in units of u = 2^-24 (float32's unit roundoff) and say why beside each check.
 * The reference rounds nothing, so each tolerance is the float32 error of the op itself.
 *
 * <p>To use it: {@code class CudaBackendTest extends BackendContract} with
 * {@code createBackend()} returning the backend; where it cannot run, call
 * {@code Assumptions.assumeTrue(false, reason)} there and every test is skipped with the reason.
 * Index tensors are read back only through {@code gatherRows}, so no backend needs an int download.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {

    /** float32 unit roundoff. */
    protected static final double U = Math.scalb(1.0, -24);

    private final ReferenceBackend ref = new ReferenceBackend();
    private final List<Tensor> open = new ArrayList<>();
    private Backend backend;

    /** Opens the backend under test; called once per test class and closed after it. */
    protected abstract Backend createBackend();

    protected final Backend backend() {
        return backend;
    }

    @BeforeAll
    void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    @AfterEach
    void closeTensors() {
        for (Tensor t : open) {
            t.close();
        }
        open.clear();
    }

    // ================================================================ shapes

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1), Arguments.of(1, 7), Arguments.of(7, 1), Arguments.of(1, 127),
                Arguments.of(13, 31), Arguments.of(127, 10), Arguments.of(31, 2), Arguments.of(257, 1031));
    }

    /** m, n, k: 1s, primes, k = 1, tall and skinny, long k, and one size past every cache block. */
    static Stream<Arguments> gemmShapes() {
        int[][] mnk = {
            {1, 1, 1}, {1, 13, 1}, {13, 1, 7}, {1, 1, 127}, {7, 13, 31}, {31, 7, 127}, {127, 31, 13},
            {2, 3, 1}, {1000, 3, 2}, {3, 1000, 5}, {3, 5, 1000}, {64, 64, 64}, {17, 33, 65},
            {100, 129, 47}, {256, 97, 300}, {129, 513, 257},
        };
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

    /** The training products of a 784-1024 layer at batch 512: X·W, Xᵀ·δ and δ·Wᵀ. */
    static Stream<Arguments> largeGemmShapes() {
        return Stream.of(
                Arguments.of(512, 1024, 784, false, false),
                Arguments.of(784, 1024, 512, true, false),
                Arguments.of(512, 784, 1024, false, true));
    }

    // ================================================================ helpers

    /** The same host data on both backends. */
    protected final class Pair {
        final float[] host;
        final Tensor ref;
        final Tensor dev;
        final int rows;
        final int cols;

        Pair(float[] host, int rows, int cols) {
            this.host = host;
            this.rows = rows;
            this.cols = cols;
            this.ref = track(BackendContract.this.ref.upload(host, rows, cols));
            this.dev = track(backend.upload(host, rows, cols));
        }

        double[] expected() {
            return BackendContract.this.ref.values(ref);
        }

        float[] actual() {
            return backend.download(dev);
        }
    }

    protected final Tensor track(Tensor t) {
        open.add(t);
        return t;
    }

    protected final Pair pair(float[] host, int rows, int cols) {
        return new Pair(host, rows, cols);
    }

    protected final Pair random(Random rnd, int rows, int cols, double lo, double hi) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        }
        return pair(v, rows, cols);
    }

    protected final Pair filled(int rows, int cols, float value) {
        float[] v = new float[rows * cols];
        java.util.Arrays.fill(v, value);
        return pair(v, rows, cols);
    }

    /** One-hot rows (several columns) or 0/1 labels (one column). */
    protected final Pair oneHot(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            if (cols == 1) {
                v[i] = rnd.nextBoolean() ? 1 : 0;
            } else {
                v[i * cols + rnd.nextInt(cols)] = 1;
            }
        }
        return pair(v, rows, cols);
    }

    /** Independent 0/1 labels in every column (multi-label binary targets). */
    protected final Pair binaryTargets(Random rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextBoolean() ? 1 : 0;
        }
        return pair(v, rows, cols);
    }

    protected static Random rnd(Object... key) {
        return new Random(java.util.Arrays.deepHashCode(key) * 31L + 20261121L);
    }

    protected final ReferenceBackend reference() {
        return ref;
    }

    /** Every element within its own absolute tolerance; expected non-finite values must match exactly. */
    protected static void assertClose(String what, double[] expected, float[] actual, double[] tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            float a = actual[i];
            if (!Double.isFinite(e)) {
                assertEquals((float) e, a, what + ": element " + i);
                continue;
            }
            if (!Float.isFinite(a) || Math.abs(a - e) > tolerance[i]) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " ± " + tolerance[i]);
            }
        }
    }

    /** |a − e| ≤ rtol·|e| + atol elementwise. */
    protected static void assertClose(String what, double[] expected, float[] actual, double rtol, double atol) {
        double[] tol = new double[expected.length];
        for (int i = 0; i < tol.length; i++) {
            tol[i] = rtol * Math.abs(expected[i]) + atol;
        }
        assertClose(what, expected, actual, tol);
    }

    /** Relative error of the Frobenius norm of the difference: ‖a − e‖ ≤ tol·‖e‖. */
    protected static void assertNormClose(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Float.isFinite(actual[i])) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
            }
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }
        double rel = Math.sqrt(diff) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(rel <= tol, what + ": relative error " + rel + " exceeds " + tol);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    private static double sumAbs(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.abs(x);
        }
        return s;
    }

    /**
     * Tolerance for a sum of N terms of total magnitude {@code mag} accumulated in float32: a
     * summation tree or chunked sum errs by about √N·u·mag on random data (worst case N·u); 8·(√N + 4)
     * leaves room for per-term rounding and the final add into the accumulator.
     */
    protected static double sumTolerance(long terms, double mag) {
        return 8 * (Math.sqrt(terms) + 4) * U * mag;
    }

    // ================================================================ memory

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void uploadThenDownloadIsExact(int rows, int cols) {
        Pair p = random(rnd("updown", rows, cols), rows, cols, -1e6, 1e6);
        assertArrayEquals(p.host, p.actual());
    }

    @Test
    void uploadIntoExistingTensorOverwritesIt() {
        Tensor t = track(backend.allocate(2, 3));
        float[] data = {1, 2, 3, 4, 5, 6};
        backend.upload(data, t);
        assertArrayEquals(data, backend.download(t));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void fillSetsEveryElement(int rows, int cols) {
        Tensor t = track(backend.allocate(rows, cols));
        backend.fill(t, -2.5f);
        for (float v : backend.download(t)) {
            assertEquals(-2.5f, v);
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void copyDuplicatesTheSource(int rows, int cols) {
        Pair p = random(rnd("copy", rows, cols), rows, cols, -1, 1);
        Tensor d = track(backend.allocate(rows, cols));
        backend.copy(p.dev, d);
        assertArrayEquals(p.host, backend.download(d));
    }

    @Test
    void scalarReadsOneByOne() {
        Pair p = pair(new float[] {3.25f}, 1, 1);
        assertEquals(3.25f, backend.scalar(p.dev));
    }

    @Test
    void firstRowsViewSharesMemoryWithItsParent() {
        Pair p = random(rnd("view"), 5, 3, -1, 1);
        Tensor view = p.dev.firstRows(2);
        assertEquals(2, view.rows());
        assertEquals(3, view.cols());
        backend.fill(view, 7f);
        float[] all = backend.download(p.dev);
        for (int i = 0; i < 15; i++) {
            assertEquals(i < 6 ? 7f : p.host[i], all[i], "element " + i);
        }
        view.close();
        assertTrue(!p.dev.isClosed(), "closing a view must not close its parent");
    }

    @Test
    void opsOnAViewLeaveTheOtherRowsAlone() {
        Pair x = random(rnd("viewop"), 6, 4, -3, 3);
        Pair y = filled(6, 4, 9f);
        Tensor xv = x.dev.firstRows(3);
        Tensor yv = y.dev.firstRows(3);
        backend.sigmoid(xv, yv);
        float[] out = backend.download(y.dev);
        for (int i = 0; i < 24; i++) {
            if (i < 12) {
                // 32u: float32 exp and a division, each within a few ulp
                assertEquals(ReferenceBackend.sigmoid(x.host[i]), out[i], 32 * U, "element " + i);
            } else {
                assertEquals(9f, out[i], "element " + i + " is outside the view");
            }
        }
    }

    @Test
    void uploadRejectsAWrongLength() {
        Tensor t = track(backend.allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.upload(new float[3], t));
        assertThrows(IllegalArgumentException.class, () -> backend.download(t, new float[5]));
        Tensor idx = track(backend.allocateIndices(3));
        assertThrows(IllegalArgumentException.class, () -> backend.uploadIndices(new int[2], idx));
    }

    @Test
    void copyRejectsDifferentShapes() {
        Tensor a = track(backend.allocate(2, 3));
        Tensor b = track(backend.allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.copy(a, b));
    }

    @Test
    void aClosedTensorIsRejected() {
        Tensor t = backend.allocate(2, 2);
        t.close();
        assertTrue(t.isClosed());
        Tensor other = track(backend.allocate(2, 2));
        assertThrows(IllegalStateException.class, () -> backend.fill(t, 1f));
        assertThrows(IllegalStateException.class, () -> backend.copy(t, other));
    }

    @Test
    void aTensorOfAnotherBackendIsRejected() {
        Tensor mine = track(backend.allocate(1, 1));
        Tensor foreign = track(ref.allocate(1, 1));
        assertThrows(IllegalArgumentException.class, () -> backend.copy(foreign, mine));
    }

    // ================================================================ GEMM

    /**
     * Tolerance: ‖ΔC‖/‖C‖ ≤ 8·(√k + 2)·u. Each element is a float32 k-term dot product of random
     * signed data, whose rounding errors add like a random walk (≈ √k·u relative, whatever the
     * blocking); +2 covers the alpha scaling, the beta term and the final rounding.
     */
    private static double gemmTolerance(int k) {
        return 8 * (Math.sqrt(k) + 2) * U;
    }

    private void checkGemm(int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, float cInit) {
        Random r = rnd("gemm", m, n, k, ta, tb, alpha, beta);
        Pair a = ta ? random(r, k, m, -1, 1) : random(r, m, k, -1, 1);
        Pair b = tb ? random(r, n, k, -1, 1) : random(r, k, n, -1, 1);
        Pair c = Float.isNaN(cInit) ? filled(m, n, Float.NaN) : random(r, m, n, -1, 1);
        ref.gemm(ta, tb, alpha, a.ref, b.ref, beta, c.ref);
        backend.gemm(ta, tb, alpha, a.dev, b.dev, beta, c.dev);
        assertNormClose("gemm " + m + "x" + n + "x" + k + (ta ? " Aᵀ" : "") + (tb ? " Bᵀ" : ""),
                c.expected(), c.actual(), gemmTolerance(k));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemmMatchesReference(int m, int n, int k, boolean ta, boolean tb) {
        checkGemm(m, n, k, ta, tb, 1f, 0f, Float.NaN);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemmWithAlphaAndBetaMatchesReference(int m, int n, int k, boolean ta, boolean tb) {
        checkGemm(m, n, k, ta, tb, -1.5f, 0.75f, 0f);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
    @MethodSource("largeGemmShapes")
    void gemmMatchesReferenceAtTrainingSizes(int m, int n, int k, boolean ta, boolean tb) {
        checkGemm(m, n, k, ta, tb, 1f, 1f, 0f);
    }

    @Test
    void gemmWithBetaZeroIgnoresNaNInC() {
        checkGemm(19, 23, 29, false, false, 2f, 0f, Float.NaN);
    }

    @Test
    void gemmWithBetaOneAccumulates() {
        // δ·Wᵀ style accumulation of a weight gradient over two half batches equals the whole batch
        Random r = rnd("accumulate");
        Pair x = random(r, 8, 5, -1, 1);
        Pair d = random(r, 8, 3, -1, 1);
        Pair whole = filled(5, 3, 0f);
        Pair halves = filled(5, 3, Float.NaN);
        backend.gemm(true, false, 1f, x.dev, d.dev, 0f, whole.dev);
        Tensor x1 = track(backend.upload(java.util.Arrays.copyOfRange(x.host, 0, 20), 4, 5));
        Tensor x2 = track(backend.upload(java.util.Arrays.copyOfRange(x.host, 20, 40), 4, 5));
        Tensor d1 = track(backend.upload(java.util.Arrays.copyOfRange(d.host, 0, 12), 4, 3));
        Tensor d2 = track(backend.upload(java.util.Arrays.copyOfRange(d.host, 12, 24), 4, 3));
        backend.gemm(true, false, 1f, x1, d1, 0f, halves.dev);
        backend.gemm(true, false, 1f, x2, d2, 1f, halves.dev);
        float[] w = backend.download(whole.dev);
        double[] wd = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wd[i] = w[i];
        }
        // 8 terms split 4 + 4: a handful of roundings on values of magnitude ≤ 8
        assertClose("two half-batch products", wd, halves.actual(), 0, 64 * U);
    }

    @Test
    void gemmIntoAViewOfCLeavesTheOtherRows() {
        Random r = rnd("gemmview");
        Pair a = random(r, 3, 4, -1, 1);
        Pair b = random(r, 4, 5, -1, 1);
        Pair c = filled(6, 5, 9f);
        Pair expect = filled(3, 5, 0f);
        ref.gemm(false, false, 1f, a.ref, b.ref, 0f, expect.ref);
        backend.gemm(false, false, 1f, a.dev, b.dev, 0f, c.dev.firstRows(3));
        float[] out = c.actual();
        double[] e = expect.expected();
        for (int i = 0; i < 30; i++) {
            // 4-term dot products of values in [-1, 1]: 16u absolute
            assertEquals(i < 15 ? e[i] : 9.0, out[i], 16 * U, "element " + i);
        }
    }

    @Test
    void gemmRejectsMismatchedInnerDimensions() {
        Tensor a = track(backend.allocate(3, 4));
        Tensor b = track(backend.allocate(5, 2));
        Tensor c = track(backend.allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1f, a, b, 0f, c));
    }

    @Test
    void gemmRejectsAWrongOutputShape() {
        Tensor a = track(backend.allocate(3, 4));
        Tensor b = track(backend.allocate(4, 2));
        Tensor c = track(backend.allocate(2, 3));
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1f, a, b, 0f, c));
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(true, false, 1f, a, b, 0f, c));
    }

    @Test
    void gemmRejectsCAliasingAnInput() {
        Tensor a = track(backend.allocate(3, 3));
        Tensor b = track(backend.allocate(3, 3));
        backend.fill(a, 1f);
        backend.fill(b, 1f);
        assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1f, a, b, 0f, a));
    }

    // ================================================================ bias

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void addBiasMatchesReference(int rows, int cols) {
        Random r = rnd("addBias", rows, cols);
        Pair x = random(r, rows, cols, -1, 1);
        Pair b = random(r, 1, cols, -1, 1);
        ref.addBias(x.ref, b.ref);
        backend.addBias(x.dev, b.dev);
        // one float32 addition of magnitudes ≤ 1: u·2, doubled for slack
        assertClose("addBias", x.expected(), x.actual(), 0, 4 * U);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void biasGradientSumsColumns(int rows, int cols) {
        Random r = rnd("biasGrad", rows, cols);
        Pair d = random(r, rows, cols, -1, 1);
        Pair g = filled(1, cols, Float.NaN);
        ref.biasGradient(d.ref, 0f, g.ref);
        backend.biasGradient(d.dev, 0f, g.dev);
        // a column sum of m terms ≤ 1 in magnitude
        assertClose("biasGradient", g.expected(), g.actual(), 0, sumTolerance(rows, rows));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void biasGradientWithBetaScalesTheOldGradient(int rows, int cols) {
        Random r = rnd("biasGradBeta", rows, cols);
        Pair d = random(r, rows, cols, -1, 1);
        Pair g = random(r, 1, cols, -1, 1);
        ref.biasGradient(d.ref, 0.5f, g.ref);
        backend.biasGradient(d.dev, 0.5f, g.dev);
        assertClose("biasGradient beta", g.expected(), g.actual(), 0, sumTolerance(rows + 1, rows + 1));
    }

    @Test
    void biasOpsRejectAWrongBiasShape() {
        Tensor x = track(backend.allocate(4, 3));
        Tensor b = track(backend.allocate(1, 4));
        Tensor col = track(backend.allocate(3, 1));
        assertThrows(IllegalArgumentException.class, () -> backend.addBias(x, b));
        assertThrows(IllegalArgumentException.class, () -> backend.addBias(x, col));
        assertThrows(IllegalArgumentException.class, () -> backend.biasGradient(x, 0f, b));
    }

    // ================================================================ activations

    private interface Unary {
        void apply(Backend b, Tensor x, Tensor y);
    }

    private interface Backward {
        void apply(Backend b, Tensor y, Tensor dy, Tensor dx);
    }

    private void checkForward(String name, Unary op, int rows, int cols, double lo, double hi, boolean inPlace) {
        Random r = rnd(name, rows, cols, inPlace);
        Pair x = random(r, rows, cols, lo, hi);
        Pair y = inPlace ? x : filled(rows, cols, Float.NaN);
        op.apply(ref, x.ref, y.ref);
        op.apply(backend, x.dev, y.dev);
        // float32 transcendental (a few ulp) plus one rounding: 32u relative, 32u·1e-3 absolute
        // for outputs near zero (tanh near 0 keeps full relative accuracy, so this is generous)
        assertClose(name, y.expected(), y.actual(), 32 * U, 32 * U * 1e-3);
        if (!inPlace) {
            assertArrayEquals(x.host, x.actual(), name + " must not change its input");
        }
    }

    private void checkBackward(String name, Unary forward, Backward op, int rows, int cols, boolean inPlace) {
        Random r = rnd(name, rows, cols, inPlace);
        Pair x = random(r, rows, cols, -4, 4);
        // y comes from the reference's forward, rounded to float, so both see identical y
        Tensor yr = ref.allocate(rows, cols);
        forward.apply(ref, x.ref, yr);
        float[] yHost = ref.download(yr);
        Pair y = pair(yHost, rows, cols);
        Pair dy = random(r, rows, cols, -2, 2);
        Pair dx = inPlace ? dy : filled(rows, cols, Float.NaN);
        op.apply(ref, y.ref, dy.ref, dx.ref);
        op.apply(backend, y.dev, dy.dev, dx.dev);
        // dy·f'(y) with f' a short float32 polynomial in y ∈ [-1, 1]: a few roundings of terms
        // bounded by |dy| ≤ 2, so 16u·2 absolute
        assertClose(name, dx.expected(), dx.actual(), 0, 32 * U);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidMatchesReference(int rows, int cols) {
        checkForward("sigmoid", Backend::sigmoid, rows, cols, -12, 12, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidInPlaceMatchesReference(int rows, int cols) {
        checkForward("sigmoid in place", Backend::sigmoid, rows, cols, -12, 12, true);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void tanhMatchesReference(int rows, int cols) {
        checkForward("tanh", Backend::tanh, rows, cols, -6, 6, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void tanhInPlaceMatchesReference(int rows, int cols) {
        checkForward("tanh in place", Backend::tanh, rows, cols, -6, 6, true);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void reluMatchesReference(int rows, int cols) {
        checkForward("relu", Backend::relu, rows, cols, -1, 1, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void reluInPlaceMatchesReference(int rows, int cols) {
        checkForward("relu in place", Backend::relu, rows, cols, -1, 1, true);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidBackwardMatchesReference(int rows, int cols) {
        checkBackward("sigmoidBackward", Backend::sigmoid, Backend::sigmoidBackward, rows, cols, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidBackwardInPlaceMatchesReference(int rows, int cols) {
        checkBackward("sigmoidBackward in place", Backend::sigmoid, Backend::sigmoidBackward, rows, cols, true);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void tanhBackwardMatchesReference(int rows, int cols) {
        checkBackward("tanhBackward", Backend::tanh, Backend::tanhBackward, rows, cols, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void tanhBackwardInPlaceMatchesReference(int rows, int cols) {
        checkBackward("tanhBackward in place", Backend::tanh, Backend::tanhBackward, rows, cols, true);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void reluBackwardMatchesReference(int rows, int cols) {
        checkBackward("reluBackward", Backend::relu, Backend::reluBackward, rows, cols, false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void reluBackwardInPlaceMatchesReference(int rows, int cols) {
        checkBackward("reluBackward in place", Backend::relu, Backend::reluBackward, rows, cols, true);
    }

    @Test
    void reluBackwardPassesNothingWhereTheOutputIsZero() {
        Pair y = pair(new float[] {0f, 2f, 0f, 1e-30f}, 1, 4);
        Pair dy = pair(new float[] {5f, 6f, 7f, 8f}, 1, 4);
        backend.reluBackward(y.dev, dy.dev, dy.dev);
        assertArrayEquals(new float[] {0f, 6f, 0f, 8f}, dy.actual());
    }

    @Test
    void sigmoidOfZeroIsOneHalfAndSaturatesWithoutNaN() {
        Pair x = pair(new float[] {0f, 1f, -1000f, 1000f, 3f}, 1, 5);
        backend.sigmoid(x.dev, x.dev);
        float[] y = x.actual();
        assertEquals(0.5f, y[0]);
        // σ(1) = 0.7310585786300049 and σ(3) = 0.9525741268224334 (the course notes): 4 ulp
        assertEquals(0.7310585786300049, y[1], 4 * U);
        assertEquals(0f, y[2]);
        assertEquals(1f, y[3]);
        assertEquals(0.9525741268224334, y[4], 4 * U);
    }

    @Test
    void activationsRejectDifferentShapes() {
        Tensor a = track(backend.allocate(2, 3));
        Tensor b = track(backend.allocate(3, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.sigmoid(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend.tanh(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend.relu(a, b));
        assertThrows(IllegalArgumentException.class, () -> backend.sigmoidBackward(a, a, b));
        assertThrows(IllegalArgumentException.class, () -> backend.tanhBackward(a, b, a));
        assertThrows(IllegalArgumentException.class, () -> backend.reluBackward(b, a, a));
        assertThrows(IllegalArgumentException.class, () -> backend.softmax(a, b));
    }

    // ================================================================ softmax and losses

    /**
     * Softmax tolerance, relative per probability: x − max is rounded (u·|x|), exp adds a few ulp,
     * and the row sum of n terms adds up to √n·u on random data: 16u·(2 + max|x| + √n).
     */
    private static double softmaxTolerance(double maxAbsLogit, int n) {
        return 16 * U * (2 + maxAbsLogit + Math.sqrt(n));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxMatchesReference(int rows, int cols) {
        Random r = rnd("softmax", rows, cols);
        Pair z = random(r, rows, cols, -8, 8);
        Pair p = filled(rows, cols, Float.NaN);
        ref.softmax(z.ref, p.ref);
        backend.softmax(z.dev, p.dev);
        assertClose("softmax", p.expected(), p.actual(), softmaxTolerance(8, cols), Float.MIN_NORMAL);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxInPlaceMatchesReference(int rows, int cols) {
        Random r = rnd("softmaxInPlace", rows, cols);
        Pair z = random(r, rows, cols, -8, 8);
        ref.softmax(z.ref, z.ref);
        backend.softmax(z.dev, z.dev);
        assertClose("softmax in place", z.expected(), z.actual(), softmaxTolerance(8, cols), Float.MIN_NORMAL);
    }

    @Test
    void softmaxOfHugeLogitsStaysFinite() {
        Pair z = pair(new float[] {1000f, -1000f, 0f, 1000f, 999f, 1000f, -1000f, -1000f, -1000f}, 3, 3);
        Pair p = filled(3, 3, Float.NaN);
        ref.softmax(z.ref, p.ref);
        backend.softmax(z.dev, p.dev);
        assertClose("softmax ±1000", p.expected(), p.actual(), softmaxTolerance(1000, 3), Float.MIN_NORMAL);
    }

    @Test
    void softmaxOfZeroAndLn2IsOneThirdAndTwoThirds() {
        Pair z = pair(new float[] {0f, (float) Math.log(2)}, 1, 2);
        backend.softmax(z.dev, z.dev);
        float[] p = z.actual();
        // ln 2 rounded to float moves the exact answer by ≈ u; 8u covers exp and the division
        assertEquals(1.0 / 3, p[0], 8 * U);
        assertEquals(2.0 / 3, p[1], 8 * U);
    }

    private void checkSoftmaxCrossEntropy(Pair z, Pair y, boolean gradAliasesProbabilities, double maxAbsLogit) {
        int rows = z.rows;
        int cols = z.cols;
        Pair p = filled(rows, cols, Float.NaN);
        Pair g = gradAliasesProbabilities ? p : filled(rows, cols, Float.NaN);
        Pair loss = pair(new float[] {3f}, 1, 1);
        ref.softmaxCrossEntropy(z.ref, y.ref, p.ref, g.ref, loss.ref);
        backend.softmaxCrossEntropy(z.dev, y.dev, p.dev, g.dev, loss.dev);
        double rtol = softmaxTolerance(maxAbsLogit, cols);
        if (!gradAliasesProbabilities) {
            assertClose("softmaxCrossEntropy probabilities", p.expected(), p.actual(), rtol, Float.MIN_NORMAL);
        }
        // grad = (ŷ − y)/m: the probability's error, plus one rounding of the difference, over m
        double[] gTol = new double[rows * cols];
        Tensor pr = ref.allocate(rows, cols);
        ref.softmax(z.ref, pr);
        double[] pe = ref.values(pr);
        for (int i = 0; i < gTol.length; i++) {
            gTol[i] = (rtol * pe[i] + 2 * U * (pe[i] + Math.abs(y.host[i]))) / rows + Float.MIN_NORMAL;
        }
        assertClose("softmaxCrossEntropy grad", g.expected(), g.actual(), gTol);
        // loss terms y·(z − lse): each rounded relative to |y|·(|z| + |lse|); summed over m rows
        double mag = 3;
        for (int i = 0; i < rows * cols; i++) {
            mag += Math.abs(y.host[i]) * (Math.abs(z.host[i]) + maxAbsLogit + Math.log(cols) + 1);
        }
        double expected = ref.values(loss.ref)[0];
        float actual = loss.actual()[0];
        assertTrue(Float.isFinite(actual), "softmaxCrossEntropy loss is " + actual);
        assertEquals(expected, actual, sumTolerance((long) rows * cols, mag), "softmaxCrossEntropy loss (added to 3)");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxCrossEntropyMatchesReference(int rows, int cols) {
        Random r = rnd("sce", rows, cols);
        checkSoftmaxCrossEntropy(random(r, rows, cols, -6, 6), oneHot(r, rows, cols), false, 6);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxCrossEntropyWithGradInPlaceOfProbabilities(int rows, int cols) {
        Random r = rnd("sceAlias", rows, cols);
        checkSoftmaxCrossEntropy(random(r, rows, cols, -6, 6), oneHot(r, rows, cols), true, 6);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxCrossEntropyWithSoftTargets(int rows, int cols) {
        Random r = rnd("sceSoft", rows, cols);
        checkSoftmaxCrossEntropy(random(r, rows, cols, -6, 6), random(r, rows, cols, 0, 1), false, 6);
    }

    @Test
    void softmaxCrossEntropyOfHugeLogitsIsFinite() {
        Pair z = pair(new float[] {1000f, -1000f, 0f, -1000f, 1000f, 1000f}, 2, 3);
        Pair y = pair(new float[] {0f, 1f, 0f, 1f, 0f, 0f}, 2, 3);
        checkSoftmaxCrossEntropy(z, y, false, 1000);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidBinaryCrossEntropyMatchesReference(int rows, int cols) {
        Random r = rnd("bce", rows, cols);
        checkBinaryCrossEntropy(random(r, rows, cols, -10, 10), binaryTargets(r, rows, cols), false);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidBinaryCrossEntropyWithGradInPlaceOfProbabilities(int rows, int cols) {
        Random r = rnd("bceAlias", rows, cols);
        checkBinaryCrossEntropy(random(r, rows, cols, -10, 10), random(r, rows, cols, 0, 1), true);
    }

    @Test
    void sigmoidBinaryCrossEntropyOfHugeLogitsIsFinite() {
        Pair z = pair(new float[] {100f, -100f, 100f, -100f, 0f}, 5, 1);
        Pair y = pair(new float[] {0f, 1f, 1f, 0f, 1f}, 5, 1);
        checkBinaryCrossEntropy(z, y, false);
    }

    private void checkBinaryCrossEntropy(Pair z, Pair y, boolean gradAliasesProbabilities) {
        int rows = z.rows;
        int cols = z.cols;
        Pair p = filled(rows, cols, Float.NaN);
        Pair g = gradAliasesProbabilities ? p : filled(rows, cols, Float.NaN);
        Pair loss = pair(new float[] {-2f}, 1, 1);
        ref.sigmoidBinaryCrossEntropy(z.ref, y.ref, p.ref, g.ref, loss.ref);
        backend.sigmoidBinaryCrossEntropy(z.dev, y.dev, p.dev, g.dev, loss.dev);
        if (!gradAliasesProbabilities) {
            // σ(z) in float32: a few ulp
            assertClose("sigmoidBinaryCrossEntropy probabilities", p.expected(), p.actual(), 32 * U, Float.MIN_NORMAL);
        }
        // (σ(z) − y)/m: σ's error plus one rounding of a difference of values ≤ 1, over m
        assertClose("sigmoidBinaryCrossEntropy grad", g.expected(), g.actual(), 0, 34 * U / rows);
        // each term max(z,0) − z·y + log1p(e^−|z|) errs by a few u·(|z| + 1)
        double mag = 2;
        for (int i = 0; i < rows * cols; i++) {
            mag += 2 * Math.abs(z.host[i]) + 1;
        }
        double expected = ref.values(loss.ref)[0];
        float actual = loss.actual()[0];
        assertTrue(Float.isFinite(actual), "sigmoidBinaryCrossEntropy loss is " + actual);
        assertEquals(expected, actual, sumTolerance((long) rows * cols, mag), "sigmoidBinaryCrossEntropy loss (added to -2)");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void squaredErrorMatchesReference(int rows, int cols) {
        Random r = rnd("mse", rows, cols);
        Pair o = random(r, rows, cols, -1, 2);
        Pair y = random(r, rows, cols, 0, 1);
        Pair g = filled(rows, cols, Float.NaN);
        Pair loss = pair(new float[] {0.5f}, 1, 1);
        ref.squaredError(o.ref, y.ref, g.ref, loss.ref);
        backend.squaredError(o.dev, y.dev, g.dev, loss.dev);
        // 2(ŷ − y)/m: a difference and a product, |ŷ − y| ≤ 2
        assertClose("squaredError grad", g.expected(), g.actual(), 4 * U, 8 * U / rows);
        double expected = ref.values(loss.ref)[0];
        // squares are rounded (u each) and summed; magnitude = the loss itself
        assertEquals(expected, loss.actual()[0], sumTolerance((long) rows * cols, expected), "squaredError loss (added to 0.5)");
    }

    @Test
    void lossOpsRejectANonScalarAccumulatorAndMismatchedTargets() {
        Tensor z = track(backend.allocate(2, 3));
        Tensor y = track(backend.allocate(2, 3));
        Tensor yWrong = track(backend.allocate(3, 2));
        Tensor p = track(backend.allocate(2, 3));
        Tensor g = track(backend.allocate(2, 3));
        Tensor acc = track(backend.allocate(1, 1));
        Tensor notScalar = track(backend.allocate(1, 2));
        backend.fill(z, 0f);
        backend.fill(y, 0f);
        backend.fill(acc, 0f);
        assertThrows(IllegalArgumentException.class, () -> backend.softmaxCrossEntropy(z, y, p, g, notScalar));
        assertThrows(IllegalArgumentException.class, () -> backend.softmaxCrossEntropy(z, yWrong, p, g, acc));
        assertThrows(IllegalArgumentException.class, () -> backend.sigmoidBinaryCrossEntropy(z, yWrong, p, g, acc));
        assertThrows(IllegalArgumentException.class, () -> backend.squaredError(z, y, g, notScalar));
        assertThrows(IllegalArgumentException.class, () -> backend.countCorrect(z, yWrong, acc));
        assertThrows(IllegalArgumentException.class, () -> backend.sumOfSquares(z, notScalar));
    }

    // ================================================================ metrics

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void countCorrectMatchesReferenceExactly(int rows, int cols) {
        Random r = rnd("correct", rows, cols);
        Pair o = random(r, rows, cols, 0, 1);
        Pair y = oneHot(r, rows, cols);
        Pair c = pair(new float[] {5f}, 1, 1);
        ref.countCorrect(o.ref, y.ref, c.ref);
        backend.countCorrect(o.dev, y.dev, c.dev);
        // a count of at most a few hundred rows added to 5 is exact in float32
        assertEquals(ref.values(c.ref)[0], c.actual()[0], 0.0);
    }

    @Test
    void countCorrectBreaksTiesTowardTheFirstMaximum() {
        Pair o = pair(new float[] {0.5f, 0.5f, 0f, 0f, 0.5f, 0.5f}, 2, 3);
        Pair y = pair(new float[] {1f, 0f, 0f, 0f, 0f, 1f}, 2, 3);
        Pair c = pair(new float[] {0f}, 1, 1);
        backend.countCorrect(o.dev, y.dev, c.dev);
        assertEquals(1f, c.actual()[0]);
    }

    @Test
    void countCorrectWithOneColumnThresholdsAtOneHalf() {
        Pair o = pair(new float[] {0.5f, 0.49999997f, 0.9f, 0.1f, 0.7f}, 5, 1);
        Pair y = pair(new float[] {1f, 0f, 0f, 1f, 1f}, 5, 1);
        Pair c = pair(new float[] {10f}, 1, 1);
        backend.countCorrect(o.dev, y.dev, c.dev);
        assertEquals(13f, c.actual()[0]);
    }

    /** argmax read back through the public API: gather rows of the column [0, 1, …, n−1]. */
    private float[] argmaxViaGather(Tensor x, int rows, int cols) {
        Tensor idx = track(backend.allocateIndices(rows));
        backend.argmax(x, idx);
        float[] column = new float[cols];
        for (int j = 0; j < cols; j++) {
            column[j] = j;
        }
        Tensor src = track(backend.upload(column, cols, 1));
        Tensor out = track(backend.allocate(rows, 1));
        backend.gatherRows(src, idx, 0, out);
        return backend.download(out);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void argmaxMatchesReference(int rows, int cols) {
        Random r = rnd("argmax", rows, cols);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            // few distinct values, so ties are common and the first-maximum rule is exercised
            v[i] = r.nextInt(4);
        }
        Pair x = pair(v, rows, cols);
        Tensor idx = track(ref.allocateIndices(rows));
        ref.argmax(x.ref, idx);
        int[] expected = ref.indices(idx);
        float[] actual = argmaxViaGather(x.dev, rows, cols);
        for (int i = 0; i < rows; i++) {
            assertEquals(expected[i], actual[i], "row " + i);
        }
    }

    @Test
    void argmaxRejectsAWrongIndexCount() {
        Tensor x = track(backend.allocate(3, 2));
        Tensor idx = track(backend.allocateIndices(2));
        backend.fill(x, 0f);
        assertThrows(IllegalArgumentException.class, () -> backend.argmax(x, idx));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sumOfSquaresAddsToTheAccumulator(int rows, int cols) {
        Random r = rnd("sumsq", rows, cols);
        Pair x = random(r, rows, cols, -3, 3);
        Pair s = pair(new float[] {1f}, 1, 1);
        ref.sumOfSquares(x.ref, s.ref);
        backend.sumOfSquares(x.dev, s.dev);
        double expected = ref.values(s.ref)[0];
        assertEquals(expected, s.actual()[0], sumTolerance((long) rows * cols, expected), "sumOfSquares (added to 1)");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void scaleMultipliesInPlace(int rows, int cols) {
        Random r = rnd("scale", rows, cols);
        Pair x = random(r, rows, cols, -3, 3);
        ref.scale(x.ref, -0.3f);
        backend.scale(x.dev, -0.3f);
        // one float32 product: half an ulp
        assertClose("scale", x.expected(), x.actual(), U, 0);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void axpyAddsTheScaledTensor(int rows, int cols) {
        Random r = rnd("axpy", rows, cols);
        Pair x = random(r, rows, cols, -3, 3);
        Pair y = random(r, rows, cols, -3, 3);
        ref.axpy(0.01f, x.ref, y.ref);
        backend.axpy(0.01f, x.dev, y.dev);
        // y + a·x: two roundings (one with a fused multiply-add) of values ≤ 3.03
        assertClose("axpy", y.expected(), y.actual(), 0, 8 * U);
        assertArrayEquals(x.host, x.actual(), "axpy must not change x");
    }

    // ================================================================ dropout

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void dropoutDrawsTheReferenceMaskExactly(int rows, int cols) {
        Random r = rnd("dropout", rows, cols);
        Pair x = random(r, rows, cols, 0.5, 3); // never 0, so a zero output means dropped
        Pair y = filled(rows, cols, 7f);
        ref.dropout(x.ref, y.ref, 0.3f, 0x1234_5678_9ABCL, 17, 2);
        backend.dropout(x.dev, y.dev, 0.3f, 0x1234_5678_9ABCL, 17, 2);
        double[] e = y.expected();
        float[] a = y.actual();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i] == 0, a[i] == 0, "dropout: element " + i + " kept on one side and dropped on the other");
        }
        // kept: x·(1/(1 − p)) with the scale rounded to float32 once and one product: 1 u relative
        assertClose("dropout", e, a, 2 * U, 0);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void dropoutBackwardAppliesTheForwardMask(int rows, int cols) {
        Random r = rnd("dropoutBackward", rows, cols);
        Pair x = random(r, rows, cols, 0.5, 3);
        Pair dy = random(r, rows, cols, 0.5, 3);
        Tensor y = track(backend.allocate(rows, cols));
        backend.dropout(x.dev, y, 0.5f, 99L, 3, 1);
        backend.dropoutBackward(dy.dev, dy.dev, 0.5f, 99L, 3, 1); // in place, as Model.backward calls it
        float[] fwd = backend.download(y);
        float[] bwd = dy.actual();
        for (int i = 0; i < fwd.length; i++) {
            assertEquals(fwd[i] == 0, bwd[i] == 0, "element " + i + ": backward mask differs from forward");
            if (bwd[i] != 0) {
                assertEquals(dy.host[i] * 2f, bwd[i], "element " + i + ": kept gradient scaled by 1/(1 − 0.5)");
            }
        }
    }

    /**
     * Over 256×1031 elements the number dropped is Binomial(n, p): it must lie within 5 standard
     * deviations of n·p (a false failure has probability below 1e-6), at several rates.
     */
    @Test
    void dropoutKeepsTheRateWithinItsBinomialBound() {
        int rows = 256, cols = 1031, n = rows * cols;
        Tensor x = track(backend.allocate(rows, cols));
        Tensor y = track(backend.allocate(rows, cols));
        backend.fill(x, 1f);
        for (float p : new float[] {0.1f, 0.5f, 0.9f}) {
            backend.dropout(x, y, p, 42L, 1, 0);
            float[] out = backend.download(y);
            long dropped = 0;
            for (float v : out) {
                if (v == 0) {
                    dropped++;
                } else {
                    assertEquals(1f / (1f - p), v, 1e-6f * v, "kept value at rate " + p);
                }
            }
            double sd = Math.sqrt(n * p * (1.0 - p));
            assertTrue(Math.abs(dropped - n * (double) p) <= 5 * sd,
                    "rate " + p + ": dropped " + dropped + " of " + n + ", expected " + n * p + " ± " + 5 * sd);
        }
        backend.dropout(x, y, 0f, 42L, 1, 0);
        assertArrayEquals(backend.download(x), backend.download(y), "rate 0 keeps everything unscaled");
    }

    /**
     * Masks for other steps, layers or seeds agree where both keep or both drop about as often
     * as independent masks would: p² + (1 − p)² = 0.5 at p = 0.5, here within 5 standard deviations.
     */
    @Test
    void dropoutMasksAreIndependentAcrossStepsLayersAndSeeds() {
        int rows = 128, cols = 513, n = rows * cols;
        Tensor x = track(backend.allocate(rows, cols));
        backend.fill(x, 1f);
        float[] base = mask(x, 7L, 10, 0);
        float[][] others = {mask(x, 7L, 11, 0), mask(x, 7L, 10, 1), mask(x, 8L, 10, 0)};
        String[] what = {"next step", "next layer", "next seed"};
        double sd = Math.sqrt(n * 0.25);
        for (int k = 0; k < others.length; k++) {
            long agree = 0;
            for (int i = 0; i < n; i++) {
                if ((base[i] == 0) == (others[k][i] == 0)) {
                    agree++;
                }
            }
            assertTrue(Math.abs(agree - n * 0.5) <= 5 * sd, what[k] + ": masks agree on " + agree + " of " + n);
        }
        assertArrayEquals(base, mask(x, 7L, 10, 0), "the same key draws the same mask");
    }

    private float[] mask(Tensor ones, long seed, int step, int layer) {
        Tensor y = track(backend.allocate(ones.rows(), ones.cols()));
        backend.dropout(ones, y, 0.5f, seed, step, layer);
        return backend.download(y);
    }

    @Test
    void dropoutRejectsBadRatesAndShapes() {
        Tensor a = track(backend.allocate(2, 3));
        Tensor b = track(backend.allocate(3, 2));
        backend.fill(a, 1f);
        assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, b, 0.5f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, a, 1f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend.dropout(a, a, -0.1f, 1L, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> backend.dropoutBackward(a, b, 0.5f, 1L, 1, 0));
    }

    // ================================================================ optimisers

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sgdUpdateMatchesReference(int rows, int cols) {
        Random r = rnd("sgd", rows, cols);
        Pair p = random(r, rows, cols, -1, 1);
        Pair g = random(r, rows, cols, -1, 1);
        ref.sgdUpdate(p.ref, g.ref, 0.1f);
        backend.sgdUpdate(p.dev, g.dev, 0.1f);
        // p − lr·g: two roundings of values ≤ 1.1 (a fused multiply-add makes it one)
        assertClose("sgdUpdate", p.expected(), p.actual(), 0, 4 * U);
        assertArrayEquals(g.host, g.actual(), "sgdUpdate must not change the gradient");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void momentumUpdateMatchesReferenceOverThreeSteps(int rows, int cols) {
        Random r = rnd("momentum", rows, cols);
        Pair p = random(r, rows, cols, -1, 1);
        Pair v = filled(rows, cols, 0f);
        for (int step = 0; step < 3; step++) {
            Pair g = random(r, rows, cols, -1, 1);
            ref.momentumUpdate(p.ref, g.ref, v.ref, 0.05f, 0.9f);
            backend.momentumUpdate(p.dev, g.dev, v.dev, 0.05f, 0.9f);
        }
        // three steps of two roundings each on values ≤ 3 in magnitude
        assertClose("momentum velocity", v.expected(), v.actual(), 0, 32 * U);
        assertClose("momentum param", p.expected(), p.actual(), 0, 16 * U);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void adamUpdateMatchesReferenceOverThreeSteps(int rows, int cols) {
        Random r = rnd("adam", rows, cols);
        Pair p = random(r, rows, cols, -1, 1);
        Pair m = filled(rows, cols, 0f);
        Pair v = filled(rows, cols, 0f);
        for (int step = 1; step <= 3; step++) {
            Pair g = random(r, rows, cols, -1, 1);
            ref.adamUpdate(p.ref, g.ref, m.ref, v.ref, 0.01f, 0.9f, 0.999f, 1e-8f, step);
            backend.adamUpdate(p.dev, g.dev, m.dev, v.dev, 0.01f, 0.9f, 0.999f, 1e-8f, step);
        }
        // moments: a few roundings per step of values ≤ 1; the step lr·m̂/(√v̂ + ε) is ≤ lr·(a few)
        // with relative error of a few u (division, sqrt), on a parameter ≤ 1.1
        assertClose("adam m", m.expected(), m.actual(), 16 * U, 16 * U);
        assertClose("adam v", v.expected(), v.actual(), 16 * U, 16 * U * 1e-3);
        assertClose("adam param", p.expected(), p.actual(), 0, 32 * U);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void nesterovUpdateMatchesReferenceOverThreeSteps(int rows, int cols) {
        Random r = rnd("nesterov", rows, cols);
        Pair p = random(r, rows, cols, -1, 1);
        Pair v = filled(rows, cols, 0f);
        for (int step = 0; step < 3; step++) {
            Pair g = random(r, rows, cols, -1, 1);
            ref.nesterovUpdate(p.ref, g.ref, v.ref, 0.05f, 0.9f);
            backend.nesterovUpdate(p.dev, g.dev, v.dev, 0.05f, 0.9f);
        }
        // as momentum, with one more product and sum per step
        assertClose("nesterov velocity", v.expected(), v.actual(), 0, 32 * U);
        assertClose("nesterov param", p.expected(), p.actual(), 0, 32 * U);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void rmspropUpdateMatchesReferenceOverThreeSteps(int rows, int cols) {
        Random r = rnd("rmsprop", rows, cols);
        Pair p = random(r, rows, cols, -1, 1);
        Pair s = filled(rows, cols, 0f);
        for (int step = 0; step < 3; step++) {
            Pair g = random(r, rows, cols, -1, 1);
            ref.rmspropUpdate(p.ref, g.ref, s.ref, 0.01f, 0.99f, 1e-8f);
            backend.rmspropUpdate(p.dev, g.dev, s.dev, 0.01f, 0.99f, 1e-8f);
        }
        // square: a few roundings per step of values ≤ 1; the step lr·g/(√s + ε) is ≤ lr·(a few)
        // after one step s = 0.01·g², so g/√s ≈ 10) with a few u of relative error
        assertClose("rmsprop square", s.expected(), s.actual(), 16 * U, 16 * U * 1e-3);
        assertClose("rmsprop param", p.expected(), p.actual(), 0, 64 * U);
    }

    @Test
    void adamRejectsStepZero() {
        Tensor t = track(backend.allocate(1, 2));
        backend.fill(t, 0f);
        assertThrows(IllegalArgumentException.class,
                () -> backend.adamUpdate(t, t, t, t, 0.1f, 0.9f, 0.999f, 1e-8f, 0));
    }

    @Test
    void optimisersRejectMismatchedShapes() {
        Tensor a = track(backend.allocate(2, 3));
        Tensor b = track(backend.allocate(3, 2));
        backend.fill(a, 0f);
        backend.fill(b, 0f);
        assertThrows(IllegalArgumentException.class, () -> backend.sgdUpdate(a, b, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> backend.momentumUpdate(a, a, b, 0.1f, 0.9f));
        assertThrows(IllegalArgumentException.class,
                () -> backend.adamUpdate(a, a, b, a, 0.1f, 0.9f, 0.999f, 1e-8f, 1));
        assertThrows(IllegalArgumentException.class, () -> backend.nesterovUpdate(a, a, b, 0.1f, 0.9f));
        assertThrows(IllegalArgumentException.class, () -> backend.rmspropUpdate(a, b, a, 0.1f, 0.99f, 1e-8f));
        assertThrows(IllegalArgumentException.class, () -> backend.axpy(0.1f, a, b));
    }

    // ================================================================ data

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void gatherRowsCopiesTheIndexedRows(int rows, int cols) {
        Random r = rnd("gather", rows, cols);
        Pair src = random(r, rows, cols, -1, 1);
        int batch = Math.max(1, rows / 2 + 1);
        int start = 3;
        int[] idx = new int[start + batch + 2];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = r.nextInt(rows);
        }
        Tensor idxDev = track(backend.allocateIndices(idx.length));
        backend.uploadIndices(idx, idxDev);
        Tensor dst = track(backend.allocate(batch, cols));
        backend.gatherRows(src.dev, idxDev, start, dst);
        float[] out = backend.download(dst);
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(src.host[idx[start + b] * cols + j], out[b * cols + j], "row " + b + " column " + j);
            }
        }
    }

    @Test
    void gatherRowsRejectsIndicesPastTheEnd() {
        Tensor src = track(backend.allocate(4, 2));
        backend.fill(src, 1f);
        Tensor idx = track(backend.allocateIndices(3));
        backend.uploadIndices(new int[] {0, 1, 2}, idx);
        Tensor dst = track(backend.allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(src, idx, 2, dst));
        Tensor wrongCols = track(backend.allocate(2, 3));
        assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(src, idx, 0, wrongCols));
    }

    @Test
    void gatherRowsRejectsAnIndexOutsideTheSource() {
        Tensor src = track(backend.allocate(4, 2));
        backend.fill(src, 1f);
        Tensor idx = track(backend.allocateIndices(2));
        backend.uploadIndices(new int[] {0, 4}, idx);
        Tensor dst = track(backend.allocate(2, 2));
        assertThrows(IllegalArgumentException.class, () -> backend.gatherRows(src, idx, 0, dst));
    }
}
