package org.backprop.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

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
 * @param recipe       the recipe timed to 98% test accuracy
 * @param log          progress lines (stderr), so stdout carries only the Markdown report
 */
public record BenchConfig(List<String> backends, boolean quick, Path out, String python, int threads,
                          Double peakGflops, Double gpuPeakGflops, Path dataDir, int largeBatches,
                          Recipe recipe, PrintStream log) {

    /** A training recipe for time-to-accuracy: layer sizes, hidden activation, Adam rate, batch. */
    public record Recipe(int[] hidden, String activation, float adamLr, float lrDecay, int batch,
                         double targetAccuracy, int maxEpochs) {
        /**
         * The default {@code backprop train} recipe: 784-512-512-10 ReLU, Adam 1e-3 decayed by 0.8
         * per epoch, batch 128.
         */
        public static Recipe defaults() {
            return new Recipe(new int[] {512, 512}, "relu", 1e-3f, 0.8f, 128, 0.98, 15);
        }

        public String describe() {
            StringBuilder sb = new StringBuilder("784");
            for (int h : hidden) {
                sb.append('-').append(h);
            }
            return sb.append("-10 ").append(activation).append(", Adam lr ").append(adamLr)
                    .append(lrDecay != 1f ? " ×" + lrDecay + "/epoch" : "").append(", batch ").append(batch).toString();
        }
    }

    public int resolvedThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public Timing.Plan plan() {
        return quick ? Timing.Plan.quick() : Timing.Plan.full();
    }
}
