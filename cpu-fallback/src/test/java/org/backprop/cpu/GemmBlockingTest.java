package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.backprop.core.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every register blocking the CPU backend can choose (whatever CPU runs the tests), against a
 * double-precision triple loop: all four transpose cases, shapes that leave edge tiles in m, n and
 * k, k over several k-blocks, β = 0 over NaN and β ≠ 0. Bound: |error| ≤ 4·k·2⁻²⁴·Σ|a·b| per
 * element — fp32 accumulation error grows at most linearly in the reduction length.
 */
class GemmBlockingTest {

    static Stream<Arguments> blockings() {
        List<Arguments> out = new ArrayList<>();
        for (String spec : new String[] {"12x2:256", "12x2:64", "6x2:256", "6x2:40", "4x4:1024", "4x4:48"}) {
            out.add(Arguments.of(spec));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blockings")
    void everyShapeAndTransposeMatchesTheDoubleLoop(String spec) {
        assumeTrue(CpuBackend.vectorApiPresent(), "the Vector API module is not loaded in this JVM");
        int[][] shapes = {{1, 1, 1}, {13, 33, 7}, {12, 32, 256}, {25, 65, 257}, {97, 10, 130}, {40, 100, 600}};
        try (CpuBackend cpu = new CpuBackend(2, GemmBlocking.parse(spec))) {
            assertTrue(cpu.description().contains(GemmBlocking.parse(spec).rows() + "x"), cpu.description());
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    check(cpu, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 0f);
                    check(cpu, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 0.5f);
                }
            }
        }
    }

    private static void check(CpuBackend cpu, int m, int n, int k, boolean ta, boolean tb, float beta) {
        SplittableRandom rnd = new SplittableRandom(31L * m + 7L * n + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] c0 = random(rnd, m * n);
        if (beta == 0) {
            java.util.Arrays.fill(c0, Float.NaN);
        }
        float alpha = 1.25f;
        try (Tensor ta0 = cpu.upload(a, ta ? k : m, ta ? m : k);
             Tensor tb0 = cpu.upload(b, tb ? n : k, tb ? k : n);
             Tensor tc = cpu.upload(c0, m, n)) {
            cpu.gemm(ta, tb, alpha, ta0, tb0, beta, tc);
            float[] c = cpu.download(tc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        double x = ta ? a[p * m + i] : a[i * k + p];
                        double y = tb ? b[j * k + p] : b[p * n + j];
                        sum += x * y;
                        mag += Math.abs(x * y);
                    }
                    double want = alpha * sum + (beta == 0 ? 0 : beta * c0[i * n + j]);
                    double old = beta == 0 ? 0 : Math.abs(beta * c0[i * n + j]);
                    double bound = 4.0 * k * 0x1p-24 * (Math.abs(alpha) * mag + old) + 1e-30;
                    float got = c[i * n + j];
                    if (!(Math.abs(got - want) <= bound)) {
                        throw new AssertionError(String.format("%s %dx%dx%d ta=%s tb=%s beta=%s: C[%d][%d] = %s, want %s (bound %.3g)",
                                cpu.description(), m, n, k, ta, tb, beta, i, j, got, want, bound));
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    @Test
    void intelAvx512GetsTwelveByTwoAndZenKeepsFourByFour() {
        assertEquals("12x2", GemmBlocking.choose("GenuineIntel", 16).shape());
        assertEquals(256, GemmBlocking.choose("GenuineIntel", 16).kc());
        assertEquals("4x4", GemmBlocking.choose("AuthenticAMD", 16).shape());
        assertEquals(1024, GemmBlocking.choose("AuthenticAMD", 16).kc());
        assertEquals("6x2", GemmBlocking.choose("GenuineIntel", 8).shape());
        assertEquals("6x2", GemmBlocking.choose("AuthenticAMD", 8).shape());
    }

    @Test
    void aMalformedOverrideIsOneLineNamingTheProperty() {
        for (String bad : new String[] {"5x5", "12x2:0", "12", "12x2:256:1", "axb"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GemmBlocking.parse(bad));
            assertTrue(e.getMessage().startsWith(GemmBlocking.PROPERTY + ": '" + bad + "'"), e.getMessage());
        }
    }
}
