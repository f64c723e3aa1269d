package org.backprop.train;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.backprop.cluster.ClusterJob;
import org.backprop.cluster.ClusterTrainings;
import org.backprop.core.Backend;
import org.backprop.core.BackendUnavailableException;
import org.backprop.data.Dataset;
import org.backprop.data.TargetScaling;
import org.backprop.io.ModelState;
import org.backprop.nn.Activation;
import org.backprop.nn.BatchListener;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Evaluation;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.RegressionMetrics;
import org.backprop.nn.StopRequest;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.backprop.nn.TrainingDivergedException;
import org.backprop.nn.TrainingMemory;
import org.backprop.nn.TrainingRecipe;

/**
 * One training run: recipe → data → model → epochs, with listeners. It builds the recipe's model
 * on a backend, loads where the run starts (fresh, initial weights, or a checkpoint with its
 * optimiser state), trains the remaining epochs here or on a cluster engine found at run time,
 * and scores the result once at the end. Listeners see the model being started, every epoch
 * (history, checkpoints, best model, plots) and a switch to the fallback backend.
 *
 * <pre>{@code
 * try (TrainingRun run = new TrainingRun(TrainingRecipe.defaults(), new TrainingRun.Data(train, test))) {
 *     TrainingRun.Outcome o = run.listen(TrainingRun.Listener.onEpoch(s -> System.out.println(s.line())))
 *             .run(Backends.best());
 * }
 * }</pre>
 */
public final class TrainingRun implements AutoCloseable {

    /**
     * The sets a run trains on, monitors each epoch (the validation set when there is one, else
     * the test set) and is scored on at the end; {@code heldOut} false when the test set is the
     * training set itself; {@code targetScaling} a regression's standardised targets (or null).
     */
    public record Data(Dataset train, Dataset validation, Dataset test, boolean heldOut, TargetScaling targetScaling) {
        public Data(Dataset train, Dataset test) {
            this(train, null, test, true, null);
        }

        public Dataset monitor() {
            return validation != null ? validation : test;
        }

        /** "val", "test", or "train" when nothing is held out. */
        public String monitorName() {
            return validation != null ? "val" : heldOut ? "test" : "train";
        }

        /** The set the final score is taken on, and its name. */
        public Dataset scored() {
            return heldOut ? test : validation != null ? validation : train;
        }

        public String scoredName() {
            return heldOut ? "test" : validation != null ? "validation" : "training";
        }

        public boolean regression() {
            return train.isRegression();
        }
    }

    /** Where a run starts: nothing (the recipe's initialisation), initial weights, or a checkpoint to resume. */
    public record Start(ModelState state, boolean withOptimizer, int epochsDone, int batchesDone) {
        public static Start fresh() {
            return new Start(null, false, 0, 0);
        }

        public static Start weights(ModelState initial) {
            return new Start(initial, false, 0, 0);
        }

        public static Start resume(ModelState checkpoint, int epochsDone, int batchesDone) {
            return new Start(checkpoint, true, epochsDone, batchesDone);
        }
    }

    /**
     * Settings of a run outside its recipe: gradient clipping (0 off), early-stopping patience
     * (0 off), a confusion matrix at the end, and whether steps may be recorded and replayed.
     */
    public record Settings(float clipNorm, int patience, boolean confusion, boolean recordSteps) {
        public static Settings defaults() {
            return new Settings(0f, 0, false, true);
        }
    }

    /** A cluster engine ({@code spark}), its master URL (empty: the launcher's) and local steps per sync. */
    public record Cluster(String engine, String master, int syncEvery) { }

    /** What a run's listeners are told; every method has an empty default. */
    public interface Listener {
        /** The model is built and loaded on {@code run.backend()}, before the first epoch. */
        default void started(TrainingRun run) { }

        /** After each epoch's evaluation: the model holds that epoch's parameters. */
        default void epoch(TrainingRun run, EpochStats stats) { }

        /** The backend failed mid-run; the run goes on, on the fallback, after {@code epochsDone} epochs. */
        default void fellBack(TrainingRun run, RuntimeException cause, String failed, int epochsDone) { }

        static Listener onEpoch(java.util.function.Consumer<EpochStats> f) {
            return new Listener() {
                @Override public void epoch(TrainingRun run, EpochStats stats) {
                    f.accept(stats);
                }
            };
        }
    }

