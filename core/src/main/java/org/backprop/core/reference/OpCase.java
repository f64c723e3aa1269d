package org.backprop.core.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * One op on one shape with seeded inputs: the unit that the contract tests, the CPU↔CUDA parity
 * tests, the thread-determinism test and {@code backprop parity} all run. {@link #run} draws the
 * same inputs on every backend (the generator depends only on the op, variant, shape and seed),
 * performs the op and reads back each output with the bound it is held to.
 */
public final class OpCase {

    /** Families follow the sections of {@link Backend}. */
    public enum Family { MEMORY, GEMM, BIAS, ACTIVATIONS, DROPOUT, LOSSES, METRICS, OPTIMISERS, DATA }

    /** What a case does, given a run's generator, tensors and output list. */
    @FunctionalInterface
    public interface Body {
        void run(Run run);
    }

    private final String op;
    private final String variant;
    private final Family family;
    private final int[] shape;
    private final long seed;
    private final Body body;

    OpCase(String op, String variant, Family family, int[] shape, long seed, Body body) {
        this.op = op;
        this.variant = variant;
        this.family = family;
        this.shape = shape.clone();
        this.seed = seed;
        this.body = body;
    }

    /** The {@link Backend} method this case exercises. */
    public String op() {
        return op;
    }

    /** What sets this case apart from others of the same op ("in place", "NT", …); may be empty. */
    public String variant() {
        return variant;
    }

    /** The op and its variant: the row name in reports. */
    public String name() {
        return variant.isEmpty() ? op : op + " " + variant;
    }

    public Family family() {
        return family;
    }

    /** rows, cols for matrix ops; m, n, k for GEMM. */
    public int[] shape() {
        return shape.clone();
    }

    public String shapeText() {
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining("x"));
    }

    /** The same case with other random inputs. */
    public OpCase withSeed(long newSeed) {
        return new OpCase(op, variant, family, shape, newSeed, body);
    }

    @Override
    public String toString() {
        return name() + " " + shapeText();
    }

    /**
     * Runs the case on a backend and downloads each output (float32, widened to double); every
     * tensor it made is closed before this returns.
     */
    public List<Output> run(Backend backend) {
        return run(backend, false);
    }

    /** The judge's outputs: run on the reference and read unrounded. */
    public List<Output> expected(ReferenceBackend reference) {
        return run(reference, true);
    }

    private List<Output> run(Backend backend, boolean exactValues) {
        Random random = new Random(Arrays.deepHashCode(new Object[] {op, variant, shape}) * 31L + seed);
        try (Run r = new Run(backend, random, exactValues)) {
            body.run(r);
            return List.copyOf(r.outputs);
        }
    }

    /** A case's view of one run: seeded host data, tensors on the backend, outputs read back. */
    public static final class Run implements AutoCloseable {
        private final Backend backend;
        private final Random random;
        private final List<Tensor> open = new ArrayList<>();
        private final List<Output> outputs = new ArrayList<>();
        private final boolean exactValues;

        private Run(Backend backend, Random random, boolean exactValues) {
            this.backend = backend;
            this.random = random;
            this.exactValues = exactValues;
        }

        public Backend backend() {
            return backend;
        }

        public Random random() {
            return random;
        }

        /** n values uniform in [lo, hi). */
        public float[] uniform(int n, double lo, double hi) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) (lo + (hi - lo) * random.nextDouble());
            }
            return v;
        }

        /** One-hot rows; with one column, 0/1 labels. */
        public float[] oneHot(int rows, int cols) {
            float[] v = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                if (cols == 1) {
                    v[i] = random.nextBoolean() ? 1 : 0;
                } else {
                    v[i * cols + random.nextInt(cols)] = 1;
                }
            }
            return v;
        }

        /** Independent 0/1 values (multi-label binary targets). */
        public float[] binary(int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextBoolean() ? 1 : 0;
            }
            return v;
        }

        public static float[] constant(int n, float value) {
            float[] v = new float[n];
            Arrays.fill(v, value);
            return v;
        }

        public Tensor upload(float[] host, int rows, int cols) {
            return track(backend.upload(host, rows, cols));
        }

        /** A tensor full of NaN, for outputs: an op that leaves an element unwritten shows. */
        public Tensor nan(int rows, int cols) {
            return upload(constant(rows * cols, Float.NaN), rows, cols);
        }

        public Tensor allocate(int rows, int cols) {
            return track(backend.allocate(rows, cols));
        }

        public Tensor indices(int[] host) {
            Tensor t = track(backend.allocateIndices(host.length));
            backend.uploadIndices(host, t);
            return t;
        }

        public Tensor allocateIndices(int n) {
            return track(backend.allocateIndices(n));
        }

        public Tensor track(Tensor t) {
            open.add(t);
            return t;
        }

        /** Reads t now (later writes to it do not change this output). */
        public void output(String name, Tensor t, Tolerance tolerance) {
            double[] values;
            if (exactValues) {
                ReferenceBackend ref = (ReferenceBackend) backend;
                values = ref.values(t);
            } else {
                float[] f = backend.download(t);
                values = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    values[i] = f[i];
                }
            }
            outputs.add(new Output(name, values, tolerance));
        }

        @Override
        public void close() {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        }
    }
}
