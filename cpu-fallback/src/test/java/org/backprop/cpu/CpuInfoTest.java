package org.backprop.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The cache sizes sysfs writes ("2048K", "1M"), as the GEMM's row blocks read them. */
class CpuInfoTest {

    @Test
    void sysfsCacheSizesParse() {
        assertEquals(2048L << 10, CpuInfo.parseSize("2048K"));
        assertEquals(1L << 20, CpuInfo.parseSize("1M"));
        assertEquals(512, CpuInfo.parseSize("512"));
        assertEquals(-1, CpuInfo.parseSize("big"));
    }
}
