package org.backprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.backprop.cluster.ClusterTrainings;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.data.TableSpec;
import org.backprop.io.Checkpoint;
import org.backprop.io.ModelState;
import org.backprop.io.Npz;
import org.backprop.nn.EpochStats;
import org.backprop.nn.StopRequest;
import org.backprop.nn.TrainingDivergedException;
import org.backprop.nn.TrainingRecipe;
import org.backprop.train.TrainingRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code backprop train}: wiring only. The options become a recipe (or a checkpoint's recipe is
 * resumed), and a {@link TrainingRun} trains it with listeners that print and write files.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "backprop train [OPTIONS]",
        description = {"Train a network and print one line per epoch.",
                "Default: 784-512-512-10 ReLU MLP, softmax + cross-entropy, Adam lr 0.001 with a cosine schedule,"
                        + " batch 128, 10 epochs on MNIST."})
final class TrainCommand implements Callable<Integer> {

    @ArgGroup(validate = false, heading = "Data%n", order = 1) DataArgs data = new DataArgs();
    @ArgGroup(validate = false, heading = "Model%n", order = 2) ModelOptions model = new ModelOptions();
    @ArgGroup(validate = false, heading = "Optimiser and schedule%n", order = 3) OptimiserOptions opt = new OptimiserOptions();
    @ArgGroup(validate = false, heading = "Run%n", order = 4) RunOptions run = new RunOptions();
    @ArgGroup(validate = false, heading = "Outputs%n", order = 5) OutputOptions out = new OutputOptions();
    @ArgGroup(validate = false, heading = "Device and cluster%n", order = 6) DeviceOptions device = new DeviceOptions();

    @Spec CommandSpec spec;

    /** Backends' logger, held so that --quiet's level sticks. */
    private static final java.util.logging.Logger BACKEND_LOG = java.util.logging.Logger.getLogger(Backends.class.getName());

    /** Checkpoint metadata key of a CSV's feature names (comma-joined), for {@code inspect}. */
    static final String FEATURES_KEY = "features";

    private List<String> featureNames;
    /** How the data was read and prepared ({@code data.*} keys), saved with every model and checkpoint. */
    private Map<String, String> dataMeta = Map.of();
    private RunOutputs outputs;
    private Resumed resumed;
    /** The features' standardisation, saved with every model and checkpoint (null: none). */
    private org.backprop.data.Standardizer scaler;

    @Override
    public Integer call() throws Exception {
        java.util.logging.Level before = BACKEND_LOG.getLevel();
        try {
            return trainCommand();
        } finally {
            BACKEND_LOG.setLevel(before);   // the process (or the next in-process command) logs as before
        }
    }

