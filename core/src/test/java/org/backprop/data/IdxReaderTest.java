package org.backprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static IdxReader.IdxArray readBytes(byte[] bytes, boolean knownLength) {
        return IdxReader.read(new ByteArrayInputStream(bytes), "test.idx", knownLength ? bytes.length : -1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabelsPlainOrGzip(boolean gzip) throws IOException {
        byte[] images = IdxFiles.images(7, 3, 5, 1);
        byte[] labels = IdxFiles.labels(7, 10, 2);
        Path x = write("x", gzip ? IdxFiles.gzip(images) : images);
        Path y = write("y", gzip ? IdxFiles.gzip(labels) : labels);
        Dataset d = IdxReader.readDataset(x, y, 10, "t");
        assertEquals(7, d.size());
        assertEquals(15, d.featureCount());
        for (int i = 0; i < 7 * 15; i++) {
            assertEquals((images[16 + i] & 0xff) / 255f, d.features()[i], 0f);
        }
        for (int i = 0; i < 7; i++) {
            assertEquals(labels[8 + i], d.labels()[i]);
        }
    }

    @Test
    void gzipIsDetectedByContentNotName() throws IOException {
        Path p = write("images.plain", IdxFiles.gzip(IdxFiles.images(2, 2, 2, 3)));
        assertArrayEquals(new int[] {2, 2, 2}, IdxReader.read(p).dims());
    }

    @Test
    void wrongMagicIsRejected() {
        byte[] b = IdxFiles.images(2, 2, 2, 1);
        b[0] = 0x12;
        DataException e = assertThrows(DataException.class, () -> readBytes(b, true));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
        assertTrue(e.getMessage().startsWith("test.idx"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x42})
    void unsupportedElementTypesAreRejected(int type) {
        byte[] b = IdxFiles.idx(type, new int[] {2}, new byte[8]);
        DataException e = assertThrows(DataException.class, () -> readBytes(b, true));
        assertTrue(e.getMessage().contains("element type"), e.getMessage());
    }

    @Test
    void zeroDimensionIsRejected() {
        byte[] b = IdxFiles.idx(0x08, new int[] {0, 28, 28}, new byte[0]);
        DataException e = assertThrows(DataException.class, () -> readBytes(b, true));
        assertTrue(e.getMessage().contains("dimension 0"), e.getMessage());
    }

    @Test
    void zeroDimensionCountIsRejected() {
        byte[] b = IdxFiles.idx(0x08, new int[0], new byte[0]);
        assertThrows(DataException.class, () -> readBytes(b, true));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void headerClaimingTwoToThe31ImagesFailsWithoutAllocating(boolean gzip) {
        // 0x80000000 images: negative as int32, so "dimension must be positive"
        byte[] b = IdxFiles.idx(0x08, new int[] {0x80000000, 28, 28}, new byte[784]);
        byte[] in = gzip ? IdxFiles.gzip(b) : b;
        assertThrows(DataException.class, () -> readBytes(in, !gzip));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void dimensionProductOverflowIsRejected(boolean gzip) {
        byte[] b = IdxFiles.idx(0x08, new int[] {Integer.MAX_VALUE, 28, 28}, new byte[784]);
        byte[] in = gzip ? IdxFiles.gzip(b) : b;
        DataException e = assertThrows(DataException.class, () -> readBytes(in, !gzip));
        assertTrue(e.getMessage().contains("2^31"), e.getMessage());
    }

    @Test
    void gzipHeaderClaimingFarMoreThanPresentIsTruncationNotAllocation() {
        // 200000 images would fit this heap but are absent: the buffer must grow only with real data
        byte[] b = IdxFiles.idx(0x08, new int[] {200_000, 28, 28}, new byte[784 * 3]);
        DataException e = assertThrows(DataException.class, () -> readBytes(IdxFiles.gzip(b), false));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void plainHeaderExceedingFileSizeIsRejectedBeforeReading() {
        byte[] b = IdxFiles.idx(0x08, new int[] {2_700_000, 28, 28}, new byte[784 * 3]);
        DataException e = assertThrows(DataException.class, () -> readBytes(b, true));
        assertTrue(e.getMessage().contains("file has only"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void trailingGarbageIsRejected(boolean gzip) {
        byte[] valid = IdxFiles.labels(5, 10, 1);
        byte[] b = Arrays.copyOf(valid, valid.length + 3);
        byte[] in = gzip ? IdxFiles.gzip(b) : b;
        DataException e = assertThrows(DataException.class, () -> readBytes(in, !gzip));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void imageLabelCountMismatchIsRejected() throws IOException {
        Path x = write("x", IdxFiles.images(4, 2, 2, 1));
        Path y = write("y", IdxFiles.labels(5, 10, 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readDataset(x, y, 10, "t"));
        assertTrue(e.getMessage().contains("4 images") && e.getMessage().contains("5 labels"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesRecordAndOffset() throws IOException {
        byte[] labels = IdxFiles.labels(5, 10, 1);
        labels[8 + 3] = 12;
        Path x = write("x", IdxFiles.images(5, 2, 2, 1));
        Path y = write("y", labels);
        DataException e = assertThrows(DataException.class, () -> IdxReader.readDataset(x, y, 10, "t"));
        assertTrue(e.getMessage().contains("label 12 of record 3 (byte offset 11)"), e.getMessage());
    }

    @Test
    void labelsBeyondDeclaredClassesAreRejected() throws IOException {
        Path x = write("x", IdxFiles.images(5, 2, 2, 1));
        Path y = write("y", IdxFiles.idx(0x08, new int[] {5}, new byte[] {0, 1, 2, 3, 1}));
        assertThrows(DataException.class, () -> IdxReader.readDataset(x, y, 3, "t"));
        assertEquals(4, IdxReader.readDataset(x, y, 4, "t").classes());
    }

    @Test
    void swappedImageAndLabelFilesAreRejected() throws IOException {
        Path x = write("x", IdxFiles.images(5, 2, 2, 1));
        Path y = write("y", IdxFiles.labels(5, 10, 1));
        DataException e = assertThrows(DataException.class, () -> IdxReader.readDataset(y, x, 10, "t"));
        assertTrue(e.getMessage().contains("image file"), e.getMessage());
    }

    @Test
    void corruptGzipIsRejected() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(20, 5, 5, 1));
        gz[gz.length / 2] ^= 0x55;
        assertThrows(DataException.class, () -> readBytes(gz, false));
    }

    @Test
    void missingFileIsOneLine() {
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(dir.resolve("nope")));
        assertTrue(e.getMessage().endsWith("file not found"), e.getMessage());
    }

    /** A valid file of three 4x5 images, gzipped or not. */
    private static byte[] imagesFile(boolean gzip) {
        byte[] plain = IdxFiles.images(3, 4, 5, 7);
        return gzip ? IdxFiles.gzip(plain) : plain;
    }

    /** Every proper prefix of a valid file is an error of our type; only the whole file loads. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncationAtEveryByteBoundaryIsOurError(boolean gzip) {
        byte[] full = imagesFile(gzip);
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            int at = len;
            DataException e = assertThrows(DataException.class, () -> readBytes(cut, !gzip), "prefix " + at);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        assertArrayEquals(new int[] {3, 4, 5}, readBytes(full, !gzip).dims());
    }

    /** Every single-byte corruption either still parses (pixel bytes) or fails with our type. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyFlippedByteLoadsOrIsOurError(boolean gzip) {
        byte[] full = imagesFile(gzip);
        for (int i = 0; i < full.length; i++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                byte[] b = full.clone();
                b[i] ^= (byte) mask;
                ReaderFuzzTargets.loadOrRefuse(() -> readBytes(b, !gzip));
            }
        }
    }

    @Test
    void hostileDimensionValuesAreOurErrors() {
        int[] hostile = {0, -1, 1, 2, 255, 65535, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 24};
        for (int a : hostile) {
            for (int b : hostile) {
                byte[] bytes = IdxFiles.idx(0x08, new int[] {a, b, 3}, new byte[24]);
                for (boolean known : new boolean[] {false, true}) {
                    try {
                        IdxReader.IdxArray r = readBytes(bytes, known);
                        assertEquals(24, r.data().length);
                    } catch (DataException expected) {
                        // fine
                    }
                }
            }
        }
    }

    @Test
    void mnistLoadAcceptsPlainAndGzipNames() throws IOException {
        write(Mnist.TRAIN_IMAGES, IdxFiles.images(6, 28, 28, 1));
        write(Mnist.TRAIN_LABELS + ".gz", IdxFiles.gzip(IdxFiles.labels(6, 10, 1)));
        write(Mnist.TEST_IMAGES + ".gz", IdxFiles.gzip(IdxFiles.images(2, 28, 28, 2)));
        write(Mnist.TEST_LABELS, IdxFiles.labels(2, 10, 2));
        assertTrue(Mnist.present(dir));
        Dataset.Split s = Mnist.load(dir);
        assertEquals(6, s.train().size());
        assertEquals(2, s.test().size());
        assertEquals(784, s.test().featureCount());
    }

    @Test
    void mnistLoadNamesTheMissingFile() throws IOException {
        write(Mnist.TRAIN_IMAGES, IdxFiles.images(6, 28, 28, 1));
        DataException e = assertThrows(DataException.class, () -> Mnist.load(dir));
        assertTrue(e.getMessage().contains(Mnist.TRAIN_LABELS + ".gz"), e.getMessage());
    }

    @Test
    void headerIsBigEndian() {
        byte[] b = IdxFiles.images(1, 2, 3, 1);
        assertEquals(0x00000803, ByteBuffer.wrap(b).getInt());
        assertArrayEquals(new int[] {1, 2, 3}, readBytes(b, true).dims());
    }

    @Test
    void trailingGarbageAfterAGzipMemberIsRefusedLikeTrailingBytesInAPlainFile() {
        byte[] gz = IdxFiles.gzip(IdxFiles.idx(0x08, new int[] {3}, new byte[] {1, 2, 3}));
        byte[] withGarbage = java.util.Arrays.copyOf(gz, gz.length + 5);
        DataException e = assertThrows(DataException.class, () -> readBytes(withGarbage, false));
        assertTrue(e.getMessage().contains("trailing garbage after the gzip data, from byte offset " + gz.length),
                e.getMessage());
    }

    @Test
    void concatenatedGzipMembersReadAsOneStreamAsGzipDoes() {
        byte[] plain = IdxFiles.idx(0x08, new int[] {4}, new byte[] {1, 2, 3, 4});
        byte[] first = IdxFiles.gzip(java.util.Arrays.copyOf(plain, 10));
        byte[] second = IdxFiles.gzip(java.util.Arrays.copyOfRange(plain, 10, plain.length));
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, readBytes(both, false).data());
    }
}
