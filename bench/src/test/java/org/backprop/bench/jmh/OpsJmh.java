package org.backprop.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.core.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH microbenchmarks of the per-layer ops on one backend, for op-level tuning
 * (JMH's forks and blackholes guard against JIT artefacts the self-timed {@code bench ops} cannot
 * rule out). Not run by the build; see bench/README.md for the command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class OpsJmh {

    @Param({"cpu"})
    public String backend;

    @Param({"256x1024", "4096x1024"})
    public String shape;

    @Param({"0"})
    public int threads;

    private Backend be;
    private Tensor x;
    private Tensor y;
    private Tensor bias;
    private Tensor grad;
    private Tensor w;
    private Tensor c;

    @Setup(Level.Trial)
    public void setUp() {
        be = Backends.open(backend, new BackendOptions(threads));
        String[] mn = shape.split("x");
        int m = Integer.parseInt(mn[0]);
        int n = Integer.parseInt(mn[1]);
        Random r = new Random(1);
        x = be.upload(random(r, m * n), m, n);
        y = be.allocate(m, n);
        bias = be.upload(random(r, n), 1, n);
        grad = be.allocate(1, n);
        w = be.upload(random(r, n * n), n, n);
        c = be.allocate(m, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, y, bias, grad, w, c}) {
            t.close();
        }
        be.close();
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    @Benchmark
    public void sigmoid() {
        be.sigmoid(x, y);
        be.synchronize();
    }

    @Benchmark
    public void sigmoidBackward() {
        be.sigmoidBackward(x, x, y);
        be.synchronize();
    }

    @Benchmark
    public void biasAdd() {
        be.copy(x, y);
        be.addBias(y, bias);
        be.synchronize();
    }

    @Benchmark
    public void biasGradient() {
        be.biasGradient(x, 0f, grad);
        be.synchronize();
    }

    /** The forward product of a hidden layer: (m×n)·(n×n). */
    @Benchmark
    public void gemmForward() {
        be.gemm(false, false, 1f, x, w, 0f, c);
        be.synchronize();
    }

    /** The input gradient δ·Wᵀ of the same layer. */
    @Benchmark
    public void gemmInputGradient() {
        be.gemm(false, true, 1f, x, w, 0f, c);
        be.synchronize();
    }
}