    private Integer trainCommand() throws Exception {
        validate();
        if (out.quiet) {
            BACKEND_LOG.setLevel(java.util.logging.Level.WARNING);   // no backend line: only done: and errors
        }
        OptionsRecipe.refuseNonApplying(model, opt, run, device);
        Augmenting.refuseNonApplying(run, out, data.data == null ? DataArgs.DEFAULT_SOURCE : data.data);
        data.validate();
        // A resumed run's data split and scaling come from its checkpoint, so read it before the data.
        resumed = run.resume != null ? Resumed.read(run.resume, this) : null;
        if (resumed != null && out.checkpointEvery > 0 && out.checkpoint == null) {
            out.checkpoint = run.resume;
        }
        try (RunOutputs claimed = RunOutputs.claim(List.of("--save", "--checkpoint"),
                Arrays.asList(out.save, out.checkpointEvery > 0 ? out.checkpointFile() : null), out.plot, run.resume,
                out.overwrite)) {
            outputs = claimed;
            DataArgs.TrainTest tt = data.load(run.seed, resumed == null ? null : resumed.state());
            say("data: " + tt.description());
            dataMeta = tt.metadata();
            scaler = tt.scaler();
            if ("true".equals(dataMeta.get("data.header")) && dataMeta.get("data.features") != null) {
                featureNames = TableSpec.splitList(dataMeta.get("data.features"));
            }
            ModelState initial = resumed == null && model.init != null ? readWeights(model.init) : null;
            TrainingRecipe recipe = resumed != null ? resumed.recipe()
                    : OptionsRecipe.of(model, opt, run, initial, tt.train().isRegression(), this::given);
            if (recipe.augment() != null) {
                say("augment: " + recipe.augment().describe() + ", the training images only, drawn afresh each epoch");
            }
            if (out.augmentPreview != null) {
                if (recipe.augment() == null) {
                    throw new IllegalArgumentException("--augment-preview draws the deformations of --augment, and"
                            + " this run has none");
                }
                Augmenting.preview(recipe.augment(), tt.train(), recipe.seed(), out.augmentPreview);
                say("augment preview: " + out.augmentPreview);
            }
            if (initial != null && !given("--layers")) {
                say("architecture: " + recipe.describe(tt.train().featureCount(), initial.layers()
                        .get(initial.layers().size() - 1).outputs()).split(",")[0] + ", " + recipe.output().id()
                        + " output, from --init " + model.init);
            }
            if (run.valSplit > 0) {
                org.backprop.data.Dataset.Split sp = tt.train().split(run.valSplit, run.seed);
                say("validation: " + sp.test().size() + " of the " + tt.train().size()
                        + " training samples held out (--val-split " + run.valSplit + ", seed " + run.seed + ")");
                tt = tt.withValidation(sp.train(), sp.test());
            }
            TrainingRun.Start start = resumed != null ? resumed.start()
                    : initial != null ? TrainingRun.Start.weights(initial) : TrainingRun.Start.fresh();
            return train(recipe, tt, start);
        }
    }

    /** A line of normal output: nothing under --quiet. */
    void say(String line) {
        if (!out.quiet) {
            System.out.println(Terminal.wrap(line, Terminal.PLAIN));
        }
    }

    private int train(TrainingRecipe recipe, DataArgs.TrainTest tt, TrainingRun.Start start) throws Exception {
        TrainingRun.Data d = new TrainingRun.Data(tt.train(), tt.validation(), tt.test(), tt.heldOut(), tt.targetScaling());
        boolean bar = !out.quiet && (out.progress != null ? out.progress : System.console() != null
                && System.getenv("CI") == null);
        StopRequest stop = new StopRequest();
        List<EpochStats> seen = new ArrayList<>();
        try (TrainingRun tr = new TrainingRun(recipe, d);
             History history = out.history != null
                     ? History.open(out.history, run.resume != null, tt.train().isRegression()) : null;
             ProgressLine line = bar ? new ProgressLine() : null;
             Interrupts ctrlC = device.spark == null ? Interrupts.install(stop, () -> close(line)) : null) {
            EpochPrinter printer = new EpochPrinter(out, tt.train().isRegression(), tt.targetScaling());
            tr.settings(new TrainingRun.Settings(opt.clipNorm, run.earlyStop, out.confusion, !device.noCudaGraph))
                    .startFrom(start).stopOn(stop).onBatch(line)
                    .onCluster(device.spark == null ? null : new TrainingRun.Cluster("spark", device.spark, device.syncEvery))
                    .listen(new TrainingRun.Listener() {
                        @Override public void started(TrainingRun r) {
                            checkPictures(r);
                            if (start.state() != null && !start.withOptimizer()) {
                                say("initial weights: " + model.init);
                            }
                            printer.modelLines(r, TrainCommand.this::say);
                        }

                        @Override public void epoch(TrainingRun r, EpochStats s) {
                            printer.epoch(s);
                            seen.add(s);
                            if (history != null) {
                                history.write(s);
                            }
                            if (out.saveBest != null && s.best()) {
                                saveCheckpoint(out.saveBest, r, s.epoch());
                            }
                            if (out.memory) {
                                say(heapLine(s.epoch()));
                            }
                            if (out.checkpointEvery > 0 && (s.epoch() % out.checkpointEvery == 0
                                    || s.epoch() == recipe.epochs())) {
                                saveCheckpoint(out.checkpointFile(), r, s.epoch());
                                outputs.wroteCheckpoint(out.checkpointFile(), s.epoch());
                            }
                        }

                        @Override public void fellBack(TrainingRun r, RuntimeException e, String failed, int after) {
                            System.err.println("backprop: backend " + failed + " failed: " + e.getMessage()
                                    + "; continuing on the CPU after epoch " + after);
                        }
                    });
            if ("cpu".equalsIgnoreCase(device.fallback)) {
                tr.fallbackTo(() -> Backends.open("cpu", new BackendOptions(device.threads == null ? 0 : device.threads)));
            }
            TrainingRun.Outcome o;
            try {
                o = tr.run(device.open());
            } catch (TrainingDivergedException e) {
                throw new TrainingDivergedException(e.epoch(), e.getMessage()
                        + outputs.lastGoodCheckpoint(out.checkpointEvery > 0));
            }
            if (o.interrupted()) {
                close(line);
                return saveInterrupted(o.result().interrupted(), tr);
            }
            printer.finish();
            new RunReport(out, run, tr, o, seen, this::say).print(recipe, this::saveModel);
        }
        return 0;
    }

