package org.backprop.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.backprop.data.Memory;
import org.backprop.data.Text;

/**
 * Weights as a NumPy {@code .npz} archive (what {@code np.savez} writes: a zip of {@code .npy}
 * files), specified in {@code docs/npz-format.md}:
 * {@code layer<i>.weight} float32 of shape (inputs, outputs), {@code layer<i>.bias} float32 of
 * shape (outputs,), {@code activations} a unicode array of one name per layer, optional
 * {@code metadata.keys}/{@code metadata.values} unicode arrays, and {@code extra.<name>} float32
 * vectors. Loading accepts what NumPy writes: any npy version, either byte order, float64
 * (converted to float32), Fortran order, stored or deflated entries.
 */
public final class Npz {

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern LAYER = Pattern.compile("layer(\\d{1,6})\\.(weight|bias)");
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

    private Npz() { }

    /** One array from an npy file: its shape and either floats or strings. */
    private record Array(long[] shape, float[] floats, String[] strings) { }

    /** Writes {@code state} as an {@code .npz} archive, atomically. */
    public static void save(Path file, ModelState state) {
        try {
            AtomicFile.write(file, out -> {
                ZipOutputStream zip = new ZipOutputStream(out);
                List<LayerState> layers = state.layers();
                String[] activations = new String[layers.size()];
                for (int i = 0; i < layers.size(); i++) {
                    LayerState l = layers.get(i);
                    entry(zip, "layer" + i + ".weight", floatNpy(l.weights(), l.inputs(), l.outputs()));
                    entry(zip, "layer" + i + ".bias", floatNpy(l.bias(), l.outputs()));
                    activations[i] = l.activation();
                }
                entry(zip, "activations", stringNpy(activations));
                if (!state.metadata().isEmpty()) {
                    entry(zip, "metadata.keys", stringNpy(state.metadata().keySet().toArray(new String[0])));
                    entry(zip, "metadata.values", stringNpy(state.metadata().values().toArray(new String[0])));
                }
                for (Map.Entry<String, float[]> e : state.extras().entrySet()) {
                    entry(zip, "extra." + e.getKey(), floatNpy(e.getValue(), e.getValue().length));
                }
                zip.finish();
            });
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot save .npz: " + e.getMessage(), e);
        }
    }

