package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.Output;
import org.backprop.core.reference.ReferenceBackend;
import org.backprop.core.reference.Tolerance;
import org.backprop.cpu.gemm.GemmBlocking;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every register blocking the CPU backend can choose, whatever CPU runs the tests, on the op
 * catalogue's GEMM cases (all four transposes, α/β, NaN in C under β = 0, 1-wide, odd and prime
 * shapes, the narrow-C path), each output held to the bound the catalogue states for it against
 * the double-precision reference. Forced short k-blocks (KC 64, 40, 48) put k over several blocks.
 * The catalogue's training-size products are left out: the reference multiplies them slowly and the
 * backend contract already runs them with this CPU's own blocking.
 */
class CpuBackendBlockingsTest {

    private static final ReferenceBackend REFERENCE = new ReferenceBackend();
    /** The reference's outputs per case, computed once for all six blockings. */
    private static final java.util.Map<OpCase, List<Output>> EXPECTED = new java.util.HashMap<>();

    static Stream<Arguments> blockingsAndCases() {
        List<OpCase> gemms = OpCatalogue.cases(OpCatalogue.Shapes.STANDARD).stream()
                .filter(c -> c.family() == OpCase.Family.GEMM && !c.variant().contains("training size"))
                .toList();
        List<Arguments> out = new ArrayList<>();
        for (String spec : new String[] {"12x2:256", "12x2:64", "6x2:256", "6x2:40", "4x4:1024", "4x4:48"}) {
            out.add(Arguments.of(spec, gemms));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockingsAndCases")
    void everyCatalogueGemmIsWithinItsBound(String spec, List<OpCase> gemms) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        try (CpuBackend cpu = new CpuBackend(2, GemmBlocking.parse(spec))) {
            assertTrue(cpu.description().contains(GemmBlocking.parse(spec).rows() + "x"), cpu.description());
            for (OpCase c : gemms) {
                List<Output> expected = EXPECTED.computeIfAbsent(c, k -> k.expected(REFERENCE));
                List<Output> actual = c.run(cpu);
                for (int i = 0; i < expected.size(); i++) {
                    Output e = expected.get(i);
                    Tolerance.Verdict v = e.tolerance().check(e.values(), actual.get(i).values());
                    if (!v.passed()) {
                        throw new AssertionError(cpu.description() + ", " + c + ", output " + e.name() + ": "
                                + v.detail() + " (" + e.tolerance().why() + ")");
                    }
                }
            }
        }
    }
}
