package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Bit-for-bit comparison of two results (NaN payloads and signed zeros included), for the GEMM tests. */
public final class SameBits {

    private SameBits() {
    }

    /**
     * Fails at the first element whose bits differ, naming it as C[row][col] of a matrix
     * {@code cols} wide (or by its index when {@code cols} is 0) and both values by their labels.
     */
    public static void assertSameBits(float[] expected, float[] actual, int cols, String what, String expectedLabel,
                               String actualLabel) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                String at = cols > 0 ? "[" + i / cols + "][" + i % cols + "]" : "[" + i + "]";
                throw new AssertionError(what + at + ": " + expectedLabel + " " + expected[i] + ", " + actualLabel
                        + " " + actual[i]);
            }
        }
    }
}
