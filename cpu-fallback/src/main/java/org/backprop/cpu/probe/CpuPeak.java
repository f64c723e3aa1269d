package org.backprop.cpu.probe;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.DoubleAdder;

import org.backprop.cpu.CpuBackend;

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
     * GFLOP/s of {@code threads} concurrent FMA loops (best of five rounds of about
     * {@code roundMillis} each), or empty when the JVM has no Vector API module.
     */
    public static OptionalDouble measureGflops(int threads, long roundMillis) {
        if (!CpuBackend.vectorApiPresent()) {
            return OptionalDouble.empty();
        }
        // several whole calls, so C2 compiles the method itself rather than only an OSR entry of
        // its loop (the OSR code measured 25-30% low and varied from run to run)
        for (int i = 0; i < 20; i++) {
            VectorFmaLoop.run(100_000);
        }
        long iterations = 1_000_000;
        long t0 = System.nanoTime();
        VectorFmaLoop.run(iterations);
        double perIteration = Math.max(1e-10, (System.nanoTime() - t0) / 1e9 / iterations);
        long n = Math.max(1_000_000, (long) (roundMillis / 1e3 / perIteration));
        double flopsPerThread = 2.0 * 12 * VectorFmaLoop.lanes() * n;
        double best = 0;
        for (int round = 0; round < 5; round++) {
            DoubleAdder sink = new DoubleAdder();
            DoubleAdder rate = new DoubleAdder();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                // each thread times itself: the sum of the rates, not one wall clock over staggered starts
                ts[t] = new Thread(() -> {
                    long s0 = System.nanoTime();
                    sink.add(VectorFmaLoop.run(n));
                    rate.add(flopsPerThread / ((System.nanoTime() - s0) / 1e9) / 1e9);
                }, "fma-peak-" + t);
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
            if (Double.isFinite(sink.sum())) {
                best = Math.max(best, rate.sum());
            }
        }
        return OptionalDouble.of(best);
    }
}
