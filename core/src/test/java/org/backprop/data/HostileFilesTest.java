package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files built to exhaust memory: each is read in a child JVM with a small heap, and must
 * be refused with our own one-line error, never an {@code OutOfMemoryError} or a runtime crash.
 */
class HostileFilesTest {

    @TempDir Path dir;

    private static void assertRefused(String line, String... expected) {
        assertTrue(line.startsWith("refused: "), line);
        for (String e : expected) {
            assertTrue(line.contains(e), line);
        }
    }

    /** One layer whose 4 × inputs × outputs exceeds 2^63: before checked math it wrapped negative and passed the bytes-left check. */
    @Test
    void aCheckpointWhoseSizesWrapIsRefused() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        b.put("BPROP".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).put((byte) 0);
        b.putLong(56 - 16 - 4);
        b.putInt(1);                                  // one layer
        b.putInt(4).put("relu".getBytes(StandardCharsets.US_ASCII));
        b.putInt(Integer.MAX_VALUE);                  // inputs
        b.putInt((1 << 30) + 3);                      // outputs: 4·in·out mod 2^64 is negative, (int)(in·out) is 2^30 - 3
        b.position(52);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, 52);
        b.putInt((int) crc.getValue());
        Path file = Files.write(dir.resolve("wrap.bpm"), b.array());
        assertRefused(SmallHeap.read("checkpoint", file, "256m"), "more than any checkpoint file can hold");
    }

    /** A '<U0' array moves no data bytes, so every byte check passes; its strings are what cost memory. */
    @Test
    void aZeroWidthStringArrayWithAHugeShapeIsRefused() throws Exception {
        Path file = dir.resolve("u0.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            entry(zip, "layer0.weight", npy("<f4", "(1, 1)", new byte[4]));
            entry(zip, "layer0.bias", npy("<f4", "(1,)", new byte[4]));
            entry(zip, "activations", npy("<U0", "(2147483600,)", new byte[0]));
        }
        assertRefused(SmallHeap.read("npz", file, "256m"), "activations.npy", "needs");
    }

    /** A few hundred kilobytes of deflated zeros that honestly declare a 256 MiB array. */
    @Test
    void aDeflateBombEntryIsRefusedBeforeItIsInflated() throws Exception {
        Path file = dir.resolve("bomb.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zeros(zip, "layer0.weight", "(8192, 8192)", 8192L * 8192 * 4);
        }
        assertTrue(Files.size(file) < 1 << 20, "the bomb is small: " + Files.size(file));
        assertRefused(SmallHeap.read("npz", file, "256m"), "layer0.weight.npy", "needs");
    }

    /** Entries each small enough alone, too large together: the budget is for the whole archive. */
    @Test
    void deflateBombEntriesThatFitOneByOneAreRefusedInTotal() throws Exception {
        Path file = dir.resolve("bombs.npz");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < 8; i++) {
                zeros(zip, "extra.e" + i, "(12582912,)", 12582912L * 4);
            }
        }
        assertRefused(SmallHeap.read("npz", file, "256m"), "extra.e", "left of this JVM's heap");
    }

    /** A gzip IDX file whose header truthfully announces 313.6 M pixels, all present (deflated zeros). */
    @Test
    void anHonestHeaderGzipIdxBombIsRefusedWithTheNumbers() throws Exception {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        int images = 400_000;
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 1 << 16)) {
            ByteBuffer h = ByteBuffer.allocate(16).putInt(0x00000803).putInt(images).putInt(28).putInt(28);
            out.write(h.array());
            byte[] zero = new byte[28 * 28 * 1000];
            for (int i = 0; i < images / 1000; i++) {
                out.write(zero);
            }
        }
        assertRefused(SmallHeap.read("idx", file, "256m"), "400000×28×28 = 313600000 elements", "GiB",
                "heap maximum");
    }

    /** A 40 MB CSV of one line: the same path as a 200 MB one, past the row limits, in a heap where splitting it cannot fit. */
    @Test
    void aHugeSingleLineCsvIsRefusedWhileReadingNotInTheSplitter() throws Exception {
        Path file = dir.resolve("one-line.csv");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] cells = "0,1,".repeat(1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 10_000; i++) {
                out.write(cells);
            }
            out.write("0\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertRefused(SmallHeap.read("csv", file, "128m"), "row 1 has more than 1048576 cells");
        // a row of few, long cells reaches the character limit instead
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] cell = "7".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 300; i++) {
                out.write(cell);
            }
            out.write(",0\n".getBytes(StandardCharsets.US_ASCII));
        }
        assertRefused(SmallHeap.read("csv", file, "128m"), "row 1 is longer than 16777216 characters");
    }

    private static void zeros(ZipOutputStream zip, String name, String shape, long bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npy("<f4", shape, new byte[0]));
        byte[] chunk = new byte[1 << 20];
        for (long left = bytes; left > 0; left -= chunk.length) {
            zip.write(chunk, 0, (int) Math.min(chunk.length, left));
        }
        zip.closeEntry();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] npy) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(npy);
        zip.closeEntry();
    }

    /** An npy v1.0 header (and data) as NumPy writes it. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String header = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }
}
