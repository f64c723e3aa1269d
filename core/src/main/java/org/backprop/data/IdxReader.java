package org.backprop.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/): a big-endian header of
 * {@code 0x00 0x00 type ndims}, {@code ndims} int32 dimensions, then the elements in row-major
 * order. Plain or gzip, told apart by the gzip magic bytes, not by the name.
 *
 * <p>Nothing in the header is trusted before it is checked: dimensions must be positive and their
 * product must fit in an array, and the data buffer grows only as bytes actually arrive, so a
 * header claiming 2³¹ images costs nothing but an error message.
 */
public final class IdxReader {

    /** Element type codes of the IDX format; only unsigned bytes occur in MNIST. */
    static final int UBYTE = 0x08;
    /** Largest array the JVM hands out reliably. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int MAX_DIMS = 8;
    private static final int CHUNK = 1 << 16;

    /** Dimensions and raw element bytes of one IDX file. */
    public record IdxArray(int[] dims, byte[] data) {
        public int count() {
            return dims[0];
        }

        /** Elements per record: the product of every dimension but the first. */
        public int recordSize() {
            int s = 1;
            for (int i = 1; i < dims.length; i++) {
                s *= dims[i];
            }
            return s;
        }
    }

    private IdxReader() { }

    /** Reads an IDX file of unsigned bytes, plain or gzip. */
    public static IdxArray read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file));
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX stream of unsigned bytes, plain or gzip.
     *
     * @param source     named in error messages
     * @param fileLength the stream's length in bytes if known (lets a plain file's size be checked
     *                   against its header before reading), or -1
     */
    public static IdxArray read(InputStream raw, String source, long fileLength) {
        BufferedInputStream buffered = new BufferedInputStream(raw, CHUNK);
        boolean gzip;
        try {
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            gzip = b0 == 0x1f && b1 == 0x8b;
        } catch (IOException e) {
            throw new DataException(source + ": cannot read: " + e.getMessage(), e);
        }
        Counting in;
        try {
            in = new Counting(gzip ? new StrictGzipInputStream(buffered) : buffered);
        } catch (IOException e) {
            throw new DataException(source + ": corrupt gzip header: " + message(e), e);
        }
        String where = gzip ? "uncompressed offset " : "byte offset ";
        try {
            return readIdx(in, source, gzip ? -1 : fileLength, where);
        } catch (StrictGzipInputStream.TrailingBytes e) {
            throw new DataException(source + ": trailing garbage after the gzip data, from byte offset " + e.offset
                    + " of the compressed file", e);
        } catch (EOFException e) {
            throw new DataException(source + ": gzip stream truncated near " + where + in.count + ": " + message(e), e);
        } catch (IOException e) {
            throw new DataException(source + ": " + (gzip ? "corrupt gzip data" : "read error") + " near "
                    + where + in.count + ": " + message(e), e);
        }
    }

    private static IdxArray readIdx(Counting in, String source, long fileLength, String where) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readFully(magic, 0, 4);
        if (got < 4) {
            throw new DataException(source + ": only " + got + " byte(s), shorter than the 4-byte IDX magic number");
        }
        int magicValue = ((magic[0] & 0xff) << 24) | ((magic[1] & 0xff) << 16) | ((magic[2] & 0xff) << 8) | (magic[3] & 0xff);
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataException(source + ": not an IDX file: magic number " + hex(magicValue)
                    + " at byte offset 0 should start with two zero bytes (e.g. 0x00000803 for images)");
        }
        int type = magic[2] & 0xff;
        int ndims = magic[3] & 0xff;
        if (type != UBYTE) {
            throw new DataException(source + ": magic number " + hex(magicValue) + ": element type "
                    + String.format("0x%02X", type) + " (" + typeName(type) + ") is not supported, only 0x08 (unsigned byte)");
        }
        if (ndims == 0 || ndims > MAX_DIMS) {
            throw new DataException(source + ": magic number " + hex(magicValue) + " declares " + ndims
                    + " dimensions; expected 1 to " + MAX_DIMS);
        }
        byte[] header = new byte[4 * ndims];
        got = in.readFully(header, 0, header.length);
        if (got < header.length) {
            throw new DataException(source + ": truncated header at " + where + (4 + got) + ": "
                    + ndims + " dimensions need " + (4 + header.length) + " header bytes");
        }
        int[] dims = new int[ndims];
        long product = 1;
        for (int d = 0; d < ndims; d++) {
            int v = ((header[4 * d] & 0xff) << 24) | ((header[4 * d + 1] & 0xff) << 16)
                    | ((header[4 * d + 2] & 0xff) << 8) | (header[4 * d + 3] & 0xff);
            if (v <= 0) {
                throw new DataException(source + ": dimension " + d + " at byte offset " + (4 + 4 * d) + " is "
                        + Integer.toUnsignedString(v) + (v == 0 ? "" : " (negative as a signed int32)")
                        + "; every dimension must be positive");
            }
            dims[d] = v;
            product *= v;
            if (product > MAX_ARRAY) {
                throw new DataException(source + ": dimensions " + describe(dims, d + 1) + " declare more than 2^31 "
                        + "elements, beyond what this reader accepts");
            }
        }
        long headerBytes = 4 + header.length;
        if (fileLength >= 0) {
            long expected = headerBytes + product;
            if (fileLength < expected) {
                throw new DataException(source + ": truncated: header declares " + describe(dims, ndims) + " = "
                        + product + " data bytes, but the file has only " + Math.max(0, fileLength - headerBytes)
                        + " after the " + headerBytes + "-byte header");
            }
            if (fileLength > expected) {
                throw new DataException(source + ": " + (fileLength - expected) + " bytes of trailing garbage after the "
                        + describe(dims, ndims) + " data, from byte offset " + expected);
            }
        }
        // An honest header of a gzip file can announce gigabytes; each element becomes a byte here
        // and a 4-byte float (pixels) or int (labels) in the dataset.
        Memory.require(Memory.times(5, product), source + ": header declares " + describe(dims, ndims) + " = "
                + product + " elements, which as bytes and then as 4-byte values");
        byte[] data = new byte[(int) Math.min(product, 1 << 20)];
        int filled = 0;
        while (filled < product) {
            if (filled == data.length) {
                // Grow only as real bytes arrive: an untrusted count never sizes an allocation alone.
                data = Arrays.copyOf(data, (int) Math.min(product, 2L * data.length));
            }
            int n = in.read(data, filled, data.length - filled);
            if (n < 0) {
                throw new DataException(source + ": truncated data at " + where + (headerBytes + filled) + ": header declares "
                        + describe(dims, ndims) + " = " + product + " data bytes, only " + filled + " present");
            }
            filled += n;
        }
        // Reading on to the end also makes the gzip stream check its trailer (CRC and length) and what follows it.
        byte[] probe = new byte[CHUNK];
        int n;
        do {
            n = in.read(probe, 0, probe.length);
        } while (n == 0);
        if (n > 0) {
            throw new DataException(source + ": trailing garbage after the " + describe(dims, ndims)
                    + " data, from " + where + (headerBytes + product));
        }
        return new IdxArray(dims, data);
    }

    /**
     * Builds a dataset from an image file ({@code n × rows × cols} unsigned bytes, scaled to
     * [0, 1]) and a label file ({@code n} unsigned bytes in {@code 0..classes-1}).
     */
    public static Dataset dataset(IdxArray images, String imagesSource, IdxArray labels, String labelsSource,
                                  int classes, String name) {
        if (images.dims().length != 3) {
            throw new DataException(imagesSource + ": expected an image file (magic 0x00000803, 3 dimensions), found "
                    + images.dims().length + " dimension(s) " + describe(images.dims(), images.dims().length));
        }
        if (labels.dims().length != 1) {
            throw new DataException(labelsSource + ": expected a label file (magic 0x00000801, 1 dimension), found "
                    + labels.dims().length + " dimensions " + describe(labels.dims(), labels.dims().length));
        }
        if (images.count() != labels.count()) {
            throw new DataException(imagesSource + " holds " + images.count() + " images but " + labelsSource
                    + " holds " + labels.count() + " labels");
        }
        int[] y = new int[labels.count()];
        byte[] raw = labels.data();
        for (int i = 0; i < y.length; i++) {
            int v = raw[i] & 0xff;
            if (v >= classes) {
                throw new DataException(labelsSource + ": label " + v + " of record " + i + " (byte offset " + (8 + i)
                        + ") is outside 0.." + (classes - 1));
            }
            y[i] = v;
        }
        byte[] px = images.data();
        float[] x = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            x[i] = (px[i] & 0xff) / 255f;
        }
        return new Dataset(name, x, y, images.recordSize(), classes);
    }

    /** Reads an image file and its label file into a dataset (see {@link #dataset}). */
    public static Dataset readDataset(Path images, Path labels, int classes, String name) {
        return dataset(read(images), images.toString(), read(labels), labels.toString(), classes, name);
    }

    private static String describe(int[] dims, int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                s.append('×');
            }
            s.append(Integer.toUnsignedString(dims[i]));
        }
        return s.toString();
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }

    private static String typeName(int type) {
        switch (type) {
            case 0x09: return "signed byte";
            case 0x0B: return "int16";
            case 0x0C: return "int32";
            case 0x0D: return "float32";
            case 0x0E: return "float64";
            default: return "unknown";
        }
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Counts bytes delivered, so errors can say where they happened. */
    private static final class Counting {
        private final InputStream in;
        long count;

        Counting(InputStream in) {
            this.in = in;
        }

        int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        int readFully(byte[] b, int off, int len) throws IOException {
            int total = 0;
            while (total < len) {
                int n = read(b, off + total, len - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }
    }
}
