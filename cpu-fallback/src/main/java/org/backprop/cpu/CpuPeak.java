package org.backprop.cpu;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The CPU's fp32 FMA rate measured, not looked up: one dependent-free FMA loop per thread, all
 * threads at once, so the figure carries the clock the cores actually hold under AVX load (turbo,
 * AVX-512 licence, a hypervisor's limits). Benchmarks quote their floors against it.
 */
public final class CpuPeak {

    private CpuPeak() { }

    /** Floats per vector of the FMA loop, or 0 without the Vector API. */
    public static int lanes() {
        return CpuBackend.vectorApiPresent() ? VectorFmaLoop.lanes() : 0;
    }

    /**
     * GFLOP/s of {@code threads} concurrent FMA loops (best of a few rounds of about
     * {@code roundMillis} each), or empty when the JVM has no Vector API module.
     */
    public static OptionalDouble measureGflops(int threads, long roundMillis) {
        if (!CpuBackend.vectorApiPresent()) {
            return OptionalDouble.empty();
        }
        VectorFmaLoop.run(200_000);   // compiled before it is timed
        long iterations = 1_000_000;
        long t0 = System.nanoTime();
        VectorFmaLoop.run(iterations);
        double perIteration = Math.max(1e-10, (System.nanoTime() - t0) / 1e9 / iterations);
        long n = Math.max(1_000_000, (long) (roundMillis / 1e3 / perIteration));
        double flopsPerThread = 2.0 * 12 * VectorFmaLoop.lanes() * n;
        double best = 0;
        for (int round = 0; round < 3; round++) {
            DoubleAdder sink = new DoubleAdder();
            Thread[] ts = new Thread[threads];
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                ts[t] = new Thread(() -> sink.add(VectorFmaLoop.run(n)), "fma-peak-" + t);
                ts[t].start();
            }
            try {
                for (Thread t : ts) {
                    t.join();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalDouble.empty();
            }
            double s = (System.nanoTime() - start) / 1e9;
            if (Double.isFinite(sink.sum())) {
                best = Math.max(best, threads * flopsPerThread / s / 1e9);
            }
        }
        return OptionalDouble.of(best);
    }
}
