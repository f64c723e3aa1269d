package org.backprop.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.backprop.data.ReaderFuzzTargets;

/** {@code .npz} archives: load a consistent model or fail with our own exception. */
class NpzFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        ReaderFuzzTargets.loadOrRefuse(() -> CheckpointFuzzTest.check(Npz.load(ReaderFuzzTargets.file(input, ".npz"))));
    }
}
