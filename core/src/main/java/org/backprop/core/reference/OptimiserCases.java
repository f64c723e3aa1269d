package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;

/** The catalogue's optimiser family: each update over a few steps from zero state, with its rounding bound. */
final class OptimiserCases {

    private OptimiserCases() {
    }

    static void optimisers(CaseList list) {
        list.eachMatrix("sgdUpdate", "", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            r.backend().sgdUpdate(p, g, 0.1f);
            r.output("param", p, Tolerance.abs(4 * U, "p − lr·g: two roundings of values ≤ 1.1 (a fused multiply-add makes it one)"));
            r.output("grad after (must not change)", g, Tolerance.exact("an input is not written"));
        });
        velocitySteps(list, "momentumUpdate", Backend::momentumUpdate, 16 * U,
                "three steps of two roundings each on values ≤ 3 in magnitude");
        list.eachMatrix("axpy", "", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor x = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            Tensor y = r.upload(r.uniform(rows * cols, -3, 3), rows, cols);
            r.backend().axpy(0.01f, x, y);
            r.output("y", y, Tolerance.abs(8 * U, "y + a·x: two roundings (one with a fused multiply-add) of values ≤ 3.03"));
            r.output("x after (must not change)", x, Tolerance.exact("an input is not written"));
        });
        velocitySteps(list, "nesterovUpdate", Backend::nesterovUpdate, 32 * U,
                "as momentum, with one more product and sum per step");
        list.eachMatrix("rmspropUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
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
        list.eachMatrix("adamUpdate", "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
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

    /**
     * Keras's max-norm on weights (inputs × outputs), the bound at the columns' typical norm
     * √(rows/3) so that some columns are rescaled and some are not.
     */
    static void maxNorm(CaseList list) {
        list.eachMatrix("maxNorm", "about half the columns over the bound", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor w = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            r.backend().maxNorm(w, (float) Math.sqrt(rows / 3.0));
            r.output("weights", w, Tolerance.relAbs(8 * (Math.sqrt(rows) + 4) * U, 0, "each column's sum of "
                    + rows + " squares in float32 (√N·u on random data), its square root, the min, one division"
                    + " and one product"));
        });
    }

    /** SGD over tensors of three shapes in one call, with the learning rate read from a device tensor. */
    static void sgdMany(CaseList list) {
        list.eachMatrix("sgdUpdate", "many tensors, rate on the device", Family.OPTIMISERS, (r, rows, cols) -> {
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
    }

    @FunctionalInterface
    private interface VelocityUpdate {
        void apply(Backend b, Tensor param, Tensor grad, Tensor velocity, float lr, float momentum);
    }

    /** Three steps of a momentum method from zero velocity; the velocity is held to 32u absolute. */
    private static void velocitySteps(CaseList list, String op, VelocityUpdate update, double paramBound,
                                      String why) {
        list.eachMatrix(op, "3 steps", Family.OPTIMISERS, (r, rows, cols) -> {
            Tensor p = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor v = r.upload(new float[rows * cols], rows, cols);
            for (int step = 0; step < 3; step++) {
                Tensor g = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
                update.apply(r.backend(), p, g, v, 0.05f, 0.9f);
            }
            r.output("velocity", v, Tolerance.abs(32 * U, why));
            r.output("param", p, Tolerance.abs(paramBound, why));
        });
    }
}
