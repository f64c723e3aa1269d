package org.backprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private byte[] saved(ModelState s) throws IOException {
        Path p = dir.resolve("m.bprop");
        Checkpoint.save(p, s);
        return Files.readAllBytes(p);
    }

    /** Recomputes the trailing CRC so a mutation reaches the parser instead of the CRC check. */
    static byte[] fixCrc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length - 4, (int) crc.getValue());
        return b;
    }

    private static String error(byte[] b) {
        return assertThrows(CheckpointException.class, () -> Checkpoint.decode(b, "m.bprop")).getMessage();
    }

    @Test
    void roundTripKeepsEverything() {
        States.assertRoundTrip(States.random(1, 7, 5, 3), dir.resolve("m.bprop"), Checkpoint::save, Checkpoint::load);
    }

    @Test
    void roundTripKeepsSpecialFloatsBitForBit() {
        float[] w = {Float.NaN, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1f};
        ModelState s = new ModelState(List.of(new LayerState("", 2, 3, w, new float[3])));
        Path p = dir.resolve("m.bprop");
        Checkpoint.save(p, s);
        float[] back = Checkpoint.load(p).layers().get(0).weights();
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(back[i]));
        }
    }

    @Test
    void headerIsMagicVersionAndBodyLength() throws IOException {
        byte[] b = saved(States.random(2, 3, 2));
        assertEquals("BPROP", new String(b, 0, 5, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(1, b[5]);
        assertEquals(b.length - 20, ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
    }

    @Test
    void saveReplacesAndLeavesNoTemporaryFile() throws IOException {
        Path p = dir.resolve("m.bprop");
        Checkpoint.save(p, States.filled(1, 4, 4));
        Checkpoint.save(p, States.filled(2, 4, 4));
        assertEquals(2f, Checkpoint.load(p).layers().get(0).bias()[0]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    void wrongMagicIsRejected() throws IOException {
        byte[] b = saved(States.random(3, 3, 2));
        b[0] = 'X';
        assertTrue(error(b).contains("not a Backprop checkpoint"));
    }

    @Test
    void unknownVersionIsRejected() throws IOException {
        byte[] b = saved(States.random(3, 3, 2));
        b[5] = 9;
        assertTrue(error(b).contains("version 9 is not supported"));
    }

    @Test
    void flippedBodyByteFailsTheCrc() throws IOException {
        byte[] b = saved(States.random(3, 3, 2));
        b[30] ^= 4;
        assertTrue(error(b).contains("CRC32 mismatch"));
    }

    @Test
    void hostileLayerCountWithValidCrcIsRejectedBeforeAllocating() throws IOException {
        byte[] b = saved(States.random(3, 3, 2));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(16, Integer.MAX_VALUE);
        assertTrue(error(fixCrc(b)).contains("layer count 2147483647 at byte offset 16 is impossible"), error(b));
    }

    @Test
    void hostileLayerShapeWithValidCrcIsRejected() throws IOException {
        byte[] b = saved(new ModelState(List.of(new LayerState("", 3, 2, new float[6], new float[2]))));
        // the layer's inputs field follows the u32 layer count and the empty activation string (u32 0)
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(24, 0x40000000);
        String m = error(fixCrc(b));
        assertTrue(m.contains("layer 0 weights") && m.contains("more than any checkpoint file can hold"), m);
    }

    @Test
    void lengthMismatchIsReportedAsTruncation() throws IOException {
        byte[] b = saved(States.random(3, 3, 2));
        assertTrue(error(Arrays.copyOf(b, b.length - 1)).contains("truncated"));
        assertTrue(error(Arrays.copyOf(b, b.length + 1)).contains("trailing"));
    }

    @Test
    void missingFileIsOneLine() {
        String m = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir.resolve("none"))).getMessage();
        assertTrue(m.endsWith("checkpoint file not found"), m);
    }

    @Test
    void truncationAtEveryByteBoundaryIsOurError() throws IOException {
        byte[] b = saved(States.random(4, 3, 2, 2));
        for (int len = 0; len < b.length; len++) {
            byte[] cut = Arrays.copyOf(b, len);
            String m = assertThrows(CheckpointException.class, () -> Checkpoint.decode(cut, "m"), "length " + len)
                    .getMessage();
            assertFalse(m.contains("\n"));
        }
    }

    /** With the CRC recomputed each flip reaches the parser: it must load or fail with our type. */
    @Test
    void everyFlippedByteWithValidCrcLoadsOrIsOurError() throws IOException {
        byte[] b = saved(States.random(5, 3, 2, 2));
        for (int i = 0; i < b.length - 4; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] m = b.clone();
                m[i] ^= (byte) mask;
                fixCrc(m);
                try {
                    Checkpoint.decode(m, "m");
                } catch (CheckpointException expected) {
                    // fine
                }
            }
        }
    }

    @Test
    void layerChainMismatchIsRejectedAtConstruction() {
        LayerState a = new LayerState("relu", 3, 4, new float[12], new float[4]);
        LayerState b = new LayerState("relu", 5, 2, new float[10], new float[2]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelState(List.of(a, b), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("layer 1 takes 5 inputs but layer 0 gives 4 outputs"));
    }

    @Test
    void architectureMismatchNamesTheLayerAndBothShapes() {
        ModelState model = States.random(1, 784, 128, 10);
        model.requireSameArchitecture(States.random(2, 784, 128, 10), "c.bprop");
        String m = assertThrows(CheckpointException.class,
                () -> model.requireSameArchitecture(States.random(2, 784, 64, 10), "c.bprop")).getMessage();
        assertEquals("c.bprop: layer 0 is 784x64, the model's layer 0 is 784x128", m);
        m = assertThrows(CheckpointException.class,
                () -> model.requireSameArchitecture(States.random(2, 784, 10), "c.bprop")).getMessage();
        assertEquals("c.bprop: has 1 layers (784→10), the model has 2 (784→128→10)", m);
    }
}
