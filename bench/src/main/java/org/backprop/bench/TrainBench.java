package org.backprop.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop.charts.Charts;
import org.backprop.core.Backend;
import org.backprop.data.Dataset;
import org.backprop.data.Mnist;
import org.backprop.data.MnistFetcher;
import org.backprop.nn.Activation;
import org.backprop.nn.EpochStats;
import org.backprop.nn.FitOptions;
import org.backprop.nn.Init;
import org.backprop.nn.Loss;
import org.backprop.nn.Model;
import org.backprop.nn.Optimizer;
import org.backprop.nn.TrainResult;
import org.backprop.nn.Trainer;
import org.backprop.nn.TrainingRecipe;

/**
 * Epoch time and samples/s of whole training runs on each backend — the reference MLP and a large
 * one — with PyTorch training the same networks on the same data in the same invocation, and the
 * time the default recipe takes to reach 98% test accuracy.
 */
public final class TrainBench {

    /**
     * A named {@link TrainingRecipe} on MNIST; {@code maxSamples} and {@code maxTest} cap the
     * training and test sets (0 means all of it).
     */
    record Workload(String name, TrainingRecipe recipe, int maxSamples, int maxTest) {

        int[] hidden() { return recipe.hidden(); }

        String activation() { return recipe.activation().id(); }

        String optimizer() { return recipe.optimizer(); }

        float lr() { return recipe.lr(); }

        float lrDecay() { return recipe.lrDecay(); }

        int batch() { return recipe.batch(); }

        int epochs() { return recipe.epochs(); }

        String describe() {
            return recipe.describe(784, 10).replace(recipe.activation().id() + ",",
                    recipe.activation().id() + ", softmax-CE,");
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            List<Object> h = new ArrayList<>();
            for (int x : hidden()) {
                h.add(x);
            }
            m.put("hidden", h);
            m.put("activation", activation());
            m.put("optimizer", optimizer());
            m.put("lr", (double) lr());
            m.put("lr_decay", (double) lrDecay());
            m.put("batch", batch());
            m.put("epochs", epochs());
            m.put("max_samples", maxSamples);
            m.put("max_test", maxTest);
            return m;
        }
    }

    /** One run's epochs, or the reason it could not run. */
    record Run(String runner, Workload workload, List<Charts.Epoch> curve, List<Double> seconds, int samples,
               String unavailable, Map<String, Object> extra) {
        /** The fastest epoch: the first one carries JIT compilation and allocation. */
        double bestSeconds() {
            return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }
    }

    private TrainBench() { }

    /** The sigmoid MLPs trained with plain SGD 0.1 at a constant rate, seed 42. */
    private static TrainingRecipe sigmoidSgd(int[] hidden, int batch, int epochs) {
        return TrainingRecipe.defaults().withHidden(hidden, null).withActivation(Activation.SIGMOID)
                .withOptimizer("sgd", 0.1f).withLrDecay(1f).withBatch(batch).withEpochs(epochs);
    }

    static List<Workload> workloads(BenchConfig cfg) {
        List<Workload> w = new ArrayList<>();
        int[] reference = {1024, 1024};
        int[] large = {4096, 4096, 4096};
        if (cfg.quick()) {
            // a smoke run: two epochs of four batches (so the curve is a line), one batch of the large net
            w.add(new Workload("reference", sigmoidSgd(reference, 256, 2), 1024, 500));
            w.add(new Workload("large", sigmoidSgd(large, 1024, 1), 1024, 500));
        } else {
            w.add(new Workload("reference", sigmoidSgd(reference, 256, 2), 0, 0));
            w.add(new Workload("large", sigmoidSgd(large, 1024, 1),
                    cfg.largeBatches() > 0 ? cfg.largeBatches() * 1024 : 0, 2000));
        }
        return w;
    }

    static Workload recipe(BenchConfig cfg) {
        return new Workload("time-to-" + Math.round(100 * cfg.targetAccuracy()) + "%", cfg.recipe(), 0, 0);
    }

