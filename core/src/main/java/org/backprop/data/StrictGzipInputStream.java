package org.backprop.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Gzip (RFC 1952) decoding that accounts for every byte of the file: concatenated members are
 * read as one stream, as gzip itself does, but bytes after the last member that do not start a
 * new one are an error ({@link TrailingBytes}), just as trailing bytes after a plain file's data
 * are. {@link java.util.zip.GZIPInputStream} drops such bytes without a word.
 */
final class StrictGzipInputStream extends InputStream {

    /** Bytes after the last gzip member that are not another member. */
    static final class TrailingBytes extends IOException {
        private static final long serialVersionUID = 1L;
        final long offset;

        TrailingBytes(long offset) {
            super("trailing bytes after the gzip data, from byte offset " + offset);
            this.offset = offset;
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final PushbackInputStream in;
    private final byte[] buf = new byte[1 << 16];
    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private long consumed;
    /** How many bytes of {@code buf} the inflater was last given. */
    private int lastInput;
    private long memberBytes;
    private boolean eof;

    StrictGzipInputStream(InputStream raw) throws IOException {
        this.in = new PushbackInputStream(raw, buf.length);
        int b0 = readByte();
        int b1 = readByte();
        if (b0 != 0x1f || b1 != 0x8b) {
            throw new ZipException("not in gzip format");
        }
        readHeaderAfterMagic();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!eof) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new ZipException("invalid deflate data: " + e.getMessage());
            }
            if (n > 0) {
                crc.update(b, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                endOfMember();
            } else if (inflater.needsDictionary()) {
                throw new ZipException("deflate data asks for a preset dictionary, which gzip never uses");
            } else if (inflater.needsInput()) {
                int r = in.read(buf, 0, buf.length);
                if (r < 0) {
                    throw new EOFException("gzip data ends inside a compressed block");
                }
                consumed += r;
                lastInput = r;
                inflater.setInput(buf, 0, r);
            }
        }
        return -1;
    }

    private void endOfMember() throws IOException {
        int rest = inflater.getRemaining();
        if (rest > 0) {
            // the inflater was handed bytes past the member's end: give them back
            in.unread(buf, lastInput - rest, rest);
            consumed -= rest;
        }
        long storedCrc = readU32();
        long storedSize = readU32();
        if (storedCrc != crc.getValue()) {
            throw new ZipException(String.format("gzip CRC32 mismatch (stored %08x, computed %08x)", storedCrc, crc.getValue()));
        }
        if (storedSize != (memberBytes & 0xffffffffL)) {
            throw new ZipException("gzip length mismatch (stored " + storedSize + ", decompressed "
                    + (memberBytes & 0xffffffffL) + " mod 2^32)");
        }
        long at = consumed;
        int b0 = in.read();
        if (b0 < 0) {
            eof = true;
            return;
        }
        consumed++;
        int b1 = in.read();
        if (b1 >= 0) {
            consumed++;
        }
        if (b0 != 0x1f || b1 != 0x8b) {
            throw new TrailingBytes(at);
        }
        readHeaderAfterMagic();
        inflater.reset();
        crc.reset();
        memberBytes = 0;
    }

    private void readHeaderAfterMagic() throws IOException {
        int method = readByte();
        if (method != 8) {
            throw new ZipException("gzip compression method " + method + " is not deflate (8)");
        }
        int flags = readByte();
        if ((flags & 0xe0) != 0) {
            throw new ZipException("gzip header sets reserved flag bits " + String.format("0x%02x", flags & 0xe0));
        }
        for (int i = 0; i < 6; i++) {
            readByte(); // mtime, extra flags, OS
        }
        if ((flags & FEXTRA) != 0) {
            int length = readByte() | readByte() << 8;
            for (int i = 0; i < length; i++) {
                readByte();
            }
        }
        if ((flags & FNAME) != 0) {
            while (readByte() != 0) {
                // skip the original file name
            }
        }
        if ((flags & FCOMMENT) != 0) {
            while (readByte() != 0) {
                // skip the comment
            }
        }
        if ((flags & FHCRC) != 0) {
            readByte();
            readByte();
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("gzip header or trailer truncated");
        }
        consumed++;
        return b;
    }

    private long readU32() throws IOException {
        return readByte() | (long) readByte() << 8 | (long) readByte() << 16 | (long) readByte() << 24;
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }
}
