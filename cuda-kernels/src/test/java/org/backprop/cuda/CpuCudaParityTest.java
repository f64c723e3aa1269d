package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Backends;
import org.backprop.core.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPU against CUDA, op by op, on the same seeded inputs, over shapes from 1-wide to a few thousand
 * per side. Both backends are found through ServiceLoader (backends never import each other); the
 * class is skipped, with the reason, where either is missing.
 *
 * <p>Tolerances: u = 2^-24. Two float32 computations of the same value that each respect the
 * standard error bound may differ by the sum of the two bounds, so each check allows twice the
 * worst-case bound of one side: for a sum of K terms, γ_K·Σ|terms| with γ_K ≈ K·u (any order of
 * summation), plus a few u for the elementwise roundings and for library functions (CUDA's expf,
 * logf, tanhf are within 2 ulp; Java's Math within 1). The bounds are computed from the inputs on
 * the host, in double, beside each check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresCuda.AndCpu.class)
class CpuCudaParityTest {

    private static final double U = Math.scalb(1.0, -24);

    private Backend cpu;
    private Backend gpu;
    private final List<Tensor> open = new ArrayList<>();
    /** Largest |cpu − cuda| seen per op over every shape, printed at the end as evidence. */
    private static final java.util.Map<String, Double> MAX_ERROR = new java.util.TreeMap<>();

    @BeforeAll
    void openBoth() {
        Availability cuda = CudaDevice.probe();
        assumeTrue(cuda.usable(), () -> "CUDA not usable here: " + cuda.detail());
        BackendProvider cpuProvider;
        try {
            cpuProvider = Backends.provider("cpu");
        } catch (BackendUnavailableException e) {
            cpuProvider = null;
        }
        assumeTrue(cpuProvider != null, "no cpu backend registered on the test class path");
        cpu = cpuProvider.create(BackendOptions.defaults());
        gpu = new CudaBackendProvider().create(BackendOptions.defaults());
    }

    @AfterAll
    void closeBoth() {
        if (!MAX_ERROR.isEmpty()) {
            StringBuilder sb = new StringBuilder("parity: max |cpu - cuda| per op over all shapes");
            MAX_ERROR.forEach((op, e) -> sb.append(String.format(java.util.Locale.ROOT, "%n  %-36s %.3e", op, e)));
            System.out.println(sb);
        }
        if (gpu != null) {
            gpu.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    @AfterEach
    void closeTensors() {
        open.forEach(Tensor::close);
        open.clear();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 1), Arguments.of(1, 3001), Arguments.of(3001, 1), Arguments.of(7, 10),
                Arguments.of(256, 10), Arguments.of(97, 1031), Arguments.of(2048, 1024));
    }

    static Stream<Arguments> gemmShapes() {
        int[][] mnk = {{1, 1, 1}, {1, 2049, 3}, {2049, 1, 7}, {3, 5, 2048}, {130, 129, 9}, {257, 1031, 129},
            {512, 1024, 784}};
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

    // ------------------------------------------------------------------ helpers

    /** The same host data on both backends: [0] on the CPU, [1] on the GPU. */
    private Tensor[] both(float[] host, int rows, int cols) {
        Tensor c = cpu.upload(host, rows, cols);
        Tensor g = gpu.upload(host, rows, cols);
        open.add(c);
        open.add(g);
        return new Tensor[] {c, g};
    }

    private static float[] random(Random r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return v;
    }

    private static float[] oneHot(Random r, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            v[i * cols + r.nextInt(cols)] = 1f;
        }
        return v;
    }