    private static void close(ProgressLine line) {
        if (line != null) {
            line.close();
        }
    }

    /** The pictures that need the model: refused before the first epoch. */
    private void checkPictures(TrainingRun r) {
        if (out.weightsPng != null && WeightsPicture.side(r.model().inputs()) < 0) {
            throw new IllegalArgumentException("--weights-png draws the first layer of an image model (a square"
                    + " number of inputs, 784 for MNIST); this model takes " + r.model().inputs());
        }
        if (out.plotBoundary != null && r.model().inputs() != 2) {
            throw new IllegalArgumentException("--plot-boundary draws models of 2 input features; this one takes "
                    + r.model().inputs());
        }
    }

    /** After a Ctrl-C: the checkpoint of the batch the run stopped after, and one line on how to go on. */
    private int saveInterrupted(org.backprop.nn.TrainResult.Interruption at, TrainingRun r) {
        // with --checkpoint-every, the file it has been writing (claimed at the start)
        Path file = InterruptedRun.checkpointFile(out.checkpointEvery > 0 ? out.checkpointFile() : out.checkpoint,
                run.resume, out.save, out.checkpointEvery > 0, out.overwrite, Path.of(OutputOptions.DEFAULT_CHECKPOINT));
        Map<String, String> m = meta(r.recipe(), at.completedEpochs());
        m.put(InterruptedRun.BATCHES_DONE, Integer.toString(at.batchesDone()));
        Checkpoint.save(file, Scaling.attach(r.state(m), scaler));
        System.out.println(InterruptedRun.line(at, file, spec == null ? null : spec.commandLine().getParseResult()));
        return Interrupts.EXIT;
    }

    private void saveCheckpoint(Path p, TrainingRun r, int epoch) {
        Checkpoint.save(p, Scaling.attach(r.state(meta(r.recipe(), epoch)), scaler));
    }

    /** --save: the model (with optimiser state in our format) and where it went. */
    private String saveModel(TrainingRun r, int kept) throws java.io.IOException {
        return ModelExport.save(out.save, Scaling.attach(r.state(meta(r.recipe(), kept)), scaler),
                Scaling.attach(r.model().state(null, meta(r.recipe(), kept)), scaler), data.data);
    }

    /** The recipe's metadata, plus the data settings and a CSV's feature names for {@code inspect}. */
    private Map<String, String> meta(TrainingRecipe recipe, int epoch) {
        Map<String, String> m = recipe.metadata(epoch);
        m.put("test-split", Double.toString(data.testSplit));
        m.putAll(dataMeta);
        m.putIfAbsent(ResumeCheck.DATA_SOURCE, data.data);
        m.put("val-split", Double.toString(run.valSplit));
        m.put("clip-norm", Float.toString(opt.clipNorm));
        if (featureNames != null) {
            m.put(FEATURES_KEY, String.join(",", featureNames));
        }
        return m;
    }