    /** Full MNIST when it is on disk (or named with --data), else the bundled sample, saying which. */
    static Data data(BenchConfig cfg) {
        Path dir = cfg.dataDir() != null ? cfg.dataDir() : MnistFetcher.defaultCacheDir();
        if (cfg.dataDir() != null && !Mnist.present(dir)) {
            throw new IllegalArgumentException("--data " + dir + ": the four MNIST files are not there");
        }
        if (Mnist.present(dir)) {
            Dataset.Split s = Mnist.load(dir);
            return new Data(s, "full MNIST (" + s.train().size() + " train, " + s.test().size() + " test) from " + dir, true);
        }
        if (!cfg.quick()) {
            try {
                Dataset.Split s = Mnist.loadOrFetch(dir, cfg.log()::println);
                return new Data(s, "full MNIST (" + s.train().size() + " train, " + s.test().size() + " test), fetched to " + dir, true);
            } catch (RuntimeException e) {
                cfg.log().println("bench train: cannot fetch MNIST (" + e.getMessage() + "); using the bundled sample");
            }
        }
        Dataset.Split s = Mnist.sample();
        return new Data(s, "the bundled MNIST SAMPLE only (" + s.train().size() + " train, " + s.test().size()
                + " test): full MNIST not found in " + dir + " (run `backprop data fetch`)", false);
    }

    record Data(Dataset.Split split, String describe, boolean full) { }

    public static Section run(BenchConfig cfg, PythonPeer peers, Path out) {
        Data data = data(cfg);
        cfg.log().println("bench train: " + data.describe());
        List<Workload> workloads = workloads(cfg);
        Workload tta = cfg.quick() ? null : recipe(cfg);
        List<Run> runs = new ArrayList<>();
        java.util.Set<String> notes = new java.util.LinkedHashSet<>();
        List<Workload> all = new ArrayList<>(workloads);
        if (tta != null) {
            all.add(tta);
        }
        Path dir = null;
        try {
            Map<String, Object> dataJson = null;
            if (peers.interpreter("torch") != null) {
                dir = Files.createTempDirectory("backprop-bench-data");
                dataJson = TrainBenchPyTorch.writeData(data.split(), dir);
            }
            // workload by workload, ours then PyTorch, so drifting load on a shared machine hits
            // both sides of each ratio alike
            for (Workload w : all) {
                for (String name : cfg.backends()) {
                    try (Devices.Opened dev = Devices.open(name, cfg.resolvedThreads())) {
                        if (!dev.ok()) {
                            runs.add(unavailable(name + " (ours)", w, dev.unavailable()));
                        } else if (w == tta) {
                            runs.add(timeToAccuracy(dev.backend(), name, w, data.split(), cfg));
                        } else {
                            cfg.log().println("bench train: " + w.name() + " on " + name + " (ours)");
                            runs.add(ours(dev.backend(), name, w, data.split(), cfg));
                        }
                    }
                }
                // time-to-accuracy runs PyTorch only at the thread count that won the reference
                // workload: a second, slower thread count would add minutes and change nothing
                Run bestRef = w == tta ? bestPyTorch(runs, all.get(0), "cpu") : null;
                Object onlyThreads = bestRef == null ? null : bestRef.extra().get("threads");
                runs.addAll(TrainBenchPyTorch.runs(cfg, peers, w, dataJson, notes, onlyThreads));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data for PyTorch: " + e.getMessage(), e);
        } finally {
            TrainBenchPyTorch.deleteTree(dir);
        }

        return report(cfg, data, all, runs, notes, out);
    }

    static Run unavailable(String runner, Workload w, String why) {
        return new Run(runner, w, List.of(), List.of(), 0, why, Map.of());
    }

    static Model build(Backend be, Workload w) {
        return w.recipe().build(be, 784, 10);
    }

    static Optimizer optimizer(Workload w) {
        return w.recipe().newOptimizer();
    }

    static Dataset trainSet(Workload w, Dataset train) {
        return w.maxSamples() > 0 ? train.take(w.maxSamples()) : train;
    }

    static Dataset testSet(Workload w, Dataset test) {
        return w.maxTest() > 0 ? test.take(w.maxTest()) : test;
    }

    private static Run ours(Backend be, String name, Workload w, Dataset.Split split, BenchConfig cfg) {
        Dataset train = trainSet(w, split.train());
        try (Model model = build(be, w); Optimizer opt = optimizer(w)) {
            Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, opt);
            TrainResult r = trainer.fit(train, testSet(w, split.test()),
                    new FitOptions(w.batch(), w.epochs(), w.recipe().seed()).withSchedule(w.recipe().schedule()),
                    s -> cfg.log().println("  " + s.line()));
            return fromStats(name + " (ours)", w, r.epochs(), train.size(), Map.of("description", be.description()));
        } catch (RuntimeException e) {
            return unavailable(name + " (ours)", w, "failed: " + e.getMessage());
        }
    }

