package org.backprop.cpu;
public class Peak {
    public static void main(String[] x) {
        MicroKernel k = VectorKernels.create(GemmBlocking.forThisCpu(VectorKernels.lanes()));
        int kc = Integer.parseInt(x[0]);
        float[] a = Prof.rnd(k.mr()*kc, 1), b = Prof.rnd(k.nr()*kc, 2), c = new float[k.mr()*k.nr()];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < 5; pass++) {
            long c0 = mx.getCurrentThreadCpuTime(); int reps = 200000;
            for (int i = 0; i < reps; i++) k.tile(kc, a, 0, b, 0, c, 0, k.nr(), 1f, 0f);
            double s = (mx.getCurrentThreadCpuTime() - c0) / 1e9;
            System.out.printf("kc=%d %.1f GFLOP/s%n", kc, 2.0 * k.mr() * k.nr() * kc * reps / s / 1e9);
        }
    }
}
