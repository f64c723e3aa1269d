package org.backprop.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.backprop.bench.Bench;
import org.backprop.bench.BenchConfig;
import org.backprop.bench.GemmBench;
import org.backprop.nn.Activation;
import org.backprop.nn.TrainingRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code backprop bench [gemm|ops|train|all]}: CPU against GPU with numpy and PyTorch beside.
 * The Markdown report goes to stdout, progress to stderr, and results.json, results.md and the
 * PNG charts to {@code --out}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks: GEMM GFLOP/s, op bandwidth and training epoch time per backend,",
                "with numpy (OpenBLAS) and PyTorch measured in the same run.",
                "Without a subcommand, runs all three."},
        subcommands = {BenchCommand.Gemm.class, BenchCommand.Ops.class, BenchCommand.Train.class,
                BenchCommand.All.class})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--backend", split = ",", paramLabel = "cpu,cuda", scope = ScopeType.INHERIT,
            description = "Backends to measure (default: every registered one; one that cannot run here is "
                    + "reported as unavailable with its reason).")
    List<String> backends;

    @Option(names = "--quick", scope = ScopeType.INHERIT,
            description = "A smoke run of about 15-30 s (2-core CPU, peers on; measured loosely) instead of "
                    + "the full sweep: two sizes per chart, a few batches of training.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Folder for results.json, results.md and the charts (default: the current folder).")
    Path out;

    @Option(names = "--python", paramLabel = "PATH|auto|none", scope = ScopeType.INHERIT,
            description = "Python for the numpy/PyTorch peers (default: auto, the first of python3, /usr/bin/python3, "
                    + "... that can import them; none: skip the peers).")
    String python;

    @Option(names = "--threads", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "CPU threads for our backend and the CPU peers (default: one per available processor).")
    Integer threads;

    @Option(names = "--peak-gflops", paramLabel = "GFLOPS", scope = ScopeType.INHERIT,
            description = "CPU fp32 peak for the floors (default: measured in the run with an FMA loop; "
                    + "estimated from /proc/cpuinfo without the Vector API).")
    Double peakGflops;

    @Option(names = "--gpu-peak-gflops", paramLabel = "GFLOPS", scope = ScopeType.INHERIT,
            description = "GPU fp32 peak for the floors (default: the datasheet figure for the device).")
    Double gpuPeakGflops;

    /** bench alone runs all three parts, so it takes the training bench's options too. */
    @Mixin
    TrainOptions train = new TrainOptions();

    @Override
    public Integer call() {
        return run(EnumSet.allOf(Bench.Part.class), train);
    }

    int run(EnumSet<Bench.Part> parts, TrainOptions t) {
        Bench.run(config(t.or(train)), parts, System.out);
        return 0;
    }

    BenchConfig config(TrainOptions t) {
        if (threads != null && (threads < 1 || threads > 4096)) {
            throw new IllegalArgumentException("--threads must be between 1 and 4096, got " + threads);
        }
        int largeBatches = t.largeBatches == null ? 0 : t.largeBatches;
        if (largeBatches < 0) {
            throw new IllegalArgumentException("--large-batches must be >= 0, got " + largeBatches);
        }
        for (Double p : new Double[] {peakGflops, gpuPeakGflops}) {
            if (p != null && !(p > 0)) {
                throw new IllegalArgumentException("a peak must be a positive GFLOP/s figure, got " + p);
            }
        }
        List<String> names = new ArrayList<>();
        if (backends == null || backends.isEmpty()) {
            names.addAll(Bench.allBackends());
        } else {
            List<String> known = Bench.allBackends();
            for (String b : backends) {
                String n = b.trim().toLowerCase(Locale.ROOT);
                if (!n.isEmpty() && !known.contains(n)) {
                    // a typo is the user's error; a known backend that cannot run here is a report row
                    throw new IllegalArgumentException("--backend: unknown backend '" + b.trim() + "', expected "
                            + String.join(" or ", known));
                }
                if (!n.isEmpty() && !names.contains(n)) {
                    names.add(n);
                }
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--backend: no backend named");
        }
        TrainingRecipe d = BenchConfig.defaultRecipe();
        int[] hidden = d.hidden();
        if (t.ttaHidden != null) {
            hidden = t.ttaHidden.stream().mapToInt(Integer::intValue).toArray();
            for (int h : hidden) {
                if (h < 1) {
                    throw new IllegalArgumentException("--tta-hidden: layer sizes must be positive, got " + h);
                }
            }
        }
        if (t.ttaLrDecay != null && !(t.ttaLrDecay > 0 && t.ttaLrDecay <= 1)) {
            throw new IllegalArgumentException("--tta-lr-decay must be in (0, 1], got " + t.ttaLrDecay);
        }
        if (t.ttaBatch != null && t.ttaBatch < 1) {
            throw new IllegalArgumentException("--tta-batch must be at least 1, got " + t.ttaBatch);
        }
        if (t.ttaMaxEpochs != null && t.ttaMaxEpochs < 1) {
            throw new IllegalArgumentException("--tta-max-epochs must be at least 1, got " + t.ttaMaxEpochs);
        }
        double target = t.ttaTarget == null ? BenchConfig.DEFAULT_TARGET : t.ttaTarget;
        if (!(target > 0 && target <= 1)) {
            throw new IllegalArgumentException("--tta-target is a fraction in (0, 1], got " + target);
        }
        TrainingRecipe recipe = d.withHidden(hidden, null)
                .withActivation(t.ttaActivation == null ? d.activation() : Activation.parse(t.ttaActivation))
                .withOptimizer("adam", t.ttaLr == null ? d.lr() : t.ttaLr)
                .withLrDecay(t.ttaLrDecay == null ? d.lrDecay() : t.ttaLrDecay)
                .withBatch(t.ttaBatch == null ? d.batch() : t.ttaBatch)
                .withEpochs(t.ttaMaxEpochs == null ? d.epochs() : t.ttaMaxEpochs);
        // the current folder unless told: results land where the user is, not in a checkout's bench/
        Path dir = out != null ? out : Path.of("");
        return new BenchConfig(names, quick, dir, python, threads == null ? 0 : threads, peakGflops, gpuPeakGflops,
                t.data, largeBatches, recipe, target, System.err);
    }

    /** The options of {@code bench train} (and of {@code bench} / {@code bench all}, which include it). */
    static final class TrainOptions {
        @Option(names = "--data", paramLabel = "DIR",
                description = "MNIST folder for bench train (default: the fetcher's cache; the bundled sample if absent).")
        Path data;

        @Option(names = "--large-batches", paramLabel = "N",
                description = "Time the large network over N batches of 1024 instead of a full epoch (default: full epoch).")
        Integer largeBatches;

        @Option(names = "--tta-hidden", split = ",", paramLabel = "512,512",
                description = "Hidden layers of the time-to-accuracy recipe (default: 512,512).")
        List<Integer> ttaHidden;

        @Option(names = "--tta-activation", paramLabel = "relu",
                description = "Hidden activation of the time-to-accuracy recipe (default: relu).")
        String ttaActivation;

        @Option(names = "--tta-lr", paramLabel = "LR",
                description = "Adam learning rate of the time-to-accuracy recipe (default: 0.001).")
        Float ttaLr;

        @Option(names = "--tta-lr-decay", paramLabel = "GAMMA",
                description = "Per-epoch learning-rate decay of the time-to-accuracy recipe (default: 0.8, the recipe the published time-to-accuracy runs used).")
        Float ttaLrDecay;

        @Option(names = "--tta-batch", paramLabel = "N",
                description = "Batch size of the time-to-accuracy recipe (default: 128).")
        Integer ttaBatch;

        @Option(names = "--tta-target", paramLabel = "FRACTION",
                description = "Test accuracy to reach, as a fraction (default: 0.98).")
        Double ttaTarget;

        @Option(names = "--tta-max-epochs", paramLabel = "N",
                description = "Give up on the target after N epochs (default: 15).")
        Integer ttaMaxEpochs;

        /** These, with what the user gave before the subcommand name filling the gaps. */
        TrainOptions or(TrainOptions outer) {
            TrainOptions t = new TrainOptions();
            t.data = data != null ? data : outer.data;
            t.largeBatches = largeBatches != null ? largeBatches : outer.largeBatches;
            t.ttaHidden = ttaHidden != null ? ttaHidden : outer.ttaHidden;
            t.ttaActivation = ttaActivation != null ? ttaActivation : outer.ttaActivation;
            t.ttaLr = ttaLr != null ? ttaLr : outer.ttaLr;
            t.ttaLrDecay = ttaLrDecay != null ? ttaLrDecay : outer.ttaLrDecay;
            t.ttaBatch = ttaBatch != null ? ttaBatch : outer.ttaBatch;
            t.ttaTarget = ttaTarget != null ? ttaTarget : outer.ttaTarget;
            t.ttaMaxEpochs = ttaMaxEpochs != null ? ttaMaxEpochs : outer.ttaMaxEpochs;
            return t;
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "GEMM GFLOP/s over the reference MLP's products and square sizes, numpy/torch beside.")
    static final class Gemm implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Option(names = "--replot", paramLabel = "DIR",
                description = "Measure nothing: draw DIR/gemm.png again from DIR/results.json (an earlier run's).")
        Path replot;

        @Override
        public Integer call() {
            if (replot != null) {
                System.err.println("bench gemm: drew " + GemmBench.replot(replot).toAbsolutePath().normalize());
                return 0;
            }
            return parent.run(EnumSet.of(Bench.Part.GEMM), new TrainOptions());
        }
    }

    @Command(name = "ops", mixinStandardHelpOptions = true,
            description = "Achieved GB/s of the elementwise, row-wise and optimiser ops.")
    static final class Ops implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Override
        public Integer call() {
            return parent.run(EnumSet.of(Bench.Part.OPS), new TrainOptions());
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Epoch time of the reference and large MLPs, PyTorch beside; time to 98%% test accuracy.")
    static final class Train implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Mixin
        TrainOptions train = new TrainOptions();

        @Override
        public Integer call() {
            return parent.run(EnumSet.of(Bench.Part.TRAIN), train);
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true, description = "gemm, ops and train.")
    static final class All implements Callable<Integer> {
        @ParentCommand
        BenchCommand parent;

        @Mixin
        TrainOptions train = new TrainOptions();

        @Override
        public Integer call() {
            return parent.run(EnumSet.allOf(Bench.Part.class), train);
        }
    }
}