    /** Trains epoch by epoch until the test accuracy reaches the target; the time is training time only. */
    private static Run timeToAccuracy(Backend be, String name, Workload w, Dataset.Split split, BenchConfig cfg) {
        cfg.log().println("bench train: " + w.name() + " (" + w.describe() + ") on " + name + " (ours)");
        List<EpochStats> epochs = new ArrayList<>();
        try (Model model = build(be, w); Optimizer opt = optimizer(w)) {
            Trainer trainer = new Trainer(model, Loss.CROSS_ENTROPY, opt);
            for (int e = 1; e <= w.epochs(); e++) {
                TrainResult r = trainer.fit(split.train(), split.test(),
                        new FitOptions(w.batch(), e, w.recipe().seed()).withStartEpoch(e - 1).withSchedule(w.recipe().schedule()),
                        s -> cfg.log().println("  " + s.line()));
                epochs.addAll(r.epochs());
                if (r.last().testAccuracy() >= cfg.targetAccuracy()) {
                    break;
                }
            }
            return fromStats(name + " (ours)", w, epochs, split.train().size(), Map.of("description", be.description()));
        } catch (RuntimeException e) {
            return unavailable(name + " (ours)", w, "failed: " + e.getMessage());
        }
    }

    private static Run fromStats(String runner, Workload w, List<EpochStats> stats, int samples, Map<String, Object> extra) {
        List<Charts.Epoch> curve = new ArrayList<>();
        List<Double> secs = new ArrayList<>();
        for (EpochStats s : stats) {
            curve.add(new Charts.Epoch(s.epoch(), s.trainLoss(), s.testLoss(), s.testAccuracy()));
            secs.add(s.seconds());
        }
        return new Run(runner, w, curve, secs, samples, null, extra);
    }

    // ---------------------------------------------------------------- report

