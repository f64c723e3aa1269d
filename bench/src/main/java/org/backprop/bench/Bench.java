package org.backprop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop.core.BackendProvider;
import org.backprop.core.Backends;

/**
 * {@code backprop bench}: runs the chosen parts, prints the Markdown report on stdout and writes
 * results.json (every raw sample plus the environment), results.md and the PNG charts to the
 * output folder.
 */
public final class Bench {

    public enum Part { GEMM, OPS, TRAIN }

    private Bench() { }

    /**
     * Every backend registered here plus cuda, CPU first: the GPU rows are always in the report,
     * measured or "unavailable" with the reason (an unregistered CUDA module included).
     */
    public static List<String> allBackends() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            names.add(p.name());
        }
        if (!names.contains("cuda")) {
            names.add("cuda");
        }
        names.sort((a, b) -> Boolean.compare(Devices.isGpu(a), Devices.isGpu(b)));
        return names;
    }

    public static Map<String, Object> run(BenchConfig cfg, EnumSet<Part> parts, PrintStream stdout) {
        try {
            Files.createDirectories(cfg.out());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + cfg.out() + ": " + e.getMessage(), e);
        }
        long started = System.currentTimeMillis();
        Map<String, Object> env = Environment.collect();
        env.put("load_average_at_start", env.remove("load_average"));
        PythonPeer peers = new PythonPeer(cfg.python());
        List<Section> sections = new ArrayList<>();
        long t0 = System.nanoTime();
        if (parts.contains(Part.GEMM)) {
            sections.add(GemmBench.run(cfg, peers, cfg.out()));
        }
        if (parts.contains(Part.OPS)) {
            sections.add(OpsBench.run(cfg, cfg.out()));
        }
        if (parts.contains(Part.TRAIN)) {
            sections.add(TrainBench.run(cfg, peers, cfg.out()));
        }
        env.put("load_average_at_end", Environment.loadAverage());
        env.put("bench_seconds", (System.nanoTime() - t0) * 1e-9);

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("environment", env);
        json.put("config", configJson(cfg, parts));
        Map<String, Object> results = new LinkedHashMap<>();
        for (Section s : sections) {
            results.put(s.name(), s.json());
        }
        json.put("results", results);

        StringBuilder md = new StringBuilder();
        md.append("# backprop bench ").append(parts.toString().toLowerCase(Locale.ROOT).replaceAll("[\\[\\] ]", ""))
                .append(cfg.quick() ? " --quick" : "").append("\n\n");
        md.append(environmentMarkdown(env)).append('\n');
        for (Section s : sections) {
            md.append(s.markdown());
        }
        String text = md.toString();
        try {
            // results get committed and shared: the home folder of the machine that ran them is "~"
            Files.writeString(cfg.out().resolve("results.json"), withoutHome(Json.write(json)), StandardCharsets.UTF_8);
            Files.writeString(cfg.out().resolve("results.md"), withoutHome(text), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + cfg.out() + ": " + e.getMessage(), e);
        }
        stdout.print(text);
        stdout.flush();
        cfg.log().println("bench: wrote results.json, results.md" + charts(cfg.out(), started) + " to "
                + cfg.out().toAbsolutePath().normalize());
        return json;
    }

    /** The PNGs this run wrote (a folder may hold older ones, from other parts). */
    private static String charts(Path dir, long since) {
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(".png"))
                    .filter(f -> f.toFile().lastModified() >= since - 1000)
                    .forEach(f -> names.add(f.getFileName().toString()));
        } catch (IOException e) {
            return "";
        }
        names.sort(null);
        return names.isEmpty() ? "" : ", " + String.join(", ", names);
    }

    private static Map<String, Object> configJson(BenchConfig cfg, EnumSet<Part> parts) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("parts", parts.toString());
        c.put("backends", cfg.backends());
        c.put("quick", cfg.quick());
        c.put("threads", cfg.resolvedThreads());
        c.put("python", cfg.python() == null ? "auto" : cfg.python());
        c.put("plan", Map.of("warmup", cfg.plan().warmup(), "samples", cfg.plan().samples(),
                "min_sample_s", cfg.plan().minSampleSeconds()));
        c.put("large_batches", cfg.largeBatches());
        c.put("recipe", cfg.recipe().describe(784, 10));
        return c;
    }

    @SuppressWarnings("unchecked")
    private static String environmentMarkdown(Map<String, Object> env) {
        Map<String, Object> cpu = (Map<String, Object>) env.get("cpu");
        StringBuilder sb = new StringBuilder("## Environment\n\n");
        sb.append("- date: ").append(env.get("date_utc")).append('\n');
        sb.append("- CPU: ").append(cpu.get("model")).append(", ").append(cpu.get("available_processors"))
                .append(" cores, ").append(cpu.get("mhz")).append(" MHz, ").append(cpu.get("simd")).append('\n');
        sb.append("- JDK: ").append(env.get("jdk")).append("; ").append(env.get("vector_api")).append('\n');
        Map<String, Object> backends = (Map<String, Object>) env.get("backends");
        for (Map.Entry<String, Object> e : backends.entrySet()) {
            Map<String, Object> b = (Map<String, Object>) e.getValue();
            // the provider's report already says usable or not, and why
            sb.append("- backend ").append(e.getKey()).append(": ")
                    .append(String.valueOf(b.get("report")).replace("\n", "; ")).append('\n');
        }
        sb.append("- commit: ").append(env.get("git_commit") == null ? "unknown (not a git checkout)" : env.get("git_commit")).append(Boolean.TRUE.equals(env.get("git_dirty")) ? " (with local changes)" : "").append('\n');
        sb.append("- load average (1/5/15 min) at start: ").append(env.get("load_average_at_start"))
                .append(", at end: ").append(env.get("load_average_at_end"))
                .append(" — other work on the machine skews timings; the ratios, measured side by side, drift less\n");
        Map<String, Object> blas = (Map<String, Object>) env.get("openblas_env");
        if (blas != null && !blas.isEmpty()) {
            sb.append("- BLAS environment: ").append(blas).append('\n');
        }
        return sb.toString();
    }

    static String withoutHome(String s) {
        String home = System.getProperty("user.home");
        return home == null || home.length() < 2 ? s : s.replace(home + "/", "~/");
    }
}
