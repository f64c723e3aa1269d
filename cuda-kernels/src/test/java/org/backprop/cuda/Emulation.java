package org.backprop.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this test JVM runs on the emulated driver (src/test/emulation), set by the
 * {@code emulated-driver} surefire execution: {@code -Dbackprop.cuda.emulated=<its folder>}.
 */
final class Emulation {

    static final String PROPERTY = "backprop.cuda.emulated";

    private Emulation() { }

    static boolean active() {
        return System.getProperty(PROPERTY) != null;
    }

    /** The emulator's folder (libcuda.so.1, libcublas.so.12, reports/), or null outside the emulated run. */
    static Path dir() {
        String d = System.getProperty(PROPERTY);
        return d == null ? null : Path.of(d);
    }

    /** Why the emulated driver was not built (no compiler, not Linux x86-64), or null. */
    static String notBuiltReason() {
        Path d = dir();
        if (d == null) {
            return null;
        }
        try {
            return Files.readString(d.resolve("NOT-BUILT.txt"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return Files.exists(d.resolve("libcuda.so.1")) ? null : "emulated driver missing from " + d;
        }
    }
}
