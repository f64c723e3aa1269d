package org.backprop.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.data.Dataset;

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
 * and the running loss is read back only every {@link FitOptions#checkEvery()} batches.
 */
public final class Trainer {

    private final Model model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Backend backend;

    public Trainer(Model model, Loss loss, Optimizer optimizer) {
        loss.checkOutput(model.outputActivation());
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.backend = model.backend();
    }

    public Model model() { return model; }

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
        return "recorded once per batch size and replayed where the backend can record (CUDA graphs on the PTX GEMM),"
                + " else every op issued";
    }

    public Loss loss() { return loss; }

    public Optimizer optimizer() { return optimizer; }

    /** Trains for {@code options.epochs()} epochs (after {@code options.startEpoch()}), evaluating on {@code test} after each. */
    public TrainResult fit(Dataset train, Dataset test, FitOptions options, EpochListener listener) {
        checkData(train, "training");
        checkData(test, "test");
        List<EpochStats> history = new ArrayList<>();
        int batch = Math.min(options.batch(), train.size());
        try (DeviceData trainData = new DeviceData(backend, train, model.outputs());
             DeviceData testData = new DeviceData(backend, test, model.outputs());
             Workspace ws = new Workspace(model, Math.max(batch, Math.min(test.size(), 1024)));
             Tensor lossSum = backend.allocate(1, 1);
             Tensor correct = backend.allocate(1, 1);
             Tensor norm = backend.allocate(1, 1);
             Tensor batchStart = backend.allocateIndices(1);
             RecordedSteps recorded = new RecordedSteps(options.recordSteps() && options.clipNorm() == 0
                     && optimizer.recordable())) {
            int[] order = new int[train.size()];
            for (int epoch = options.startEpoch() + 1; epoch <= options.epochs(); epoch++) {
                optimizer.decayForEpoch(epoch, options.lrDecay());
                shuffle(order, options.seed(), epoch);
                backend.uploadIndices(order, trainData.indices);
                backend.fill(lossSum, 0f);
                backend.fill(correct, 0f);
                backend.uploadIndices(new int[] {0}, batchStart);
                int batches = (train.size() + batch - 1) / batch;
                long t0 = System.nanoTime();
                try (ProgressBar bar = options.progress() ? progressBar(epoch, options.epochs(), batches) : null) {
                    int lastChecked = 0;
                    for (int b = 0; b < batches; b++) {
                        int start = b * batch;
                        int n = Math.min(batch, train.size() - start);
                        Workspace.Views v = ws.rows(n);
                        if (options.clipNorm() > 0) {
                            step(trainData, batchStart, ws, v, lossSum, correct);
                            clip(norm, options.clipNorm());
                            optimizer.step(model);
                        } else {
                            recorded.step(n, () -> step(trainData, batchStart, ws, v, lossSum, correct));
                        }
                        if ((b + 1) % options.checkEvery() == 0 || b == batches - 1) {
                            float running = backend.scalar(lossSum);
                            if (!Float.isFinite(running)) {
                                throw new TrainingDivergedException(epoch, String.format(Locale.ROOT,
                                        "training loss became %s in epoch %d, between batches %d and %d of %d"
                                                + " (try a lower learning rate or --clip-norm)",
                                        running, epoch, lastChecked + 1, b + 1, batches));
                            }
                            lastChecked = b + 1;
                            if (bar != null) {
                                double secs = (System.nanoTime() - t0) / 1e9;
                                bar.stepTo(b + 1);
                                bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f  %.0f samples/s",
                                        running / (start + n), (start + n) / secs));
                            }
                        }
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double trainLoss = backend.scalar(lossSum) / train.size();
                double trainAcc = backend.scalar(correct) / train.size();
                checkParameters(epoch, norm);
                Result r = evaluate(testData, test, ws, lossSum, correct, options.confusion());
                EpochStats stats = new EpochStats(epoch, options.epochs(), trainLoss, trainAcc, r.loss, r.accuracy,
                        seconds, train.size() / seconds, r.evaluation);
                history.add(stats);
                if (listener != null) {
                    listener.onEpoch(stats);
                }
            }
        }
        return new TrainResult(history);
    }

    /** Loss, accuracy and the confusion matrix of the model on a dataset. */
    public Evaluation evaluate(Dataset data, int batch) {
        checkData(data, "evaluation");
        try (DeviceData d = new DeviceData(backend, data, model.outputs());
             Workspace ws = new Workspace(model, Math.min(Math.max(1, batch), data.size()));
             Tensor lossSum = backend.allocate(1, 1);
             Tensor correct = backend.allocate(1, 1)) {
            return evaluate(d, data, ws, lossSum, correct, true).evaluation;
        }
    }

    /**
     * One forward and backward pass over the whole of {@code batch}, without updating: returns the
     * mean loss and leaves the gradients in the model's layers (for gradient checks).
     */
    double lossAndGradients(Dataset batch) {
        checkData(batch, "batch");
        try (DeviceData d = new DeviceData(backend, batch, model.outputs());
             Workspace ws = new Workspace(model, batch.size());
             Tensor lossSum = backend.allocate(1, 1)) {
            backend.fill(lossSum, 0f);
            Workspace.Views v = ws.rows(batch.size());
            backend.gatherRows(d.x, d.indices, 0, v.input());
            backend.gatherRows(d.y, d.indices, 0, v.target());
            lossForward(ws, v, lossSum);
            ws.backward(v);
            return backend.scalar(lossSum) / batch.size();
        }
    }

    /** Layer i's weight and bias gradients from the last backward pass, as host arrays. */
    float[][] gradients(int i) {
        Dense d = model.layers().get(i);
        return new float[][] {backend.download(d.weightGrad), backend.download(d.biasGrad)};
    }

    private record Result(double loss, double accuracy, Evaluation evaluation) { }

    private Result evaluate(DeviceData d, Dataset data, Workspace ws, Tensor lossSum, Tensor correct, boolean confusion) {
        backend.fill(lossSum, 0f);
        backend.fill(correct, 0f);
        int batch = ws.capacity();
        float[] outputs = confusion ? new float[data.size() * model.outputs()] : null;
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            Workspace.Views v = ws.rows(n);
            backend.gatherRows(d.x, d.indices, start, v.input());
            backend.gatherRows(d.y, d.indices, start, v.target());
            Tensor out = lossForward(ws, v, lossSum);
            backend.countCorrect(out, v.target(), correct);
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

    /**
     * Forward pass plus the loss: adds the batch's summed loss to {@code lossSum}, leaves δ of the
     * output layer in the last delta buffer, and returns the output probabilities.
     */
    private Tensor lossForward(Workspace ws, Workspace.Views v, Tensor lossSum) {
        int last = model.layers().size() - 1;
        Tensor delta = v.deltas()[last];
        switch (loss) {
            case CROSS_ENTROPY -> {
                Tensor logits = ws.forward(v, false);
                backend.softmaxCrossEntropy(logits, v.target(), v.probabilities(), delta, lossSum);
                return v.probabilities();
            }
            case BINARY_CROSS_ENTROPY -> {
                Tensor logits = ws.forward(v, false);
                backend.sigmoidBinaryCrossEntropy(logits, v.target(), v.probabilities(), delta, lossSum);
                return v.probabilities();
            }
            case MSE -> {
                Tensor out = ws.forward(v, true);
                backend.squaredError(out, v.target(), delta, lossSum);
                model.outputActivation().backward(backend, out, delta);
                return out;
            }
            default -> throw new AssertionError(loss);
        }
    }

    /**
     * The device work of one training step up to the optimiser: gather the batch at the device-side
     * offset (and advance it), forward, loss with the correct count, backward. Reads nothing back,
     * so a backend can record it.
     */
    private void step(DeviceData data, Tensor batchStart, Workspace ws, Workspace.Views v, Tensor lossSum,
                      Tensor correct) {
        backend.gatherRows(data.x, data.indices, batchStart, v.input());
        backend.gatherRows(data.y, data.indices, batchStart, v.target());
        backend.advanceIndex(batchStart, v.rows());
        if (loss == Loss.CROSS_ENTROPY) {
            // [issue 15 fused ops] the correct count folded into the softmax + cross-entropy pass
            int last = model.layers().size() - 1;
            backend.softmaxCrossEntropy(ws.forward(v, false), v.target(), v.probabilities(), v.deltas()[last],
                    lossSum, correct);
        } else {
            Tensor out = lossForward(ws, v, lossSum);
            backend.countCorrect(out, v.target(), correct);
        }
        ws.backward(v);
    }

    /**
     * [issue 15 recorded steps] Runs training steps, replaying one recording per batch size where
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
            Backend.Recording r = byRows.get(rows);
            if (r == null && enabled && seen.contains(rows) && !refused.contains(rows)) {
                optimizer.prepare(model);
                r = backend.record(() -> {
                    work.run();
                    optimizer.update(model);
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
                optimizer.step(model);
            } else {
                optimizer.prepare(model);
                r.replay();
                optimizer.replayed();
            }
        }

        /** How many batch sizes run as replayed recordings. */
        int recordings() {
            return byRows.size();
        }

        @Override
        public void close() {
            byRows.values().forEach(Backend.Recording::close);
            byRows.clear();
        }
    }

    /** Scales every gradient by clipNorm/‖g‖ when the global gradient norm exceeds clipNorm. */
    private void clip(Tensor norm, float clipNorm) {
        backend.fill(norm, 0f);
        for (Dense d : model.layers()) {
            backend.sumOfSquares(d.weightGrad, norm);
            backend.sumOfSquares(d.biasGrad, norm);
        }
        double total = Math.sqrt(backend.scalar(norm));
        if (total > clipNorm) {
            float s = (float) (clipNorm / total);
            for (Dense d : model.layers()) {
                backend.scale(d.weightGrad, s);
                backend.scale(d.biasGrad, s);
            }
        }
    }

    private void checkParameters(int epoch, Tensor norm) {
        backend.fill(norm, 0f);
        for (Dense d : model.layers()) {
            backend.sumOfSquares(d.weights, norm);
            backend.sumOfSquares(d.bias, norm);
        }
        float s = backend.scalar(norm);
        if (!Float.isFinite(s)) {
            throw new TrainingDivergedException(epoch, "parameters stopped being finite in epoch " + epoch
                    + " (sum of squares " + s + "); try a lower learning rate or --clip-norm");
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

    private static ProgressBar progressBar(int epoch, int epochs, int batches) {
        return new ProgressBarBuilder()
                .setTaskName("epoch " + epoch + "/" + epochs)
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit(" batches", 1)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(110)
                .clearDisplayOnFinish()
                .build();
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