    /**
     * The end of a run: the epochs, the test evaluation when the test set was kept out of the
     * epochs (a validation split) or a confusion matrix was asked for, else null; for a
     * regression, the metrics of the scored set in the targets' own units.
     */
    public record Outcome(TrainResult result, Evaluation test, RegressionMetrics regression) {
        public boolean interrupted() {
            return result.interrupted() != null;
        }
    }

    private final TrainingRecipe recipe;
    private final Data data;
    private final List<Listener> listeners = new ArrayList<>();
    private Settings settings = Settings.defaults();
    private Start start = Start.fresh();
    private Cluster cluster;
    private Supplier<Backend> fallback;
    private StopRequest stop;
    private BatchListener batchListener;

    private Backend backend;
    private Model model;
    private Optimizer optimizer;
    private ModelState lastGood;
    private int lastGoodEpoch;

    public TrainingRun(TrainingRecipe recipe, Data data) {
        this.recipe = recipe;
        this.data = data;
    }

    public TrainingRun settings(Settings s) {
        this.settings = s;
        return this;
    }

    public TrainingRun startFrom(Start s) {
        this.start = s;
        return this;
    }

    /** Trains on a cluster engine instead of here (null: here). */
    public TrainingRun onCluster(Cluster c) {
        if (c != null) {
            requireClusterSupports(recipe, settings);
        }
        this.cluster = c;
        return this;
    }

    /** The backend to continue on when the device fails mid-run (a driver error, a lost GPU). */
    public TrainingRun fallbackTo(Supplier<Backend> cpu) {
        this.fallback = cpu;
        return this;
    }

    public TrainingRun stopOn(StopRequest request) {
        this.stop = request;
        return this;
    }

    public TrainingRun onBatch(BatchListener l) {
        this.batchListener = l;
        return this;
    }

    public TrainingRun listen(Listener l) {
        listeners.add(l);
        return this;
    }

    public TrainingRecipe recipe() { return recipe; }

    public Data data() { return data; }

    public Backend backend() { return backend; }

    public Model model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    /** The epochs done before this run started (a resumed checkpoint's). */
    public int epochsBefore() { return start.epochsDone(); }

    /** The model and optimiser state, with {@code metadata}, for a checkpoint. */
    public ModelState state(Map<String, String> metadata) {
        return model.state(optimizer, metadata);
    }

    /** Output units: one sigmoid unit for two classes, else one per class (one for a regression). */
    public int outputUnits() {
        int classes = Math.max(data.train().classes(), data.test().classes());
        return recipe.output() == Activation.SIGMOID && classes <= 2 ? 1 : classes;
    }

    /** Trains on {@code backend} (which the run then owns and closes), then scores the result. */
    public Outcome run(Backend on) {
        this.backend = on;
        Start from = start;
        try {
            return train(from);
        } catch (RuntimeException e) {
            if (fallback == null || "cpu".equals(backend.name()) || !isDeviceFailure(e)) {
                throw e;
            }
            String failed = backend.name();
            int after = lastGood == null ? from.epochsDone() : lastGoodEpoch;
            closeModel();
            closeQuietly(backend);
            backend = fallback.get();
            for (Listener l : listeners) {
                l.fellBack(this, e, failed, after);
            }
            return train(lastGood == null ? from : Start.resume(lastGood, lastGoodEpoch, 0));
        }
    }

    private Outcome train(Start from) {
        TrainingMemory.require(memory(), "cpu".equals(backend.name()));
        model = recipe.build(backend, data.train().featureCount(), outputUnits());
        optimizer = recipe.newOptimizer();
        if (from.state() != null) {
            model.loadState(from.state());
            if (from.withOptimizer()) {
                optimizer.importState(model.parameters(), from.state().extras());
            }
        }
        for (Listener l : listeners) {
            l.started(this);
        }
        FitOptions fo = fitOptions(from);
        Trainer trainer = new Trainer(model, recipe.loss(), optimizer).onBatch(batchListener).stopOn(stop)
                .maxNorm(recipe.maxNorm()).augment(recipe.augment());
        org.backprop.nn.EpochListener each = s -> {
            for (Listener l : listeners) {
                l.epoch(this, s);
            }
            if (fallback != null) {
                lastGood = model.state(optimizer, new LinkedHashMap<>(recipe.metadata(s.epoch())));
                lastGoodEpoch = s.epoch();
            }
        };
        TrainResult result = cluster == null
                ? trainer.fit(data.train(), data.monitor(), data.monitorName(), fo, each)
                : ClusterTrainings.find(cluster.engine()).fit(new ClusterJob(cluster.master(), cluster.syncEvery(),
                        model, recipe.loss(), optimizer, OptimizerSpec.of(recipe.optimizer(), recipe.lr(),
                        recipe.momentum()), data.train(), data.test(), fo), each);
        if (result.interrupted() != null || result.epochs().isEmpty()) {
            return new Outcome(result, null, null);
        }
        Evaluation test = null;
        if (data.validation() != null && data.heldOut()) {
            // the test set is looked at once, on the model training chose, never to choose it
            test = trainer.evaluate(data.test(), 1024);
        } else if (settings.confusion()) {
            test = result.last().evaluation();
        }
        return new Outcome(result, test, data.regression() ? regression(data.scored()) : null);
    }

