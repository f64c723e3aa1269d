package org.backprop.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Builds IDX files in memory for tests. */
final class IdxFiles {

    private IdxFiles() { }

    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] images(int n, int rows, int cols, long seed) {
        byte[] px = new byte[n * rows * cols];
        new Random(seed).nextBytes(px);
        return idx(0x08, new int[] {n, rows, cols}, px);
    }

    static byte[] labels(int n, int classes, long seed) {
        byte[] y = new byte[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            y[i] = (byte) r.nextInt(classes);
        }
        return idx(0x08, new int[] {n}, y);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
