package org.backprop.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;
import org.backprop.data.Deformation;

/**
 * Minibatch training with backpropagation, Keras's {@code fit} in spirit:
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, Optimizer.adam(1e-3f));
 * TrainResult result = trainer.fit(train, test, new FitOptions(128, 10, 42), s -> System.out.println(s.line()));
 * }</pre>
 *
 * <p>Both datasets are uploaded once; each batch is gathered on the device from a permutation
 * drawn from (seed, epoch) — so a resumed run sees the same batches as an uninterrupted one —
 * and the running loss is read back only every {@link FitOptions#checkEvery()} batches. Each step
 * reads like the math: gather → {@link Model#forward} → {@link Loss#forward} (value and the output
 * δ) → {@link Model#backward} → {@link Optimizer#step}({@link Model#parameters()}).
 */
public final class Trainer {

    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Backend backend;
    private BatchListener batchListener;
    private StopRequest stop;
    private float maxNorm;
    private Deformation augment;
    private int side;

    public Trainer(Model model, Loss loss, Optimizer optimizer) {
        loss.checkOutput(model.outputActivation());
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.backend = model.backend();
    }

    public Model model() { return model; }

    public Loss loss() { return loss; }

    public Optimizer optimizer() { return optimizer; }

    /** Called as the running loss is read back during an epoch (null: nobody); returns this trainer. */
    public Trainer onBatch(BatchListener listener) {
        this.batchListener = listener;
        return this;
    }

    /** Polled after every batch: once requested, {@link #fit} finishes the batch and returns (null: never). */
    public Trainer stopOn(StopRequest request) {
        this.stop = request;
        return this;
    }

    /**
     * Max-norm regularisation (Srivastava et al. 2014; Keras's {@code MaxNorm}): after every
     * optimiser step each hidden unit's incoming weight vector is rescaled to norm ≤ {@code c}
     * ({@link Backend#maxNorm}); 0 turns it off. The output layer is left free, as the paper
     * constrains "the incoming weight vector at each hidden unit". The constraint is part of the
     * step, so a recorded step holds it too. Returns this trainer.
     */
    public Trainer maxNorm(float c) {
        if (!(c >= 0) || !Float.isFinite(c)) {
            throw new InvalidSetting("max-norm", "must be a positive number (0: off), got " + c);
        }
        this.maxNorm = c;
        return this;
    }

    /**
     * Deforms every training batch before its step ({@link Backend#deformImages}), afresh each
     * epoch from (seed, epoch, position in the epoch); evaluation never deforms. The model's
     * inputs must be a square image. Null turns it off. Returns this trainer.
     */
    public Trainer augment(Deformation d) {
        int s = Deformation.side(model.inputs());
        if (d != null && s < 0) {
            throw new InvalidSetting("augment", "deforms square images, and " + model.inputs()
                    + " input features are not one (MNIST's 784 are 28x28)");
        }
        this.augment = d;
        this.side = s;
        return this;
    }

    /** Trains for {@code options.epochs()} epochs (after {@code options.startEpoch()}), evaluating on {@code test} after each. */
    public TrainResult fit(Dataset train, Dataset test, FitOptions options, EpochListener listener) {
        return fit(train, test, "test", options, listener);
    }

