package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.charts.Plots;
import org.backprop.cluster.ClusterJob;
import org.backprop.cluster.ClusterTrainings;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.data.TableSpec;
import org.backprop.data.Text;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.backprop.nn.Activation;
import org.backprop.data.Dataset;
import org.backprop.nn.EpochStats;
import org.backprop.nn.Evaluation;
import org.backprop.nn.LrSchedule;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.StopRequest;
import org.backprop.nn.OptimizerSpec;
import org.backprop.nn.RegressionMetrics;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.backprop.nn.TrainingDivergedException;
import org.backprop.nn.TrainingMemory;
import org.backprop.nn.TrainingRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backprop train}: builds a network, trains it, reports every epoch, saves it. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a network and print one line per epoch.",
                "Default: 784-512-512-10 ReLU MLP, softmax + cross-entropy, Adam lr 0.001 decayed by 0.8"
                        + " per epoch, batch 128, 10 epochs on MNIST."})
final class TrainCommand implements Callable<Integer> {

    @Mixin DataArgs data = new DataArgs();

    @Option(names = "--layers", paramLabel = "N,N,...", defaultValue = "512,512",
            description = "Hidden layer widths, comma-separated; 'none' for logistic or softmax regression"
                    + " (default: ${DEFAULT-VALUE}).")
    String layers;

    @Option(names = "--activation", paramLabel = "sigmoid|tanh|relu", defaultValue = "relu",
            description = "Hidden activation (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--output", paramLabel = "softmax|sigmoid",
            description = "Output layer: softmax over the classes, or sigmoid (one unit for two classes,"
                    + " one per class otherwise) (default: softmax; a regression has one linear unit).")
    String output;

