package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;

import org.backprop.core.reference.OpCase;
import org.backprop.core.reference.OpCatalogue;
import org.backprop.core.reference.Output;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same inputs on 1, 2 and 3 threads give bitwise-identical outputs for every op: the guarantee
 * that makes a training run reproducible whatever {@code --threads} says. Every case of the op
 * catalogue runs, on its thread-splitting shapes (257×1031, 5003×13, 70000×1, 3×40000 and GEMMs
 * up to 97×513×300), large enough that the multithreaded backends really split the work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CpuBackendDeterminismTest {

    private CpuBackend one;
    private CpuBackend two;
    private CpuBackend three;
    private CpuBackend scalarOne;
    private CpuBackend scalarThree;

    @BeforeAll
    void open() {
        one = new CpuBackend(1);
        two = new CpuBackend(2);
        three = new CpuBackend(3);
        scalarOne = new CpuBackend(1, false);
        scalarThree = new CpuBackend(3, false);
    }

    @AfterAll
    void close() {
        one.close();
        two.close();
        three.close();
        scalarOne.close();
        scalarThree.close();
    }

    static Stream<OpCase> cases() {
        return OpCatalogue.cases(OpCatalogue.Shapes.THREADS).stream();
    }

    static Stream<OpCase> gemmCases() {
        return cases().filter(c -> c.family() == OpCase.Family.GEMM);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyOpIsBitwiseIndependentOfThreads(OpCase c) {
        List<Output> expected = c.run(one);
        assertSame(c, expected, c.run(two), "2 threads");
        assertSame(c, expected, c.run(three), "3 threads");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gemmCases")
    void scalarGemmIsBitwiseIndependentOfThreads(OpCase c) {
        assertSame(c, c.run(scalarOne), c.run(scalarThree), "scalar kernel, 3 threads");
    }

    private static void assertSame(OpCase c, List<Output> expected, List<Output> actual, String how) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).values(), actual.get(i).values(),
                    c + ", output " + expected.get(i).name() + " with " + how);
        }
    }
}