    /**
     * As {@link #fit(Dataset, Dataset, FitOptions, EpochListener)}, evaluating on {@code monitor}
     * (named {@code monitorName}, "val" for a validation set) after each epoch; early stopping,
     * when on, watches its loss and ends with the parameters of its best epoch.
     */
    public TrainResult fit(Dataset train, Dataset test, String monitorName, FitOptions options, EpochListener listener) {
        checkData(train, "training");
        checkData(test, monitorName);
        List<EpochStats> history = new ArrayList<>();
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        float[][] bestParameters = null;
        boolean stopped = false;
        TrainResult.Interruption interrupted = null;
        int batch = Math.min(options.batch(), train.size());
        try (DeviceData trainData = new DeviceData(backend, train, model.outputs());
             DeviceData testData = new DeviceData(backend, test, model.outputs());
             Activations acts = new Activations(model, Math.max(batch, Math.min(test.size(), 1024)));
             Tensor lossSum = backend.allocate(1, 1);
             Tensor correct = backend.allocate(1, 1);
             Tensor norm = backend.allocate(1, 1);
             Tensor batchStart = backend.allocateIndices(1);
             Tensor undeformed = augment == null ? null : backend.allocate(batch, model.inputs());
             RecordedSteps recorded = new RecordedSteps(recordable(options))) {
            int[] order = new int[train.size()];
            int batches = (train.size() + batch - 1) / batch;
            if (options.startBatch() >= batches) {
                throw new IllegalArgumentException("resuming after batch " + options.startBatch() + " of an epoch of "
                        + batches + " batches");
            }
            epochs:
            for (int epoch = options.startEpoch() + 1; epoch <= options.epochs(); epoch++) {
                if (stop != null && stop.isRequested()) {
                    interrupted = new TrainResult.Interruption(epoch - 1, 0, batches);
                    break;
                }
                // a run interrupted mid-epoch resumes at the batch after the last one it finished
                int first = epoch == options.startEpoch() + 1 ? options.startBatch() : 0;
                int skipped = first * batch;
                optimizer.setLearningRate(options.schedule().rate(optimizer.baseLearningRate(), epoch, options.epochs()));
                shuffle(order, options.seed(), epoch);
                backend.uploadIndices(order, trainData.indices);
                backend.fill(lossSum, 0f);
                backend.fill(correct, 0f);
                backend.uploadIndices(new int[] {skipped}, batchStart);
                long t0 = System.nanoTime();
                int lastChecked = first;
                for (int b = first; b < batches; b++) {
                    int start = b * batch;
                    int n = Math.min(batch, train.size() - start);
                    Activations.Batch v = acts.rows(n);
                    Deformed deformed = augment == null ? null : new Deformed(undeformed, epoch, start);
                    if (options.clipNorm() > 0) {
                        step(trainData, batchStart, v, lossSum, correct, options.seed(), deformed);
                        clip(norm, options.clipNorm());
                        optimizer.step(model.parameters());
                        constrain();
                    } else {
                        recorded.step(n, () -> step(trainData, batchStart, v, lossSum, correct, options.seed(), deformed));
                    }
                    if ((b + 1) % options.checkEvery() == 0 || b == batches - 1) {
                        float running = backend.scalar(lossSum);
                        if (!Float.isFinite(running)) {
                            throw new TrainingDivergedException(epoch, String.format(Locale.ROOT,
                                    "training loss became %s in epoch %d, between batches %d and %d of %d"
                                            + " (try a lower learning rate or a clip norm)",
                                    running, epoch, lastChecked + 1, b + 1, batches));
                        }
                        lastChecked = b + 1;
                        if (batchListener != null) {
                            batchListener.onBatch(epoch, b + 1, batches, start + n, running / (start + n - skipped));
                        }
                    }
                    if (stop != null && stop.isRequested() && b < batches - 1) {
                        interrupted = new TrainResult.Interruption(epoch - 1, b + 1, batches);
                        break epochs;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double trainLoss = backend.scalar(lossSum) / (train.size() - skipped);
                double trainAcc = backend.scalar(correct) / (train.size() - skipped);
                checkParameters(epoch, norm);
                Result r = evaluate(testData, test, acts, lossSum, correct, options.confusion());
                boolean best = r.loss < bestLoss;
                if (best) {
                    bestLoss = r.loss;
                    bestEpoch = epoch;
                    if (options.patience() > 0) {
                        bestParameters = download(bestParameters);
                    }
                }
                EpochStats stats = new EpochStats(epoch, options.epochs(), trainLoss, trainAcc, r.loss, r.accuracy,
                        seconds, (train.size() - skipped) / seconds, r.evaluation, monitorName, optimizer.learningRate(), best);
                history.add(stats);
                if (listener != null) {
                    listener.onEpoch(stats);
                }
                if (options.patience() > 0 && epoch - bestEpoch >= options.patience()) {
                    stopped = epoch < options.epochs();
                    break;
                }
            }
        }
        if (history.isEmpty()) {
            return new TrainResult(history, 0, false, interrupted);
        }
        // an interrupted run keeps its current parameters: they are what its checkpoint continues from
        if (interrupted == null && bestParameters != null && bestEpoch != history.get(history.size() - 1).epoch()) {
            List<Parameter> ps = model.parameters();
            for (int i = 0; i < ps.size(); i++) {
                backend.upload(bestParameters[i], ps.get(i).value());
            }
        }
        int kept = options.patience() > 0 && bestEpoch > 0 ? bestEpoch : history.get(history.size() - 1).epoch();
        return new TrainResult(history, kept, stopped, interrupted);
    }

    /** Every parameter on the host, into {@code into} when it is already allocated. */
    private float[][] download(float[][] into) {
        List<Parameter> ps = model.parameters();
        float[][] out = into != null ? into : new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            if (out[i] == null) {
                out[i] = new float[ps.get(i).value().size()];
            }
            backend.download(ps.get(i).value(), out[i]);
        }
        return out;
    }

    /** Loss, accuracy and the confusion matrix of the model on a dataset. */
    public Evaluation evaluate(Dataset data, int batch) {
        checkData(data, "evaluation");
        try (DeviceData d = new DeviceData(backend, data, model.outputs());
             Activations acts = new Activations(model, Math.min(Math.max(1, batch), data.size()));
             Tensor lossSum = backend.allocate(1, 1);
             Tensor correct = backend.allocate(1, 1)) {
            return evaluate(d, data, acts, lossSum, correct, true).evaluation;
        }
    }

    /**
     * One training forward and backward pass over the whole of {@code batch}, without updating,
     * with dropout keyed by (seed, step): returns the mean loss and leaves the gradients beside
     * the parameters. With the same key the mask is the same, so finite differences of this loss
     * check the gradients through dropout.
     */
    public double lossAndGradients(Dataset batch, long seed, int step) {
        checkData(batch, "batch");
        try (StepRunner runner = new StepRunner(model, loss, batch, batch.size())) {
            runner.lossAndGradients(0, batch.size(), seed, step);
            return runner.metrics()[0] / batch.size();
        }
    }

    private record Result(double loss, double accuracy, Evaluation evaluation) { }

    private Result evaluate(DeviceData d, Dataset data, Activations acts, Tensor lossSum, Tensor correct,
                            boolean confusion) {
        backend.fill(lossSum, 0f);
        backend.fill(correct, 0f);
        int batch = acts.capacity();
        float[] outputs = confusion ? new float[data.size() * model.outputs()] : null;
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            Activations.Batch b = acts.rows(n);
            backend.gatherRows(d.x, d.indices, start, b.input());
            backend.gatherRows(d.y, d.indices, start, b.target());
            Tensor out = loss.forward(model, b, model.forward(b, !loss.fusesOutput()), lossSum);
            backend.countCorrect(out, b.target(), correct);
            if (confusion) {
                float[] part = backend.download(out);
                System.arraycopy(part, 0, outputs, start * model.outputs(), part.length);
            }
        }
        double meanLoss = backend.scalar(lossSum) / data.size();
        double accuracy = backend.scalar(correct) / data.size();
        Evaluation e = confusion
                ? Evaluation.of(meanLoss, outputs, model.outputs(), data.labels(), Math.max(2, data.classes()))
                : null;
        return new Result(meanLoss, accuracy, e);
    }

