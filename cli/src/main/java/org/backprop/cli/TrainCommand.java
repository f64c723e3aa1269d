package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.bench.Charts;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.data.Text;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.backprop.nn.Activation;
import org.backprop.nn.Checkpoints;
import org.backprop.nn.EpochStats;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.backprop.nn.TrainingDivergedException;
import org.backprop.nn.TrainingMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--output", paramLabel = "softmax|sigmoid", defaultValue = "softmax",
            description = "Output layer: softmax over the classes, or sigmoid (one unit for two classes,"
                    + " one per class otherwise) (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--loss", paramLabel = "ce|bce|mse",
            description = "Loss (default: ce for a softmax output, bce for a sigmoid output).")
    String loss;

    @Option(names = "--optimizer", paramLabel = "sgd|momentum|adam", defaultValue = "adam",
            description = "Update rule (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 0.001 for adam, 0.1 for sgd, 0.05 for momentum).")
    Float lr;

    @Option(names = "--lr-decay", paramLabel = "GAMMA", defaultValue = "0.8",
            description = "Multiply the learning rate by GAMMA after every epoch; 1 keeps it constant"
                    + " (default: ${DEFAULT-VALUE}).")
    float lrDecay;

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

    @Option(names = "--save", paramLabel = "FILE", description = "Save the trained model (.npz exports NumPy arrays; anything else is our checkpoint format).")
    Path save;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write training curves (loss and accuracy per epoch) as a PNG.")
    Path plot;

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

    @Option(names = "--resume", paramLabel = "FILE", description = "Continue the run saved in this checkpoint up to --epochs.")
    Path resume;

    @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "0",
            description = "Clip the global gradient norm to X (0: off).")
    float clipNorm;

    @Option(names = "--memory", description = "After each epoch, print the heap in use after a full GC (for soak runs).")
    boolean memory;

    @Option(names = "--progress", negatable = true, description = "Progress bar (default: on when stderr is a terminal).")
    Boolean progress;

    @Mixin BackendOption backendOption = new BackendOption();

    @Option(names = "--fallback", paramLabel = "cpu",
            description = "If the device fails mid-run (a driver error, a lost GPU), continue on the CPU from the"
                    + " last completed epoch.")
    String fallback;

    /** The last completed epoch's parameters and optimiser state, kept on the host for --fallback. */
    private ModelState lastGood;

    /** The output files this run has claimed, and the checkpoints it has written. */
    private RunOutputs outputs;

    @Override
    public Integer call() throws Exception {
        validate();
        // A resumed run's data split and scaling come from its checkpoint, so read it before the data.
        ModelState resumed = resume != null ? Checkpoint.load(resume) : null;
        Recipe resumedRecipe = resumed != null ? Recipe.fromCheckpoint(resume, resumed, this) : null;
        if (resumed != null && checkpointEvery > 0 && checkpoint == null) {
            checkpoint = resume;
        }
        try (RunOutputs claimed = RunOutputs.claim(List.of("--save", "--checkpoint"),
                java.util.Arrays.asList(save, checkpointEvery > 0 ? checkpointFile() : null), plot, resume, overwrite)) {
            outputs = claimed;
            DataArgs.TrainTest tt = data.load(seed, resumed);
            System.out.println("data: " + tt.description());
            Recipe recipe = resumedRecipe != null ? resumedRecipe : Recipe.fromOptions(this, tt);
            ModelState start = resumed != null ? resumed : init != null ? readWeights(init) : null;
            return train(recipe, tt, start);
        }
    }

    private Path checkpointFile() {
        return checkpoint != null ? checkpoint : Path.of(DEFAULT_CHECKPOINT);
    }

    private int train(Recipe recipe, DataArgs.TrainTest tt, ModelState start) {
        List<EpochStats> seen = new ArrayList<>();
        Backend backend = backendOption.open();
        try {
            return run(backend, recipe, tt, start, resume != null, seen);
        } catch (RuntimeException e) {
            if (!"cpu".equals(fallback) || backend.name().equals("cpu") || Errors.isBadInput(e)
                    || e instanceof TrainingDivergedException) {
                throw e;
            }
            int after = lastGood == null ? recipe.startEpoch : Integer.parseInt(lastGood.metadata().get("epoch"));
            System.err.println("backprop: backend " + backend.name() + " failed: " + e.getMessage()
                    + "; continuing on the CPU after epoch " + after);
            closeQuietly(backend);
            backend = Backends.open("cpu", new BackendOptions(backendOption.threads == null ? 0 : backendOption.threads));
            recipe.startEpoch = after;
            return lastGood == null ? run(backend, recipe, tt, start, resume != null, seen)
                    : run(backend, recipe, tt, lastGood, true, seen);
        } finally {
            closeQuietly(backend);
        }
    }

    private static void closeQuietly(Backend b) {
        try {
            b.close();
        } catch (RuntimeException ignored) {
            // a failed device may refuse to release; the process is about to move on or exit
        }
    }

    /** Builds the model on {@code backend} from {@code start} (if any) and trains it to --epochs. */
    private int run(Backend backend, Recipe recipe, DataArgs.TrainTest tt, ModelState start, boolean withOptimizer,
                    List<EpochStats> seen) {
        TrainingMemory.require(recipe.memory(tt), "cpu".equals(backend.name()));
        try (Model model = recipe.build(backend, tt);
             Optimizer opt = recipe.optimizer()) {
            if (start != null) {
                Checkpoints.load(model, start);
                if (withOptimizer) {
                    opt.importState(model, start.extras());
                } else {
                    System.out.println("initial weights: " + init);
                }
            }
            Trainer trainer = new Trainer(model, recipe.loss, opt);
            System.out.println("model: " + model.describe() + ", " + recipe.loss.id() + " loss, " + opt
                    + (recipe.lrDecay < 1 ? " decayed x" + recipe.lrDecay + " per epoch" : "")
                    + ", batch " + batch + ", backend " + backend.description());
            boolean bar = progress != null ? progress : System.console() != null && System.getenv("CI") == null;
            FitOptions fo = new FitOptions(batch, epochs, seed)
                    .withStartEpoch(recipe.startEpoch).withProgress(bar).withClipNorm(clipNorm)
                    .withLrDecay(recipe.lrDecay).withConfusion(confusion);
            TrainResult result;
            try {
                result = trainer.fit(tt.train(), tt.test(), fo, s -> {
                    System.out.println(s.line());
                    seen.add(s);
                    if (memory) {
                        System.out.println(heapLine(s.epoch()));
                    }
                    if (checkpointEvery > 0 && (s.epoch() % checkpointEvery == 0 || s.epoch() == epochs)) {
                        saveCheckpoint(checkpointFile(), model, opt, recipe, s.epoch(), tt.scaler());
                        outputs.wroteCheckpoint(checkpointFile(), s.epoch());
                    }
                    if (fallback != null) {
                        lastGood = Checkpoints.capture(model, opt, recipe.metadata(s.epoch()));
                    }
                });
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.epoch(), e.getMessage() + outputs.lastGoodCheckpoint(checkpointEvery > 0));
            }
            EpochStats last = result.last();
            if (confusion && last.evaluation() != null) {
                System.out.println(last.evaluation().report());
            }
            System.out.printf(Locale.ROOT, "done: test accuracy %.2f%% after %d epoch%s, %.1f s training%n",
                    100 * last.testAccuracy(), last.epoch(), last.epoch() == 1 ? "" : "s", result.totalSeconds());
            if (save != null) {
                if (save.toString().endsWith(".npz")) {
                    Npz.save(save, Scaling.attach(Checkpoints.capture(model, null, recipe.metadata(epochs)), tt.scaler()));
                } else {
                    saveCheckpoint(save, model, opt, recipe, epochs, tt.scaler());
                }
                System.out.println("saved: " + save);
            }
            if (plot != null) {
                Charts.curves(seen.stream().map(e -> new Charts.Epoch(e.epoch(), e.trainLoss(), e.testLoss(),
                        e.testAccuracy())).toList(), "Training curves: " + model.describe(), plot);
                System.out.println("plot: " + plot);
            }
        }
        return 0;
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
        if (!(lrDecay > 0 && lrDecay <= 1)) {
            throw new IllegalArgumentException("--lr-decay must be in (0, 1], got " + lrDecay);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 or a positive number of epochs, got " + checkpointEvery);
        }
        if (!(clipNorm >= 0) || Float.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("--clip-norm must be 0 (off) or a positive number, got " + clipNorm);
        }
        if (resume != null) {
            DataArgs.requireFile(resume, "--resume");
        }
        if (init != null) {
            DataArgs.requireFile(init, "--init");
        }
        if (fallback != null && !fallback.equalsIgnoreCase("cpu")) {
            throw new IllegalArgumentException("--fallback takes only 'cpu', got '" + fallback + "'");
        }
        for (Path p : new Path[] {save, plot, checkpointEvery > 0 ? checkpointFile() : null}) {
            if (p != null && p.toAbsolutePath().getParent() != null && !Files.isDirectory(p.toAbsolutePath().getParent())) {
                throw new IllegalArgumentException("cannot write " + p + ": directory " + p.toAbsolutePath().getParent() + " does not exist");
            }
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
        return p.toString().endsWith(".npz") ? Npz.load(p) : Checkpoint.load(p);
    }

    private static void saveCheckpoint(Path p, Model model, Optimizer opt, Recipe recipe, int epoch,
                                       org.backprop.data.Standardizer scaler) {
        Checkpoint.save(p, Scaling.attach(Checkpoints.capture(model, opt, recipe.metadata(epoch)), scaler));
    }

    /** Everything that defines a run, from the options or from a checkpoint being resumed. */
    static final class Recipe {
        int[] hidden;
        Activation activation;
        Activation output;
        Loss loss;
        String optimizer;
        float lr;
        float lrDecay;
        float momentum;
        Init init;
        long seed;
        int batch;
        double testSplit;
        int startEpoch;

        static Recipe fromOptions(TrainCommand c, DataArgs.TrainTest tt) {
            Recipe r = new Recipe();
            r.hidden = parseLayers(c.layers);
            r.activation = Activation.parse(c.activation);
            if (r.activation == Activation.SOFTMAX) {
                throw new IllegalArgumentException("--activation softmax is only for the output layer: use --output softmax");
            }
            r.output = Activation.parse(c.output);
            if (r.output != Activation.SOFTMAX && r.output != Activation.SIGMOID) {
                throw new IllegalArgumentException("--output must be softmax or sigmoid, got " + c.output);
            }
            r.loss = c.loss != null ? Loss.parse(c.loss)
                    : r.output == Activation.SOFTMAX ? Loss.CROSS_ENTROPY : Loss.BINARY_CROSS_ENTROPY;
            r.optimizer = c.optimizer.toLowerCase(Locale.ROOT);
            r.lr = c.lr != null ? c.lr : defaultLr(r.optimizer);
            r.lrDecay = c.lrDecay;
            r.momentum = c.momentum;
            Init chosen = Init.parse(c.weightInit);
            r.init = chosen == Init.AUTO && r.hidden.length == 0 ? Init.ZEROS : chosen;
            r.seed = c.seed;
            r.batch = c.batch;
            r.testSplit = c.data.testSplit;
            r.startEpoch = 0;
            return r;
        }

        /**
         * The recipe a checkpoint was trained with. Every setting is checked as strictly as the
         * option it stands for: a checkpoint is a file, and files can be edited or corrupt.
         */
        static Recipe fromCheckpoint(Path file, ModelState st, TrainCommand c) {
            Map<String, String> m = st.metadata();
            String where = "--resume: " + file;
            Recipe r = new Recipe();
            r.hidden = new int[st.layers().size() - 1];
            for (int i = 0; i < r.hidden.length; i++) {
                r.hidden[i] = st.layers().get(i).outputs();
            }
            try {
                r.activation = r.hidden.length == 0 ? Activation.RELU : Activation.parse(st.layers().get(0).activation());
                r.output = Activation.parse(st.layers().get(st.layers().size() - 1).activation());
                r.loss = Loss.parse(setting(m, "loss", where));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            r.optimizer = setting(m, "optimizer", where);
            defaultLr(r.optimizer);
            r.lr = number(m, "lr", null, where, v -> v > 0 && v <= 10, "in (0, 10]");
            r.lrDecay = number(m, "lr-decay", "1", where, v -> v > 0 && v <= 1, "in (0, 1]");
            r.momentum = number(m, "momentum", "0.9", where, v -> v >= 0 && v < 1, "in [0, 1)");
            r.seed = (long) integer(m, "seed", null, where, Long.MIN_VALUE, Long.MAX_VALUE);
            r.batch = (int) integer(m, "batch", null, where, 1, 1 << 20);
            r.startEpoch = (int) integer(m, "epoch", null, where, 0, 100_000);
            r.init = Init.ZEROS;
            if (r.seed != c.seed || r.batch != c.batch) {
                c.seed = r.seed;
                c.batch = r.batch;
                System.out.println("resume: using the checkpoint's seed " + r.seed + " and batch " + r.batch);
            }
            if (m.containsKey("test-split")) {
                number(m, "test-split", null, where, v -> v > 0 && v < 1, "in (0, 1)");
                double f = Double.parseDouble(m.get("test-split").trim());
                if (f != c.data.testSplit) {
                    System.out.println("resume: using the checkpoint's --test-split " + f);
                }
                c.data.testSplit = f;
            }
            r.testSplit = c.data.testSplit;
            if (r.startEpoch >= c.epochs) {
                throw new IllegalArgumentException("--resume: the checkpoint already completed " + r.startEpoch
                        + " epochs; ask for more with --epochs");
            }
            System.out.println("resume: " + file + " after epoch " + r.startEpoch);
            return r;
        }

        private static String setting(Map<String, String> m, String key, String where) {
            String v = m.get(key);
            if (v == null) {
                throw new IllegalArgumentException(where + " has no '" + key + "' in its metadata: it was not written"
                        + " by train --checkpoint-every or --save, so the run cannot be continued");
            }
            return v;
        }

        private static float number(Map<String, String> m, String key, String fallback, String where,
                                    java.util.function.DoublePredicate ok, String range) {
            String v = m.containsKey(key) || fallback == null ? setting(m, key, where) : fallback;
            double d;
            try {
                d = Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!ok.test(d)) {
                throw new IllegalArgumentException(where + ": '" + key + "' is " + Text.printable(v) + ", must be " + range);
            }
            return (float) d;
        }

        private static long integer(Map<String, String> m, String key, String fallback, String where, long min, long max) {
            String v = m.containsKey(key) || fallback == null ? setting(m, key, where) : fallback;
            long n;
            try {
                n = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": '" + key + "' is " + Text.printable(v) + ", not an integer");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(where + ": '" + key + "' is " + n + ", must be between " + min
                        + " and " + max);
            }
            return n;
        }

        int outputs(DataArgs.TrainTest tt) {
            int classes = Math.max(tt.train().classes(), tt.test().classes());
            return output == Activation.SIGMOID && classes <= 2 ? 1 : classes;
        }

        /** What training this recipe's model on {@code tt} will hold in memory. */
        TrainingMemory.Estimate memory(DataArgs.TrainTest tt) {
            int[] units = java.util.Arrays.copyOf(hidden, hidden.length + 1);
            units[hidden.length] = outputs(tt);
            StringBuilder shape = new StringBuilder("model ").append(tt.train().featureCount());
            for (int u : units) {
                shape.append('-').append(u);
            }
            int slots = switch (optimizer) {
                case "momentum" -> 1;
                case "adam" -> 2;
                default -> 0;
            };
            return TrainingMemory.of(shape.toString(), tt.train().featureCount(), units, slots, batch,
                    tt.train().size(), tt.test().size());
        }

        Model build(Backend backend, DataArgs.TrainTest tt) {
            int outputs = outputs(tt);
            Model.Builder b = Model.builder(tt.train().featureCount());
            for (int h : hidden) {
                b.dense(h, activation);
            }
            return b.dense(outputs, output).init(init).seed(seed).build(backend);
        }

        Optimizer optimizer() {
            return switch (optimizer) {
                case "sgd" -> Optimizer.sgd(lr);
                case "momentum" -> Optimizer.momentum(lr, momentum);
                case "adam" -> Optimizer.adam(lr);
                default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer
                        + "': expected sgd, momentum or adam");
            };
        }

        Map<String, String> metadata(int epoch) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("epoch", Integer.toString(epoch));
            m.put("loss", loss.id());
            m.put("optimizer", optimizer);
            m.put("lr", Float.toString(lr));
            m.put("lr-decay", Float.toString(lrDecay));
            m.put("momentum", Float.toString(momentum));
            m.put("seed", Long.toString(seed));
            m.put("batch", Integer.toString(batch));
            m.put("test-split", Double.toString(testSplit));
            return m;
        }

        static float defaultLr(String optimizer) {
            return switch (optimizer) {
                case "sgd" -> 0.1f;
                case "momentum" -> 0.05f;
                case "adam" -> 0.001f;
                default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer
                        + "': expected sgd, momentum or adam");
            };
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
}
