package org.backprop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Self-timed repetition: warm-up, then samples, each the mean of a batch of calls between two
 * synchronisations. The Backend interface exposes no device events, so a GPU batch is bracketed by
 * {@code synchronize()} and timed with {@link System#nanoTime()}; batching the calls keeps the
 * synchronisation cost a small share of each sample.
 */
public final class Timing {

    /** How hard to measure: warm-up calls, samples, and the least time one sample should span. */
    public record Plan(int warmup, int samples, double minSampleSeconds) {
        public static Plan full() {
            return new Plan(3, 9, 0.10);
        }

        public static Plan quick() {
            return new Plan(1, 3, 0.005);
        }
    }

    /** Seconds per call for each sample, and the calls that made each sample. */
    public record Samples(List<Double> seconds, int callsPerSample) {

        public double median() {
            return stats().getPercentile(50);
        }

        /** The 25th percentile of the per-call time (the faster quartile). */
        public double p25() {
            return stats().getPercentile(25);
        }

        public double p75() {
            return stats().getPercentile(75);
        }

        public double min() {
            return stats().getMin();
        }

        public double max() {
            return stats().getMax();
        }

        /** Interquartile range over the median, in percent: the spread the tables print. */
        public double spreadPercent() {
            double m = median();
            return m > 0 ? 100 * (p75() - p25()) / m : 0;
        }

        private DescriptiveStatistics stats() {
            DescriptiveStatistics d = new DescriptiveStatistics();
            seconds.forEach(d::addValue);
            return d;
        }

        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("calls_per_sample", callsPerSample);
            m.put("median_s", median());
            m.put("p25_s", p25());
            m.put("p75_s", p75());
            m.put("min_s", min());
            m.put("max_s", max());
            m.put("samples_s", new ArrayList<>(seconds));
            return m;
        }

        /** Reads what a peer script wrote: {@code samples_s} (per-call seconds) and {@code calls_per_sample}. */
        public static Samples fromJson(Map<String, Object> m) {
            List<Double> s = new ArrayList<>();
            for (Object o : Json.array(m.get("samples_s"))) {
                s.add(((Number) o).doubleValue());
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException("peer answer has no samples");
            }
            Object c = m.get("calls_per_sample");
            return new Samples(s, c == null ? 1 : ((Number) c).intValue());
        }
    }

    private Timing() { }

    /** Times {@code op}; {@code sync} waits for queued device work (a no-op on the CPU). */
    public static Samples measure(Plan plan, Runnable op, Runnable sync) {
        for (int i = 0; i < plan.warmup(); i++) {
            op.run();
        }
        sync.run();
        long t0 = System.nanoTime();
        op.run();
        sync.run();
        double one = Math.max(1e-9, (System.nanoTime() - t0) * 1e-9);
        int calls = (int) Math.max(1, Math.min(100_000, Math.ceil(plan.minSampleSeconds() / one)));
        List<Double> seconds = new ArrayList<>();
        for (int s = 0; s < plan.samples(); s++) {
            sync.run();
            long start = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                op.run();
            }
            sync.run();
            seconds.add((System.nanoTime() - start) * 1e-9 / calls);
        }
        return new Samples(seconds, calls);
    }
}
