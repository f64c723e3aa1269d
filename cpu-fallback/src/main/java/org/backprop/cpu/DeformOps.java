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
final class DeformOps extends OpFamily implements AutoCloseable {

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

    /** Deforms the next batch during the step (see {@link DeformAhead}); null when turned off. */
    private final DeformAhead ahead;
    // the last gather at a device-side start: what it read, from where, into which tensor
    private Tensor gatherSrc;
    private Tensor gatherIndices;
    private int gatherStart;
    private Tensor gatherDst;

    DeformOps(Backend owner, OpRunner run, boolean vector, boolean ahead) {
        super(owner, run, vector);
        this.ahead = ahead ? new DeformAhead(run.pool) : null;
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
        float[] fromData = data(from);
        float[] toData = data(to);
        if (ahead != null && ahead.take(fromData, toData, from.rows(), d, seed, epoch, firstRow, side)) {
            startNext(from, d, seed, epoch, firstRow, side);
            return;
        }
        this.src = fromData;
        this.dst = toData;
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
        startNext(from, d, seed, epoch, firstRow, side);
    }

    /** Records a gather at a device-side start into {@code dst}, which the next deformation may read. */
    void gathered(Tensor src, Tensor indices, int start, Tensor dst) {
        gatherSrc = src;
        gatherIndices = indices;
        gatherStart = start;
        gatherDst = dst;
    }

    /**
     * When {@code from} came from a gather at a device-side start, starts deforming the rows after
     * it, as the next step will ask: a batch as long (shorter at the end of the indices), the next
     * positions, the same epoch.
     */
    private void startNext(Tensor from, Deformation d, long seed, int epoch, int firstRow, int side) {
        if (ahead == null || from != gatherDst) {
            return;
        }
        gatherDst = null;
        int[] idx = ((CpuTensor) gatherIndices).indices;
        int next = gatherStart + from.rows();
        int n = Math.min(from.rows(), gatherIndices.size() - next);
        if (n > 0 && gatherSrc.cols() == side * side) {
            ahead.start(data(gatherSrc), idx, next, n, d, taps, seed, epoch, firstRow + from.rows(), side);
        }
    }

    /** Deformations answered by the batch deformed ahead (0 when that is off). */
    long aheadHits() {
        return ahead == null ? 0 : ahead.hits;
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.close();
        }
    }
}
