package org.backprop.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.backprop.nn.TrainingRecipe;

/**
 * Everything a benchmark run is told: which backends, how long, where to write, which python,
 * the CPU thread count, the peak rates when given, and the recipe for time-to-accuracy.
 *
 * @param backends     backend names to measure ({@code cpu}, {@code cuda})
 * @param quick        seconds-long smoke run instead of the full sweep
 * @param out          folder for results.json, results.md and the PNGs
 * @param python       interpreter for the peers: null/"auto" to search, "none" to skip them
 * @param threads      CPU threads for our backend and the CPU peers; ≤ 0 means every core
 * @param peakGflops   CPU fp32 peak, or null to estimate from /proc/cpuinfo
 * @param gpuPeakGflops GPU fp32 peak, or null to take the datasheet figure for the device's name
 * @param dataDir      MNIST folder (IDX files), or null for the fetcher's cache
 * @param largeBatches batches of the large network to time (0 = a full epoch)
 * @param recipe       the recipe timed to the target accuracy (its epochs are the most it may take)
 * @param targetAccuracy the test accuracy time-to-accuracy stops at
 * @param log          progress lines (stderr), so stdout carries only the Markdown report
 */
public record BenchConfig(List<String> backends, boolean quick, Path out, String python, int threads,
                          Double peakGflops, Double gpuPeakGflops, Path dataDir, int largeBatches,
                          TrainingRecipe recipe, double targetAccuracy, PrintStream log) {

    /** The default {@code backprop train} recipe, trained for at most 15 epochs towards 98%. */
    public static TrainingRecipe defaultRecipe() {
        return TrainingRecipe.defaults().withEpochs(15);
    }

    public static final double DEFAULT_TARGET = 0.98;

    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public Timing.Plan plan() {
        return quick ? Timing.Plan.quick() : Timing.Plan.full();
    }
}