    /** Whether the command line gave this option (not its default). */
    boolean given(String option) {
        return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
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

    /** The options' own ranges and files, checked before anything is read. */
    private void validate() {
        check(run.batch >= 1 && run.batch <= 1 << 20, "--batch must be between 1 and 1048576, got " + run.batch);
        check(run.epochs >= 1 && run.epochs <= 100_000, "--epochs must be between 1 and 100000, got " + run.epochs);
        check(opt.lr == null || (opt.lr > 0 && opt.lr <= 10), "--lr must be in (0, 10], got " + opt.lr);
        check(opt.lrDecay == null || (opt.lrDecay > 0 && opt.lrDecay <= 1), "--lr-decay must be in (0, 1], got " + opt.lrDecay);
        check(run.valSplit >= 0 && run.valSplit < 1, "--val-split must be 0 (none) or a fraction below 1, got " + run.valSplit);
        check(run.earlyStop >= 0, "--early-stop must be a positive number of epochs, got " + run.earlyStop);
        check(out.history == null || History.isSupported(out.history), "--history writes .csv or .jsonl: got " + out.history);
        check(out.checkpointEvery >= 0, "--checkpoint-every must be 0 or a positive number of epochs, got "
                + out.checkpointEvery);
        check(out.logEvery >= 1, "--log-every must be at least 1 epoch, got " + out.logEvery);
        check(opt.clipNorm >= 0 && !Float.isInfinite(opt.clipNorm), "--clip-norm must be 0 (off) or a positive number,"
                + " got " + opt.clipNorm);
        check(run.resume == null || model.init == null, "--init and --resume both say where training starts: --resume"
                + " continues a checkpoint (weights and optimiser state), --init starts a new run; give one");
        if (run.resume != null) {
            DataArgs.requireFile(run.resume, "--resume");
            String name = run.resume.getFileName().toString().toLowerCase(Locale.ROOT);
            check(!name.endsWith(".npz") && !name.endsWith(".onnx"), "--resume " + run.resume + ": an "
                    + name.substring(Math.max(0, name.lastIndexOf('.'))) + " file is an export of the weights, not a"
                    + " checkpoint (no optimiser state or recipe); to start a new run from its weights use --init "
                    + run.resume);
        }
        if (model.init != null) {
            DataArgs.requireFile(model.init, "--init");
        }
        check(device.syncEvery >= 1 && device.syncEvery <= 1_000_000, "--sync-every must be between 1 and 1000000"
                + " steps, got " + device.syncEvery);
        if (device.spark != null) {
            ClusterTrainings.find("spark"); // before the data is read: a missing module is said at once
            check(run.valSplit == 0, "--spark does not support --val-split yet; train without it or on one machine");
            check(run.earlyStop == 0, "--spark does not support --early-stop yet; train without it or on one machine");
        }
        check(device.fallback == null || device.fallback.equalsIgnoreCase("cpu"), "--fallback takes only 'cpu', got '"
                + device.fallback + "'");
        for (Path p : new Path[] {out.save, out.plot, out.checkpointEvery > 0 ? out.checkpointFile() : null, out.saveBest,
                out.history, out.plotBoundary, out.weightsPng, out.augmentPreview}) {
            Path dir = p == null ? null : p.toAbsolutePath().getParent();
            check(dir == null || Files.isDirectory(dir), "cannot write " + p + ": directory " + dir + " does not exist");
        }
        for (Path p : new Path[] {out.saveBest, out.checkpointEvery > 0 ? out.checkpointFile() : null}) {
            check(p == null || !ModelExport.isExport(p), (p == out.saveBest ? "--save-best " : "--checkpoint ") + p
                    + ": checkpoints are our own format (they resume); export a model with --save FILE.onnx or FILE.npz");
        }
        pngOption("--weights-png", out.weightsPng);
        pngOption("--plot-boundary", out.plotBoundary);
        pngOption("--plot", out.plot);
        pngOption("--augment-preview", out.augmentPreview);
    }

    private static void pngOption(String option, Path p) {
        check(p == null || p.toString().toLowerCase(Locale.ROOT).endsWith(".png"), option
                + " writes a PNG: give a file name ending in .png, got " + p);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
