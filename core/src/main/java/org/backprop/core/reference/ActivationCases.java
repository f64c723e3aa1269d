package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;

/** The catalogue's bias and activation families, each op out of place and in place. */
final class ActivationCases {

    private ActivationCases() {
    }

    static void bias(CaseList list) {
        list.eachMatrix("addBias", "", Family.BIAS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor b = r.upload(r.uniform(cols, -1, 1), 1, cols);
            r.backend().addBias(x, b);
            r.output("x", x, Tolerance.exact("one float32 addition, correctly rounded"));
        });
        list.eachMatrix("biasGradient", "", Family.BIAS, (r, rows, cols) -> {
            Tensor d = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.nan(1, cols);
            r.backend().biasGradient(d, 0f, g);
            r.output("grad", g, Tolerance.abs(OpCatalogue.sumTolerance(rows, rows), "a column sum of m terms ≤ 1 in magnitude"));
        });
        list.eachMatrix("biasGradient", "beta", Family.BIAS, (r, rows, cols) -> {
            Tensor d = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.upload(r.uniform(cols, -1, 1), 1, cols);
            r.backend().biasGradient(d, 0.5f, g);
            r.output("grad", g, Tolerance.abs(OpCatalogue.sumTolerance(rows + 1, rows + 1), "0.5·old + a column sum: m + 1 terms ≤ 1"));
        });
    }

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

    static void activations(CaseList list) {
        String library = "one library call (CUDA's expf and tanhf within 2 ulp, Java's Math within 1) plus a"
                + " rounding or two: 8u relative, 8u absolute where y is near 0";
        forward(list, "sigmoid", Backend::sigmoid, -12, 12,
                Tolerance.relAbs(32 * U, 32 * U * 1e-3, TRANSCENDENTAL).andPair(8 * U, 8 * U, library));
        forward(list, "tanh", Backend::tanh, -6, 6,
                Tolerance.relAbs(32 * U, 32 * U * 1e-3, TRANSCENDENTAL).andPair(8 * U, 8 * U, library));
        forward(list, "relu", Backend::relu, -1, 1, Tolerance.exact("a comparison, no arithmetic"));
        String poly = "dy·f'(y) with f' a short float32 polynomial in y ∈ [-1, 1]: a few roundings of terms"
                + " bounded by |dy| ≤ 2: 32u absolute";
        String samePoly = "the same few float32 roundings of the same y and dy: 8u relative, 24u absolute";
        backward(list, "sigmoidBackward", ReferenceBackend::sigmoid, Backend::sigmoidBackward,
                Tolerance.abs(32 * U, poly).andPair(8 * U, 24 * U, samePoly));
        backward(list, "tanhBackward", Math::tanh, Backend::tanhBackward,
                Tolerance.abs(32 * U, poly).andPair(8 * U, 24 * U, samePoly));
        backward(list, "reluBackward", x -> x > 0 ? x : 0, Backend::reluBackward,
                Tolerance.exact("dy where y > 0, else 0: no arithmetic"));
    }

    private static void forward(CaseList list, String op, Unary f, double lo, double hi, Tolerance tol) {
        for (boolean inPlace : new boolean[] {false, true}) {
            list.eachMatrix(op, inPlace ? "in place" : "", Family.ACTIVATIONS, (r, rows, cols) -> {
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

    private static void backward(CaseList list, String op, HostForward f, Backward df, Tolerance tol) {
        for (boolean inPlace : new boolean[] {false, true}) {
            list.eachMatrix(op, inPlace ? "in place" : "", Family.ACTIVATIONS, (r, rows, cols) -> {
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
}
