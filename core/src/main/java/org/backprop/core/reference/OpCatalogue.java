package org.backprop.core.reference;

import static org.backprop.core.reference.Tolerance.U;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.backprop.core.Backend;
import org.backprop.core.Tensor;
import org.backprop.core.reference.OpCase.Family;

/**
 * Every op of {@link Backend} as seeded cases over many shapes, each output with its float32
 * bound and the reason for it. The backend contract tests, the CPU↔CUDA parity tests, the
 * thread-determinism test and {@code backprop parity} all run these cases, so a bound is stated
 * once and every judge applies the same one.
 *
 * <p>The families live in their own classes ({@link GemmCases}, {@link ActivationCases},
 * {@link LossCases}, {@link OptimiserCases}; memory, dropout and data here). To add an op: write
 * one {@code eachMatrix(...)} line (or {@code add(...)} for shapes of its own) in its family's
 * method, with a body that draws its inputs from the run's generator, calls the op and registers
 * each output with a {@link Tolerance} that says why. Behaviour that random inputs cannot show
 * (special values, ties, views, rejections) stays a named test in the contract.
 */
public final class OpCatalogue {

    /** System property choosing the shape set: {@code standard} (default) or {@code reduced}. */
    public static final String SHAPES_PROPERTY = "backprop.catalogue.shapes";

    /** The seed of every case unless a caller picks another. */
    public static final long DEFAULT_SEED = 20261121L;

    /**
     * Which shapes the cases run on. Matrix shapes are rows×cols; GEMM shapes m×n×k, each tried
     * with every transpose; training GEMMs are m, n, k, transA, transB (1 or 0).
     */
    public record Shapes(String name, List<int[]> matrices, List<int[]> gemms, List<int[]> trainingGemms) {

        /**
         * 1-wide, odd, prime, tall, wide, long reductions and sizes past every cache block, up to
         * 2048×1024 and the training products of a 784-1024 layer at batch 512.
         */
        public static final Shapes STANDARD = new Shapes("standard",
                List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {1, 127}, new int[] {13, 31},
                        new int[] {127, 10}, new int[] {31, 2}, new int[] {256, 10}, new int[] {1, 3001},
                        new int[] {3001, 1}, new int[] {97, 1031}, new int[] {257, 1031}, new int[] {2048, 1024}),
                List.of(new int[] {1, 1, 1}, new int[] {1, 13, 1}, new int[] {13, 1, 7}, new int[] {1, 1, 127},
                        new int[] {7, 13, 31}, new int[] {31, 7, 127}, new int[] {127, 31, 13}, new int[] {2, 3, 1},
                        new int[] {1000, 3, 2}, new int[] {3, 1000, 5}, new int[] {3, 5, 1000}, new int[] {64, 64, 64},
                        new int[] {17, 33, 65}, new int[] {100, 129, 47}, new int[] {256, 97, 300},
                        new int[] {129, 513, 257}, new int[] {1, 2049, 3}, new int[] {2049, 1, 7},
                        new int[] {3, 5, 2048}, new int[] {257, 1031, 129}),
                List.of(new int[] {512, 1024, 784, 0, 0}, new int[] {784, 1024, 512, 1, 0},
                        new int[] {512, 784, 1024, 0, 1}));

        /**
         * Still 1-wide, odd and prime, but small enough for an emulated driver that runs one host
         * thread per CUDA thread: at most a few hundred elements, k up to 65.
         */
        public static final Shapes REDUCED = new Shapes("reduced",
                List.of(new int[] {1, 1}, new int[] {1, 7}, new int[] {7, 1}, new int[] {13, 31}, new int[] {31, 2}),
                List.of(new int[] {1, 1, 1}, new int[] {1, 13, 1}, new int[] {13, 1, 7}, new int[] {2, 3, 1},
                        new int[] {7, 13, 31}, new int[] {17, 33, 65}),
                List.of());

        /** Large enough that a multithreaded backend really splits the work (the determinism test). */
        public static final Shapes THREADS = new Shapes("threads",
                List.of(new int[] {257, 1031}, new int[] {5003, 13}, new int[] {70000, 1}, new int[] {3, 40000}),
                List.of(new int[] {1, 1, 1}, new int[] {13, 127, 31}, new int[] {97, 513, 300},
                        new int[] {300, 50, 1000}, new int[] {257, 1031, 61}, new int[] {5, 2000, 7}),
                List.of());

