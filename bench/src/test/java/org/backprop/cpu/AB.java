package org.backprop.cpu;
import java.util.*;
public class AB {
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        WorkerPool pool = new WorkerPool(threads);
        int nv = args.length - 1;
        Gemm[] g = new Gemm[nv];
        for (int i = 0; i < nv; i++) g[i] = new Gemm(VectorKernels.create(GemmBlocking.forThisCpu(VectorKernels.lanes())), pool, Integer.parseInt(args[i + 1]));
        int[][] shapes = {{0,0,256,1024,784},{1,0,784,1024,256},{0,1,256,784,1024},{0,1,256,1024,1024},{0,0,256,1024,1024},{0,0,1024,1024,1024}};
        for (int[] s : shapes) {
            boolean ta = s[0]==1, tb = s[1]==1; int m=s[2], n=s[3], k=s[4];
            float[] a = Prof.rnd(m*k,1), b = Prof.rnd(k*n,2), c = new float[m*n];
            double flops = 2.0*m*n*k; int reps = (int)Math.max(2, 0.4e9/flops);
            double[] best = new double[nv]; Arrays.fill(best, 1e9);
            for (int round = 0; round < 25; round++) for (int v = 0; v < nv; v++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < reps; i++) g[v].multiply(ta, tb, m, n, k, 1f, a, b, 0f, c);
                double sec = (System.nanoTime() - t0) / 1e9 / reps;
                if (round >= 3) best[v] = Math.min(best[v], sec);
            }
            StringBuilder sb = new StringBuilder(String.format("%s%s %dx%dx%d T=%d:", ta?"T":"N", tb?"T":"N", m, n, k, threads));
            for (int v = 0; v < nv; v++) sb.append(String.format("  kc%s %.1f", args[v+1], flops / best[v] / 1e9));
            System.out.println(sb);
        }
        pool.close();
    }
}
