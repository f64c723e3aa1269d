package org.backprop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backprop.data.Memory;
import org.backprop.data.Text;

/**
 * One NumPy {@code .npy} array, read and written: the header (magic, version, the dict with
 * {@code descr}, {@code fortran_order} and {@code shape}), the dtype and every size checked
 * against what the header allows. Reading accepts what NumPy writes: versions 1.0 to 3.0,
 * either byte order, float32, float64 (converted to float32), unicode strings, Fortran order;
 * writing produces version 1.0, little-endian, C order. Which arrays make a model is
 * {@link Npz}'s business.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern DTYPE = Pattern.compile("([<>|=])([fU])(\\d{1,6})");
    private static final int MAX_HEADER = 1 << 16;
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** A String's header, its array's header and the reference to it, roughly, on a 64-bit JVM. */
    private static final long STRING_OVERHEAD = 48;
    /** The bookkeeping of one array (map entry, record, shape), roughly. */
    private static final long ENTRY_OVERHEAD = 256;

    private Npy() { }

    /** One decoded array: its shape and either floats (C order) or strings. */
    public record Array(long[] shape, float[] floats, String[] strings) { }

    /**
     * What the arrays of one archive may take once decoded, all together: a small file of
     * deflated zeros can honestly declare gigabytes, and is refused before it is inflated.
     */
    public static final class Budget {
        private long left;

        public Budget(long bytes) {
            left = Math.max(0, bytes);
        }

        /** The heap free now, less a tenth of the maximum. */
        public static Budget ofFreeHeap() {
            return new Budget(Memory.available() - Memory.max() / 10);
        }
    }

    /**
     * Parses one {@code .npy} stream, which must hold exactly one array.
     *
     * @param source names the array in errors, e.g. "w.npz: layer0.weight.npy"
     * @throws CheckpointException naming {@code source} and what is wrong
     */
    public static Array read(InputStream in, String source, Budget budget) throws IOException {
        byte[] pre = readUpTo(in, 8);
        if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
            throw new CheckpointException(source + ": not an .npy array (bad magic)");
        }
        int major = pre[6] & 0xff;
        int headerLength;
        if (major == 1) {
            byte[] len = readUpTo(in, 2);
            if (len.length < 2) {
                throw new CheckpointException(source + ": truncated npy header");
            }
            headerLength = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = readUpTo(in, 4);
            if (len.length < 4) {
                throw new CheckpointException(source + ": truncated npy header");
            }
            long l = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (l > MAX_HEADER) {
                throw new CheckpointException(source + ": npy header length " + l + " is implausible");
            }
            headerLength = (int) l;
        } else {
            throw new CheckpointException(source + ": npy format version " + major + "." + (pre[7] & 0xff)
                    + " is not supported");
        }
        byte[] headerBytes = readUpTo(in, headerLength);
        if (headerBytes.length < headerLength) {
            throw new CheckpointException(source + ": truncated npy header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeText.find()) {
            throw new CheckpointException(source + ": npy header lacks descr, fortran_order or shape: "
                    + header.trim().replaceAll("\\p{Cntrl}", "?"));
        }
        Matcher dtype = DTYPE.matcher(descr.group(1));
        if (!dtype.matches()) {
            throw new CheckpointException(source + ": dtype '" + Text.printable(descr.group(1))
                    + "' is not supported (expected float32 '<f4', float64 '<f8' or unicode '<U…')");
        }
        boolean bigEndian = dtype.group(1).equals(">");
        char kind = dtype.group(2).charAt(0);
        int size = Integer.parseInt(dtype.group(3));
        if (kind == 'f' && size != 4 && size != 8) {
            throw new CheckpointException(source + ": float" + 8 * size + " is not supported (float32 or float64)");
        }
        int itemBytes = kind == 'f' ? size : 4 * size;
        long[] shape = parseShape(shapeText.group(1), source);
        long count = 1;
        for (long d : shape) {
            count = Memory.times(count, d);
            if (count > MAX_ARRAY) {
                throw new CheckpointException(source + ": shape " + shape(shape) + " is too large");
            }
        }
        long dataBytes = Memory.times(count, itemBytes);
        if (dataBytes > MAX_ARRAY) {
            throw new CheckpointException(source + ": shape " + shape(shape) + " of " + descr.group(1) + " is too large");
        }
        // Count what the array costs in memory, not in data bytes: a zero-width '<U0' array moves
        // no data at all, yet each of its strings is an object.
        long decoded = kind == 'f' ? Memory.times(4, count) : Memory.times(count, STRING_OVERHEAD + 2L * size);
        long cost = Memory.plus(Memory.plus(dataBytes, decoded), ENTRY_OVERHEAD);
        if (cost > budget.left) {
            throw new CheckpointException(source + ": shape " + shape(shape) + " of " + descr.group(1) + " needs "
                    + Memory.mib(cost) + " decoded, more than the " + Memory.mib(budget.left) + " left of this JVM's"
                    + " heap for the archive (maximum " + Memory.mib(Memory.max()) + "); " + Memory.HOW_TO_RAISE);
        }
        budget.left -= Memory.plus(decoded, ENTRY_OVERHEAD);
        byte[] data = readUpTo(in, (int) dataBytes);
        if (data.length < dataBytes) {
            throw new CheckpointException(source + ": truncated: shape " + shape(shape) + " needs " + dataBytes
                    + " data bytes, found " + data.length);
        }
        if (in.read() >= 0) {
            throw new CheckpointException(source + ": trailing bytes after the " + shape(shape) + " array");
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        boolean fortranOrder = fortran.group(1).equals("True");
        if (kind == 'U') {
            return new Array(shape, null, strings(buf, (int) count, size, source));
        }
        float[] f = new float[(int) count];
        for (int i = 0; i < count; i++) {
            if (size == 4) {
                f[i] = buf.getFloat();
            } else {
                double d = buf.getDouble();
                f[i] = (float) d;
                if (Double.isFinite(d) && !Float.isFinite(f[i])) {
                    throw new CheckpointException(source + ": float64 value " + d + " at index " + i
                            + " is outside the float32 range");
                }
            }
        }
        if (fortranOrder && shape.length == 2) {
            f = transpose(f, (int) shape[1], (int) shape[0]);
        } else if (fortranOrder && shape.length > 2) {
            throw new CheckpointException(source + ": Fortran-order arrays of more than 2 dimensions are not supported");
        }
        return new Array(shape, f, null);
    }

    private static String[] strings(ByteBuffer buf, int count, int width, String source) {
        String[] strings = new String[count];
        for (int i = 0; i < count; i++) {
            StringBuilder s = new StringBuilder();
            for (int c = 0; c < width; c++) {
                int cp = buf.getInt();
                if (cp != 0) {
                    if (!Character.isValidCodePoint(cp)) {
                        throw new CheckpointException(source + ": invalid unicode code point in string " + i);
                    }
                    s.appendCodePoint(cp);
                }
            }
            strings[i] = s.toString();
        }
        return strings;
    }

    /** A float32 array of this shape (C order), as npy bytes. */
    public static byte[] floats(float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return encode("<f4", shape, b.array());
    }

    /** A 1-D unicode array as wide as its longest string, as npy bytes (no pickle needed to load it). */
    public static byte[] strings(String[] values) {
        int width = 1;
        for (String s : values) {
            width = Math.max(width, s.codePointCount(0, s.length()));
        }
        ByteBuffer b = ByteBuffer.allocate(4 * width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (String s : values) {
            int written = 0;
            for (int cp : s.codePoints().toArray()) {
                b.putInt(cp);
                written++;
            }
            for (; written < width; written++) {
                b.putInt(0);
            }
        }
        return encode("<U" + width, new int[] {values.length}, b.array());
    }

    /** "(2, 3)", "(3,)" or "()", as NumPy prints shapes. */
    public static String shape(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                s.append(shape.length == 1 ? "," : ", ");
            }
        }
        return s.append(')').toString();
    }

    /** npy version 1.0: magic, version, header length, a dict padded with spaces to a multiple of 64. */
    private static byte[] encode(String descr, int[] shape, byte[] data) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape(dims) + ", }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h).put(data);
        return out.array();
    }

    private static long[] parseShape(String text, String source) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                long d = Long.parseLong(t);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new CheckpointException(source + ": bad shape (" + Text.printable(text) + ")");
            }
        }
        if (dims.size() > 8) {
            throw new CheckpointException(source + ": shape (" + Text.printable(text) + ") has too many dimensions");
        }
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i);
        }
        return out;
    }

    /** Reads up to {@code n} bytes, growing the buffer only as bytes actually arrive. */
    private static byte[] readUpTo(InputStream in, int n) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, 1 << 16));
        byte[] chunk = new byte[Math.min(Math.max(n, 1), 1 << 16)];
        int left = n;
        while (left > 0) {
            int r = in.read(chunk, 0, Math.min(chunk.length, left));
            if (r < 0) {
                break;
            }
            out.write(chunk, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }

    private static float[] transpose(float[] src, int rows, int cols) {
        // src holds the column-major data of a (cols × rows) array, i.e. row-major rows × cols of the transpose
        float[] dst = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                dst[c * rows + r] = src[r * cols + c];
            }
        }
        return dst;
    }
}
