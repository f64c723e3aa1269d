package org.backprop.nn;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;

/**
 * One minibatch at a time, for trainers that run the loop themselves (data-parallel training,
 * where gradients and parameters cross machines as flat host arrays). The data is uploaded once;
 * {@link #setOrder} uploads a row order, and each {@link #lossAndGradients} gathers a contiguous
 * range of it, exactly as {@link Trainer#fit} does with its epoch permutation.
 *
 * <p>Flat layout, shared by every method here: layer 0's weights (row-major), layer 0's bias,
 * layer 1's weights, and so on — {@link Model#parameterCount()} floats in all.
 */
public final class StepRunner implements AutoCloseable {

    private final Model model;
    private final Loss loss;
    private final Backend backend;
    private final int rows;
    private final Tensor x;
    private final Tensor y;
    private final Tensor order;
    private final Activations ws;
    private final Tensor lossSum;
    private final Tensor correct;

    /** Uploads {@code data} to the model's backend; batches of up to {@code capacity} rows fit. */
    public StepRunner(Model model, Loss loss, Dataset data, int capacity) {
        loss.checkOutput(model.outputActivation());
        if (data.featureCount() != model.inputs()) {
            throw new IllegalArgumentException("data has " + data.featureCount() + " features per row but the model takes "
                    + model.inputs());
        }
        this.model = model;
        this.loss = loss;
        this.backend = model.backend();
        this.rows = data.size();
        Tensor xt = null, yt = null, ot = null, ls = null, cs = null;
        Activations w = null;
        try {
            xt = backend.upload(data.features(), data.size(), data.featureCount());
            yt = backend.upload(data.targets(model.outputs()), data.size(), model.outputs());
            ot = backend.allocateIndices(data.size());
            ls = backend.allocate(1, 1);
            cs = backend.allocate(1, 1);
            w = new Activations(model, Math.max(1, Math.min(capacity, data.size())));
        } catch (RuntimeException e) {
            Dense.closeAll(xt, yt, ot, ls, cs);
            if (w != null) {
                w.close();
            }
            throw e;
        }
        this.x = xt;
        this.y = yt;
        this.order = ot;
        this.lossSum = ls;
        this.correct = cs;
        this.ws = w;
        int[] identity = new int[rows];
        for (int i = 0; i < rows; i++) {
            identity[i] = i;
        }
        setOrder(identity);
        resetMetrics();
    }

    /** The epoch's row permutation that {@link Trainer#fit} uses, so other trainers can draw the same batches. */
    public static int[] epochOrder(int n, long seed, int epoch) {
        int[] order = new int[n];
        Trainer.shuffle(order, seed, epoch);
        return order;
    }

    public Model model() { return model; }

    public int rows() { return rows; }

    /** The row order later batches are gathered from: a permutation (or any selection) of the data's rows. */
    public void setOrder(int[] rowOrder) {
        if (rowOrder.length != rows) {
            throw new IllegalArgumentException("row order has " + rowOrder.length + " entries for " + rows + " rows");
        }
        backend.uploadIndices(rowOrder, order);
    }

    /**
     * Forward, loss and backward over rows {@code order[start .. start + n)}: leaves their
     * 1/n-averaged gradients in the model and adds their summed loss and correct count to the metrics.
     */
    public void lossAndGradients(int start, int n) {
        // a model trained here has no dropout: seed and step key nothing
        lossAndGradients(start, n, 0L, 1);
    }

    /** As {@link #lossAndGradients(int, int)}, with dropout keyed by (seed, step) as in {@link Trainer#fit}. */
    public void lossAndGradients(int start, int n, long seed, int step) {
        if (start < 0 || n < 1 || start + n > rows) {
            throw new IllegalArgumentException("batch rows " + start + ".." + (start + n) + " outside 0.." + rows);
        }
        Activations.Batch v = ws.rows(n);
        backend.gatherRows(x, order, start, v.input());
        backend.gatherRows(y, order, start, v.target());
        loss.step(model, v, lossSum, correct, seed, step);
    }

    /** The summed loss and correct count since the last {@link #resetMetrics()}. */
    public double[] metrics() {
        return new double[] {backend.scalar(lossSum), backend.scalar(correct)};
    }

    public void resetMetrics() {
        backend.fill(lossSum, 0f);
        backend.fill(correct, 0f);
    }

    /** Copies the gradients of the last backward pass into {@code flat}. */
    public static void gradients(Model model, float[] flat) {
        copyOut(model, flat, true);
    }

    /** Overwrites the model's gradients (what {@link Optimizer#step} reads next) from {@code flat}. */
    public static void setGradients(Model model, float[] flat) {
        copyIn(model, flat, true);
    }

    public static void parameters(Model model, float[] flat) {
        copyOut(model, flat, false);
    }

    public static void setParameters(Model model, float[] flat) {
        copyIn(model, flat, false);
    }

    private static void copyOut(Model model, float[] flat, boolean grads) {
        checkLength(model, flat);
        Backend b = model.backend();
        int at = 0;
        for (Parameter p : model.parameters()) {
            float[] part = b.download(grads ? p.grad() : p.value());
            System.arraycopy(part, 0, flat, at, part.length);
            at += part.length;
        }
    }

    private static void copyIn(Model model, float[] flat, boolean grads) {
        checkLength(model, flat);
        Backend b = model.backend();
        int at = 0;
        for (Parameter p : model.parameters()) {
            Tensor t = grads ? p.grad() : p.value();
            float[] part = new float[t.size()];
            System.arraycopy(flat, at, part, 0, part.length);
            b.upload(part, t);
            at += part.length;
        }
    }

    private static void checkLength(Model model, float[] flat) {
        if (flat.length != model.parameterCount()) {
            throw new IllegalArgumentException("flat parameter array has " + flat.length + " values, the model "
                    + model.describe() + " needs " + model.parameterCount());
        }
    }

    @Override
    public void close() {
        ws.close();
        Dense.closeAll(x, y, order, lossSum, correct);
    }
}
