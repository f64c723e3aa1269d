package org.backprop.io;

import static org.backprop.io.NpzTest.doubles;
import static org.backprop.io.NpzTest.floats;
import static org.backprop.io.NpzTest.npy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The {@code .npy} codec alone: one array's header, dtype, shape and sizes. */
class NpyTest {

    private static Npy.Array read(byte[] bytes) throws IOException {
        return Npy.read(new ByteArrayInputStream(bytes), "a.npy", new Npy.Budget(1 << 20));
    }

    private static String error(byte[] bytes) {
        return assertThrows(CheckpointException.class, () -> read(bytes)).getMessage();
    }

    @Test
    void writtenArraysFollowTheNpySpec() {
        byte[] w = Npy.floats(new float[6], 2, 3);
        int headerLength = (w[8] & 0xff) | (w[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "header padded to a multiple of 64");
        String header = new String(w, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        assertEquals(10 + headerLength + 24, w.length);
    }

    @Test
    void floatsAndStringsRoundTrip() throws IOException {
        Npy.Array f = read(Npy.floats(new float[] {1, -2.5f, 3}, 3));
        assertArrayEquals(new long[] {3}, f.shape());
        assertArrayEquals(new float[] {1, -2.5f, 3}, f.floats());
        Npy.Array s = read(Npy.strings(new String[] {"relu", "", "sofτmax"}));
        assertNull(s.floats());
        assertArrayEquals(new String[] {"relu", "", "sofτmax"}, s.strings());
    }

    @Test
    void float64IsConvertedAndFortranOrderTransposed() throws IOException {
        // a 2×3 array [[1,2,3],[4,5,6]] stored column by column
        Npy.Array a = read(npy("<f8", true, "(2, 3)", doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6)));
        assertArrayEquals(new long[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.floats());
        assertArrayEquals(new float[] {0.5f, -1, 2},
                read(npy(">f8", false, "(3,)", doubles(ByteOrder.BIG_ENDIAN, 0.5, -1, 2))).floats());
    }

    @Test
    void float64OutsideFloat32RangeIsRejected() {
        assertTrue(error(npy("<f8", false, "(1, 1)", doubles(ByteOrder.LITTLE_ENDIAN, 1e300)))
                .contains("outside the float32 range"));
    }

    @Test
    void integerArraysAreRejectedNamingTheDtype() {
        assertTrue(error(npy("<i8", false, "(1, 1)", new byte[8])).contains("a.npy: dtype '<i8' is not supported"));
    }

    @Test
    void truncatedArrayIsRejected() {
        String m = error(npy("<f4", false, "(100, 10)", floats(1, 2)));
        assertTrue(m.contains("truncated: shape (100, 10) needs 4000 data bytes, found 8"), m);
    }

    @Test
    void trailingBytesAreRejected() {
        assertTrue(error(npy("<f4", false, "(1,)", floats(1, 2))).contains("trailing bytes after the (1,) array"));
    }

    @Test
    void badMagicIsRejected() {
        byte[] b = Npy.floats(new float[1], 1);
        b[1] = 'X';
        assertTrue(error(b).contains("bad magic"));
    }

    @Test
    void anArrayLargerThanTheBudgetIsRefusedBeforeItsDataIsRead() {
        // declares 1e6 floats, carries none: refused on the header alone
        String m = error(npy("<f4", false, "(1000, 1000)", new byte[0]));
        assertTrue(m.contains("decoded, more than the"), m);
    }

    @Test
    void everyPrefixIsOurError() {
        byte[] full = Npy.floats(new float[] {1, 2, 3, 4}, 2, 2);
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            error(cut);
        }
    }
}