    /** Where a deformed batch is gathered before its deformation, and the epoch and position that key it. */
    private record Deformed(Tensor undeformed, int epoch, int start) { }

    /**
     * The device work of one training step up to the optimiser: gather the batch at the
     * device-side offset (and advance it), deform it when augmenting, then {@link Loss#step}.
     * Reads nothing back, so a backend can record it; optimizer.step follows.
     */
    private void step(DeviceData data, Tensor batchStart, Activations.Batch b, Tensor lossSum, Tensor correct,
                      long seed, Deformed deformed) {
        if (deformed == null) {
            backend.gatherRows(data.x, data.indices, batchStart, b.input());
        } else {
            Tensor raw = b.rows() == deformed.undeformed.rows() ? deformed.undeformed
                    : deformed.undeformed.firstRows(b.rows());
            backend.gatherRows(data.x, data.indices, batchStart, raw);
            backend.deformImages(raw, b.input(), side, augment, seed, deformed.epoch, deformed.start);
        }
        backend.gatherRows(data.y, data.indices, batchStart, b.target());
        backend.advanceIndex(batchStart, b.rows());
        loss.step(model, b, lossSum, correct, seed, optimizer.steps() + 1);
    }

    /**
     * Whether steps may be recorded and replayed: not with clipping (it reads the norm back), an
     * optimiser whose step is not recordable, dropout (its mask is keyed by the step number,
     * which a replay would repeat) or deformations (keyed by the epoch and the batch's position).
     */
    private boolean recordable(FitOptions o) {
        return o.recordSteps() && o.clipNorm() == 0 && optimizer.recordable() && !model.hasDropout()
                && augment == null;
    }

    /** One line saying how {@link #fit} will issue the training steps under these options. */
    public String stepPath(FitOptions o) {
        if (!o.recordSteps()) {
            return "every op issued each step (recording turned off)";
        }
        if (o.clipNorm() > 0) {
            return "every op issued each step (gradient clipping reads the norm back each step)";
        }
        if (!optimizer.recordable()) {
            return "every op issued each step (the " + optimizer.name() + " optimiser's step is not recordable yet; sgd is)";
        }
        if (model.hasDropout()) {
            return "every op issued each step (dropout's mask is keyed by the step number)";
        }
        if (augment != null) {
            return "every op issued each step (the deformations are keyed by the epoch and the batch)";
        }
        return "recorded once per batch size and replayed where the backend can record (CUDA graphs on the PTX GEMM),"
                + " else every op issued";
    }