    private static float[] nan(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, Float.NaN);
        return v;
    }

    /** Elementwise |cpu − gpu| ≤ rel·|cpu| + abs[i]. */
    private static void assertParity(String what, float[] c, float[] g, double rel, double[] abs) {
        assertEquals(c.length, g.length, what + ": lengths");
        double worst = 0;
        for (int i = 0; i < c.length; i++) {
            worst = Math.max(worst, Math.abs((double) c[i] - g[i]));
        }
        MAX_ERROR.merge(what, worst, Math::max);
        for (int i = 0; i < c.length; i++) {
            double tol = rel * Math.abs(c[i]) + abs[i];
            if (!(Math.abs((double) c[i] - g[i]) <= tol)) {
                fail(what + ": element " + i + ": cpu " + c[i] + ", cuda " + g[i] + ", tolerance " + tol);
            }
        }
    }

    private static void assertParity(String what, float[] c, float[] g, double rel, double abs) {
        double[] a = new double[c.length];
        java.util.Arrays.fill(a, abs);
        assertParity(what, c, g, rel, a);
    }

    private float[][] results(Tensor[] t) {
        return new float[][] {cpu.download(t[0]), gpu.download(t[1])};
    }

    // ------------------------------------------------------------------ GEMM

    @ParameterizedTest(name = "{0}x{1}x{2} transA={3} transB={4}")
    @MethodSource("gemmShapes")
    void gemm(int m, int n, int k, boolean ta, boolean tb) {
        Random r = new Random(31L * m + 17L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = random(r, m * k, -1, 1);
        float[] b = random(r, k * n, -1, 1);
        float[] c0 = random(r, m * n, -1, 1);
        Tensor[] ta2 = both(a, ta ? k : m, ta ? m : k);
        Tensor[] tb2 = both(b, tb ? n : k, tb ? k : n);
        Tensor[] tc = both(c0, m, n);
        float alpha = 0.75f;
        float beta = 0.5f;
        cpu.gemm(ta, tb, alpha, ta2[0], tb2[0], beta, tc[0]);
        gpu.gemm(ta, tb, alpha, ta2[1], tb2[1], beta, tc[1]);
        float[][] out = results(tc);
        // per element: 2·(γ_k·|alpha|·Σ_p|a_ip·b_pj| + 3u·(|alpha·ab| + |beta·c|)): both sides' bounds
        double[] tol = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    s += Math.abs(av * bv);
                }
                tol[i * n + j] = 2 * ((k + 3) * U * alpha * s + 3 * U * Math.abs(beta * c0[i * n + j]));
            }
        }
        assertParity("gemm", out[0], out[1], 0, tol);
    }

    // ------------------------------------------------------------------ elementwise

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void activationsAndTheirBackwardPasses(int rows, int cols) {
        Random r = new Random(rows * 7919L + cols);
        int n = rows * cols;
        float[] x = random(r, n, -8, 8);
        float[] dy = random(r, n, -1, 1);
        Tensor[] tx = both(x, rows, cols);
        Tensor[] tdy = both(dy, rows, cols);
        Tensor[] ty = both(nan(n), rows, cols);
        Tensor[] tdx = both(nan(n), rows, cols);
        // activations are one library call plus a rounding or two: 8u relative, 8u absolute (|y| ≤ 1
        // and 1/(1+e^-x) loses relative accuracy only where y is near 0, where 8u absolute covers it)
        cpu.sigmoid(tx[0], ty[0]);
        gpu.sigmoid(tx[1], ty[1]);
        float[][] y = results(ty);
        assertParity("sigmoid", y[0], y[1], 8 * U, 8 * U);
        cpu.sigmoidBackward(ty[0], tdy[0], tdx[0]);
        gpu.sigmoidBackward(ty[1], tdy[1], tdx[1]);
        float[][] d = results(tdx);
        // dy·y·(1−y) from the two y's above (each within 8u): 3 roundings plus the propagated 16u
        assertParity("sigmoidBackward", d[0], d[1], 8 * U, 24 * U);

        cpu.tanh(tx[0], ty[0]);
        gpu.tanh(tx[1], ty[1]);
        y = results(ty);
        assertParity("tanh", y[0], y[1], 8 * U, 8 * U);
        cpu.tanhBackward(ty[0], tdy[0], tdx[0]);
        gpu.tanhBackward(ty[1], tdy[1], tdx[1]);
        d = results(tdx);
        // 1 − y² with the y's within 8u: |d(1−y²)| ≤ 2|y|·8u·|dy| ≤ 16u, plus 3 roundings
        assertParity("tanhBackward", d[0], d[1], 8 * U, 24 * U);

        cpu.relu(tx[0], ty[0]);
        gpu.relu(tx[1], ty[1]);
        y = results(ty);
        assertParity("relu", y[0], y[1], 0, 0);   // exact: a comparison, no arithmetic
        cpu.reluBackward(ty[0], tdy[0], tdx[0]);
        gpu.reluBackward(ty[1], tdy[1], tdx[1]);
        d = results(tdx);
        assertParity("reluBackward", d[0], d[1], 0, 0);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void biasAddAndGradient(int rows, int cols) {
        Random r = new Random(rows * 31L + cols * 7L);
        float[] x = random(r, rows * cols, -1, 1);
        float[] b = random(r, cols, -1, 1);
        float[] g0 = random(r, cols, -1, 1);
        Tensor[] tx = both(x, rows, cols);
        Tensor[] tb = both(b, 1, cols);
        cpu.addBias(tx[0], tb[0]);
        gpu.addBias(tx[1], tb[1]);
        float[][] out = results(tx);
        assertParity("addBias", out[0], out[1], 0, 0);   // one correctly rounded addition: exact on both

        Tensor[] tg = both(g0, 1, cols);
        cpu.biasGradient(tx[0], 0.5f, tg[0]);
        gpu.biasGradient(tx[1], 0.5f, tg[1]);
        float[][] g = results(tg);
        double[] tol = new double[cols];
        for (int j = 0; j < cols; j++) {
            double s = Math.abs(0.5 * g0[j]);
            for (int i = 0; i < rows; i++) {
                s += Math.abs(out[0][i * cols + j]);
            }
            tol[j] = 2 * (rows + 2) * U * s;   // a column sum of m+1 terms, both sides
        }
        assertParity("biasGradient", g[0], g[1], 0, tol);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void softmaxAndCrossEntropy(int rows, int cols) {
        Random r = new Random(rows * 101L + cols);
        int n = rows * cols;
        float[] z = random(r, n, -20, 20);
        float[] y = oneHot(r, rows, cols);
        Tensor[] tz = both(z, rows, cols);
        Tensor[] ty = both(y, rows, cols);
        Tensor[] tp = both(nan(n), rows, cols);
        Tensor[] tg = both(nan(n), rows, cols);
        Tensor[] loss = both(new float[] {2f}, 1, 1);

        cpu.softmax(tz[0], tp[0]);
        gpu.softmax(tz[1], tp[1]);
        float[][] p = results(tp);
        // p = e/Σe: the argument x − max (|x − max| ≤ 40) may be rounded to float, an absolute
        // error of up to 40u that exp turns into 40u relative; each exp within 2 ulp, the sum of n
        // positive terms within γ_n, one division; relative, both sides; a tiny absolute floor for
        // results in the subnormal range
        double relP = 2 * (40 + cols + 8) * U;
        assertParity("softmax", p[0], p[1], relP, 1e-37);

        cpu.softmaxCrossEntropy(tz[0], ty[0], tp[0], tg[0], loss[0]);
        gpu.softmaxCrossEntropy(tz[1], ty[1], tp[1], tg[1], loss[1]);
        p = results(tp);
        float[][] g = results(tg);
        assertParity("softmaxCrossEntropy probabilities", p[0], p[1], relP, 1e-37);
        // (p − y)/m: the p error (≤ relP·p ≤ relP) over m, plus two roundings
        assertParity("softmaxCrossEntropy grad", g[0], g[1], 4 * U, relP / rows + 1e-37);
        // loss = Σ_i (lse_i − z_i,target): each term ≤ 2·20 + log n in magnitude, with relative
        // error ~ (n + 8)u from the log-sum-exp, and the sum of m terms adds γ_m of their total
        double terms = rows * (40 + Math.log(cols));
        double lossTol = 2 * (cols + rows + 16) * U * terms;
        float[][] l = results(loss);
        assertParity("softmaxCrossEntropy loss", l[0], l[1], 0, lossTol);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void sigmoidBinaryCrossEntropyAndSquaredError(int rows, int cols) {
        Random r = new Random(rows * 13L + cols * 101L);
        int n = rows * cols;
        float[] z = random(r, n, -10, 10);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextBoolean() ? 1f : 0f;
        }
        Tensor[] tz = both(z, rows, cols);
        Tensor[] ty = both(y, rows, cols);
        Tensor[] tp = both(nan(n), rows, cols);
        Tensor[] tg = both(nan(n), rows, cols);
        Tensor[] loss = both(new float[] {0f}, 1, 1);
        cpu.sigmoidBinaryCrossEntropy(tz[0], ty[0], tp[0], tg[0], loss[0]);
        gpu.sigmoidBinaryCrossEntropy(tz[1], ty[1], tp[1], tg[1], loss[1]);
        float[][] p = results(tp);
        float[][] g = results(tg);
        assertParity("bce probabilities", p[0], p[1], 8 * U, 8 * U);
        assertParity("bce grad", g[0], g[1], 8 * U, 16 * U / rows);
        // each term max(z,0) − zy + log1p(e^−|z|) ≤ 10 + 1 in magnitude, a few roundings each; the
        // sum of n terms adds γ_n of the total
        double lossTol = 2 * (n + 16) * U * n * 11.0;
        float[][] l = results(loss);
        assertParity("bce loss", l[0], l[1], 0, lossTol);

        Tensor[] se = both(new float[] {0f}, 1, 1);
        cpu.squaredError(tp[0], ty[0], tg[0], se[0]);
        gpu.squaredError(tp[1], ty[1], tg[1], se[1]);
        g = results(tg);
        // the inputs p already differ by ≤ 8u(|p|+1) ≤ 16u; 2(p − y)/m doubles that, over m
        assertParity("squaredError grad", g[0], g[1], 4 * U, 40 * U / rows);
        // Σ(p − y)² of n terms ≤ 1: γ_n per side, plus the propagated input difference 2·16u per term
        double seTol = 2 * (n + 4) * U * n + 32 * U * n;
        float[][] s = results(se);
        assertParity("squaredError loss", s[0], s[1], 0, seTol);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void metrics(int rows, int cols) {
        Random r = new Random(rows * 3L + cols * 5L);
        int n = rows * cols;
        float[] o = random(r, n, 0, 1);
        float[] y = cols == 1 ? random(r, n, 0, 1) : oneHot(r, rows, cols);
        Tensor[] to = both(o, rows, cols);
        Tensor[] ty = both(y, rows, cols);
        Tensor[] correct = both(new float[] {3f}, 1, 1);
        cpu.countCorrect(to[0], ty[0], correct[0]);
        gpu.countCorrect(to[1], ty[1], correct[1]);
        float[][] c = results(correct);
        assertEquals(c[0][0], c[1][0], "countCorrect: integer counts must agree exactly");

        Tensor[] sum = both(new float[] {1f}, 1, 1);
        cpu.sumOfSquares(to[0], sum[0]);
        gpu.sumOfSquares(to[1], sum[1]);
        float[][] s = results(sum);
        assertParity("sumOfSquares", s[0], s[1], 0, 2 * (n + 3) * U * (n + 1));   // n+1 terms ≤ 1

        // argmax, read back through a gather of the column [0, 1, ..., cols−1] (public API only)
        float[] column = new float[cols];
        for (int j = 0; j < cols; j++) {
            column[j] = j;
        }
        Tensor[] src = both(column, cols, 1);
        Tensor[] picked = both(nan(rows), rows, 1);
        Tensor ic = cpu.allocateIndices(rows);
        Tensor ig = gpu.allocateIndices(rows);
        open.add(ic);
        open.add(ig);
        cpu.argmax(to[0], ic);
        gpu.argmax(to[1], ig);
        cpu.gatherRows(src[0], ic, 0, picked[0]);
        gpu.gatherRows(src[1], ig, 0, picked[1]);
        float[][] a = results(picked);
        assertParity("argmax", a[0], a[1], 0, 0);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void optimisersOverThreeSteps(int rows, int cols) {
        Random r = new Random(rows * 1009L + cols);
        int n = rows * cols;
        float[] p0 = random(r, n, -1, 1);
        Tensor[] sgd = both(p0, rows, cols);
        Tensor[] mom = both(p0, rows, cols);
        Tensor[] vel = both(new float[n], rows, cols);
        Tensor[] adam = both(p0, rows, cols);
        Tensor[] m1 = both(new float[n], rows, cols);
        Tensor[] m2 = both(new float[n], rows, cols);
        for (int step = 1; step <= 3; step++) {
            Tensor[] g = both(random(r, n, -1, 1), rows, cols);
            cpu.sgdUpdate(sgd[0], g[0], 0.1f);
            gpu.sgdUpdate(sgd[1], g[1], 0.1f);
            cpu.momentumUpdate(mom[0], g[0], vel[0], 0.05f, 0.9f);
            gpu.momentumUpdate(mom[1], g[1], vel[1], 0.05f, 0.9f);
            cpu.adamUpdate(adam[0], g[0], m1[0], m2[0], 0.01f, 0.9f, 0.999f, 1e-8f, step);
            gpu.adamUpdate(adam[1], g[1], m1[1], m2[1], 0.01f, 0.9f, 0.999f, 1e-8f, step);
        }
        // values ≤ a few in magnitude, two or three roundings per step (an FMA may skip one), 3 steps
        float[][] s = results(sgd);
        assertParity("sgd", s[0], s[1], 0, 16 * U);
        float[][] v = results(vel);
        assertParity("momentum velocity", v[0], v[1], 0, 64 * U);
        float[][] pm = results(mom);
        assertParity("momentum param", pm[0], pm[1], 0, 32 * U);
        // Adam's step lr·m̂/(√v̂+ε) is ≤ lr·(a few) with relative error of some 16u (division, sqrt,
        // the bias corrections); on parameters ≤ 1.1 that is far below the 64u absolute allowed
        float[][] pa = results(adam);
        assertParity("adam param", pa[0], pa[1], 0, 64 * U);
    }

    @Test
    void gatherRowsIsAnExactCopy() {
        Random r = new Random(42);
        int rows = 3001;
        int cols = 784;
        float[] data = random(r, rows * cols, 0, 1);
        Tensor[] src = both(data, rows, cols);
        int[] idx = new int[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = r.nextInt(rows);
        }
        Tensor ic = cpu.allocateIndices(rows);
        Tensor ig = gpu.allocateIndices(rows);
        open.add(ic);
        open.add(ig);
        cpu.uploadIndices(idx, ic);
        gpu.uploadIndices(idx, ig);
        Tensor[] dst = both(nan(256 * cols), 256, cols);
        cpu.gatherRows(src[0], ic, 1000, dst[0]);
        gpu.gatherRows(src[1], ig, 1000, dst[1]);
        float[][] out = results(dst);
        assertParity("gatherRows", out[0], out[1], 0, 0);
    }

    /** The dropout masks must be identical, bit for bit: both backends multiply x by the same float32 scale. */
    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("shapes")
    void dropoutMasksAreIdenticalBitForBit(int rows, int cols) {
        Random r = new Random(rows * 31L + cols);
        float[] x = random(r, rows * cols, 0.5, 3);
        for (int layer = 0; layer < 3; layer++) {
            Tensor[] tx = both(x, rows, cols);
            Tensor[] ty = both(new float[rows * cols], rows, cols);
            cpu.dropout(tx[0], ty[0], 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
            gpu.dropout(tx[1], ty[1], 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
            float[][] out = results(ty);
            for (int i = 0; i < out[0].length; i++) {
                assertEquals(Float.floatToRawIntBits(out[0][i]), Float.floatToRawIntBits(out[1][i]),
                        "layer " + layer + " element " + i + ": cpu " + out[0][i] + ", cuda " + out[1][i]);
            }
            cpu.dropoutBackward(tx[0], tx[0], 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
            gpu.dropoutBackward(tx[1], tx[1], 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
            float[][] back = results(tx);
            for (int i = 0; i < back[0].length; i++) {
                assertEquals(Float.floatToRawIntBits(back[0][i]), Float.floatToRawIntBits(back[1][i]),
                        "dropoutBackward layer " + layer + " element " + i);
            }
        }
    }
}
