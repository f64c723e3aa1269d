package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;
import org.backprop.core.reference.OpCase.Run;

/** The catalogue's GEMM family: plain products and the fused linear-layer ops, with their rounding bounds. */
final class GemmCases {

    private GemmCases() {
    }

    /** Every GEMM shape with each transpose, plain and with alpha and beta; the training-size products. */
    static void gemm(CaseList list) {
        for (int[] s : list.shapes().gemms()) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                String tr = (ta ? "T" : "N") + (tb ? "T" : "N");
                list.add("gemm", tr, Family.GEMM, s, r -> gemmBody(r, s[0], s[1], s[2], ta, tb, 1f, 0f));
                list.add("gemm", tr + " alpha beta", Family.GEMM, s, r -> gemmBody(r, s[0], s[1], s[2], ta, tb, -1.5f, 0.75f));
            }
        }
        for (int[] s : list.shapes().trainingGemms()) {
            boolean ta = s[3] != 0;
            boolean tb = s[4] != 0;
            String tr = (ta ? "T" : "N") + (tb ? "T" : "N");
            list.add("gemm", tr + " training size", Family.GEMM, new int[] {s[0], s[1], s[2]},
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

    /**
     * The fused linear-layer ops on every GEMM shape (and one whose bias row opens a new tile), for
     * each pointwise unit; the expected values are the reference running their definitions.
     */
    static void fusedLinear(CaseList list) {
        List<int[]> layerShapes = new ArrayList<>(list.shapes().gemms());
        layerShapes.add(new int[] {128, 5, 3});   // the bias row of the weight-gradient product opens a new tile
        for (int[] s : layerShapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            for (Pointwise f : Pointwise.values()) {
                String unit = f.name().toLowerCase(Locale.ROOT);
                list.add("linearForward", unit, Family.GEMM, s, r -> linearForward(r, m, n, k, f));
                list.add("linearInputGradient", unit, Family.GEMM, s, r -> linearInputGradient(r, m, n, k, f));
            }
            list.add("linearGradients", "", Family.GEMM, s, r -> linearGradients(r, m, n, k));
        }
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
        r.output("biasGrad", gb, Tolerance.abs(OpCatalogue.sumTolerance(m, m), "as biasGradient: a column sum of m terms ≤ 1"));
    }
}
