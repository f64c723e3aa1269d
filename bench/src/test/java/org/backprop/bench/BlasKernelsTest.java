package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which OpenBLAS kernels count as a peer at its best, from the CPU flags alone. */
class BlasKernelsTest {

    private static final String SAPPHIRE = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx fma avx2 avx512f avx512dq avx512cd"
            + " avx512bw avx512vl avx512_bf16 amx_tile";
    private static final String ZEN5 = "fpu sse sse2 avx fma avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16";
    private static final String HASWELL = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx fma avx2";

    @Test
    void anAvx512CpuWantsTheSkylakeXKernel() {
        assertEquals("SkylakeX", BlasKernels.bestCoretype(SAPPHIRE));
        assertEquals("SkylakeX", BlasKernels.bestCoretype(ZEN5));
        assertEquals("Haswell", BlasKernels.bestCoretype(HASWELL));
        assertNull(BlasKernels.bestCoretype("fpu sse sse2"));
    }

    @Test
    void prescottOnSapphireRapidsAndHaswellForcedOnZen5AreBelowTheirBest() {
        assertTrue(BlasKernels.below("Prescott", SAPPHIRE), "OpenBLAS 0.3.21's fallback on newer Xeons");
        assertTrue(BlasKernels.below("Haswell", ZEN5), "OPENBLAS_CORETYPE=Haswell on an AVX-512 EPYC");
        assertTrue(BlasKernels.below("Sandybridge", HASWELL));
    }

    @Test
    void theWidestKernelsAreNotBelow() {
        assertFalse(BlasKernels.below("SkylakeX", SAPPHIRE));
        assertFalse(BlasKernels.below("Cooperlake", SAPPHIRE));
        assertFalse(BlasKernels.below("Haswell", HASWELL));
        assertFalse(BlasKernels.below("Zen", HASWELL));
        assertFalse(BlasKernels.below(null, SAPPHIRE), "an unknown kernel is reported, not second-guessed");
    }
}
