package org.backprop.cpu.gemm;

import org.backprop.cpu.WorkerPool;

/**
 * Runs the vector GEMM's kernels on small operands until the JIT has compiled them. Until C2
 * compiles a Vector API method every vector op allocates, and the first training epoch spent ~2 s
 * of 6 there; on small operands the same compilations cost a fraction of that. The results cannot
 * change: interpreted and compiled vector ops give identical bits.
 */
public final class GemmWarmUp {

    private GemmWarmUp() { }

    /**
     * Up to {@code maxRounds} rounds of every product route, stopping after {@code limitNanos};
     * {@code alsoEachRound} runs once per round beside them (other vector ops to compile). Returns
     * the rounds run. Call only where the Vector API loads.
     */
    public static int run(GemmBlocking blocking, int maxRounds, long limitNanos, Runnable alsoEachRound) {
        long t0 = System.nanoTime();
        MicroKernel kernel = blocking.kernel();
        int nr = kernel.nr();
        int m = 4 * kernel.mr();
        int n = nr + 3;
        int k = 40;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.1f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) * 0.1f;
        }
        int rounds = 0;
        try (WorkerPool one = new WorkerPool(1)) {
            // k over two blocks reaches both store branches of the kernel (beta 0 and 1)
            Gemm g = new Gemm(kernel, one, k / 2, null, kernel.skipsZeroSteps(), VectorGemmKernels.narrow());
            float[] narrowC = new float[m * 10];
            float[] sparseA = new float[m * k];
            for (int i = 0; i < sparseA.length; i += 7) {
                sparseA[i] = 0.5f;   // mostly zeros: the kernels' step-skipping loops
            }
            while (rounds < maxRounds && System.nanoTime() - t0 < limitNanos) {
                g.multiply(false, false, m, n, k, 1f, a, b, 0f, c);
                g.multiply(true, false, m, n, k, 1f, a, b, 0f, c);
                g.multiply(false, true, m, n, k, 1f, a, b, 0f, c);
                g.multiply(false, false, m, 10, k, 1f, a, b, 0f, narrowC);
                g.multiply(true, false, m, 10, k, 1f, a, b, 0f, narrowC);
                g.multiply(false, true, m, n, 10, 1f, a, b, 0f, c);
                g.multiply(false, false, m, n, k, 1f, sparseA, b, 0f, c);
                alsoEachRound.run();
                rounds++;
            }
        }
        return rounds;
    }
}
