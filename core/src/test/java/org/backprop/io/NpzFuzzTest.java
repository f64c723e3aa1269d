package org.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.backprop.data.DataException;
import org.backprop.data.ReaderFuzzTargets;

/** {@code .npz} archives: load a consistent model or fail with our own exception. */
class NpzFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        try {
            CheckpointFuzzTest.check(Npz.load(ReaderFuzzTargets.file(input, ".npz")));
        } catch (DataException expected) {
            // our own, one-line refusal
        }
    }
}
