package org.backprop.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;

/** What the numbers were measured on: CPU, JDK, GPU (or why not), commit, date and load. */
public final class Environment {

    private Environment() { }

    public static Map<String, Object> collect() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("date_utc", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        env.put("host", hostName());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("model", cpuField("model name"));
        cpu.put("mhz", cpuField("cpu MHz"));
        cpu.put("available_processors", Runtime.getRuntime().availableProcessors());
        cpu.put("simd", simd());
        env.put("cpu", cpu);
        env.put("memory_total", meminfo());
        env.put("load_average", loadAverage());
        env.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("vector_api", vectorApi());
        Map<String, Object> backends = new LinkedHashMap<>();
        for (BackendProvider p : Backends.providers()) {
            Map<String, Object> b = new LinkedHashMap<>();
            String report;
            try {
                b.put("usable", p.availability().usable());
                b.put("detail", p.availability().detail());
                report = p.report();
            } catch (RuntimeException | LinkageError e) {
                b.put("usable", false);
                report = "unavailable: " + e;
            }
            b.put("report", report);
            backends.put(p.name(), b);
        }
        if (!backends.containsKey("cuda")) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("usable", false);
            String why = "no cuda backend registered (the cuda-kernels module is not on the class path)";
            b.put("detail", why);
            b.put("report", why);
            backends.put("cuda", b);
        }
        env.put("backends", backends);
        env.put("openblas_env", blasEnv());
        env.put("git_commit", git("rev-parse", "HEAD"));
        String dirty = git("status", "--porcelain", "--untracked-files=no");
        env.put("git_dirty", dirty != null && !dirty.isBlank());
        return env;
    }

    /** The 1, 5 and 15 minute load averages: other work on a shared machine skews timings. */
    public static String loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
            String[] f = s.split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    public static double loadAverage1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    static String cpuField(String key) {
        String v = org.backprop.cpu.CpuInfo.field(key);
        return v.isEmpty() ? "unknown" : v;   // not Linux: the JSON says unknown
    }

    /** The widest SIMD the flags advertise: avx512f, avx2+fma, or baseline. */
    static String simd() {
        String flags = " " + cpuField("flags") + " ";
        if (flags.contains(" avx512f ")) {
            return "avx512f";
        }
        if (flags.contains(" avx2 ") && flags.contains(" fma ")) {
            return "avx2+fma";
        }
        if (flags.contains(" asimd ") || System.getProperty("os.arch").contains("aarch64")) {
            return "neon";
        }
        return "sse";
    }

    private static String meminfo() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return line.substring(9).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    private static String vectorApi() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                ? "jdk.incubator.vector loaded" : "jdk.incubator.vector not loaded (scalar paths)";
    }

    private static Map<String, Object> blasEnv() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")) {
            String v = System.getenv(k);
            if (v != null) {
                m.put(k, v);
            }
        }
        return m;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/etc/hostname")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
