package org.backprop.cpu.probe;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Twelve independent FMA chains: enough to cover 2 ports × 4-cycle latency, with nothing else in the loop. */
final class VectorFmaLoop {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorFmaLoop() { }

    static int lanes() {
        return S.length();
    }

    /** Runs {@code iterations} × 12 vector FMAs; returns a value that depends on all of them. */
    static float run(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f);
        FloatVector d = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, d); a1 = a1.fma(m, d); a2 = a2.fma(m, d); a3 = a3.fma(m, d);
            a4 = a4.fma(m, d); a5 = a5.fma(m, d); a6 = a6.fma(m, d); a7 = a7.fma(m, d);
            a8 = a8.fma(m, d); a9 = a9.fma(m, d); a10 = a10.fma(m, d); a11 = a11.fma(m, d);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
