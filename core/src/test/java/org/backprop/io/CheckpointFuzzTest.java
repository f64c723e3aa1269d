package org.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.backprop.data.DataException;

/** Checkpoint files: load a consistent model or fail with a {@link CheckpointException}. */
class CheckpointFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        try {
            check(Checkpoint.decode(input, "fuzz.bpm"));
        } catch (DataException expected) {
            // our own, one-line refusal
        }
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
