package org.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.backprop.data.ReaderFuzzTargets;

/** Checkpoint files: load a consistent model or fail with a {@link CheckpointException}. */
class CheckpointFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        decode(input);
        // The CRC guards the body from random bytes, and from the fuzzer too: decode each input a
        // second time with a valid header and CRC, so that the body parser itself is fuzzed.
        if (input.length >= Checkpoint.HEADER_BYTES + Checkpoint.CRC_BYTES) {
            byte[] sealed = input.clone();
            ByteBuffer b = ByteBuffer.wrap(sealed).order(ByteOrder.LITTLE_ENDIAN);
            b.put(Checkpoint.MAGIC).put((byte) Checkpoint.VERSION).put((byte) 0).put((byte) 0);
            b.putLong(sealed.length - Checkpoint.HEADER_BYTES - Checkpoint.CRC_BYTES);
            CRC32 crc = new CRC32();
            crc.update(sealed, 0, sealed.length - Checkpoint.CRC_BYTES);
            b.putInt(sealed.length - Checkpoint.CRC_BYTES, (int) crc.getValue());
            decode(sealed);
        }
    }

    private static void decode(byte[] bytes) {
        ReaderFuzzTargets.loadOrRefuse(() -> check(Checkpoint.decode(bytes, "fuzz.bpm")));
    }

    /** Every layer's arrays have the sizes its shape says. */
    static void check(ModelState s) {
        for (LayerState l : s.layers()) {
            if (l.weights().length != (long) l.inputs() * l.outputs() || l.bias().length != l.outputs()) {
                throw new AssertionError("layer arrays do not match its " + l.inputs() + "x" + l.outputs() + " shape");
            }
        }
    }
}
