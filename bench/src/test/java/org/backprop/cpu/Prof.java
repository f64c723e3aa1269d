package org.backprop.cpu;

import java.util.*;
import org.backprop.core.Tensor;

public class Prof {
    static float[] rnd(int n, long seed) { Random r = new Random(seed); float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian() * 0.05f; return a; }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int threads = Integer.parseInt(args[1]);
        if (mode.equals("gemm")) gemm(threads); else step(threads, Integer.parseInt(args[2]));
    }

    static void gemm(int threads) {
        CpuBackend be = new CpuBackend(threads);
        int[][] shapes = {{0,0,256,1024,784},{1,0,784,1024,256},{0,1,256,784,1024},{0,1,256,1024,1024},{1,0,1024,1024,256},{0,0,256,1024,1024},{0,0,1024,1024,1024}};
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < 2; pass++)
        for (int[] s : shapes) {
            boolean ta = s[0]==1, tb = s[1]==1; int m=s[2], n=s[3], k=s[4];
            Tensor a = ta ? be.allocate(k, m) : be.allocate(m, k);
            Tensor b = tb ? be.allocate(n, k) : be.allocate(k, n);
            Tensor c = be.allocate(m, n);
            be.upload(rnd(m*k,1), a); be.upload(rnd(k*n,2), b);
            double flops = 2.0*m*n*k; int reps = (int)Math.max(3, 2e9/flops);
            double best = 1e9; double[] all = new double[7];
            for (int w = 0; w < 3; w++) for (int i = 0; i < reps; i++) be.gemm(ta, tb, 1f, a, b, 0f, c);
            if (pass == 0) continue;
            double bestCpu = 1e9;
            for (int t = 0; t < 7; t++) { long c0=mx.getCurrentThreadCpuTime(); long t0=System.nanoTime(); for (int i=0;i<reps;i++) be.gemm(ta,tb,1f,a,b,0f,c); double sec=(System.nanoTime()-t0)/1e9/reps; double cs=(mx.getCurrentThreadCpuTime()-c0)/1e9/reps; bestCpu=Math.min(bestCpu,cs); all[t]=flops/sec/1e9; best=Math.min(best,sec);} 
            Arrays.sort(all);
            System.out.printf("%s%s m=%d n=%d k=%d threads=%d best %.1f median %.1f GFLOP/s  (1T cpu-time %.1f)%n", ta?"T":"N", tb?"T":"N", m,n,k,threads, flops/best/1e9, all[3], flops/bestCpu/1e9);
        }
        be.close();
    }

    static long now(boolean cpu) { return cpu ? MX.getCurrentThreadCpuTime() : System.nanoTime(); }
    static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();
    static void step(int threads, int steps) {
        boolean cpu = threads == 1;
        CpuBackend be = new CpuBackend(threads);
        int B=256; int[] dims={784,1024,1024,10};
        Tensor x=be.allocate(B,784), y=be.allocate(B,10), probs=be.allocate(B,10), loss=be.allocate(1,1), corr=be.allocate(1,1);
        be.upload(rnd(B*784,3), x); float[] yy=new float[B*10]; for(int i=0;i<B;i++) yy[i*10+i%10]=1; be.upload(yy,y);
        Tensor[] W=new Tensor[3], b=new Tensor[3], gW=new Tensor[3], gb=new Tensor[3], act=new Tensor[3], del=new Tensor[3];
        for(int l=0;l<3;l++){W[l]=be.allocate(dims[l],dims[l+1]); be.upload(rnd(dims[l]*dims[l+1],10+l),W[l]); b[l]=be.allocate(1,dims[l+1]); gW[l]=be.allocate(dims[l],dims[l+1]); gb[l]=be.allocate(1,dims[l+1]); act[l]=be.allocate(B,dims[l+1]); del[l]=be.allocate(B,dims[l+1]);}
        String[] names = new String[64]; double[] acc = new double[64];
        int warm = Integer.getInteger("warm", 50); long tb = System.nanoTime();
        for (int it = 0; it < steps + warm; it++) {
            if (it % 10 == 0 && Boolean.getBoolean("trace")) { System.out.printf("steps %d..: %.1f ms/step%n", it - 10, (System.nanoTime() - tb) / 1e7); tb = System.nanoTime(); }
            boolean rec = it >= warm; int op = 0; long t = now(cpu), t1;
            Tensor in = x;
            for (int l=0;l<3;l++){
                be.gemm(false,false,1f,in,W[l],0f,act[l]); t1=now(cpu); if(rec){names[op]="fwd gemm "+l; acc[op++]+=t1-t;} t=t1;
                be.addBias(act[l],b[l]); t1=now(cpu); if(rec){names[op]="addBias "+l; acc[op++]+=t1-t;} t=t1;
                if(l<2){be.sigmoid(act[l],act[l]); t1=now(cpu); if(rec){names[op]="sigmoid "+l; acc[op++]+=t1-t;} t=t1;}
                in=act[l];
            }
            be.softmaxCrossEntropy(act[2],y,probs,del[2],loss); t1=now(cpu); if(rec){names[op]="softmaxCE"; acc[op++]+=t1-t;} t=t1;
            be.countCorrect(probs,y,corr); t1=now(cpu); if(rec){names[op]="countCorrect"; acc[op++]+=t1-t;} t=t1;
            for(int l=2;l>=0;l--){
                Tensor below = l==0? x: act[l-1];
                be.gemm(true,false,1f,below,del[l],0f,gW[l]); t1=now(cpu); if(rec){names[op]="gradW gemm "+l; acc[op++]+=t1-t;} t=t1;
                be.biasGradient(del[l],0f,gb[l]); t1=now(cpu); if(rec){names[op]="biasGrad "+l; acc[op++]+=t1-t;} t=t1;
                if(l>0){be.gemm(false,true,1f,del[l],W[l],0f,del[l-1]); t1=now(cpu); if(rec){names[op]="dX gemm "+l; acc[op++]+=t1-t;} t=t1;
                  be.sigmoidBackward(act[l-1],del[l-1],del[l-1]); t1=now(cpu); if(rec){names[op]="sigmoidBwd "+(l-1); acc[op++]+=t1-t;} t=t1;}
            }
            for(int l=0;l<3;l++){be.sgdUpdate(W[l],gW[l],0.1f); be.sgdUpdate(b[l],gb[l],0.1f);} t1=now(cpu); if(rec){names[op]="sgd"; acc[op++]+=t1-t;} t=t1;
            if (rec) names[63] = String.valueOf(op);
        }
        int nops = Integer.parseInt(names[63]); double total=0; for(int i=0;i<nops;i++) total+=acc[i];
        for(int i=0;i<nops;i++) System.out.printf("%-14s %8.3f ms %5.1f%%%n", names[i], acc[i]/steps/1e6, 100*acc[i]/total);
        System.out.printf("(%s) threads=%d step %.3f ms -> epoch(235 steps) %.2f s%n", cpu ? "thread CPU time" : "wall time", threads, total/steps/1e6, total/steps/1e9*235);
        be.close();
    }
}