        /** STANDARD, or REDUCED where {@value #SHAPES_PROPERTY} says {@code reduced}. */
        public static Shapes fromProperty() {
            String v = System.getProperty(SHAPES_PROPERTY, "standard").trim().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "standard", "" -> STANDARD;
                case "reduced" -> REDUCED;
                default -> throw new IllegalArgumentException(SHAPES_PROPERTY + " must be standard or reduced, not '" + v + "'");
            };
        }

        /** These shapes plus more matrices and GEMMs. */
        public Shapes plus(List<int[]> moreMatrices, List<int[]> moreGemms) {
            List<int[]> m = new ArrayList<>(matrices);
            m.addAll(moreMatrices);
            List<int[]> g = new ArrayList<>(gemms);
            g.addAll(moreGemms);
            return new Shapes(name + "+", List.copyOf(m), List.copyOf(g), trainingGemms);
        }
    }

    /** Every case over the given shapes, with the default seed. */
    public static List<OpCase> cases(Shapes shapes) {
        return cases(shapes, DEFAULT_SEED);
    }

    /** Every case over the given shapes: the plain ops family by family, then the fused ones. */
    public static List<OpCase> cases(Shapes shapes, long seed) {
        CaseList list = new CaseList(shapes, seed);
        memory(list);
        GemmCases.gemm(list);
        ActivationCases.bias(list);
        ActivationCases.activations(list);
        LossCases.losses(list);
        LossCases.metrics(list);
        dropout(list);
        OptimiserCases.optimisers(list);
        data(list);
        GemmCases.fusedLinear(list);
        LossCases.withCorrectCount(list);
        OptimiserCases.sgdMany(list);
        OptimiserCases.maxNorm(list);
        gatherAtDeviceOffset(list);
        deformations(list);
        return list.cases();
    }

    /** The cases of one family over the shapes {@link Shapes#fromProperty()} picks. */
    public static List<OpCase> family(Family family) {
        return cases(Shapes.fromProperty()).stream().filter(c -> c.family() == family).toList();
    }

    /**
     * Tolerance for a sum of N terms of total magnitude {@code mag} accumulated in float32: a
     * summation tree or chunked sum errs by about √N·u·mag on random data (worst case N·u); 8·(√N + 4)
     * leaves room for per-term rounding and the final add into the accumulator.
     */
    public static double sumTolerance(long terms, double mag) {
        return 8 * (Math.sqrt(terms) + 4) * U * mag;
    }

    /**
     * Softmax tolerance, relative per probability: x − max is rounded (u·|x|), exp adds a few ulp,
     * and the row sum of n terms adds up to √n·u on random data: 16u·(2 + max|x| + √n).
     */
    public static double softmaxTolerance(double maxAbsLogit, int n) {
        return 16 * U * (2 + maxAbsLogit + Math.sqrt(n));
    }

    private static final String COPY = "a copy: bit for bit";

    private static void memory(CaseList list) {
        list.eachMatrix("upload", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor t = r.upload(r.uniform(rows * cols, -1e6, 1e6), rows, cols);
            r.output("download", t, Tolerance.exact(COPY));
        });
        list.eachMatrix("fill", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor t = r.allocate(rows, cols);
            r.backend().fill(t, -2.5f);
            r.output("t", t, Tolerance.exact(COPY));
        });
        list.eachMatrix("copy", "", Family.MEMORY, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            Tensor dst = r.allocate(rows, cols);
            r.backend().copy(src, dst);
            r.output("dst", dst, Tolerance.exact(COPY));
        });
    }

    private static void dropout(CaseList list) {
        list.eachMatrix("dropout", "", Family.DROPOUT, (r, rows, cols) -> {
            // inputs never 0, so a 0 output is a dropped element and a wrong mask fails the bound
            Tensor x = r.upload(r.uniform(rows * cols, 0.5, 3), rows, cols);
            Tensor y = r.nan(rows, cols);
            r.backend().dropout(x, y, 0.3f, 0x1234_5678_9ABCL, 17, 2);
            r.output("y", y, Tolerance.relAbs(2 * U, 0, "the same Philox mask; kept: x·(1/(1 − p)), the scale rounded"
                    + " to float32 once and one product"));
        });
        list.eachMatrix("dropout", "input layer key -1", Family.DROPOUT, (r, rows, cols) -> {
            // input dropout's key (Model.INPUT_DROPOUT_KEY): 0xFFFFFFFF as Philox's layer word
            Tensor x = r.upload(r.uniform(rows * cols, 0.5, 3), rows, cols);
            Tensor y = r.nan(rows, cols);
            r.backend().dropout(x, y, 0.2f, 0x1234_5678_9ABCL, 17, -1);
            r.output("y", y, Tolerance.relAbs(2 * U, 0, "the same Philox mask; kept: x·(1/(1 − p)), the scale rounded"
                    + " to float32 once and one product"));
        });
        list.eachMatrix("dropoutBackward", "in place", Family.DROPOUT, (r, rows, cols) -> {
            Tensor dy = r.upload(r.uniform(rows * cols, 0.5, 3), rows, cols);
            r.backend().dropoutBackward(dy, dy, 0.5f, 99L, 3, 1);
            r.output("dx", dy, Tolerance.exact("the forward mask; kept gradients times 2, exact in binary"));
        });
    }

    private static void data(CaseList list) {
        list.eachMatrix("gatherRows", "", Family.DATA, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            int batch = Math.max(1, rows / 2 + 1);
            int start = 3;
            int[] idx = new int[start + batch + 2];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.random().nextInt(rows);
            }
            Tensor it = r.indices(idx);
            Tensor dst = r.nan(batch, cols);
            r.backend().gatherRows(src, it, start, dst);
            r.output("dst", dst, Tolerance.exact(COPY));
        });
    }

    /**
     * Image deformations of a few images (rows × side), the parameters of each variant; the
     * pixels are a smooth blob plus noise in [0, 1], so that a sampling position that differs by
     * rounding moves a value by at most that distance times a gradient ≤ about 2 per pixel.
     */
    private static void deformations(CaseList list) {
        org.backprop.data.Deformation both = org.backprop.data.Deformation.parse("affine+elastic");
        Object[][] variants = {
            {new int[] {3, 7}, both.withAffine(15f, 0.15f, 1f), "affine+elastic, shift 1"},
            {new int[] {2, 28}, both, "affine+elastic, defaults"},
            {new int[] {1, 28}, org.backprop.data.Deformation.parse("elastic").withElastic(4f, 34f), "elastic, Simard's σ 4, α 34"},
            {new int[] {2, 13}, org.backprop.data.Deformation.parse("affine").withAffine(40f, 0.3f, 2.5f), "affine, large"},
        };
        for (Object[] v : variants) {
            int[] shape = (int[]) v[0];
            org.backprop.data.Deformation d = (org.backprop.data.Deformation) v[1];
            list.add("deformImages", (String) v[2], Family.DATA, shape, r -> {
                int rows = shape[0], side = shape[1];
                float[] pixels = new float[rows * side * side];
                float[] noise = r.uniform(pixels.length, 0, 0.2);
                for (int i = 0; i < pixels.length; i++) {
                    int x = i % side, y = i / side % side;
                    double dx = (x - side / 2.0) / side, dy = (y - side / 2.0) / side;
                    pixels[i] = (float) (0.8 * Math.exp(-8 * (dx * dx + dy * dy)) + noise[i]);
                }
                Tensor src = r.upload(pixels, rows, side * side);
                Tensor dst = r.nan(rows, side * side);
                r.backend().deformImages(src, dst, side, d, 0x5EED_0000_2010L, 7, 11);
                r.output("dst", dst, Tolerance.abs(1e-4, "bilinear samples whose positions differ by rounding"
                        + " (cos, sin, the Gaussian sums ×α, fused multiply-adds: ≤ about 1e-5 px) times a pixel"
                        + " gradient ≤ about 2"));
                r.output("src after (must not change)", src, Tolerance.exact("an input is not written"));
            });
        }
    }

    /** A gather whose start is a device tensor, advanced on the device between two batches. */
    private static void gatherAtDeviceOffset(CaseList list) {
        list.eachMatrix("gatherRows", "offset on the device, then advanced", Family.DATA, (r, rows, cols) -> {
            Tensor src = r.upload(r.uniform(rows * cols, -1, 1), rows, cols);
            int batch = Math.max(1, rows / 2 + 1);
            int[] idx = new int[2 + 2 * batch];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.random().nextInt(rows);
            }
            Tensor it = r.indices(idx);
            Tensor start = r.indices(new int[] {2});
            Tensor first = r.nan(batch, cols);
            Tensor second = r.nan(batch, cols);
            r.backend().gatherRows(src, it, start, first);
            r.backend().advanceIndex(start, batch);
            r.backend().gatherRows(src, it, start, second);
            r.output("first batch", first, Tolerance.exact(COPY));
            r.output("second batch", second, Tolerance.exact(COPY));
        });
    }
}
