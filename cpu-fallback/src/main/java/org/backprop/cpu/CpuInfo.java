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

    /**
     * The size of one core's level-2 cache in bytes, from /sys/devices/system/cpu/cpu0/cache, or
     * {@code fallback} where that cannot be read (not Linux, a container hiding sysfs).
     */
    public static long l2Bytes(long fallback) {
        return cacheBytes(2, fallback);
    }

    /** One core's level-1 data cache in bytes, as {@link #l2Bytes} reads it. */
    public static long l1dBytes(long fallback) {
        return cacheBytes(1, fallback);
    }

    private static long cacheBytes(int level, long fallback) {
        Path caches = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (var dirs = Files.list(caches)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                if (!dir.getFileName().toString().startsWith("index")
                        || !String.valueOf(level).equals(Files.readString(dir.resolve("level")).trim())
                        || "Instruction".equals(Files.readString(dir.resolve("type")).trim())) {
                    continue;
                }
                long bytes = parseSize(Files.readString(dir.resolve("size")).trim());
                if (bytes > 0) {
                    return bytes;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no sysfs: the fallback
        }
        return fallback;
    }

    /** "2048K", "1M", "512" (bytes) as sysfs writes cache sizes; -1 if it is none of those. */
    static long parseSize(String s) {
        try {
            if (s.endsWith("K")) {
                return Long.parseLong(s.substring(0, s.length() - 1)) << 10;
            }
            if (s.endsWith("M")) {
                return Long.parseLong(s.substring(0, s.length() - 1)) << 20;
            }
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
