package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;
import org.backprop.core.reference.OpCase.Run;

/**
 * Every op of {@link Backend} as seeded cases over many shapes, each output with its float32
 * bound and the reason for it. The backend contract tests, the CPU↔CUDA parity tests, the
 * thread-determinism test and {@code backprop parity} all run these cases, so a bound is stated
 * once and every judge applies the same one.
 *
 * <p>To add an op: write one {@code eachMatrix(...)} line (or {@code add(...)} for shapes of its
 * own) in the family's method below, with a body that draws its inputs from the run's generator,
 * calls the op and registers each output with a {@link Tolerance} that says why. Behaviour that random inputs cannot show (special values, ties,
 * views, rejections) stays a named test in the contract.
 */
public final class OpCatalogue {

    /** System property choosing the shape set: {@code standard} (default) or {@code reduced}. */
    public static final String SHAPES_PROPERTY = "backprop.catalogue.shapes";

    /** The seed of every case unless a caller picks another. */
    public static final long DEFAULT_SEED = 20261121L;

    /**
     * Which shapes the cases run on. Matrix shapes are rows×cols; GEMM shapes m×n×k, each tried
     * with every transpose; training GEMMs are m, n, k, transA, transB (1 or 0).
     */
    public record Shapes(String name, List<int[]> matrices, List<int[]> gemms, List<int[]> trainingGemms) {

        /**
         * 1-wide, odd, prime, tall, wide, long reductions and sizes past every cache block, up to
         * 2048×1024 and the training products of a 784-1024 layer at batch 512.
         */
        public static final Shapes STANDARD = new Shapes("standard",
                List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {1, 127}, new int[] {13, 31},
                        new int[] {127, 10}, new int[] {31, 2}, new int[] {256, 10}, new int[] {1, 3001},
                        new int[] {3001, 1}, new int[] {97, 1031}, new int[] {257, 1031}, new int[] {2048, 1024}),
                List.of(new int[] {1, 1, 1}, new int[] {1, 13, 1}, new int[] {13, 1, 7}, new int[] {1, 1, 127},
                        new int[] {7, 13, 31}, new int[] {31, 7, 127}, new int[] {127, 31, 13}, new int[] {2, 3, 1},
                        new int[] {1000, 3, 2}, new int[] {3, 1000, 5}, new int[] {3, 5, 1000}, new int[] {64, 64, 64},
                        new int[] {17, 33, 65}, new int[] {100, 129, 47}, new int[] {256, 97, 300},
                        new int[] {129, 513, 257}, new int[] {1, 2049, 3}, new int[] {2049, 1, 7},
                        new int[] {3, 5, 2048}, new int[] {257, 1031, 129}),
                List.of(new int[] {512, 1024, 784, 0, 0}, new int[] {784, 1024, 512, 1, 0},
                        new int[] {512, 784, 1024, 0, 1}));

