package org.backprop.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.backprop.data.Memory;

/**
 * Saves and loads a {@link ModelState} in Backprop's own binary format, specified in
 * {@code docs/checkpoint-format.md}: a 16-byte header (magic {@code BPROP}, version, body
 * length), the body (layers, metadata, extras; little-endian, float32 arrays), then a CRC32 of
 * everything before it. Saves are atomic; loads verify the header, the exact file length and the
 * CRC before reading any count, and then check each count against the bytes left.
 *
 * <p>Our own format rather than a library's (Java serialization, protobuf, HDF5): it holds exactly a
 * model, its optimiser state and recipe, every length is checked before it is trusted, and it adds
 * no dependency; {@code .npz} files are the format for exchange with NumPy and PyTorch.
 */
public final class Checkpoint {

    static final byte[] MAGIC = {'B', 'P', 'R', 'O', 'P'};
    static final int VERSION = 1;
    static final int HEADER_BYTES = 16;
    static final int CRC_BYTES = 4;
    private static final long MAX_FILE = Integer.MAX_VALUE - 8;

    private Checkpoint() { }

    /** Writes {@code state} to {@code file} atomically: a crash leaves the previous file intact. */
    public static void save(Path file, ModelState state) {
        long bodyLength = bodyLength(state);
        if (HEADER_BYTES + bodyLength + CRC_BYTES > MAX_FILE) {
            throw new CheckpointException(file + ": model too large for one checkpoint file ("
                    + bodyLength + " bytes, limit 2 GiB)");
        }
        try {
            AtomicFile.write(file, out -> {
                LittleEndianOut le = new LittleEndianOut(out);
                le.bytes(MAGIC);
                le.u8(VERSION);
                le.u8(0);
                le.u8(0);
                le.u64(bodyLength);
                le.u32(state.layers().size());
                for (LayerState layer : state.layers()) {
                    le.string(layer.activation());
                    le.u32(layer.inputs());
                    le.u32(layer.outputs());
                    le.floats(layer.weights());
                    le.floats(layer.bias());
                }
                le.u32(state.metadata().size());
                for (Map.Entry<String, String> e : state.metadata().entrySet()) {
                    le.string(e.getKey());
                    le.string(e.getValue());
                }
                le.u32(state.extras().size());
                for (Map.Entry<String, float[]> e : state.extras().entrySet()) {
                    le.string(e.getKey());
                    le.u32(e.getValue().length);
                    le.floats(e.getValue());
                }
                le.crc();
            });
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot save checkpoint: " + e.getMessage(), e);
        }
    }

