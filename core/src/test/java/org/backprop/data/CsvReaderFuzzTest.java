package org.backprop.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** CSV files, read from disk as the command line reads them: load consistently or fail with a {@link DataException}. */
class CsvReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzz(byte[] input) {
        ReaderFuzzTargets.loadOrRefuse(() -> ReaderFuzzTargets.check(CsvReader.read(ReaderFuzzTargets.file(input, ".csv"))));
    }
}
