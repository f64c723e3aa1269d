package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.backprop.core.Backend;
import org.backprop.core.BackendOptions;
import org.backprop.core.Backends;
import org.backprop.core.Tensor;
import org.junit.jupiter.api.Test;

/** The "as trained" GEMM column times the same product as the row-major one, only laid out otherwise. */
class GemmBenchLayoutTest {

    @Test
    void theTrainedLayoutIsTakenByTheDenseTrainingProductsOnly() {
        List<GemmBench.Shape> shapes = GemmBench.sweep(false, false);
        long trained = shapes.stream().filter(GemmBench::hasTrainedLayout).count();
        // 4 batches × (X·W and Xᵀ·δ of two 1024-wide layers + δ·Wᵀ of the second)
        assertEquals(20, trained);
        for (GemmBench.Shape s : shapes) {
            boolean outputLayer = s.label().contains("→10 ");
            if (s.kind().equals("square") || outputLayer) {
                assertFalse(GemmBench.hasTrainedLayout(s), s.label());
            } else {
                assertTrue(GemmBench.hasTrainedLayout(s), s.label());
            }
        }
    }

    @Test
    void aProductInTheTrainedLayoutGivesTheRowMajorProductsBits() {
        try (Backend be = Backends.open("cpu", BackendOptions.defaults())) {
            Random rnd = new Random(5);
            for (GemmBench.Shape full : GemmBench.sweep(false, true)) {
                if (!GemmBench.hasTrainedLayout(full)) {
                    continue;
                }
                // the quick sweep's shapes at a quarter of the batch: the same kinds and transposes
                GemmBench.Shape s = shrink(full);
                float[] av = GemmBench.random(rnd, s.m() * s.k());
                float[] bv = GemmBench.random(rnd, s.k() * s.n());
                int ar = s.transA() ? s.k() : s.m();
                int br = s.transB() ? s.n() : s.k();
                try (Tensor a = be.upload(av, ar, av.length / ar); Tensor b = be.upload(bv, br, bv.length / br);
                     Tensor c = be.allocate(s.m(), s.n());
                     Tensor a2 = be.upload(av, ar, av.length / ar); Tensor b2 = be.upload(bv, br, bv.length / br);
                     Tensor c2 = be.allocate(s.m(), s.n())) {
                    be.gemm(s.transA(), s.transB(), 1f, a, b, 0f, c);
                    GemmBench.settleTrainedLayout(be, s, a2, b2, c2);
                    be.gemm(s.transA(), s.transB(), 1f, a2, b2, 0f, c2);
                    assertArrayEquals(be.download(c), be.download(c2), s.label());
                    // and the weight operand itself still reads back as it was uploaded
                    if (!s.kind().equals("weight-grad")) {
                        assertArrayEquals(bv, be.download(b2), s.label());
                    }
                }
            }
        }
    }

    private static GemmBench.Shape shrink(GemmBench.Shape s) {
        int b = s.batch() / 4;
        return switch (s.kind()) {
            case "forward", "input-grad" -> new GemmBench.Shape(s.label(), s.kind(), b, b, s.n(), s.k(), s.transA(), s.transB());
            default -> new GemmBench.Shape(s.label(), s.kind(), b, s.m(), s.n(), b, s.transA(), s.transB());
        };
    }
}
