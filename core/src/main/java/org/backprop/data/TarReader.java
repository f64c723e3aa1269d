package org.backprop.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of POSIX tar (ustar, as {@code npm pack} writes it) to walk the entries of a
 * stream: 512-byte headers, sizes in octal, data padded to 512 bytes, two zero blocks at the end.
 */
final class TarReader {

    private static final int BLOCK = 512;

    /** Receives each regular file; it may read its stream or leave it. */
    interface EntryHandler {
        void entry(String name, long size, InputStream data) throws IOException;
    }

    private TarReader() { }

    static void forEach(InputStream in, String source, EntryHandler handler) throws IOException {
        byte[] header = new byte[BLOCK];
        while (true) {
            if (!readBlock(in, header)) {
                return; // end of stream without the end-of-archive marker is tolerated
            }
            if (allZero(header)) {
                return;
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty() && "ustar".equals(text(header, 257, 5))) {
                name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12, source, name);
            byte type = header[156];
            Bounded data = new Bounded(in, size);
            if (type == '0' || type == 0) {
                handler.entry(name, size, data);
            }
            data.skipRest();
            long pad = (BLOCK - size % BLOCK) % BLOCK;
            skipFully(in, pad);
        }
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int got = 0;
        while (got < block.length) {
            int n = in.read(block, got, block.length - got);
            if (n < 0) {
                if (got == 0) {
                    return false;
                }
                throw new EOFException("tar header truncated");
            }
            got += n;
        }
        return true;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len, String source, String entry) throws IOException {
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (any) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException(source + ": tar entry " + entry + " has a non-octal size field");
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    private static void skipFully(InputStream in, long n) throws IOException {
        byte[] buf = new byte[BLOCK];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) {
                throw new EOFException("tar archive truncated");
            }
            n -= r;
        }
    }

    /** A view of the next {@code size} bytes of the archive. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("tar entry truncated");
            }
            left -= n;
            return n;
        }

        void skipRest() throws IOException {
            skipFully(in, left);
            left = 0;
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
