package org.backprop.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;
import org.backprop.core.Tensor;
import org.backprop.core.reference.ReferenceBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code backprop parity}: every op on every usable backend, against the double-precision
 * reference, on this machine. Prints the largest error per op; exits 1 when one exceeds its bound.
 */
@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Run every op on every usable backend against the double-precision reference and print"
                + " the largest error per op.",
                "Error = max |x - ref| / (1 + |ref|) over all elements of all shapes tried; each shape is held to"
                        + " its own bound (GEMM's grows with the reduction length), the largest of which is shown."})
final class ParityCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "7", description = "Seed for the random inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--large", description = "Also try large shapes (up to 2048 per side).")
    boolean large;

    /** One op on one backend: inputs made from the seeded generator, outputs downloaded. */
    private record Case(String op, int[] shape, BiFunction<Backend, Inputs, float[]> run, double bound) { }

    @Override
    public Integer call() {
        List<Backend> backends = new ArrayList<>();
        try (ReferenceBackend ref = new ReferenceBackend()) {
            for (BackendProvider p : Backends.providers()) {
                if (p.availability().usable()) {
                    backends.add(p.create(BackendOptions.defaults()));
                } else {
                    System.out.println(p.name() + ": skipped, " + p.availability().detail());
                }
            }
            Map<String, double[]> worst = new LinkedHashMap<>();
            boolean ok = true;
            for (Case c : cases()) {
                float[] expected = c.run().apply(ref, new Inputs(seed, c.shape()));
                double[] errs = worst.computeIfAbsent(c.op(), k -> new double[backends.size() + 1]);
                errs[backends.size()] = Math.max(errs[backends.size()], c.bound());
                for (int i = 0; i < backends.size(); i++) {
                    float[] got = c.run().apply(backends.get(i), new Inputs(seed, c.shape()));
                    double err = error(got, expected);
                    errs[i] = Math.max(errs[i], err);
                    if (!(err <= c.bound())) {
                        ok = false;
                        System.out.printf(Locale.ROOT, "%s on %s, shape %s: error %.2e exceeds its bound %.0e%n",
                                c.op(), backends.get(i).name(), java.util.Arrays.toString(c.shape()), err, c.bound());
                    }
                }
            }
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-22s", "op"));
            backends.forEach(b -> head.append(String.format(Locale.ROOT, "%14s", b.name() + " err")));
            System.out.println(head.append(String.format(Locale.ROOT, "%12s", "bound")));
            for (Map.Entry<String, double[]> e : worst.entrySet()) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s", e.getKey()));
                double[] v = e.getValue();
                for (int i = 0; i < backends.size(); i++) {
                    row.append(String.format(Locale.ROOT, "%14.2e", v[i]));
                }
                System.out.println(row.append(String.format(Locale.ROOT, "%12.0e", v[backends.size()])));
            }
            System.out.println(ok ? "parity: every op within its bound" : "parity: FAILED, an op exceeded its bound");
            return ok ? 0 : Main.FAILED;
        } finally {
            backends.forEach(Backend::close);
        }
    }

    private static double error(float[] got, float[] expected) {
        if (got.length != expected.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs((double) got[i] - expected[i]) / (1 + Math.abs(expected[i]));
            worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return worst;
    }

    /** Seeded host inputs; the same seed and shape give the same arrays on every backend. */
    static final class Inputs {
        private final Random random;
        final int[] shape;

        Inputs(long seed, int[] shape) {
            this.random = new Random(seed * 31 + java.util.Arrays.hashCode(shape));
            this.shape = shape;
        }

        float[] uniform(int n, float lo, float hi) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = lo + (hi - lo) * random.nextFloat();
            }
            return a;
        }

        float[] oneHot(int rows, int cols) {
            float[] a = new float[rows * cols];
            for (int i = 0; i < rows; i++) {
                a[i * cols + random.nextInt(cols)] = 1f;
            }
            return a;
        }
    }

    private List<Case> cases() {
        List<int[]> mats = new ArrayList<>(List.of(new int[] {1, 1}, new int[] {7, 13}, new int[] {31, 127}, new int[] {256, 10}));
        List<int[]> gemms = new ArrayList<>(List.of(new int[] {1, 1, 1}, new int[] {7, 13, 31}, new int[] {64, 1, 129},
                new int[] {256, 1024, 784}));
        if (large) {
            mats.add(new int[] {2048, 1024});
            gemms.add(new int[] {2048, 2048, 2048});
        }
        List<Case> cases = new ArrayList<>();
        for (int[] g : gemms) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                // fp32 accumulation over k terms: error grows like sqrt(k)·2^-24 per product sum
                double bound = 8 * Math.sqrt(g[2]) * 6e-8 * 4;
                cases.add(new Case("gemm " + (ta ? "T" : "N") + (tb ? "T" : "N"), g, (b, in) -> {
                    int m = in.shape[0], n = in.shape[1], k = in.shape[2];
                    try (Tensor a = up(b, in.uniform(m * k, -1, 1), ta ? k : m, ta ? m : k);
                         Tensor bb = up(b, in.uniform(k * n, -1, 1), tb ? n : k, tb ? k : n);
                         Tensor c = up(b, in.uniform(m * n, -1, 1), m, n)) {
                        b.gemm(ta, tb, 0.75f, a, bb, 0.5f, c);
                        return b.download(c);
                    }
                }, bound));
            }
        }
        for (int[] s : mats) {
            int r = s[0], c = s[1];
            cases.add(unary("sigmoid", s, Backend::sigmoid, 8));
            cases.add(unary("tanh", s, Backend::tanh, 8));
            cases.add(unary("relu", s, Backend::relu, 8));
            cases.add(unary("softmax", s, Backend::softmax, 8));
            cases.add(new Case("sigmoid backward", s, (b, in) -> backward(b, in, Backend::sigmoidBackward), 1e-6));
            cases.add(new Case("tanh backward", s, (b, in) -> backward(b, in, Backend::tanhBackward), 1e-6));
            cases.add(new Case("relu backward", s, (b, in) -> backward(b, in, Backend::reluBackward), 1e-6));
            cases.add(new Case("bias add", s, (b, in) -> {
                try (Tensor x = up(b, in.uniform(r * c, -2, 2), r, c); Tensor bias = up(b, in.uniform(c, -1, 1), 1, c)) {
                    b.addBias(x, bias);
                    return b.download(x);
                }
            }, 1e-6));
            cases.add(new Case("bias gradient", s, (b, in) -> {
                try (Tensor d = up(b, in.uniform(r * c, -1, 1), r, c); Tensor g = up(b, in.uniform(c, -1, 1), 1, c)) {
                    b.biasGradient(d, 0.5f, g);
                    return b.download(g);
                }
            }, 1e-5 * Math.sqrt(r)));
            cases.add(new Case("softmax cross-entropy", s, (b, in) -> fusedLoss(b, in, true), 1e-5));
            cases.add(new Case("sigmoid bce", s, (b, in) -> fusedLoss(b, in, false), 1e-5));
            cases.add(new Case("squared error", s, (b, in) -> {
                try (Tensor y = up(b, in.uniform(r * c, 0, 1), r, c); Tensor t = up(b, in.uniform(r * c, 0, 1), r, c);
                     Tensor g = b.allocate(r, c); Tensor loss = up(b, new float[] {0}, 1, 1)) {
                    b.squaredError(y, t, g, loss);
                    return concat(b.download(g), new float[] {b.scalar(loss) / r});
                }
            }, 1e-5));
            cases.add(new Case("count correct", s, (b, in) -> {
                try (Tensor y = up(b, in.uniform(r * c, 0, 1), r, c); Tensor t = up(b, in.oneHot(r, c), r, c);
                     Tensor n = up(b, new float[] {0}, 1, 1)) {
                    b.countCorrect(y, t, n);
                    return new float[] {b.scalar(n)};
                }
            }, 0));
            cases.add(new Case("sum of squares", s, (b, in) -> {
                try (Tensor x = up(b, in.uniform(r * c, -1, 1), r, c); Tensor n = up(b, new float[] {0}, 1, 1)) {
                    b.sumOfSquares(x, n);
                    return new float[] {b.scalar(n) / (r * c)};
                }
            }, 1e-5));
            cases.add(new Case("sgd update", s, (b, in) -> optim(b, in, 0), 1e-6));
            cases.add(new Case("momentum update", s, (b, in) -> optim(b, in, 1), 1e-6));
            cases.add(new Case("adam update", s, (b, in) -> optim(b, in, 2), 1e-5));
            cases.add(new Case("gather rows", s, (b, in) -> {
                int[] idx = new int[r];
                for (int i = 0; i < r; i++) {
                    idx[i] = (i * 7 + 3) % r;
                }
                try (Tensor x = up(b, in.uniform(r * c, -1, 1), r, c); Tensor ix = b.allocateIndices(r);
                     Tensor out = b.allocate(r, c)) {
                    b.uploadIndices(idx, ix);
                    b.gatherRows(x, ix, 0, out);
                    return b.download(out);
                }
            }, 0));
        }
        return cases;
    }

    private interface Unary { void apply(Backend b, Tensor x, Tensor y); }

    private interface Backward { void apply(Backend b, Tensor y, Tensor dy, Tensor dx); }

    private static Case unary(String name, int[] s, Unary f, float scale) {
        return new Case(name, s, (b, in) -> {
            try (Tensor x = up(b, in.uniform(s[0] * s[1], -scale, scale), s[0], s[1]); Tensor y = b.allocate(s[0], s[1])) {
                f.apply(b, x, y);
                return b.download(y);
            }
        }, 1e-6);
    }

    private static float[] backward(Backend b, Inputs in, Backward f) {
        int r = in.shape[0], c = in.shape[1];
        try (Tensor y = up(b, in.uniform(r * c, -0.2f, 1), r, c); Tensor dy = up(b, in.uniform(r * c, -1, 1), r, c);
             Tensor dx = b.allocate(r, c)) {
            f.apply(b, y, dy, dx);
            return b.download(dx);
        }
    }

    private static float[] fusedLoss(Backend b, Inputs in, boolean softmax) {
        int r = in.shape[0], c = in.shape[1];
        try (Tensor z = up(b, in.uniform(r * c, -6, 6), r, c);
             Tensor t = up(b, softmax ? in.oneHot(r, c) : in.uniform(r * c, 0, 1), r, c);
             Tensor p = b.allocate(r, c); Tensor g = b.allocate(r, c); Tensor loss = up(b, new float[] {0}, 1, 1)) {
            if (softmax) {
                b.softmaxCrossEntropy(z, t, p, g, loss);
            } else {
                b.sigmoidBinaryCrossEntropy(z, t, p, g, loss);
            }
            return concat(concat(b.download(p), b.download(g)), new float[] {b.scalar(loss) / r});
        }
    }

    private static float[] optim(Backend b, Inputs in, int kind) {
        int r = in.shape[0], c = in.shape[1];
        try (Tensor p = up(b, in.uniform(r * c, -1, 1), r, c); Tensor g = up(b, in.uniform(r * c, -1, 1), r, c);
             Tensor m = up(b, in.uniform(r * c, -0.1f, 0.1f), r, c); Tensor v = up(b, in.uniform(r * c, 0, 0.01f), r, c)) {
            switch (kind) {
                case 0 -> b.sgdUpdate(p, g, 0.1f);
                case 1 -> b.momentumUpdate(p, g, m, 0.05f, 0.9f);
                default -> b.adamUpdate(p, g, m, v, 0.001f, 0.9f, 0.999f, 1e-8f, 3);
            }
            return concat(b.download(p), b.download(m));
        }
    }

    private static Tensor up(Backend b, float[] data, int rows, int cols) {
        return b.upload(data, rows, cols);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