    /** Reads an {@code .npz} archive written by {@link #save} or by NumPy. */
    public static ModelState load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": .npz file not found");
        }
        Map<String, Array> arrays = new LinkedHashMap<>();
        // What the decoded arrays may take, all entries together: a small archive of deflated
        // zeros can honestly declare gigabytes, and is refused here before it is inflated.
        long[] budget = {Math.max(0, Memory.available() - Memory.max() / 10)};
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new CheckpointException(file + ": entry '" + Text.printable(name) + "' is not an .npy array");
                }
                String key = name.substring(0, name.length() - 4);
                try (InputStream in = zip.getInputStream(entry)) {
                    if (arrays.put(key, readNpy(in, Text.printable(file + ": " + name), budget)) != null) {
                        throw new CheckpointException(file + ": entry '" + Text.printable(name) + "' appears twice");
                    }
                }
            }
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + ": not a readable .npz (zip) archive: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        return assemble(arrays, file.toString());
    }

    private static ModelState assemble(Map<String, Array> arrays, String source) {
        TreeMap<Integer, Array[]> layerArrays = new TreeMap<>();
        Array activations = null;
        Array keys = null;
        Array values = null;
        Map<String, float[]> extras = new LinkedHashMap<>();
        for (Map.Entry<String, Array> e : arrays.entrySet()) {
            String name = e.getKey();
            Array a = e.getValue();
            Matcher m = LAYER.matcher(name);
            if (m.matches()) {
                Array[] pair = layerArrays.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new Array[2]);
                pair[m.group(2).equals("weight") ? 0 : 1] = requireFloats(a, name, source);
            } else if (name.equals("activations")) {
                activations = requireStrings(a, name, source);
            } else if (name.equals("metadata.keys")) {
                keys = requireStrings(a, name, source);
            } else if (name.equals("metadata.values")) {
                values = requireStrings(a, name, source);
            } else if (name.startsWith("extra.") && name.length() > 6) {
                Array f = requireFloats(a, name, source);
                extras.put(name.substring(6), f.floats());
            } else {
                throw new CheckpointException(source + ": unexpected array '" + Text.printable(name) + "' (expected layer<i>.weight, "
                        + "layer<i>.bias, activations, metadata.keys, metadata.values or extra.<name>)");
            }
        }
        if (layerArrays.isEmpty()) {
            throw new CheckpointException(source + ": no layer0.weight / layer0.bias arrays");
        }
        List<LayerState> layers = new ArrayList<>();
        int expect = 0;
        for (Map.Entry<Integer, Array[]> e : layerArrays.entrySet()) {
            int i = e.getKey();
            if (i != expect) {
                throw new CheckpointException(source + ": layer" + expect + ".weight is missing (found layer" + i + ")");
            }
            expect++;
            Array w = e.getValue()[0];
            Array b = e.getValue()[1];
            if (w == null || b == null) {
                throw new CheckpointException(source + ": layer" + i + (w == null ? ".weight" : ".bias") + " is missing");
            }
            if (w.shape().length != 2) {
                throw new CheckpointException(source + ": layer" + i + ".weight has shape " + shape(w.shape())
                        + "; expected (inputs, outputs)");
            }
            if (b.shape().length != 1 || b.shape()[0] != w.shape()[1]) {
                throw new CheckpointException(source + ": layer" + i + ".bias has shape " + shape(b.shape())
                        + " but layer" + i + ".weight " + shape(w.shape()) + " needs (" + w.shape()[1] + ",)");
            }
            int inputs = (int) w.shape()[0];
            int outputs = (int) w.shape()[1];
            if (inputs < 1 || outputs < 1) {
                throw new CheckpointException(source + ": layer" + i + ".weight has empty shape " + shape(w.shape()));
            }
            if (i > 0 && inputs != layers.get(i - 1).outputs()) {
                throw new CheckpointException(source + ": layer" + i + ".weight takes " + inputs + " inputs but layer"
                        + (i - 1) + " gives " + layers.get(i - 1).outputs() + " outputs");
            }
            String activation = "";
            if (activations != null && activations.strings().length == layerArrays.size()) {
                activation = activations.strings()[i];
            }
            layers.add(new LayerState(activation, inputs, outputs, w.floats(), b.floats()));
        }
        if (activations != null && activations.strings().length != layers.size()) {
            throw new CheckpointException(source + ": activations has " + activations.strings().length
                    + " names for " + layers.size() + " layers");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        if ((keys == null) != (values == null)) {
            throw new CheckpointException(source + ": metadata.keys and metadata.values must come together");
        }
        if (keys != null) {
            if (keys.strings().length != values.strings().length) {
                throw new CheckpointException(source + ": " + keys.strings().length + " metadata keys but "
                        + values.strings().length + " values");
            }
            for (int i = 0; i < keys.strings().length; i++) {
                metadata.put(keys.strings()[i], values.strings()[i]);
            }
        }
        return new ModelState(layers, metadata, extras);
    }

    private static Array requireFloats(Array a, String name, String source) {
        if (a.floats() == null) {
            throw new CheckpointException(source + ": " + Text.printable(name) + " holds strings, expected a float array");
        }
        return a;
    }

    private static Array requireStrings(Array a, String name, String source) {
        if (a.strings() == null || a.shape().length != 1) {
            throw new CheckpointException(source + ": " + Text.printable(name) + " must be a 1-D unicode string array");
        }
        return a;
    }

    /** Parses one {@code .npy} stream, checking every size against what the header allows. */
    private static Array readNpy(InputStream in, String source, long[] budget) throws IOException {
        byte[] pre = readUpTo(in, 8);
        if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), NPY_MAGIC)) {
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
        if (kind == 'U' && size == 0) {
            itemBytes = 0;
        }
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
        if (cost > budget[0]) {
            throw new CheckpointException(source + ": shape " + shape(shape) + " of " + descr.group(1) + " needs "
                    + Memory.mib(cost) + " decoded, more than the " + Memory.mib(budget[0]) + " left of this JVM's"
                    + " heap for the archive (maximum " + Memory.mib(Memory.max()) + "); " + Memory.HOW_TO_RAISE);
        }
        budget[0] -= Memory.plus(decoded, ENTRY_OVERHEAD);
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
            String[] strings = new String[(int) count];
            for (int i = 0; i < count; i++) {
                StringBuilder s = new StringBuilder();
                for (int c = 0; c < size; c++) {
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
            return new Array(shape, null, strings);
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

    private static String shape(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) {
                s.append(shape.length == 1 ? "," : ", ");
            }
        }
        return s.append(')').toString();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] npy) throws IOException {
        // Stored, like np.savez, so the arrays can be memory-mapped by tools that like to.
        ZipEntry e = new ZipEntry(name + ".npy");
        e.setMethod(ZipEntry.STORED);
        e.setSize(npy.length);
        e.setCompressedSize(npy.length);
        CRC32 crc = new CRC32();
        crc.update(npy);
        e.setCrc(crc.getValue());
        e.setTime(0);
        zip.putNextEntry(e);
        zip.write(npy);
        zip.closeEntry();
    }

    private static byte[] floatNpy(float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return npy("<f4", shape, b.array());
    }

    private static byte[] stringNpy(String[] values) {
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
        return npy("<U" + width, new int[] {values.length}, b.array());
    }

    /** npy version 1.0: magic, version, header length, a dict padded with spaces to a multiple of 64. */
    private static byte[] npy(String descr, int[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? shape[0] + "," : dims.substring(0, dims.length() - 2);
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shapeText + "), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        String header = dict + " ".repeat(total - unpadded) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(NPY_MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h).put(data);
        return out.array();
    }
}
