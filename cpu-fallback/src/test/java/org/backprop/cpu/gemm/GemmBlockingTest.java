package org.backprop.cpu.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The blocking chosen per CPU family, and the override's one-line refusal of a malformed value. */
class GemmBlockingTest {

    @Test
    void intelAvx512GetsTwelveByTwoAndZenKeepsFourByFour() {
        assertEquals("12x2", GemmBlocking.choose("GenuineIntel", 16).shape());
        assertEquals(1024, GemmBlocking.choose("GenuineIntel", 16).kc());
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
