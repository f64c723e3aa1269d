package org.backprop.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fields of /proc/cpuinfo (vendor, model name, flags), read where the GEMM blocking and the benchmarks need them. */
public final class CpuInfo {

    private CpuInfo() { }

    /** The first value of {@code key} in /proc/cpuinfo, or "" where there is none (not Linux). */
    public static String field(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: the caller falls back on what it knows without it
        }
        return "";
    }
}
