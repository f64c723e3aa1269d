package org.backprop.cpu;

import java.util.Arrays;
import java.util.Random;

import org.backprop.core.Tensor;

/**
 * A quick GFLOP/s check of the CPU GEMM (not a test, and no timing is asserted anywhere): the
 * square 1024³ product and the three training products of the 784-1024-1024-10 MLP at batch 256.
 * Run from the test classpath: {@code java --add-modules jdk.incubator.vector -cp ... GemmBench [threads...]}.
 */
public final class GemmBench {

    private GemmBench() { }

    public static void main(String[] args) {
        int[] threadCounts = args.length == 0 ? new int[] {1, 2}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Object[][] cases = {
            {"1024^3", 1024, 1024, 1024, false, false},
            {"X·W 256x1024x784", 256, 1024, 784, false, false},
            {"Xᵀ·δ 784x1024x256", 784, 1024, 256, true, false},
            {"δ·Wᵀ 256x784x1024", 256, 784, 1024, false, true},
            {"X·W 256x1024x1024", 256, 1024, 1024, false, false},
            {"Xᵀ·δ 1024x1024x256", 1024, 1024, 256, true, false},
            {"δ·Wᵀ 256x1024x1024", 256, 1024, 1024, false, true},
        };
        for (int threads : threadCounts) {
            try (CpuBackend cpu = new CpuBackend(threads)) {
                System.out.println(cpu.description());
                for (Object[] c : cases) {
                    run(cpu, (String) c[0], (int) c[1], (int) c[2], (int) c[3], (boolean) c[4], (boolean) c[5]);
                }
            }
        }
    }

    private static void run(CpuBackend cpu, String name, int m, int n, int k, boolean ta, boolean tb) {
        Random r = new Random(1);
        Tensor a = cpu.upload(random(r, m * k), ta ? k : m, ta ? m : k);
        Tensor b = cpu.upload(random(r, k * n), tb ? n : k, tb ? k : n);
        Tensor c = cpu.allocate(m, n);
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(3, 4e9 / flops);
        for (int i = 0; i < reps; i++) {
            cpu.gemm(ta, tb, 1f, a, b, 0f, c);
        }
        // On a shared machine wall time includes time spent descheduled; with one thread the
        // caller's CPU time is the fairer clock, so both are shown.
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                cpu.gemm(ta, tb, 1f, a, b, 0f, c);
            }
            bestCpu = Math.min(bestCpu, (mx.getCurrentThreadCpuTime() - c0) / 1e9 / reps);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9 / reps);
        }
        System.out.printf("  %-22s %7.1f GFLOP/s wall (%.3f ms)%s%n", name, flops / best / 1e9, best * 1e3,
                cpu.threads() == 1 ? String.format("  %7.1f GFLOP/s by CPU time", flops / bestCpu / 1e9) : "");
        a.close();
        b.close();
        c.close();
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() - 0.5f;
        }
        return v;
    }
}
