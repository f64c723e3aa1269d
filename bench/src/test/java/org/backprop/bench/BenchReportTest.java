package org.backprop.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Reports are committed and shared, so they never carry the running machine's home folder. */
class BenchReportTest {

    @Test
    void theHomeFolderIsWrittenAsTilde() {
        String home = System.getProperty("user.home");
        assertEquals("data from ~/.cache/backprop/mnist, other /opt/x",
                Bench.withoutHome("data from " + home + "/.cache/backprop/mnist, other /opt/x"));
    }
}
