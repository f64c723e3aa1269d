package org.backprop.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;

/** IDX files, plain or gzip: load consistently or fail with a {@link DataException}. */
class IdxReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        ReaderFuzzTargets.loadOrRefuse(() -> {
            IdxReader.IdxArray a = IdxReader.read(new ByteArrayInputStream(input), "fuzz.idx", input.length);
            long n = 1;
            for (int d : a.dims()) {
                n *= d;
            }
            if (n != a.data().length) {
                throw new AssertionError("dimensions give " + n + " elements, data holds " + a.data().length);
            }
            if (a.dims().length == 3) {
                ReaderFuzzTargets.check(IdxReader.dataset(a, "images", labels(a.count()), "labels", 10, "fuzz"));
            }
        });
    }

    private static IdxReader.IdxArray labels(int n) {
        return new IdxReader.IdxArray(new int[] {n}, new byte[n]);
    }
}
