package org.backprop.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.stream.Stream;

import org.backprop.core.Availability;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.BackendProvider;
import org.backprop.core.BackendUnavailableException;
import org.backprop.core.Backends;
import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.Output;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.core.reference.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CPU against CUDA, op by op: every case of the op catalogue (seeded inputs, shapes from 1-wide to
 * 2048×1024 and the training GEMMs; small ones only with {@code -Dbackprop.catalogue.shapes=reduced})
 * on both backends and the double-precision reference. Both backends are found through
 * ServiceLoader (backends never import each other); the class is skipped, with the reason, where
 * either is missing.
 *
 * <p>Tolerances are the catalogue's, stated beside each case in {@link OpCatalogue}: each backend
 * within its bound of the reference, and the two within the sum of their bounds of each other, or
 * within the tighter pair bound the catalogue gives where both evaluate the same float32 formula
 * with library functions of known accuracy (activations, their backward passes, softmax, the
 * sigmoid loss); exact outputs, such as relu, bias add, gather and counts, must agree bit for bit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RequiresCuda.AndCpu.class)
class CpuCudaParityTest {

    private Backend cpu;
    private Backend gpu;
    private final ReferenceBackend ref = new ReferenceBackend();
    /** Largest |cpu − cuda| seen per op over every shape, printed at the end as evidence. */
    private static final java.util.Map<String, Double> MAX_ERROR = new java.util.TreeMap<>();

    @BeforeAll
    void openBoth() {
        Availability cuda = CudaDevice.probe();
        assumeTrue(cuda.usable(), () -> "CUDA not usable here: " + cuda.detail());
        BackendProvider cpuProvider;
        try {
            cpuProvider = Backends.provider("cpu");
        } catch (BackendUnavailableException e) {
            cpuProvider = null;
        }
        assumeTrue(cpuProvider != null, "no cpu backend registered on the test class path");
        cpu = cpuProvider.create(BackendOptions.defaults());
        gpu = new CudaBackendProvider().create(BackendOptions.defaults());
    }

    @AfterAll
    void closeBoth() {
        if (!MAX_ERROR.isEmpty()) {
            StringBuilder sb = new StringBuilder("parity: max |cpu - cuda| per op output over all shapes");
            MAX_ERROR.forEach((op, e) -> sb.append(String.format(java.util.Locale.ROOT, "%n  %-64s %.3e", op, e)));
            System.out.println(sb);
        }
        if (gpu != null) {
            gpu.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    static Stream<OpCase> cases() {
        return OpCatalogue.cases(OpCatalogue.Shapes.fromProperty()).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cpuAndCudaAgreeWithinTheirBounds(OpCase c) {
        List<Output> expected = c.expected(ref);
        List<Output> onCpu = c.run(cpu);
        List<Output> onGpu = c.run(gpu);
        assertEquals(expected.size(), onGpu.size(), c + ": number of outputs");
        for (int i = 0; i < expected.size(); i++) {
            Output e = expected.get(i);
            Tolerance t = e.tolerance();
            Tolerance.Verdict pair = t.checkPair(e.values(), onCpu.get(i).values(), onGpu.get(i).values());
            MAX_ERROR.merge(c.name() + " " + e.name(), pair.maxAbsError(), Math::max);
            assertVerdict(c, e, "cuda against the reference", t.check(e.values(), onGpu.get(i).values()));
            assertVerdict(c, e, "cpu against the reference", t.check(e.values(), onCpu.get(i).values()));
            assertVerdict(c, e, "cpu against cuda", pair);
        }
    }

    private static void assertVerdict(OpCase c, Output e, String what, Tolerance.Verdict v) {
        if (!v.passed()) {
            fail(c + ", output " + e.name() + ", " + what + ": " + v.detail()
                    + String.format(java.util.Locale.ROOT, " (%.3g times the bound: %s)", v.ratio(), e.tolerance().why()));
        }
    }

    static Stream<int[]> dropoutShapes() {
        return Stream.of(new int[] {1, 1}, new int[] {3, 5}, new int[] {17, 1031}, new int[] {64, 257});
    }

    /** The dropout masks must be identical, bit for bit: both backends multiply x by the same float32 scale. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dropoutShapes")
    void dropoutMasksAreIdenticalBitForBit(int[] shape) {
        int rows = shape[0];
        int cols = shape[1];
        java.util.Random r = new java.util.Random(rows * 31L + cols);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.5 + 2.5 * r.nextDouble());
        }
        for (int layer = 0; layer < 3; layer++) {
            try (org.backprop.core.Tensor cx = cpu.upload(x, rows, cols); org.backprop.core.Tensor gx = gpu.upload(x, rows, cols);
                 org.backprop.core.Tensor cy = cpu.allocate(rows, cols); org.backprop.core.Tensor gy = gpu.allocate(rows, cols)) {
                cpu.dropout(cx, cy, 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
                gpu.dropout(gx, gy, 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
                assertSameBits("dropout layer " + layer, cpu.download(cy), gpu.download(gy));
                cpu.dropoutBackward(cx, cx, 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
                gpu.dropoutBackward(gx, gx, 0.5f, 0xDEADBEEFCAFEL, 1000 + layer, layer);
                assertSameBits("dropoutBackward layer " + layer, cpu.download(cx), gpu.download(gx));
            }
        }
    }

    /** Images wider than deform.cu's shared memory holds (side > 32) take the host definition on CUDA: the CPU's bits. */
    @org.junit.jupiter.api.Test
    void wideImagesAreDeformedByTheHostDefinition() {
        int side = 40, rows = 2;
        java.util.Random r = new java.util.Random(40);
        float[] x = new float[rows * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        org.backprop.data.Deformation d = org.backprop.data.Deformation.parse("affine+elastic");
        try (org.backprop.core.Tensor cx = cpu.upload(x, rows, side * side); org.backprop.core.Tensor gx = gpu.upload(x, rows, side * side);
             org.backprop.core.Tensor cy = cpu.allocate(rows, side * side); org.backprop.core.Tensor gy = gpu.allocate(rows, side * side)) {
            cpu.deformImages(cx, cy, side, d, 7L, 3, 5);
            gpu.deformImages(gx, gy, side, d, 7L, 3, 5);
            assertSameBits("deformImages 40x40", cpu.download(cy), gpu.download(gy));
        }
    }

    private static void assertSameBits(String what, float[] onCpu, float[] onGpu) {
        for (int i = 0; i < onCpu.length; i++) {
            assertEquals(Float.floatToRawIntBits(onCpu[i]), Float.floatToRawIntBits(onGpu[i]),
                    what + " element " + i + ": cpu " + onCpu[i] + ", cuda " + onGpu[i]);
        }
    }
}