        /**
         * Still 1-wide, odd and prime, but small enough for an emulated driver that runs one host
         * thread per CUDA thread: at most a few hundred elements, k up to 65.
         */
        public static final Shapes REDUCED = new Shapes("reduced",
                List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {13, 31}, new int[] {31, 2}),
                List.of(new int[] {1, 1, 1}, new int[] {1, 13, 1}, new int[] {13, 1, 7}, new int[] {2, 3, 1},
                        new int[] {7, 13, 31}, new int[] {17, 33, 65}),
                List.of());

        /** Large enough that a multithreaded backend really splits the work (the determinism test). */
        public static final Shapes THREADS = new Shapes("threads",
                List.of(new int[] {257, 1031}, new int[] {5003, 13}, new int[] {70000, 1}, new int[] {3, 40000}),
                List.of(new int[] {1, 1, 1}, new int[] {13, 127, 31}, new int[] {97, 513, 300},
                        new int[] {300, 50, 1000}, new int[] {257, 1031, 61}, new int[] {5, 2000, 7}),
                List.of());

        /** STANDARD, or REDUCED where {@value #SHAPES_PROPERTY} says {@code reduced}. */
        public static Shapes fromProperty() {
            String v = System.getProperty(SHAPES_PROPERTY, "standard").trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "standard", "" -> STANDARD;
                case "reduced" -> REDUCED;
                default -> throw new IllegalArgumentException(SHAPES_PROPERTY + " must be standard or reduced, not '" + v + "'");
            };
        }

        /** These shapes plus more matrices and GEMMs. */
        public Shapes plus(List<int[]> moreMatrices, List<int[]> moreGemms) {
            List<int[]> m = new ArrayList<>(matrices);
            m.addAll(moreMatrices);
            List<int[]> g = new ArrayList<>(gemms);
            g.addAll(moreGemms);
            return new Shapes(name + "+", List.copyOf(m), List.copyOf(g), trainingGemms);
        }
    }

    private final Shapes shapes;
    private final long seed;
    private final List<OpCase> cases = new ArrayList<>();

    private OpCatalogue(Shapes shapes, long seed) {
        this.shapes = shapes;
        this.seed = seed;
        memory();
        gemm();
        bias();
        activations();
        losses();
        metrics();
        dropout();
        optimisers();
        data();
        fused();
    }

    /** Every case over the given shapes, with the default seed. */
    public static List<OpCase> cases(Shapes shapes) {
        return cases(shapes, DEFAULT_SEED);
    }

    public static List<OpCase> cases(Shapes shapes, long seed) {
        return List.copyOf(new OpCatalogue(shapes, seed).cases);
    }

    /** The cases of one family over the shapes {@link Shapes#fromProperty()} picks. */
    public static List<OpCase> family(Family family) {
        return cases(Shapes.fromProperty()).stream().filter(c -> c.family() == family).toList();
    }

    private void add(String op, String variant, Family family, int[] shape, OpCase.Body body) {
        cases.add(new OpCase(op, variant, family, shape, seed, body));
    }

    /** For every matrix shape, one case. */
    private void eachMatrix(String op, String variant, Family family, MatrixBody body) {
        for (int[] s : shapes.matrices()) {
            add(op, variant, family, s, run -> body.run(run, s[0], s[1]));
        }
    }

    @FunctionalInterface
    private interface MatrixBody {
        void run(Run run, int rows, int cols);
    }

    /**
     * Tolerance for a sum of N terms of total magnitude {@code mag} accumulated in float32: a
     * summation tree or chunked sum errs by about √N·u·mag on random data (worst case N·u); 8·(√N + 4)
     * leaves room for per-term rounding and the final add into the accumulator.
     */
    public static double sumTolerance(long terms, double mag) {
        return 8 * (Math.sqrt(terms) + 4) * U * mag;
    }

    /**
     * Softmax tolerance, relative per probability: x − max is rounded (u·|x|), exp adds a few ulp,
     * and the row sum of n terms adds up to √n·u on random data: 16u·(2 + max|x| + √n).
     */
    public static double softmaxTolerance(double maxAbsLogit, int n) {
        return 16 * U * (2 + maxAbsLogit + Math.sqrt(n));
    }

    private static final String COPY = "a copy: bit for bit";

    // ================================================================ memory

    private void memory() {
        eachMatrix("upload", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor t = r.upload(r.uniform(rows * cols, -1e6, 1e6), rows, cols);
            r.output("download", t, Tolerance.exact(COPY));
        });
        eachMatrix("fill", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor t = r.allocate(rows, cols);
            r.backend().fill(t, -2.5f);
            r.output("t", t, Tolerance.exact(COPY));
        });
        eachMatrix("copy", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor dst = r.allocate(rows, cols);
            r.backend().copy(src, dst);
            r.output("dst", dst, Tolerance.exact(COPY));
        });
    }

    // ================================================================ GEMM

    private void gemm() {
        for (int[] s : shapes.gemms()) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                String tr = (ta ? "T" : "N") + (tb ? "T" : "N");
                add("gemm", tr, Family.GEMM, s, r -> gemmBody(r, s[0], s[1], s[2], ta, tb, 1f, 0f));
                add("gemm", tr + " alpha beta", Family.GEMM, s, r -> gemmBody(r, s[0], s[1], s[2], ta, tb, -1.5f, 0.75f));
            }
        }
        for (int[] s : shapes.trainingGemms()) {
            boolean ta = s[3] != 0;
            boolean tb = s[4] != 0;
            String tr = (ta ? "T" : "N") + (tb ? "T" : "N");
            add("gemm", tr + " training size", Family.GEMM, new int[] {s[0], s[1], s[2]},
                    r -> gemmBody(r, s[0], s[1], s[2], ta, tb, 1f, 1f));
        }
    }

    /** C = alpha·op(A)·op(B) + beta·C; with beta = 0, C starts as NaN, which must be ignored. */
    private static void gemmBody(Run r, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta) {
        float[] a = r.uniform(m * k, -1, 1);
        float[] b = r.uniform(k * n, -1, 1);
        float[] c0 = beta == 0 ? Run.constant(m * n, Float.NaN) : r.uniform(m * n, -1, 1);
        Tensor at = r.upload(a, ta ? k : m, ta ? m : k);
        Tensor bt = r.upload(b, tb ? n : k, tb ? k : n);
        Tensor ct = r.upload(c0, m, n);
        r.backend().gemm(ta, tb, alpha, at, bt, beta, ct);
        // Σ_p |a·b| per element (the worst-case scale) and Σ_ij Σ_p (a·b)² (the norm C has on
        // random signed data), computed once, and only when the output is checked
        double[][] scale = new double[1][];
        double[] typicalNorm = new double[1];
        Runnable products = () -> {
            if (scale[0] != null) {
                return;
            }
            double[] abs = new double[m * n];
            double sq = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double ab = (ta ? a[p * m + i] : a[i * k + p]) * (double) (tb ? b[j * k + p] : b[p * n + j]);
                        s += Math.abs(ab);
                        sq += ab * ab;
                    }
                    abs[i * n + j] = s;
                }
            }
            scale[0] = abs;
            typicalNorm[0] = Math.abs(alpha) * Math.sqrt(sq);
        };
        Tolerance worstCase = Tolerance.perElement(() -> {
            products.run();
            double[] abs = scale[0];
            return (i, e) -> (k + 3) * U * Math.abs(alpha) * abs[i] + (beta == 0 ? 0 : 3 * U * Math.abs(beta * c0[i]));
        }, "per element the worst case of any summation order: (k + 3)·u·|alpha|·Σ|a·b| + 3u·|beta·c|");
        // the norm bound is the tighter one on random data: rounding errors of a k-term dot product
        // of random signed values add like a random walk (≈ √k·u relative, whatever the blocking);
        // +2 covers the alpha scaling, the beta term and the final rounding. Relative to ‖c‖, or to
        // the norm c would have without cancellation (|alpha|·√ΣΣ(a·b)²) where that is larger.
        r.output("c", ct, worstCase.andNorm(8 * (Math.sqrt(k) + 2) * U, () -> {
            products.run();
            return typicalNorm[0];
        },
                "‖Δc‖ ≤ 8·(√k + 2)·u·max(‖c‖, |alpha|·√ΣΣ(a·b)²): random-walk accumulation of k products"));
    }

    // ================================================================ bias

    private void bias() {
        eachMatrix("addBias", "", Family.BIAS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor b = r.upload(r.uniform(cols, -1, 1), 1, cols);
            r.backend().addBias(x, b);
            r.output("x", x, Tolerance.exact("one float32 addition, correctly rounded"));
        });
        eachMatrix("biasGradient", "", Family.BIAS, (r, rows, cols) -> {
            Tensor d = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.nan(1, cols);
            r.backend().biasGradient(d, 0f, g);
            r.output("grad", g, Tolerance.abs(sumTolerance(rows, rows), "a column sum of m terms ≤ 1 in magnitude"));
        });
        eachMatrix("biasGradient", "beta", Family.BIAS, (r, rows, cols) -> {
            Tensor d = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.upload(r.uniform(cols, -1, 1), 1, cols);
            r.backend().biasGradient(d, 0.5f, g);
            r.output("grad", g, Tolerance.abs(sumTolerance(rows + 1, rows + 1), "0.5·old + a column sum: m + 1 terms ≤ 1"));
        });
    }

    // ================================================================ activations

    @FunctionalInterface
    private interface Unary {
        void apply(Backend b, Tensor x, Tensor y);
    }

    @FunctionalInterface
    private interface Backward {
        void apply(Backend b, Tensor y, Tensor dy, Tensor dx);
    }

    @FunctionalInterface
    private interface HostForward {
        double apply(double x);
    }

    private static final String TRANSCENDENTAL = "float32 transcendental (a few ulp) plus one rounding: 32u relative,"
            + " 32u·1e-3 absolute for outputs near zero";

    private void activations() {
        String library = "one library call (CUDA's expf and tanhf within 2 ulp, Java's Math within 1) plus a"
                + " rounding or two: 8u relative, 8u absolute where y is near 0";
        forward("sigmoid", Backend::sigmoid, -12, 12,
                Tolerance.relAbs(32 * U, 32 * U * 1e-3, TRANSCENDENTAL).andPair(8 * U, 8 * U, library));
        forward("tanh", Backend::tanh, -6, 6,
                Tolerance.relAbs(32 * U, 32 * U * 1e-3, TRANSCENDENTAL).andPair(8 * U, 8 * U, library));
        forward("relu", Backend::relu, -1, 1, Tolerance.exact("a comparison, no arithmetic"));
        String poly = "dy·f'(y) with f' a short float32 polynomial in y ∈ [-1, 1]: a few roundings of terms"
                + " bounded by |dy| ≤ 2: 32u absolute";
        String samePoly = "the same few float32 roundings of the same y and dy: 8u relative, 24u absolute";
        backward("sigmoidBackward", ReferenceBackend::sigmoid, Backend::sigmoidBackward,
                Tolerance.abs(32 * U, poly).andPair(8 * U, 24 * U, samePoly));
        backward("tanhBackward", Math::tanh, Backend::tanhBackward,
                Tolerance.abs(32 * U, poly).andPair(8 * U, 24 * U, samePoly));
        backward("reluBackward", x -> x > 0 ? x : 0, Backend::reluBackward,
                Tolerance.exact("dy where y > 0, else 0: no arithmetic"));
    }

    private void forward(String op, Unary f, double lo, double hi, Tolerance tol) {
        for (boolean inPlace : new boolean[] {false, true}) {
            eachMatrix(op, inPlace ? "in place" : "", Family.ACTIVATIONS, (r, rows, cols) -> {
                Tensor x = r.upload(r.uniform(rows * cols, lo, hi), rows, cols);
                Tensor y = inPlace ? x : r.nan(rows, cols);
                f.apply(r.backend(), x, y);
                r.output("y", y, tol);
                if (!inPlace) {
                    r.output("x after (must not change)", x, Tolerance.exact("an input is not written"));
                }
            });
        }
    }

    private void backward(String op, HostForward f, Backward df, Tolerance tol) {
        for (boolean inPlace : new boolean[] {false, true}) {
            eachMatrix(op, inPlace ? "in place" : "", Family.ACTIVATIONS, (r, rows, cols) -> {
                // y is the forward output rounded to float on the host, so every backend sees the same y
                float[] x = r.uniform(rows * cols, -4, 4);
                float[] y = new float[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = (float) f.apply(x[i]);
                }
                Tensor yt = r.upload(y, rows, cols);
                Tensor dy = r.upload(r.uniform(rows * cols, -2, 2), rows, cols);
                Tensor dx = inPlace ? dy : r.nan(rows, cols);
                df.apply(r.backend(), yt, dy, dx);
                r.output("dx", dx, tol);
            });
        }
    }

    // ================================================================ softmax and losses

    private void losses() {
        for (boolean inPlace : new boolean[] {false, true}) {
            eachMatrix("softmax", inPlace ? "in place" : "", Family.LOSSES, (r, rows, cols) -> {
                Tensor z = r.upload(r.uniform(rows * cols, -8, 8), rows, cols);
                Tensor p = inPlace ? z : r.nan(rows, cols);
                r.backend().softmax(z, p);
                r.output("probabilities", p, Tolerance.relAbs(softmaxTolerance(8, cols), Float.MIN_NORMAL,
                        "relative per probability: x − max rounded, exp within a few ulp, a row sum of n terms:"
                                + " 16u·(2 + max|x| + √n)")
                        .andPair(2 * (16 + cols + 8) * U, 1e-37, "x − max (≤ 16) rounded, exp within 2 ulp, the"
                                + " worst case γ_n of the row sum and one division, on both sides"));
            });
        }
        eachMatrix("softmaxCrossEntropy", "", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, false, false));
        eachMatrix("softmaxCrossEntropy", "grad in place of probabilities", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, true, false));
        eachMatrix("softmaxCrossEntropy", "soft targets", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, false, true));
        eachMatrix("sigmoidBinaryCrossEntropy", "", Family.LOSSES,
                (r, rows, cols) -> binaryCrossEntropy(r, rows, cols, false));
        eachMatrix("sigmoidBinaryCrossEntropy", "grad in place of probabilities", Family.LOSSES,
                (r, rows, cols) -> binaryCrossEntropy(r, rows, cols, true));
        eachMatrix("squaredError", "", Family.LOSSES, (r, rows, cols) -> {
            Tensor o = r.upload(r.uniform(rows * cols, -1, 2), rows, cols);
            Tensor y = r.upload(r.uniform(rows * cols, 0, 1), rows, cols);
            Tensor g = r.nan(rows, cols);
            Tensor loss = r.upload(new float[] {0.5f}, 1, 1);
            r.backend().squaredError(o, y, g, loss);
            r.output("grad", g, Tolerance.relAbs(4 * U, 8 * U / rows, "2(ŷ − y)/m: a difference and a product, |ŷ − y| ≤ 2"));
            long n = (long) rows * cols;
            r.output("loss (added to 0.5)", loss, Tolerance.perElement(() -> (i, e) -> sumTolerance(n, e),
                    "squares rounded (u each) and summed: the sum tolerance of n terms of the loss's magnitude"));
        });
    }

    private static void softmaxCrossEntropy(Run r, int rows, int cols, boolean gradAliasesProbabilities, boolean soft) {
        double maxAbsLogit = 6;
        float[] z = r.uniform(rows * cols, -maxAbsLogit, maxAbsLogit);
        float[] y = soft ? r.uniform(rows * cols, 0, 1) : r.oneHot(rows, cols);
        Tensor zt = r.upload(z, rows, cols);
        Tensor yt = r.upload(y, rows, cols);
        Tensor p = r.nan(rows, cols);
        Tensor g = gradAliasesProbabilities ? p : r.nan(rows, cols);
        Tensor loss = r.upload(new float[] {3f}, 1, 1);
        r.backend().softmaxCrossEntropy(zt, yt, p, g, loss);
        double rtol = softmaxTolerance(maxAbsLogit, cols);
        if (!gradAliasesProbabilities) {
            r.output("probabilities", p, Tolerance.relAbs(rtol, Float.MIN_NORMAL, "as softmax"));
        }
        // the probability the reference used is p = g·m + y, recovered from the expected gradient
        r.output("grad", g, Tolerance.perElement(() -> (i, e) -> {
            double pe = e * rows + y[i];
            return (rtol * Math.abs(pe) + 2 * U * (Math.abs(pe) + Math.abs(y[i]))) / rows + Float.MIN_NORMAL;
        }, "(ŷ − y)/m: the probability's error plus one rounding of the difference, over m"));
        r.output("loss (added to 3)", loss, Tolerance.perElement(() -> {
            double mag = 3;
            for (int i = 0; i < rows * cols; i++) {
                mag += Math.abs(y[i]) * (Math.abs(z[i]) + maxAbsLogit + Math.log(cols) + 1);
            }
            double tol = sumTolerance((long) rows * cols, mag);
            return (i, e) -> tol;
        }, "terms y·(z − lse), each rounded relative to |y|·(|z| + |lse|), summed over the batch"));
    }

    private static void binaryCrossEntropy(Run r, int rows, int cols, boolean gradAliasesProbabilities) {
        float[] z = r.uniform(rows * cols, -10, 10);
        float[] y = gradAliasesProbabilities ? r.uniform(rows * cols, 0, 1) : r.binary(rows * cols);
        Tensor zt = r.upload(z, rows, cols);
        Tensor yt = r.upload(y, rows, cols);
        Tensor p = r.nan(rows, cols);
        Tensor g = gradAliasesProbabilities ? p : r.nan(rows, cols);
        Tensor loss = r.upload(new float[] {-2f}, 1, 1);
        r.backend().sigmoidBinaryCrossEntropy(zt, yt, p, g, loss);
        if (!gradAliasesProbabilities) {
            r.output("probabilities", p, Tolerance.relAbs(32 * U, Float.MIN_NORMAL, "σ(z) in float32: a few ulp")
                    .andPair(8 * U, 8 * U, "one library exp and a division on each side"));
        }
        r.output("grad", g, Tolerance.abs(34 * U / rows,
                "(σ(z) − y)/m: σ's error plus one rounding of a difference of values ≤ 1, over m")
                .andPair(8 * U, 16 * U / rows, "the two σ's differences, plus one rounding, over m"));
        r.output("loss (added to -2)", loss, Tolerance.perElement(() -> {
            double mag = 2;
            for (float v : z) {
                mag += 2 * Math.abs(v) + 1;
            }
            double tol = sumTolerance((long) rows * cols, mag);
            return (i, e) -> tol;
        }, "each term max(z,0) − z·y + log1p(e^−|z|) errs by a few u·(|z| + 1); summed"));
    }

    // ================================================================ metrics

    private void metrics() {
        eachMatrix("countCorrect", "", Family.METRICS, (r, rows, cols) -> {
            Tensor o = r.upload(r.uniform(rows * cols, 0, 1), rows, cols);
            Tensor y = r.upload(r.oneHot(rows, cols), rows, cols);
            Tensor c = r.upload(new float[] {5f}, 1, 1);
            r.backend().countCorrect(o, y, c);
            r.output("correct (added to 5)", c, Tolerance.exact("a count of up to a few thousand rows is exact in float32"));
        });
        eachMatrix("argmax", "", Family.METRICS, (r, rows, cols) -> {
            float[] v = new float[rows * cols];
            for (int i = 0; i < v.length; i++) {
                // few distinct values, so ties are common and the first-maximum rule is exercised
                v[i] = r.random().nextInt(4);
            }
            Tensor x = r.upload(v, rows, cols);
            Tensor idx = r.allocateIndices(rows);
            r.backend().argmax(x, idx);
            // read back through the public API: gather rows of the column [0, 1, …, n−1]
            float[] column = new float[cols];
            for (int j = 0; j < cols; j++) {
                column[j] = j;
            }
            Tensor src = r.upload(column, cols, 1);
            Tensor out = r.allocate(rows, 1);
            r.backend().gatherRows(src, idx, 0, out);
            r.output("column of the first maximum", out, Tolerance.exact("an index"));
        });
        eachMatrix("sumOfSquares", "", Family.METRICS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            Tensor s = r.upload(new float[] {1f}, 1, 1);
            r.backend().sumOfSquares(x, s);
            long n = (long) rows * cols;
            r.output("sum (added to 1)", s, Tolerance.perElement(() -> (i, e) -> sumTolerance(n, e),
                    "n squares, each rounded, summed: the sum tolerance at the sum's magnitude"));
        });
        eachMatrix("scale", "", Family.METRICS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            r.backend().scale(x, -0.3f);
            r.output("x", x, Tolerance.exact("one float32 product, correctly rounded"));
        });
    }

    // ================================================================ optimisers

    private void optimisers() {
        eachMatrix("sgdUpdate", "", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            r.backend().sgdUpdate(p, g, 0.1f);
            r.output("param", p, Tolerance.abs(4 * U, "p − lr·g: two roundings of values ≤ 1.1 (a fused multiply-add makes it one)"));
            r.output("grad after (must not change)", g, Tolerance.exact("an input is not written"));
        });
        eachMatrix("momentumUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor v = r.upload(new float[rows * cols], rows, cols);
            for (int step = 0; step < 3; step++) {
                Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
                r.backend().momentumUpdate(p, g, v, 0.05f, 0.9f);
            }
            String why = "three steps of two roundings each on values ≤ 3 in magnitude";
            r.output("velocity", v, Tolerance.abs(32 * U, why));
            r.output("param", p, Tolerance.abs(16 * U, why));
        });
        eachMatrix("axpy", "", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            Tensor y = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            r.backend().axpy(0.01f, x, y);
            r.output("y", y, Tolerance.abs(8 * U, "y + a·x: two roundings (one with a fused multiply-add) of values ≤ 3.03"));
            r.output("x after (must not change)", x, Tolerance.exact("an input is not written"));
        });
        eachMatrix("nesterovUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor v = r.upload(new float[rows * cols], rows, cols);
            for (int step = 0; step < 3; step++) {
                Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
                r.backend().nesterovUpdate(p, g, v, 0.05f, 0.9f);
            }
            String why = "as momentum, with one more product and sum per step";
            r.output("velocity", v, Tolerance.abs(32 * U, why));
            r.output("param", p, Tolerance.abs(32 * U, why));
        });
        eachMatrix("rmspropUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor sq = r.upload(new float[rows * cols], rows, cols);
            for (int step = 0; step < 3; step++) {
                Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
                r.backend().rmspropUpdate(p, g, sq, 0.01f, 0.99f, 1e-8f);
            }
            r.output("square", sq, Tolerance.relAbs(16 * U, 16 * U * 1e-3, "a few roundings per step of values ≤ 1"));
            r.output("param", p, Tolerance.abs(64 * U, "the step lr·g/(√s + ε) ≤ lr·(about 10) with a few u of"
                    + " relative error (division, sqrt), on a parameter ≤ 1.1"));
        });
        eachMatrix("adamUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor m = r.upload(new float[rows * cols], rows, cols);
            Tensor v = r.upload(new float[rows * cols], rows, cols);
            for (int step = 1; step <= 3; step++) {
                Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
                r.backend().adamUpdate(p, g, m, v, 0.01f, 0.9f, 0.999f, 1e-8f, step);
            }
            r.output("m", m, Tolerance.relAbs(16 * U, 16 * U, "a few roundings per step of values ≤ 1"));
            r.output("v", v, Tolerance.relAbs(16 * U, 16 * U * 1e-3, "a few roundings per step of values ≤ 1e-3·(a few)"));
            r.output("param", p, Tolerance.abs(32 * U, "the step lr·m̂/(√v̂ + ε) ≤ lr·(a few) with relative error of"
                    + " a few u (division, sqrt), on a parameter ≤ 1.1"));
        });
    }

    // ================================================================ dropout

    private void dropout() {
        eachMatrix("dropout", "", Family.DROPOUT, (r, rows, cols) -> {
            // inputs never 0, so a 0 output is a dropped element and a wrong mask fails the bound
            Tensor x = r.upload(r.uniform(rows * cols, 0.5, 3), rows, cols);
            Tensor y = r.nan(rows, cols);
            r.backend().dropout(x, y, 0.3f, 0x1234_5678_9ABCL, 17, 2);
            r.output("y", y, Tolerance.relAbs(2 * U, 0, "the same Philox mask; kept: x·(1/(1 − p)), the scale rounded"
                    + " to float32 once and one product"));
        });
        eachMatrix("dropoutBackward", "in place", Family.DROPOUT, (r, rows, cols) -> {
            Tensor dy = r.upload(r.uniform(rows * cols, 0.5, 3), rows, cols);
            r.backend().dropoutBackward(dy, dy, 0.5f, 99L, 3, 1);
            r.output("dx", dy, Tolerance.exact("the forward mask; kept gradients times 2, exact in binary"));
        });
    }

    // ================================================================ data

    private void data() {
        eachMatrix("gatherRows", "", Family.DATA, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            int batch = Math.max(1, rows / 2 + 1);
            int start = 3;
            int[] idx = new int[start + batch + 2];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.random().nextInt(rows);
            }
            Tensor it = r.indices(idx);
            Tensor dst = r.nan(batch, cols);
            r.backend().gatherRows(src, it, start, dst);
            r.output("dst", dst, Tolerance.exact(COPY));
        });
    }

    // ================================================================ fused ops
    //
    // Each fused op's expected value is the reference backend running the op's default body (its
    // definition in plain ops) in double; the bounds are those of the plain ops it stands for.

    private void fused() {
        List<int[]> layerShapes = new ArrayList<>(shapes.gemms());
        layerShapes.add(new int[] {128, 5, 3});   // the bias row of the weight-gradient product opens a new tile
        for (int[] s : layerShapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Pointwise f : Pointwise.values()) {
                String unit = f.name().toLowerCase(Locale.ROOT);
                add("linearForward", unit, Family.GEMM, s, r -> linearForward(r, m, n, k, f));
                add("linearInputGradient", unit, Family.GEMM, s, r -> linearInputGradient(r, m, n, k, f));
            }
            add("linearGradients", "", Family.GEMM, s, r -> linearGradients(r, m, n, k));
        }
        eachMatrix("softmaxCrossEntropy", "with correct count", Family.LOSSES, (r, rows, cols) -> {
            Tensor z = r.upload(r.uniform(rows * cols, -6, 6), rows, cols);
            Tensor y = r.upload(r.oneHot(rows, cols), rows, cols);
            Tensor p = r.nan(rows, cols);
            Tensor g = r.nan(rows, cols);
            Tensor loss = r.upload(new float[] {3f}, 1, 1);
            Tensor correct = r.upload(new float[] {2f}, 1, 1);
            r.backend().softmaxCrossEntropy(z, y, p, g, loss, correct);
            r.output("probabilities", p, Tolerance.relAbs(softmaxTolerance(6, cols), Float.MIN_NORMAL, "as softmax"));
            r.output("loss (added to 3)", loss, Tolerance.relAbs(sumTolerance((long) rows * cols, 1) * (13 + Math.log(cols)),
                    sumTolerance((long) rows * cols, rows * (13 + Math.log(cols))),
                    "as softmaxCrossEntropy: a sum of m terms ≤ 12 + log n"));
            // random logits in [-6, 6] have no near-ties at float32 resolution, so the count is exact
            r.output("correct (added to 2)", correct, Tolerance.exact("a count of rows, exact in float32"));
        });
        eachMatrix("sgdUpdate", "many tensors, rate on the device", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor[] ps = new Tensor[3];
            Tensor[] gs = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                int c = cols + i;   // three shapes, as a layer's weights and bias differ
                ps[i] = r.upload(r.uniform(rows * c, -1, 1), rows, c);
                gs[i] = r.upload(r.uniform(rows * c, -1, 1), rows, c);
            }
            Tensor lr = r.upload(new float[] {0.1f}, 1, 1);
            r.backend().sgdUpdate(ps, gs, lr);
            for (int i = 0; i < 3; i++) {
                r.output("param " + i, ps[i], Tolerance.abs(4 * U, "as sgdUpdate: p − lr·g, two roundings of values ≤ 1.1"));
            }
        });
        eachMatrix("gatherRows", "offset on the device, then advanced", Family.DATA, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            int batch = Math.max(1, rows / 2 + 1);
            int[] idx = new int[2 + 2 * batch];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.random().nextInt(rows);
            }
            Tensor it = r.indices(idx);
            Tensor start = r.indices(new int[] {2});
            Tensor first = r.nan(batch, cols);
            Tensor second = r.nan(batch, cols);
            r.backend().gatherRows(src, it, start, first);
            r.backend().advanceIndex(start, batch);
            r.backend().gatherRows(src, it, start, second);
            r.output("first batch", first, Tolerance.exact(COPY));
            r.output("second batch", second, Tolerance.exact(COPY));
        });
    }

    /** Per element of x·W (m×k times k×n): Σ_p |x_ip·w_pj|, the worst-case scale of its rounding. */
    private static double[] productScale(float[] x, float[] w, int m, int n, int k, boolean transW) {
        double[] s = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double t = 0;
                for (int p = 0; p < k; p++) {
                    t += Math.abs(x[i * k + p] * (double) (transW ? w[j * k + p] : w[p * n + j]));
                }
                s[i * n + j] = t;
            }
        }
        return s;
    }

    private static final String LAYER_BOUND = "the GEMM's worst case (k + 4)·u·(Σ|x·w| + |b|) carried through f"
            + " (Lipschitz ≤ 1 for every unit), plus f's own float32 error (32u·|y| + 32u·1e-3)";

    private static void linearForward(Run r, int m, int n, int k, Pointwise f) {
        float[] x = r.uniform(m * k, -1, 1);
        float[] w = r.uniform(k * n, -1, 1);
        float[] b = r.uniform(n, -1, 1);
        Tensor y = r.nan(m, n);
        r.backend().linearForward(r.upload(x, m, k), r.upload(w, k, n), r.upload(b, 1, n), f, y);
        r.output("y", y, Tolerance.perElement(() -> {
            double[] scale = productScale(x, w, m, n, k, false);
            return (i, e) -> (k + 4) * U * (scale[i] + Math.abs(b[i % n])) + 32 * U * (Math.abs(e) + 1e-3);
        }, LAYER_BOUND));
    }

    private static void linearInputGradient(Run r, int m, int n, int k, Pointwise f) {
        // δ is m×n and W is k×n, so δ·Wᵀ is m×k; below = f(z) is m×k, drawn as f's output would be
        float[] d = r.uniform(m * n, -1, 1);
        float[] w = r.uniform(k * n, -1, 1);
        float[] below = new float[m * k];
        for (int i = 0; i < below.length; i++) {
            double z = r.random().nextDouble() * 8 - 4;
            below[i] = (float) switch (f) {
                case IDENTITY -> z;
                case SIGMOID -> ReferenceBackend.sigmoid(z);
                case TANH -> Math.tanh(z);
                case RELU -> Math.max(0, z);
            };
        }
        Tensor dx = r.nan(m, k);
        r.backend().linearInputGradient(r.upload(d, m, n), r.upload(w, k, n), r.upload(below, m, k), f, dx);
        r.output("deltaBelow", dx, Tolerance.perElement(() -> {
            double[] scale = productScale(d, w, m, k, n, true);
            return (i, e) -> (n + 4) * U * scale[i] + 8 * U * Math.abs(e) + Float.MIN_NORMAL;
        }, "δ·Wᵀ's worst case (n + 4)·u·Σ|δ·w| times f′ ≤ 1, plus a few roundings of the product with f′"));
    }

    private static void linearGradients(Run r, int m, int n, int k) {
        // x is m×k (m = batch), δ is m×n: weightGrad = xᵀ·δ (k×n), biasGrad = column sums of δ
        float[] x = r.uniform(m * k, -1, 1);
        float[] d = r.uniform(m * n, -1, 1);
        Tensor gw = r.nan(k, n);
        Tensor gb = r.nan(1, n);
        r.backend().linearGradients(r.upload(x, m, k), r.upload(d, m, n), gw, gb);
        r.output("weightGrad", gw, Tolerance.perElement(() -> {
            double[] s = new double[k * n];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < n; j++) {
                    double t = 0;
                    for (int p = 0; p < m; p++) {
                        t += Math.abs(x[p * k + i] * (double) d[p * n + j]);
                    }
                    s[i * n + j] = t;
                }
            }
            return (i, e) -> (m + 3) * U * s[i];
        }, "xᵀ·δ: the GEMM's worst case (m + 3)·u·Σ|x·δ| over the batch"));
        r.output("biasGrad", gb, Tolerance.abs(sumTolerance(m, m), "as biasGradient: a column sum of m terms ≤ 1"));
    }
}