    /**
     * Runs training steps, replaying one recording per batch size where
     * the backend can record: a shape's first step runs directly (it sizes every scratch buffer),
     * its second is recorded and replayed, and every later one is a replay. Where recording is
     * off or refused, every step runs directly.
     */
    private final class RecordedSteps implements AutoCloseable {
        private final Map<Integer, Backend.Recording> byRows = new HashMap<>();
        private final Set<Integer> seen = new HashSet<>();
        private final Set<Integer> refused = new HashSet<>();
        private final boolean enabled;

        RecordedSteps(boolean enabled) {
            this.enabled = enabled;
        }

        void step(int rows, Runnable work) {
            List<Parameter> ps = model.parameters();
            Backend.Recording r = byRows.get(rows);
            if (r == null && enabled && seen.contains(rows) && !refused.contains(rows)) {
                optimizer.prepare(ps);
                r = backend.record(() -> {
                    work.run();
                    optimizer.update(ps);
                    constrain();
                });
                if (r == null) {
                    refused.add(rows);
                } else {
                    byRows.put(rows, r);
                }
            }
            seen.add(rows);
            if (r == null) {
                work.run();
                optimizer.step(ps);
                constrain();
            } else {
                optimizer.prepare(ps);
                r.replay();
                optimizer.replayed();
            }
        }

        @Override
        public void close() {
            byRows.values().forEach(Backend.Recording::close);
            byRows.clear();
        }
    }

    /** The max-norm constraint on every hidden layer's weights, after an optimiser step (none when off). */
    private void constrain() {
        if (maxNorm > 0) {
            List<Dense> layers = model.layers();
            for (int l = 0; l < layers.size() - 1; l++) {
                backend.maxNorm(layers.get(l).weights(), maxNorm);
            }
        }
    }

    /** Scales every gradient by clipNorm/‖g‖ when the global gradient norm exceeds clipNorm. */
    private void clip(Tensor norm, float clipNorm) {
        backend.fill(norm, 0f);
        for (Parameter p : model.parameters()) {
            backend.sumOfSquares(p.grad(), norm);
        }
        double total = Math.sqrt(backend.scalar(norm));
        if (total > clipNorm) {
            float s = (float) (clipNorm / total);
            for (Parameter p : model.parameters()) {
                backend.scale(p.grad(), s);
            }
        }
    }

    private void checkParameters(int epoch, Tensor norm) {
        backend.fill(norm, 0f);
        for (Parameter p : model.parameters()) {
            backend.sumOfSquares(p.value(), norm);
        }
        float s = backend.scalar(norm);
        if (!Float.isFinite(s)) {
            throw new TrainingDivergedException(epoch, "parameters stopped being finite in epoch " + epoch
                    + " (sum of squares " + s + "); try a lower learning rate or a clip norm");
        }
    }

    /** The epoch's batch order: a Fisher–Yates shuffle seeded by (seed, epoch) alone. */
    static void shuffle(int[] order, long seed, int epoch) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = order.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private void checkData(Dataset d, String what) {
        if (d.size() < 1) {
            throw new IllegalArgumentException("the " + what + " set is empty");
        }
        if (d.featureCount() != model.inputs()) {
            throw new IllegalArgumentException("the " + what + " set has " + d.featureCount()
                    + " features per sample but the model takes " + model.inputs());
        }
        int outputs = model.outputs();
        if (outputs == 1 ? d.classes() > 2 : d.classes() != outputs) {
            throw new IllegalArgumentException("the " + what + " set has " + d.classes()
                    + " classes but the model has " + outputs + " output" + (outputs == 1 ? " (binary only)" : "s"));
        }
    }

    /** A dataset resident on the device: features, targets and a row-index vector. */
    private static final class DeviceData implements AutoCloseable {
        final Tensor x;
        final Tensor y;
        final Tensor indices;

        DeviceData(Backend backend, Dataset d, int outputs) {
            Tensor xt = null, yt = null;
            try {
                xt = backend.upload(d.features(), d.size(), d.featureCount());
                yt = backend.upload(d.targets(outputs), d.size(), outputs);
                Tensor idx = backend.allocateIndices(d.size());
                int[] identity = new int[d.size()];
                for (int i = 0; i < identity.length; i++) {
                    identity[i] = i;
                }
                backend.uploadIndices(identity, idx);
                this.indices = idx;
            } catch (RuntimeException e) {
                Dense.closeAll(xt, yt);
                throw e;
            }
            this.x = xt;
            this.y = yt;
        }

        @Override
        public void close() {
            Dense.closeAll(x, y, indices);
        }
    }
}