    @Option(names = "--loss", paramLabel = "ce|bce|se",
            description = "Loss: ce cross-entropy, bce binary cross-entropy, se squared error summed over the outputs"
                    + " (default: ce for a softmax output, bce for a sigmoid output).")
    String loss;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|nesterov|rmsprop|adam|adamw", defaultValue = "adam",
            description = "Update rule, PyTorch's definitions (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.001 for adam, adamw and rmsprop, 0.1 for sgd, 0.05 for momentum"
                    + " and nesterov).")
    Float lr;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "L2 weight decay, PyTorch's weight_decay: adds LAMBDA*w to every gradient; decoupled"
                    + " (w -= lr*LAMBDA*w) for adamw (default: 0, and 0.01 for adamw).")
    Float weightDecay;

    @Option(names = "--dropout", paramLabel = "P[,P...]",
            description = "Inverted dropout after the hidden layers: one rate for all, or one per hidden layer;"
                    + " off in evaluation and prediction (default: none).")
    String dropout;

    @Option(names = "--lr-schedule", paramLabel = "constant|exponential|step|cosine", defaultValue = "exponential",
            description = "Learning rate per epoch: exponential multiplies it by --lr-decay every epoch, step every"
                    + " --lr-step epochs, cosine anneals it to 0 over the run (default: ${DEFAULT-VALUE}, which"
                    + " decays the rate x0.8 per epoch).")
    String lrSchedule;

    @Option(names = "--lr-decay", paramLabel = "GAMMA",
            description = "Decay factor of the exponential and step schedules; 1 keeps the rate constant"
                    + " (default: 0.8 for exponential, 0.1 for step).")
    Float lrDecay;

    @Option(names = "--lr-step", paramLabel = "N", defaultValue = "5",
            description = "Epochs between decays of the step schedule (default: ${DEFAULT-VALUE}).")
    int lrStep;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "Linear warm-up over the first N epochs, then the schedule (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--val-split", paramLabel = "FRACTION", defaultValue = "0",
            description = "Hold out this seeded fraction of the training set for validation: epoch lines show"
                    + " validation metrics and the test set is scored once, at the end (default: none).")
    double valSplit;

    @Option(names = "--early-stop", paramLabel = "PATIENCE", defaultValue = "0",
            description = "Stop when the validation loss has not improved for PATIENCE epochs and keep the best"
                    + " epoch's weights; needs --val-split (default: off).")
    int earlyStop;

    @Option(names = "--save-best", paramLabel = "FILE",
            description = "Keep-best checkpoint: saved each time the validation (or test) loss reaches a new low.")
    Path saveBest;

    @Option(names = "--history", paramLabel = "FILE.csv|FILE.jsonl",
            description = "Write every epoch's metrics, learning rate and time; a resumed run appends.")
    Path history;

    @Option(names = "--momentum", paramLabel = "MU", defaultValue = "0.9",
            description = "Momentum coefficient for --optimizer momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed for initialisation, hold-out and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--weight-init", paramLabel = "auto|xavier|he|zeros", defaultValue = "auto",
            description = "Initial weights: auto = He for ReLU layers, Xavier otherwise, zeros for a"
                    + " regression with no hidden layer (default: ${DEFAULT-VALUE}).")
    String weightInit;

    @Option(names = "--init", paramLabel = "FILE.npz", description = "Start from these weights (.npz, or our checkpoint).")
    Path init;

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model: .onnx exports an ONNX model"
            + " (input scaling included), .npz NumPy arrays; anything else is our checkpoint format, which --resume takes.")
    Path save;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Write training curves as a PNG: loss and accuracy per epoch, training beside validation (or test).")
    Path plot;

    @Option(names = "--weights-png", paramLabel = "FILE.png",
            description = "Draw the first layer's weights of an image model (MNIST) as one 28x28 tile per hidden unit.")
    Path weightsPng;

    @Option(names = "--plot-boundary", paramLabel = "FILE.png",
            description = "Draw the decision regions of a model with two inputs, with the training points.")
    Path plotBoundary;

    @Option(names = "--confusion", description = "Print the test confusion matrix with precision and recall after the last epoch.")
    boolean confusion;

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Save a checkpoint to --checkpoint every N epochs (0: never).")
    int checkpointEvery;

    static final String DEFAULT_CHECKPOINT = "backprop-checkpoint.bpm";

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Checkpoint file for --checkpoint-every (default: the --resume file, else "
                    + DEFAULT_CHECKPOINT + ").")
    Path checkpoint;

    @Option(names = "--overwrite",
            description = "Replace an existing --save or --checkpoint file that this run did not resume from.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue the run saved in this checkpoint, with its recipe and data, up to --epochs"
                    + " (default: the epochs it was started with). Options that would change the run are refused.")
    Path resume;

    @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "0",
            description = "Clip the global gradient norm to X (0: off).")
    float clipNorm;

    @Option(names = "--no-cuda-graph", description = "Issue every op of every training step, instead of replaying"
            + " the step as one CUDA graph per batch size (for comparing the two).")
    boolean noCudaGraph;

    @Option(names = "--memory", description = "After each epoch, print the heap in use after a full GC (for soak runs).")
    boolean memory;

    @Option(names = "--progress", negatable = true, description = "Progress bar (default: on when stderr is a terminal).")
    Boolean progress;

    @Mixin BackendOption backendOption = new BackendOption();

    @Option(names = "--fallback", paramLabel = "cpu",
            description = "If the device fails mid-run (a driver error, a lost GPU), continue on the CPU from the"
                    + " last completed epoch.")
    String fallback;

    @Option(names = {"--spark", "--master"}, paramLabel = "MASTER", arity = "0..1", fallbackValue = "",
            description = "Train data-parallel on Apache Spark: local[2], spark://host:7077, yarn, k8s://...;"
                    + " alone (under spark-submit), the master spark-submit was given. Needs the spark module.")
    String spark;

    @Option(names = "--sync-every", paramLabel = "K", defaultValue = "1",
            description = "With --spark: 1 = synchronous SGD (one Spark job per batch); K > 1 = K local steps per"
                    + " partition, then parameters and optimiser state averaged (default: ${DEFAULT-VALUE}).")
    int syncEvery;

    @Spec CommandSpec spec;

    /** Checkpoint metadata key of a CSV's feature names (comma-joined), for {@code inspect}. */
    static final String FEATURES_KEY = "features";

    /** The last completed epoch's parameters and optimiser state, kept on the host for --fallback. */
    private ModelState lastGood;
    /** Epochs already done: 0, the checkpoint's when resuming, the last good one after a fallback. */
    private int startEpoch;
    /** Batches of the next epoch already done by a run interrupted mid-epoch (0 at an epoch boundary). */
    private int startBatch;
    private History historyFile;
    private List<String> featureNames;
    /** How the data was read and prepared ({@code data.*} keys), saved with every model and checkpoint. */
    private Map<String, String> dataMeta = Map.of();

    /** The output files this run has claimed, and the checkpoints it has written. */
    private RunOutputs outputs;

    @Override
    public Integer call() throws Exception {
        validate();
        // A resumed run's data split and scaling come from its checkpoint, so read it before the data.
        ModelState resumed = resume != null ? Checkpoint.load(resume) : null;
        TrainingRecipe resumedRecipe = resumed != null ? fromCheckpoint(resume, resumed) : null;
        if (resumed != null && checkpointEvery > 0 && checkpoint == null) {
            checkpoint = resume;
        }
        try (RunOutputs claimed = RunOutputs.claim(List.of("--save", "--checkpoint"),
                java.util.Arrays.asList(save, checkpointEvery > 0 ? checkpointFile() : null), plot, resume, overwrite)) {
            outputs = claimed;
            DataArgs.TrainTest tt = data.load(seed, resumed);
            System.out.println("data: " + tt.description());
            dataMeta = tt.metadata();
            if ("true".equals(dataMeta.get("data.header")) && dataMeta.get("data.features") != null) {
                featureNames = TableSpec.splitList(dataMeta.get("data.features"));
            }
            ModelState initial = resumed == null && init != null ? readWeights(init) : null;
            TrainingRecipe recipe = resumedRecipe != null ? resumedRecipe : fromOptions(initial, tt.train().isRegression());
            if (spark != null) {
                requireSparkSupports(recipe);
            }
            ModelState start = resumed != null ? resumed : initial;
            return train(recipe, tt, start);
        }
    }

    /**
     * What Spark training implements today, checked on the recipe (from the options or from a
     * checkpoint being resumed): the rest is refused rather than silently ignored.
     */
    private static void requireSparkSupports(TrainingRecipe recipe) {
        String o = recipe.optimizer();
        if (!o.equals("sgd") && !o.equals("momentum") && !o.equals("adam")) {
            throw new IllegalArgumentException("--spark trains with sgd, momentum or adam, not " + o);
        }
        boolean dropout = false;
        for (float rate : recipe.dropout()) {
            dropout |= rate > 0;
        }
        String unsupported = dropout ? "--dropout" : recipe.weightDecay() != 0 ? "--weight-decay" : null;
        if (unsupported != null) {
            throw new IllegalArgumentException("--spark does not support " + unsupported + " yet; train without it"
                    + " or on one machine");
        }
    }

    private Path checkpointFile() {
        return checkpoint != null ? checkpoint : Path.of(DEFAULT_CHECKPOINT);
    }

    private int train(TrainingRecipe recipe, DataArgs.TrainTest tt, ModelState start) throws Exception {
        List<EpochStats> seen = new ArrayList<>();
        if (valSplit > 0) {
            Dataset.Split sp = tt.train().split(valSplit, seed);
            System.out.println("validation: " + sp.test().size() + " of the " + tt.train().size()
                    + " training samples held out (--val-split " + valSplit + ", seed " + seed + ")");
            tt = tt.withValidation(sp.train(), sp.test());
        }
        if (history != null) {
            historyFile = History.open(history, resume != null);
        }
        Backend backend = backendOption.open();
        try {
            return run(backend, recipe, tt, start, resume != null, seen);
        } catch (RuntimeException e) {
            if (!"cpu".equals(fallback) || backend.name().equals("cpu") || Errors.isBadInput(e)
                    || e instanceof TrainingDivergedException) {
                throw e;
            }
            int after = lastGood == null ? startEpoch : Integer.parseInt(lastGood.metadata().get("epoch"));
            System.err.println("backprop: backend " + backend.name() + " failed: " + e.getMessage()
                    + "; continuing on the CPU after epoch " + after);
            closeQuietly(backend);
            backend = Backends.open("cpu", new BackendOptions(backendOption.threads == null ? 0 : backendOption.threads));
            startEpoch = after;
            startBatch = lastGood == null ? startBatch : 0;
            return lastGood == null ? run(backend, recipe, tt, start, resume != null, seen)
                    : run(backend, recipe, tt, lastGood, true, seen);
        } finally {
            closeQuietly(backend);
            if (historyFile != null) {
                historyFile.close();
            }
        }
    }

    private static void closeQuietly(ProgressLine line) {
        if (line != null) {
            line.close();
        }
    }

    /** After a Ctrl-C: the checkpoint of the batch the run stopped after, and one line on how to go on. */
    private int saveInterrupted(TrainResult.Interruption at, Model model, Optimizer opt, TrainingRecipe recipe,
                                org.backprop.data.Standardizer scaler) {
        // with --checkpoint-every, the file it has been writing (claimed at the start)
        Path file = InterruptedRun.checkpointFile(checkpointEvery > 0 ? checkpointFile() : checkpoint, resume, save,
                checkpointEvery > 0, overwrite, Path.of(DEFAULT_CHECKPOINT));
        Map<String, String> m = meta(recipe, at.completedEpochs());
        m.put(InterruptedRun.BATCHES_DONE, Integer.toString(at.batchesDone()));
        Checkpoint.save(file, Scaling.attach(model.state(opt, m), scaler));
        System.out.println(InterruptedRun.line(at, file, spec == null ? null : spec.commandLine().getParseResult()));
        return Interrupts.EXIT;
    }

    private static void closeQuietly(Backend b) {
        try {
            b.close();
        } catch (RuntimeException ignored) {
            // a failed device may refuse to release; the process is about to move on or exit
        }
    }

    /** Builds the model on {@code backend} from {@code start} (if any) and trains it to --epochs. */
    private int run(Backend backend, TrainingRecipe recipe, DataArgs.TrainTest tt, ModelState start, boolean withOptimizer,
                    List<EpochStats> seen) {
        int classes = Math.max(tt.train().classes(), tt.test().classes());
        int units = recipe.output() == Activation.SIGMOID && classes <= 2 ? 1 : classes;
        TrainingMemory.require(memory(recipe, tt, units), "cpu".equals(backend.name()));
        try (Model model = recipe.build(backend, tt.train().featureCount(), units);
             Optimizer opt = recipe.newOptimizer()) {
            if (start != null) {
                model.loadState(start);
                if (withOptimizer) {
                    opt.importState(model.parameters(), start.extras());
                } else {
                    System.out.println("initial weights: " + init);
                }
            }
            if (weightsPng != null && WeightsPicture.side(model.inputs()) < 0) {
                throw new IllegalArgumentException("--weights-png draws the first layer of an image model (a square"
                        + " number of inputs, 784 for MNIST); this model takes " + model.inputs());
            }
            if (plotBoundary != null && model.inputs() != 2) {
                throw new IllegalArgumentException("--plot-boundary draws models of 2 input features; this one takes "
                        + model.inputs());
            }
            Trainer trainer = new Trainer(model, recipe.loss(), opt);
            // the backend has its own line ("backprop: backend ..."): these stay short enough to read
            System.out.println(Terminal.wrap("model: " + model.describe(), Terminal.PLAIN));
            System.out.println(Terminal.wrap("training: " + recipe.loss().id() + " loss, " + opt
                    + (recipe.schedule().decays() ? " " + recipe.schedule().describe() : "")
                    + ", batch " + batch + " on " + backend.name(), Terminal.PLAIN));
            boolean bar = progress != null ? progress : System.console() != null && System.getenv("CI") == null;
            FitOptions fo = new FitOptions(batch, epochs, seed)
                    .withStartEpoch(startEpoch).withClipNorm(clipNorm)
                    .withSchedule(recipe.schedule()).withConfusion(confusion && tt.validation() == null)
                    .withEarlyStopping(earlyStop).withRecordSteps(!noCudaGraph).withStartBatch(startBatch);
            Dataset monitor = tt.validation() != null ? tt.validation() : tt.test();
            System.out.println(Terminal.wrap("steps: " + trainer.stepPath(fo), Terminal.PLAIN));
            TrainResult result;
            StopRequest stop = new StopRequest();
            try (ProgressLine line = bar ? new ProgressLine() : null;
                 Interrupts ctrlC = spark == null ? Interrupts.install(stop, () -> closeQuietly(line)) : null) {
                trainer.onBatch(line);
                trainer.stopOn(stop);
                org.backprop.nn.EpochListener onEpoch = s -> {
                    System.out.println(tt.train().isRegression() ? Regression.epochLine(s) : s.line());
                    seen.add(s);
                    if (historyFile != null) {
                        historyFile.write(s);
                    }
                    if (saveBest != null && s.best()) {
                        saveCheckpoint(saveBest, model, opt, recipe, s.epoch(), tt.scaler());
                    }
                    if (memory) {
                        System.out.println(heapLine(s.epoch()));
                    }
                    if (checkpointEvery > 0 && (s.epoch() % checkpointEvery == 0 || s.epoch() == epochs)) {
                        saveCheckpoint(checkpointFile(), model, opt, recipe, s.epoch(), tt.scaler());
                        outputs.wroteCheckpoint(checkpointFile(), s.epoch());
                    }
                    if (fallback != null) {
                        lastGood = model.state(opt, meta(recipe, s.epoch()));
                    }
                };
                result = spark == null
                        ? trainer.fit(tt.train(), monitor, tt.validation() != null ? "val" : tt.heldOut() ? "test" : "train",
                                fo, onEpoch)
                        : ClusterTrainings.find("spark").fit(new ClusterJob(spark, syncEvery, model, recipe.loss(), opt,
                                OptimizerSpec.of(recipe.optimizer(), recipe.lr(), recipe.momentum()), tt.train(), tt.test(), fo),
                                onEpoch);
                if (result.interrupted() != null) {
                    closeQuietly(line);
                    return saveInterrupted(result.interrupted(), model, opt, recipe, tt.scaler());
                }
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.epoch(), e.getMessage() + outputs.lastGoodCheckpoint(checkpointEvery > 0));
            }
            EpochStats last = result.last();
            if (result.stoppedEarly()) {
                System.out.printf(Locale.ROOT, "early stop: no lower validation loss for %d epochs after epoch %d;"
                        + " keeping epoch %d's weights%n", earlyStop, result.bestEpoch(), result.bestEpoch());
            } else if (earlyStop > 0 && result.bestEpoch() != last.epoch()) {
                System.out.printf(Locale.ROOT, "early stopping: keeping epoch %d's weights (lowest validation loss)%n",
                        result.bestEpoch());
            }
            double testAccuracy = last.testAccuracy();
            boolean regression = tt.train().isRegression();
            if (tt.validation() != null && tt.heldOut()) {
                // the test set is looked at once, on the model training chose, never to choose it
                Evaluation t = trainer.evaluate(tt.test(), 1024);
                testAccuracy = t.accuracy();
                if (!regression) {
                    System.out.printf(Locale.ROOT, "test: loss %.4f  acc %.2f%% (epoch %d's weights, %d images)%n",
                            t.loss(), 100 * t.accuracy(), result.bestEpoch(), t.total());
                }
                if (confusion && !regression) {
                    System.out.println(t.report());
                }
            } else if (confusion && last.evaluation() != null && !regression) {
                System.out.println(last.evaluation().report());
            }
            // with nothing held out (--test-split 0) the last word goes to the set the epochs were scored on
            String scored = tt.heldOut() ? "test" : tt.validation() != null ? "validation" : "training";
            Dataset scoredSet = tt.heldOut() ? tt.test() : tt.validation() != null ? tt.validation() : tt.train();
            String after = String.format(Locale.ROOT, "after %d epoch%s, %.1f s training", last.epoch(),
                    last.epoch() == 1 ? "" : "s", result.totalSeconds());
            if (regression) {
                RegressionMetrics r = RegressionMetrics.of(model.predict(scoredSet.features(), scoredSet.size()),
                        scoredSet.values());
                System.out.println("done: " + scored + " " + r.line() + " " + after);
            } else {
                System.out.printf(Locale.ROOT, "done: %s accuracy %.2f%% %s%n", scored, 100 * testAccuracy, after);
            }
            int kept = result.bestEpoch();
            if (save != null) {
                String what = ModelExport.save(save, Scaling.attach(model.state(opt, meta(recipe, kept)), tt.scaler()),
                        Scaling.attach(model.state(null, meta(recipe, kept)), tt.scaler()), data.data);
                System.out.println("saved: " + save + what);
            }
            if (weightsPng != null) {
                WeightsPicture.draw(model.weights(0), model.inputs(), model.layers().get(0).outputs(),
                        "First-layer weights after " + last.epoch() + " epoch" + (last.epoch() == 1 ? "" : "s") + ": "
                                + model.describe(), weightsPng);
                System.out.println("weights: " + weightsPng);
            }
            if (plotBoundary != null) {
                Boundary.draw(model, tt.train(), String.format(Locale.ROOT, "%s: %d-%s, train acc %.1f%%, test acc %.1f%%",
                        tt.train().name(), model.inputs(), hiddenAndOutputs(model), 100 * last.trainAccuracy(),
                        100 * testAccuracy), plotBoundary);
                System.out.println("boundary: " + plotBoundary);
            }
            if (plot != null) {
                Plots.curves(seen, model.describe(), plot);
                System.out.println("plot: " + plot);
            }
        }
        return 0;
    }

    /** "3-1 (13 parameters)" for the title of a boundary picture. */
    private static String hiddenAndOutputs(Model m) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < m.layers().size(); i++) {
            sb.append(i == 0 ? "" : "-").append(m.layers().get(i).outputs());
        }
        return sb.append(" (").append(m.parameterCount()).append(" parameters)").toString();
    }

    private void validate() {
        if (batch < 1 || batch > 1 << 20) {
            throw new IllegalArgumentException("--batch must be between 1 and 1048576, got " + batch);
        }
        if (epochs < 1 || epochs > 100_000) {
            throw new IllegalArgumentException("--epochs must be between 1 and 100000, got " + epochs);
        }
        if (lr != null && !(lr > 0 && lr <= 10)) {
            throw new IllegalArgumentException("--lr must be in (0, 10], got " + lr);
        }
        if (lrDecay != null && !(lrDecay > 0 && lrDecay <= 1)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + lrDecay);
        }
        if (lrStep < 1) {
            throw new IllegalArgumentException("--lr-step must be at least 1 epoch, got " + lrStep);
        }
        if (warmup < 0 || warmup >= epochs) {
            throw new IllegalArgumentException("--warmup must be between 0 and --epochs - 1, got " + warmup);
        }
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("--val-split must be 0 (none) or a fraction below 1, got " + valSplit);
        }
        if (earlyStop < 0) {
            throw new IllegalArgumentException("--early-stop must be a positive number of epochs, got " + earlyStop);
        }
        if (earlyStop > 0 && valSplit == 0) {
            throw new IllegalArgumentException("--early-stop watches the validation loss: give --val-split too"
                    + " (stopping on the test set would tune the model to it)");
        }
        if (history != null && !History.isSupported(history)) {
            throw new IllegalArgumentException("--history writes .csv or .jsonl: got " + history);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 or a positive number of epochs, got " + checkpointEvery);
        }
        if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("--clip-norm must be 0 (off) or a positive number, got " + clipNorm);
        }
        if (resume != null && init != null) {
            throw new IllegalArgumentException("--init and --resume both say where training starts: --resume"
                    + " continues a checkpoint (weights and optimiser state), --init starts a new run; give one");
        }
        if (resume != null) {
            DataArgs.requireFile(resume, "--resume");
            String name = resume.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".npz") || name.endsWith(".onnx")) {
                throw new IllegalArgumentException("--resume " + resume + ": an " + name.substring(name.lastIndexOf('.'))
                        + " file is an export of the weights, not a checkpoint (no optimiser state or recipe);"
                        + " to start a new run from its weights use --init " + resume);
            }
        }
        if (init != null) {
            DataArgs.requireFile(init, "--init");
        }
        if (syncEvery < 1 || syncEvery > 1_000_000) {
            throw new IllegalArgumentException("--sync-every must be between 1 and 1000000 steps, got " + syncEvery);
        }
        if (syncEvery != 1 && spark == null) {
            throw new IllegalArgumentException("--sync-every only applies to --spark training");
        }
        if (spark != null) {
            ClusterTrainings.find("spark"); // before the data is read: a missing module is said at once
            // the options Spark training cannot honour; the recipe's own settings are checked once known
            String unsupported = valSplit > 0 ? "--val-split" : earlyStop > 0 ? "--early-stop" : null;
            if (unsupported != null) {
                throw new IllegalArgumentException("--spark does not support " + unsupported + " yet; train without it"
                        + " or on one machine");
            }
        }
        if (fallback != null && !fallback.equalsIgnoreCase("cpu")) {
            throw new IllegalArgumentException("--fallback takes only 'cpu', got '" + fallback + "'");
        }
        for (Path p : new Path[] {save, plot, checkpointEvery > 0 ? checkpointFile() : null, saveBest, history, plotBoundary,
                weightsPng}) {
            if (p != null && p.toAbsolutePath().getParent() != null && !Files.isDirectory(p.toAbsolutePath().getParent())) {
                throw new IllegalArgumentException("cannot write " + p + ": directory " + p.toAbsolutePath().getParent() + " does not exist");
            }
        }
        for (Path p : new Path[] {saveBest, checkpointEvery > 0 ? checkpointFile() : null}) {
            if (p != null && ModelExport.isExport(p)) {
                throw new IllegalArgumentException((p == saveBest ? "--save-best " : "--checkpoint ") + p + ": checkpoints"
                        + " are our own format (they resume); export a model with --save FILE.onnx or FILE.npz");
            }
        }
        if (weightsPng != null && !weightsPng.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--weights-png writes a PNG: give a file name ending in .png, got " + weightsPng);
        }
        if (plotBoundary != null && !plotBoundary.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--plot-boundary writes a PNG: give a file name ending in .png, got " + plotBoundary);
        }
        if (plot != null && !plot.toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--plot writes a PNG: give a file name ending in .png, got " + plot);
        }
    }

    private static String heapLine(int epoch) {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        return String.format(Locale.ROOT, "memory after epoch %d: heap %.1f MiB in use of %.1f MiB committed",
                epoch, used / 1048576.0, rt.totalMemory() / 1048576.0);
    }

    static ModelState readWeights(Path p) throws java.io.IOException {
        if (p.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            throw new IllegalArgumentException(p + " is an ONNX export, for other runtimes; backprop reads the"
                    + " checkpoint or .npz the model was saved as");
        }
        return p.toString().endsWith(".npz") ? Npz.load(p) : Checkpoint.load(p);
    }

    private void saveCheckpoint(Path p, Model model, Optimizer opt, TrainingRecipe recipe, int epoch,
                                org.backprop.data.Standardizer scaler) {
        Checkpoint.save(p, Scaling.attach(model.state(opt, meta(recipe, epoch)), scaler));
    }

    /** The recipe's metadata, plus a CSV's feature names for {@code inspect}. */
    private Map<String, String> meta(TrainingRecipe recipe, int epoch) {
        Map<String, String> m = recipe.metadata(epoch);
        m.put("test-split", Double.toString(data.testSplit));
        m.putAll(dataMeta);
        m.putIfAbsent(ResumeCheck.DATA_SOURCE, data.data);
        m.put("val-split", Double.toString(valSplit));
        m.put("clip-norm", Float.toString(clipNorm));
        if (featureNames != null) {
            m.put(FEATURES_KEY, String.join(",", featureNames));
        }
        return m;
    }

    /** Whether the command line gave this option (not its default). */
    private boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * The recipe the options ask for; with {@code --init} and no {@code --layers}, the
     * architecture (widths, and activations unless given) is the initial weights' own.
     */
    private TrainingRecipe fromOptions(ModelState initial, boolean regression) {
        int[] hidden = parseLayers(layers);
        Activation act = Activation.parse(activation);
        Activation out = output != null ? Activation.parse(output) : null;
        if (initial != null && !given("--layers")) {
            int n = initial.layers().size();
            hidden = new int[n - 1];
            for (int i = 0; i < n - 1; i++) {
                hidden[i] = initial.layers().get(i).outputs();
            }
            act = n > 1 && !given("--activation") ? Model.savedActivation(initial, 0) : act;
            out = !given("--output") ? Model.savedActivation(initial, n - 1) : out;
            System.out.println("architecture: " + initial.layers().get(0).inputs() + "-"
                    + (hidden.length == 0 ? "" : joinWidths(hidden) + "-") + initial.layers().get(n - 1).outputs()
                    + " " + act.id() + ", " + out.id() + " output, from --init " + init);
        }
        if (act == Activation.SOFTMAX) {
            throw new IllegalArgumentException("--activation softmax is only for the output layer: use --output softmax");
        }
        Loss l;
        if (regression) {
            // a quantity: one linear output unit and squared error, whatever a classifier would default to
            out = Regression.output(output);
            l = Regression.loss(loss);
        } else {
            if (out == null) {
                out = Activation.SOFTMAX;
            }
            if (out != Activation.SOFTMAX && out != Activation.SIGMOID) {
                throw new IllegalArgumentException("--output must be softmax or sigmoid, got " + out.id()
                        + (out == Activation.IDENTITY ? " (a linear output is for a regression: --task regression)" : ""));
            }
            l = loss != null ? Loss.parse(loss) : out == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.BINARY_CROSS_ENTROPY;
        }
        String opt = optimizer.toLowerCase(Locale.ROOT);
        float rate = lr != null ? lr : TrainingRecipe.defaultLr(opt);
        float decay = weightDecay != null ? weightDecay : opt.equals("adamw") ? 0.01f : 0f;
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("--weight-decay must be in [0, 1), got " + decay);
        }
        float[] drop = null;
        if (dropout != null) {
            if (hidden.length == 0) {
                throw new IllegalArgumentException("--dropout needs a hidden layer: dropout goes after hidden layers,"
                        + " and --layers none has none");
            }
            drop = TrainingRecipe.parseRates(dropout, hidden.length);
        }
        Init chosen = Init.parse(weightInit);
        Init in = chosen == Init.AUTO && hidden.length == 0 ? Init.ZEROS : chosen;
        String kind = lrSchedule.trim().toLowerCase(Locale.ROOT);
        float gamma = lrDecay != null ? lrDecay : kind.equals("step") ? 0.1f : kind.equals("exponential") ? 0.8f : 1f;
        LrSchedule schedule = new LrSchedule(kind, gamma, lrStep, warmup);
        return new TrainingRecipe(hidden, act, out, l, opt, rate, schedule, momentum, decay, drop, in, seed, batch, epochs);
    }

    /** The recipe a checkpoint being resumed was trained with; its seed and batch win over the options. */
    private TrainingRecipe fromCheckpoint(Path file, ModelState st) {
        String where = "--resume: " + file;
        Map<String, String> m = st.metadata();
        for (String key : new String[] {"loss", "optimizer", "lr", "seed", "batch", "epoch"}) {
            if (m.get(key) == null) {
                throw new IllegalArgumentException(where + " has no '" + key + "' in its metadata: it was not written"
                        + " by train --checkpoint-every or --save, so the run cannot be continued");
            }
        }
        TrainingRecipe r;
        try {
            r = TrainingRecipe.fromMetadata(st);
            startEpoch = Integer.parseInt(m.get("epoch").trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " lacks the run settings a resume needs"
                    + " (it was not written by --checkpoint-every or --save): " + Text.printable(String.valueOf(e.getMessage())));
        }
        // a checkpoint is a file, and files can be edited or corrupt: each setting as strict as its option
        if (r.batch() < 1 || r.batch() > 1 << 20) {
            throw new IllegalArgumentException(where + ": 'batch' is " + r.batch() + ", must be between 1 and " + (1 << 20));
        }
        if (!(r.lr() > 0 && r.lr() <= 10)) {
            throw new IllegalArgumentException(where + ": 'lr' is " + r.lr() + ", must be in (0, 10]");
        }
        if (startEpoch < 0 || startEpoch > 100_000) {
            throw new IllegalArgumentException(where + ": 'epoch' is " + startEpoch + ", must be between 0 and 100000");
        }
        startBatch = InterruptedRun.batchesDone(m, where);
        if (spec != null) {
            ResumeCheck.requireAgrees(spec.commandLine().getParseResult(), st, r);
            data.data = ResumeCheck.dataSource(spec.commandLine().getParseResult(), st, data.data);
            // settings outside the recipe, kept by newer checkpoints: the checkpoint's unless given (then equal)
            valSplit = savedNumber(m, "val-split", "--val-split", valSplit);
            clipNorm = (float) savedNumber(m, "clip-norm", "--clip-norm", clipNorm);
            if (!given("--epochs") && m.get("epochs") != null) {
                epochs = r.epochs();
            }
        }
        seed = r.seed();
        batch = r.batch();
        String split = m.get("test-split");
        if (split != null) {
            double f;
            try {
                f = Double.parseDouble(split.trim());
            } catch (NumberFormatException e) {
                f = Double.NaN;
            }
            if (!(f >= 0 && f < 1)) {
                throw new IllegalArgumentException(where + ": 'test-split' is " + Text.printable(split) + ", must be in [0, 1)");
            }
            data.testSplit = f;
        }
        if (startEpoch >= epochs) {
            throw new IllegalArgumentException("--resume: the checkpoint already completed " + startEpoch
                    + " epochs; ask for more with --epochs");
        }
        System.out.println("resume: " + file + " after epoch " + startEpoch
                + (startBatch > 0 ? " and " + startBatch + " batches of epoch " + (startEpoch + 1) : "")
                + ", trained on " + Text.printable(data.data));
        return r.withEpochs(epochs);
    }

    private static String joinWidths(int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int w : widths) {
            b.append(b.length() == 0 ? "" : "-").append(w);
        }
        return b.toString();
    }

    private double savedNumber(Map<String, String> m, String key, String option, double current) {
        String v = m.get(key);
        if (v == null || given(option)) {
            return current;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--resume: the checkpoint's '" + key + "' is " + Text.printable(v)
                    + ", not a number");
        }
    }

    /** What training this recipe's model on {@code tt} will hold in memory, for a refusal before allocating. */
    private static TrainingMemory.Estimate memory(TrainingRecipe recipe, DataArgs.TrainTest tt, int outputs) {
        int[] hidden = recipe.hidden();
        int[] units = java.util.Arrays.copyOf(hidden, hidden.length + 1);
        units[hidden.length] = outputs;
        StringBuilder shape = new StringBuilder("model ").append(tt.train().featureCount());
        for (int u : units) {
            shape.append('-').append(u);
        }
        int slots;
        try (Optimizer unbound = recipe.newOptimizer()) {   // allocates nothing until bound
            slots = unbound.stateTensorsPerParameter();
        }
        return TrainingMemory.of(shape.toString(), tt.train().featureCount(), units, slots, recipe.batch(),
                tt.train().size(), tt.test().size());
    }

    static int[] parseLayers(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                out[i] = -1;
            }
            if (out[i] < 1 || out[i] > 1 << 20) {
                throw new IllegalArgumentException("--layers: '" + parts[i].trim() + "' is not a layer width:"
                        + " expected positive integers separated by commas, e.g. 1024,1024, or 'none'");
            }
        }
        return out;
    }
}