    private FitOptions fitOptions(Start from) {
        return new FitOptions(recipe.batch(), recipe.epochs(), recipe.seed())
                .withStartEpoch(from.epochsDone()).withStartBatch(from.batchesDone())
                .withClipNorm(settings.clipNorm()).withSchedule(recipe.schedule())
                .withConfusion(settings.confusion() && data.validation() == null)
                .withEarlyStopping(settings.patience()).withRecordSteps(settings.recordSteps());
    }

    /** One line saying how the steps will be issued on this backend (recorded and replayed, or not). */
    public String stepPath() {
        return new Trainer(model, recipe.loss(), optimizer).maxNorm(recipe.maxNorm()).augment(recipe.augment())
                .stepPath(fitOptions(start));
    }

    /** A regression's metrics on {@code set}, predictions and targets back in the targets' own units. */
    private RegressionMetrics regression(Dataset set) {
        float[] predictions = model.predict(set.features(), set.size());
        float[] targets = set.values().clone();
        TargetScaling s = data.targetScaling();
        if (s != null) {
            s.undo(predictions);
            s.undo(targets);
        }
        return RegressionMetrics.of(predictions, targets);
    }

    /** A failure of the device rather than of the input or of the training itself. */
    static boolean isDeviceFailure(RuntimeException e) {
        return !(e instanceof IllegalArgumentException || e instanceof TrainingDivergedException
                || e instanceof UncheckedIOException || e instanceof BackendUnavailableException);
    }

    /** What Spark training implements today; the rest is refused rather than silently ignored. */
    static void requireClusterSupports(TrainingRecipe recipe, Settings settings) {
        String o = recipe.optimizer();
        if (!o.equals("sgd") && !o.equals("momentum") && !o.equals("adam")) {
            throw new IllegalArgumentException("cluster training uses sgd, momentum or adam as its optimizer, not " + o);
        }
        boolean dropout = false;
        for (float rate : recipe.dropout()) {
            dropout |= rate > 0;
        }
        String unsupported = dropout ? "dropout" : recipe.inputDropout() > 0 ? "input dropout"
                : recipe.maxNorm() > 0 ? "max-norm" : recipe.momentumRamp() != null ? "a momentum ramp"
                : recipe.eps() != TrainingRecipe.DEFAULT_EPS ? "a chosen eps"
                : recipe.augment() != null ? "deformations (augment)"
                : recipe.weightDecay() != 0 ? "weight decay" : settings.patience() > 0 ? "early stopping" : null;
        if (unsupported != null) {
            throw new IllegalArgumentException("cluster training does not support " + unsupported
                    + " yet; train without it or on one machine");
        }
    }

    /** What training this model on the data will hold in memory, for a refusal before allocating. */
    private TrainingMemory.Estimate memory() {
        int[] hidden = recipe.hidden();
        int[] units = Arrays.copyOf(hidden, hidden.length + 1);
        units[hidden.length] = outputUnits();
        StringBuilder shape = new StringBuilder("model ").append(data.train().featureCount());
        for (int u : units) {
            shape.append('-').append(u);
        }
        int slots;
        try (Optimizer unbound = recipe.newOptimizer()) {   // allocates nothing until bound
            slots = unbound.stateTensorsPerParameter();
        }
        return TrainingMemory.of(shape.toString(), data.train().featureCount(), units, slots, recipe.batch(),
                data.train().size(), data.test().size());
    }

    private void closeModel() {
        if (optimizer != null) {
            optimizer.close();
            optimizer = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static void closeQuietly(Backend b) {
        try {
            b.close();
        } catch (RuntimeException ignored) {
            // a failed device may refuse to release; the run moves on
        }
    }

    @Override
    public void close() {
        closeModel();
        if (backend != null) {
            closeQuietly(backend);
            backend = null;
        }
    }
}