    private static Section report(BenchConfig cfg, Data data, List<Workload> workloads, List<Run> runs,
                                  java.util.Set<String> notes, Path out) {
        StringBuilder md = new StringBuilder("## Training: epoch time, ours vs PyTorch\n\n");
        md.append("- data: ").append(data.describe()).append('\n');
        md.append("- epoch time = training wall time of one epoch (evaluation excluded), the best epoch of each run "
                + "(the first carries JIT warm-up); PyTorch CPU runs with 1 and ").append(cfg.resolvedThreads())
                .append(" threads and the best is the peer (time to accuracy: only at the reference workload's best thread count); "
                        + "ratio = ours / PyTorch's best on the same device (< 1: ours faster)\n");
        for (String n : notes) {
            md.append("- ").append(n).append('\n');
        }
        md.append('\n');
        List<Charts.Panel> panels = new ArrayList<>();
        List<Object> jruns = new ArrayList<>();
        for (Workload w : workloads) {
            if (w.name().startsWith("time-to")) {
                continue;
            }
            md.append("### ").append(w.name()).append(": ").append(w.describe()).append("\n\n");
            Markdown t = new Markdown("runner", "samples/epoch", "epoch time (best)", "epochs (s)", "samples/s",
                    "test acc", "ours/PyTorch", "speed-up vs cpu (ours)");
            Run cpuOurs = runs.stream().filter(r -> r.workload() == w && r.runner().equals("cpu (ours)")
                    && r.unavailable() == null).findFirst().orElse(null);
            List<String> labels = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (String device : List.of("cpu", "cuda")) {
                Run best = bestPyTorch(runs, w, device);
                for (Run r : runs) {
                    if (r.workload() != w || !runnerDevice(r).equals(device)) {
                        continue;
                    }
                    boolean isOurs = r.runner().endsWith("(ours)");
                    if (r.unavailable() != null) {
                        t.row(r.runner(), "", "unavailable: " + r.unavailable());
                        continue;
                    }
                    double s = r.bestSeconds();
                    String ratio = isOurs && best != null ? Markdown.f("%.2f", s / best.bestSeconds()) : "";
                    Charts.Epoch lastEpoch = r.curve().isEmpty() ? null : r.curve().get(r.curve().size() - 1);
                    StringBuilder each = new StringBuilder();
                    for (double x : r.seconds()) {
                        each.append(each.length() > 0 ? ", " : "").append(Markdown.f("%.2f", x));
                    }
                    t.row(r.runner() + (r == best ? " (best)" : ""), r.samples(), Markdown.time(s), each,
                            Markdown.num(r.samples() / s),
                            lastEpoch == null ? "" : Markdown.f("%.2f%%", 100 * lastEpoch.testAccuracy()), ratio,
                            !isOurs || cpuOurs == null || r.samples() != cpuOurs.samples() ? ""
                                    : Markdown.f("%.2f×", cpuOurs.bestSeconds() / s));
                    if (isOurs || r == best) {
                        labels.add(isOurs ? r.runner() : "PyTorch " + device + (device.equals("cpu")
                                ? " (" + r.extra().get("threads") + " thr." + TrainBenchPyTorch.blasThreads(r.extra(), ", BLAS %s")
                                + ")" : ""));
                        values.add(s);
                    }
                }
            }
            md.append(t).append('\n');
            panels.add(new Charts.Panel(w.name() + ": " + w.describe().replace(", softmax-CE", ""),
                    "runner (" + runsSamples(runs, w) + " samples per epoch)", labels, values));
        }

        Workload tta = workloads.stream().filter(w -> w.name().startsWith("time-to")).findFirst().orElse(null);
        if (tta != null) {
            md.append("### Time to ").append(Math.round(100 * cfg.targetAccuracy())).append("% test accuracy: ")
                    .append(tta.describe()).append("\n\n");
            Markdown tt = new Markdown("runner", "epochs to target", "training time to target", "test acc % per epoch");
            for (Run r : runs) {
                if (r.workload() != tta) {
                    continue;
                }
                if (r.unavailable() != null) {
                    tt.row(r.runner(), "", "unavailable: " + r.unavailable(), "");
                    continue;
                }
                int reached = -1;
                double sum = 0;
                StringBuilder accs = new StringBuilder();
                for (int i = 0; i < r.curve().size(); i++) {
                    sum += r.seconds().get(i);
                    accs.append(i > 0 ? ", " : "").append(Markdown.f("%.2f", 100 * r.curve().get(i).testAccuracy()));
                    if (reached < 0 && r.curve().get(i).testAccuracy() >= cfg.targetAccuracy()) {
                        reached = i + 1;
                        break;
                    }
                }
                tt.row(r.runner(), reached > 0 ? reached : "not reached in " + r.curve().size(),
                        reached > 0 ? Markdown.time(sum) : "–", accs);
            }
            md.append(tt).append('\n');
        }

        Charts.bars(panels, "epoch time (s, lower is better)", out.resolve("train.png"));
        md.append("Charts: `train.png`");
        // the curves of our own longest run on each backend
        for (String name : cfg.backends()) {
            // the time-to-accuracy run has the most epochs worth plotting; else the longest run
            Run curveRun = runs.stream().filter(r -> r.runner().equals(name + " (ours)") && r.unavailable() == null)
                    .max(Comparator.comparingInt((Run r) -> r.workload().name().startsWith("time-to") ? 1 : 0)
                            .thenComparingInt(r -> r.curve().size())).orElse(null);
            if (curveRun != null) {
                String file = "curves-" + name + ".png";
                Charts.curves(curveRun.curve(), name + ": " + curveRun.workload().describe().replace(", softmax-CE", "")
                        + (data.full() ? " (MNIST)" : " (MNIST sample)"), out.resolve(file));
                md.append(", `").append(file).append('`');
            }
        }
        md.append("\n\n");

        for (Run r : runs) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("runner", r.runner());
            j.put("workload", r.workload().toJson());
            j.put("samples_per_epoch", r.samples());
            if (r.unavailable() != null) {
                j.put("unavailable", r.unavailable());
            } else {
                j.put("epoch_seconds", new ArrayList<>(r.seconds()));
                j.put("best_epoch_seconds", r.bestSeconds());
                List<Object> c = new ArrayList<>();
                for (Charts.Epoch e : r.curve()) {
                    Map<String, Object> ej = new LinkedHashMap<>();
                    ej.put("epoch", e.epoch());
                    ej.put("train_loss", e.trainLoss());
                    ej.put("test_loss", e.testLoss());
                    ej.put("test_accuracy", e.testAccuracy());
                    c.add(ej);
                }
                j.put("epochs", c);
            }
            j.putAll(r.extra());
            jruns.add(j);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", data.describe());
        json.put("runs", jruns);
        json.put("charts", List.of("train.png"));
        return new Section("train", md.toString(), json);
    }

    private static int runsSamples(List<Run> runs, Workload w) {
        return runs.stream().filter(r -> r.workload() == w && r.unavailable() == null).mapToInt(Run::samples).max().orElse(0);
    }

    private static String runnerDevice(Run r) {
        String n = r.runner().toLowerCase(Locale.ROOT);
        return n.startsWith("cpu") || n.startsWith("pytorch cpu") ? "cpu" : "cuda";
    }

    private static Run bestPyTorch(List<Run> runs, Workload w, String device) {
        return runs.stream().filter(r -> r.workload() == w && r.unavailable() == null
                        && r.runner().startsWith("PyTorch " + device))
                .min(Comparator.comparingDouble(Run::bestSeconds)).orElse(null);
    }
}
