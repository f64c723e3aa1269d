package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;
import org.backprop.core.reference.OpCase.Run;

/** The catalogue's loss and metric families: softmax, the three losses, counts, argmax, sums of squares and scaling. */
final class LossCases {

    private LossCases() {
    }

    /** Softmax, and each loss with hard and soft targets and with its gradient written over the probabilities. */
    static void losses(CaseList list) {
        for (boolean inPlace : new boolean[] {false, true}) {
            list.eachMatrix("softmax", inPlace ? "in place" : "", Family.LOSSES, (r, rows, cols) -> {
                Tensor z = r.upload(r.uniform(rows * cols, -8, 8), rows, cols);
                Tensor p = inPlace ? z : r.nan(rows, cols);
                r.backend().softmax(z, p);
                r.output("probabilities", p, Tolerance.relAbs(OpCatalogue.softmaxTolerance(8, cols), Float.MIN_NORMAL,
                        "relative per probability: x − max rounded, exp within a few ulp, a row sum of n terms:"
                                + " 16u·(2 + max|x| + √n)")
                        .andPair(2 * (16 + cols + 8) * U, 1e-37, "x − max (≤ 16) rounded, exp within 2 ulp, the"
                                + " worst case γ_n of the row sum and one division, on both sides"));
            });
        }
        list.eachMatrix("softmaxCrossEntropy", "", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, false, false));
        list.eachMatrix("softmaxCrossEntropy", "grad in place of probabilities", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, true, false));
        list.eachMatrix("softmaxCrossEntropy", "soft targets", Family.LOSSES,
                (r, rows, cols) -> softmaxCrossEntropy(r, rows, cols, false, true));
        list.eachMatrix("sigmoidBinaryCrossEntropy", "", Family.LOSSES,
                (r, rows, cols) -> binaryCrossEntropy(r, rows, cols, false));
        list.eachMatrix("sigmoidBinaryCrossEntropy", "grad in place of probabilities", Family.LOSSES,
                (r, rows, cols) -> binaryCrossEntropy(r, rows, cols, true));
        list.eachMatrix("squaredError", "", Family.LOSSES, (r, rows, cols) -> {
            Tensor o = r.upload(r.uniform(rows * cols, -1, 2), rows, cols);
            Tensor y = r.upload(r.uniform(rows * cols, 0, 1), rows, cols);
            Tensor g = r.nan(rows, cols);
            Tensor loss = r.upload(new float[] {0.5f}, 1, 1);
            r.backend().squaredError(o, y, g, loss);
            r.output("grad", g, Tolerance.relAbs(4 * U, 8 * U / rows, "2(ŷ − y)/m: a difference and a product, |ŷ − y| ≤ 2"));
            long n = (long) rows * cols;
            r.output("loss (added to 0.5)", loss, Tolerance.perElement(() -> (i, e) -> OpCatalogue.sumTolerance(n, e),
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
        double rtol = OpCatalogue.softmaxTolerance(maxAbsLogit, cols);
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
            double tol = OpCatalogue.sumTolerance((long) rows * cols, mag);
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
            double tol = OpCatalogue.sumTolerance((long) rows * cols, mag);
            return (i, e) -> tol;
        }, "each term max(z,0) − z·y + log1p(e^−|z|) errs by a few u·(|z| + 1); summed"));
    }

    static void metrics(CaseList list) {
        list.eachMatrix("countCorrect", "", Family.METRICS, (r, rows, cols) -> {
            Tensor o = r.upload(r.uniform(rows * cols, 0, 1), rows, cols);
            Tensor y = r.upload(r.oneHot(rows, cols), rows, cols);
            Tensor c = r.upload(new float[] {5f}, 1, 1);
            r.backend().countCorrect(o, y, c);
            r.output("correct (added to 5)", c, Tolerance.exact("a count of up to a few thousand rows is exact in float32"));
        });
        list.eachMatrix("argmax", "", Family.METRICS, (r, rows, cols) -> {
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
        list.eachMatrix("sumOfSquares", "", Family.METRICS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            Tensor s = r.upload(new float[] {1f}, 1, 1);
            r.backend().sumOfSquares(x, s);
            long n = (long) rows * cols;
            r.output("sum (added to 1)", s, Tolerance.perElement(() -> (i, e) -> OpCatalogue.sumTolerance(n, e),
                    "n squares, each rounded, summed: the sum tolerance at the sum's magnitude"));
        });
        list.eachMatrix("scale", "", Family.METRICS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            r.backend().scale(x, -0.3f);
            r.output("x", x, Tolerance.exact("one float32 product, correctly rounded"));
        });
    }

    /** Softmax cross-entropy that also counts the rows whose largest logit is the target. */
    static void withCorrectCount(CaseList list) {
        list.eachMatrix("softmaxCrossEntropy", "with correct count", Family.LOSSES, (r, rows, cols) -> {
            Tensor z = r.upload(r.uniform(rows * cols, -6, 6), rows, cols);
            Tensor y = r.upload(r.oneHot(rows, cols), rows, cols);
            Tensor p = r.nan(rows, cols);
            Tensor g = r.nan(rows, cols);
            Tensor loss = r.upload(new float[] {3f}, 1, 1);
            Tensor correct = r.upload(new float[] {2f}, 1, 1);
            r.backend().softmaxCrossEntropy(z, y, p, g, loss, correct);
            r.output("probabilities", p, Tolerance.relAbs(OpCatalogue.softmaxTolerance(6, cols), Float.MIN_NORMAL, "as softmax"));
            r.output("loss (added to 3)", loss, Tolerance.relAbs(OpCatalogue.sumTolerance((long) rows * cols, 1) * (13 + Math.log(cols)),
                    OpCatalogue.sumTolerance((long) rows * cols, rows * (13 + Math.log(cols))),
                    "as softmaxCrossEntropy: a sum of m terms ≤ 12 + log n"));
            // random logits in [-6, 6] have no near-ties at float32 resolution, so the count is exact
            r.output("correct (added to 2)", correct, Tolerance.exact("a count of rows, exact in float32"));
        });
    }
}