    /** Reads a checkpoint, trusting nothing in it until the header, length and CRC agree. */
    public static ModelState load(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE) {
                throw new CheckpointException(file + ": " + size + " bytes, larger than any checkpoint this version writes");
            }
            // the file's bytes, then its floats decoded beside them
            Memory.require(2 * size, file + ": loading this " + size + "-byte checkpoint");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file + ": checkpoint file not found");
        } catch (IOException e) {
            throw new CheckpointException(file + ": cannot read checkpoint: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes the bytes of a checkpoint file; {@code source} names it in error messages. */
    static ModelState decode(byte[] bytes, String source) {
        if (bytes.length < HEADER_BYTES + CRC_BYTES) {
            throw new CheckpointException(source + ": " + bytes.length + " bytes, too short for a checkpoint (at least "
                    + (HEADER_BYTES + CRC_BYTES) + ")");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new CheckpointException(source + ": not a Backprop checkpoint (bad magic at byte offset " + i
                        + "; expected \"BPROP\")");
            }
        }
        int version = bytes[5] & 0xff;
        if (version != VERSION) {
            throw new CheckpointException(source + ": checkpoint format version " + version
                    + " is not supported (this build reads version " + VERSION + ")");
        }
        if (bytes[6] != 0 || bytes[7] != 0) {
            throw new CheckpointException(source + ": reserved header bytes 6-7 are not zero");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long bodyLength = buf.getLong(8);
        long expected = HEADER_BYTES + bodyLength + CRC_BYTES;
        if (bodyLength < 0 || expected != bytes.length) {
            throw new CheckpointException(source + ": header declares a " + Long.toUnsignedString(bodyLength)
                    + "-byte body, so " + (bodyLength < 0 ? "more than 2^63" : String.valueOf(expected))
                    + " bytes in all, but the file has " + bytes.length + (bytes.length < expected || bodyLength < 0
                    ? " (truncated?)" : " (trailing bytes?)"));
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        int stored = buf.getInt(bytes.length - CRC_BYTES);
        if ((int) crc.getValue() != stored) {
            throw new CheckpointException(source + ": CRC32 mismatch (stored " + String.format("%08x", stored)
                    + ", computed " + String.format("%08x", (int) crc.getValue()) + "): the file is corrupt");
        }
        Reader in = new Reader(buf, source, bytes.length - CRC_BYTES);
        buf.position(HEADER_BYTES);
        int layerCount = in.count("layer count", 4 + 4 + 4 + 4 + 4);
        if (layerCount == 0) {
            throw new CheckpointException(source + ": checkpoint holds no layers");
        }
        List<LayerState> layers = new ArrayList<>(layerCount);
        for (int i = 0; i < layerCount; i++) {
            String activation = in.string("layer " + i + " activation");
            int inputs = in.positive("layer " + i + " inputs");
            int outputs = in.positive("layer " + i + " outputs");
            if (i > 0 && inputs != layers.get(i - 1).outputs()) {
                throw new CheckpointException(source + ": layer " + i + " takes " + inputs + " inputs but layer "
                        + (i - 1) + " gives " + layers.get(i - 1).outputs() + " outputs");
            }
            float[] weights = in.floats("layer " + i + " weights (" + inputs + "x" + outputs + ")", (long) inputs * outputs);
            float[] bias = in.floats("layer " + i + " bias", outputs);
            layers.add(new LayerState(activation, inputs, outputs, weights, bias));
        }
        int metaCount = in.count("metadata count", 8);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < metaCount; i++) {
            String key = in.string("metadata key " + i);
            String value = in.string("metadata value '" + key + "'");
            if (metadata.put(key, value) != null) {
                throw new CheckpointException(source + ": metadata key '" + key + "' appears twice");
            }
        }
        int extraCount = in.count("extras count", 8);
        Map<String, float[]> extras = new LinkedHashMap<>();
        for (int i = 0; i < extraCount; i++) {
            String name = in.string("extra " + i + " name");
            int length = in.count("extra '" + name + "' length", 4);
            if (extras.put(name, in.floats("extra '" + name + "'", length)) != null) {
                throw new CheckpointException(source + ": extra array '" + name + "' appears twice");
            }
        }
        if (buf.position() != bytes.length - CRC_BYTES) {
            throw new CheckpointException(source + ": " + (bytes.length - CRC_BYTES - buf.position())
                    + " unexplained bytes at byte offset " + buf.position() + " before the CRC");
        }
        return new ModelState(layers, metadata, extras);
    }

    private static long bodyLength(ModelState state) {
        long n = 4;
        for (LayerState layer : state.layers()) {
            n += stringLength(layer.activation()) + 8 + 4L * layer.weights().length + 4L * layer.bias().length;
        }
        n += 4;
        for (Map.Entry<String, String> e : state.metadata().entrySet()) {
            n += stringLength(e.getKey()) + stringLength(e.getValue());
        }
        n += 4;
        for (Map.Entry<String, float[]> e : state.extras().entrySet()) {
            n += stringLength(e.getKey()) + 4 + 4L * e.getValue().length;
        }
        return n;
    }

    private static long stringLength(String s) {
        return 4L + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Bounds-checked little-endian reads: every count is checked against the bytes left first. */
    private static final class Reader {
        private final ByteBuffer buf;
        private final String source;
        private final int end;

        Reader(ByteBuffer buf, String source, int end) {
            this.buf = buf;
            this.source = source;
            this.end = end;
        }

        private long left() {
            return end - buf.position();
        }

        private void need(long bytes, String what) {
            if (bytes > left()) {
                throw new CheckpointException(source + ": " + what + " at byte offset " + buf.position() + " needs "
                        + bytes + " bytes, only " + left() + " left");
            }
        }

        private long u32(String what) {
            need(4, what);
            return buf.getInt() & 0xffffffffL;
        }

        /** A count of items, each at least {@code minBytes} long, so it cannot exceed what is left. */
        int count(String what, int minBytes) {
            int at = buf.position();
            long v = u32(what);
            if (v * minBytes > left()) {
                throw new CheckpointException(source + ": " + what + " " + v + " at byte offset " + at
                        + " is impossible: only " + left() + " bytes left");
            }
            return (int) v;
        }

        int positive(String what) {
            int at = buf.position();
            long v = u32(what);
            if (v < 1 || v > Integer.MAX_VALUE) {
                throw new CheckpointException(source + ": " + what + " " + v + " at byte offset " + at
                        + " must be between 1 and 2^31-1");
            }
            return (int) v;
        }

        String string(String what) {
            int at = buf.position();
            long length = u32(what + " length");
            need(length, what + " (" + length + " bytes)");
            byte[] b = new byte[(int) length];
            buf.get(b);
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new CheckpointException(source + ": " + what + " at byte offset " + at + " is not valid UTF-8");
            }
        }

        float[] floats(String what, long count) {
            // checked long math: 4 × count of two u32 sizes can exceed 2^63 and wrap negative
            if (count > MAX_FILE / 4) {
                throw new CheckpointException(source + ": " + what + " at byte offset " + buf.position() + " declares "
                        + count + " floats, more than any checkpoint file can hold");
            }
            need(Math.multiplyExact(4L, count), what + " (" + count + " floats)");
            float[] f = new float[(int) count];
            buf.asFloatBuffer().get(f);
            buf.position(buf.position() + 4 * (int) count);
            return f;
        }
    }

    /** Little-endian writes with a running CRC32 of everything written. */
    private static final class LittleEndianOut {
        private final OutputStream out;
        private final CRC32 crc = new CRC32();
        private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        LittleEndianOut(OutputStream out) {
            this.out = out;
        }

        void bytes(byte[] b) throws IOException {
            crc.update(b);
            out.write(b);
        }

        private void flushScratch() throws IOException {
            scratch.flip();
            crc.update(scratch.array(), 0, scratch.limit());
            out.write(scratch.array(), 0, scratch.limit());
            scratch.clear();
        }

        void u8(int v) throws IOException {
            bytes(new byte[] {(byte) v});
        }

        void u32(long v) throws IOException {
            scratch.putInt((int) v);
            flushScratch();
        }

        void u64(long v) throws IOException {
            scratch.putLong(v);
            flushScratch();
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            bytes(b);
        }

        void floats(float[] f) throws IOException {
            for (int i = 0; i < f.length; i++) {
                if (scratch.remaining() < 4) {
                    flushScratch();
                }
                scratch.putFloat(f[i]);
            }
            flushScratch();
        }

        void crc() throws IOException {
            int value = (int) crc.getValue();
            scratch.putInt(value);
            scratch.flip();
            out.write(scratch.array(), 0, 4);
            scratch.clear();
        }
    }
}
