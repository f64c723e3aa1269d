package org.backprop.cpu;

import static org.backprop.cpu.TensorArrays.data;

import org.backprop.core.Backend;
import org.backprop.core.Checks;
import org.backprop.core.Tensor;
import org.backprop.data.Deformation;

/**
 * {@link Backend#deformImages} on the worker pool: one image per task, each drawn and warped by
 * {@link Deformation}'s own per-image routine (the definition itself, so the bits are the
 * reference's whatever the thread count). Each worker keeps its scratch field between calls;
 * it is sized once per image size.
 */
final class DeformOps extends OpFamily {

    private float[][] scratch = new float[0][];
    private float[] taps;
    private float tapsSigma = Float.NaN;
    private int tapsSide;

    // the op in flight, read by the task body
    private float[] src;
    private float[] dst;
    private int side;
    private Deformation deformation;
    private long seed;
    private int epoch;
    private int firstRow;

    private final WorkerPool.Body body = (t, w) -> deformation.apply(src, t * side * side, dst, t * side * side, side,
            taps, seed, epoch, firstRow + t, scratch[w]);

    DeformOps(Backend owner, OpRunner run, boolean vector) {
        super(owner, run, vector);
    }

    void deformImages(Tensor from, Tensor to, int side, Deformation d, long seed, int epoch, int firstRow) {
        Checks.owned(owner, "deformImages", from, to);
        Checks.deform(from, to, side, d);
        int workers = run.pool.threads();
        int pixels = side * side;
        if (scratch.length < workers || scratch[0].length < 4 * pixels) {
            scratch = new float[workers][4 * pixels];
        }
        if (d.sigma() != tapsSigma || side != tapsSide) {
            taps = Deformation.taps(d.sigma(), side);
            tapsSigma = d.sigma();
            tapsSide = side;
        }
        this.src = data(from);
        this.dst = data(to);
        this.side = side;
        this.deformation = d;
        this.seed = seed;
        this.epoch = epoch;
        this.firstRow = firstRow;
        // an image is some hundred thousand flops (the field's two Gaussian passes): worth a task each
        run.pool.run(from.rows(), body, false);
        this.src = null;
        this.dst = null;
        this.deformation = null;
    }
}
