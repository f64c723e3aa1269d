package org.backprop.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.backprop.charts.Charts;
import org.backprop.core.Backend;
import org.backprop.core.Tensor;

/**
 * The memory-bound ops of a training step: achieved GB/s against the bytes each op must move at
 * the least (every input read once, every output written once), with the backend's own large
 * copy as the practical bandwidth ceiling.
 */
public final class OpsBench {

    /** One op at one shape: how many bytes it must move and how to run it on fresh tensors. */
    record Case(String op, String shape, double bytes, Setup setup) { }

    /** Allocates the op's tensors on a backend and returns the call to time plus what to close. */
    interface Setup {
        Prepared prepare(Backend be, Random rnd);
    }

    record Prepared(Runnable call, List<Tensor> tensors) { }

    private OpsBench() { }

    static List<Case> cases(boolean quick) {
        List<Case> cases = new ArrayList<>();
        int[][] act = quick ? new int[][] {{256, 1024}} : new int[][] {{256, 1024}, {4096, 1024}, {1024, 4096}};
        int[][] out = quick ? new int[][] {{256, 10}} : new int[][] {{256, 10}, {4096, 10}};
        int[][] params = quick ? new int[][] {{1024, 1024}} : new int[][] {{784, 1024}, {1024, 1024}, {4096, 4096}};
        for (int[] s : act) {
            int m = s[0];
            int n = s[1];
            String sh = m + "×" + n;
            double mn = 4.0 * m * n;
            cases.add(elementwise("sigmoid", sh, 2 * mn, m, n, Backend::sigmoid));
            cases.add(new Case("sigmoid backward", sh, 3 * mn, (be, r) -> {
                Tensor y = rand(be, r, m, n);
                Tensor dy = rand(be, r, m, n);
                Tensor dx = be.allocate(m, n);
                return new Prepared(() -> be.sigmoidBackward(y, dy, dx), List.of(y, dy, dx));
            }));
            cases.add(elementwise("relu", sh, 2 * mn, m, n, Backend::relu));
            cases.add(new Case("bias add", sh, 2 * mn + 4.0 * n, (be, r) -> {
                Tensor x = rand(be, r, m, n);
                Tensor b = rand(be, r, 1, n);
                return new Prepared(() -> be.addBias(x, b), List.of(x, b));
            }));
            cases.add(new Case("bias gradient", sh, mn + 4.0 * n, (be, r) -> {
                Tensor d = rand(be, r, m, n);
                Tensor g = be.allocate(1, n);
                return new Prepared(() -> be.biasGradient(d, 0f, g), List.of(d, g));
            }));
        }
        for (int[] s : out) {
            int m = s[0];
            int n = s[1];
            String sh = m + "×" + n;
            double mn = 4.0 * m * n;
            cases.add(elementwise("softmax", sh, 2 * mn, m, n, Backend::softmax));
            cases.add(new Case("softmax + CE", sh, 4 * mn, (be, r) -> {
                Tensor x = rand(be, r, m, n);
                Tensor y = oneHot(be, r, m, n);
                Tensor p = be.allocate(m, n);
                Tensor g = be.allocate(m, n);
                Tensor loss = be.allocate(1, 1);
                be.fill(loss, 0f);
                return new Prepared(() -> be.softmaxCrossEntropy(x, y, p, g, loss), List.of(x, y, p, g, loss));
            }));
        }
        for (int[] s : params) {
            int m = s[0];
            int n = s[1];
            String sh = m + "×" + n;
            double bytes = 4.0 * m * n;
            cases.add(new Case("SGD update", sh, 3 * bytes, (be, r) -> {
                Tensor p = rand(be, r, m, n);
                Tensor g = rand(be, r, m, n);
                return new Prepared(() -> be.sgdUpdate(p, g, 1e-3f), List.of(p, g));
            }));
            cases.add(new Case("Adam update", sh, 7 * bytes, (be, r) -> {
                Tensor p = rand(be, r, m, n);
                Tensor g = rand(be, r, m, n);
                Tensor mm = be.allocate(m, n);
                Tensor v = be.allocate(m, n);
                be.fill(mm, 0f);
                be.fill(v, 0f);
                int[] step = {0};
                return new Prepared(() -> be.adamUpdate(p, g, mm, v, 1e-3f, 0.9f, 0.999f, 1e-8f, ++step[0]),
                        List.of(p, g, mm, v));
            }));
        }
        return cases;
    }

    /** An op from one m×n input to one m×n output. */
    private interface Elementwise {
        void run(Backend be, Tensor x, Tensor y);
    }

    /** The case of an op from a random m×n input to an m×n output, moving {@code bytes}. */
    private static Case elementwise(String op, String shape, double bytes, int m, int n, Elementwise f) {
        return new Case(op, shape, bytes, (be, r) -> {
            Tensor x = rand(be, r, m, n);
            Tensor y = be.allocate(m, n);
            return new Prepared(() -> f.run(be, x, y), List.of(x, y));
        });
    }

    static Tensor rand(Backend be, Random r, int m, int n) {
        return be.upload(GemmBench.random(r, m * n), m, n);
    }

    static Tensor oneHot(Backend be, Random r, int m, int n) {
        float[] y = new float[m * n];
        for (int i = 0; i < m; i++) {
            y[i * n + r.nextInt(n)] = 1f;
        }
        return be.upload(y, m, n);
    }

    /** The backend's own large copy: the bandwidth a streaming op can hope for on this device. */
    static Timing.Samples copyBandwidth(Backend be, boolean gpu, boolean quick, Timing.Plan plan, double[] bytesOut) {
        int n = quick ? 1 << 20 : gpu ? 1 << 26 : 1 << 24;
        bytesOut[0] = 8.0 * n;
        try (Tensor a = be.allocate(1024, n / 1024); Tensor b = be.allocate(1024, n / 1024)) {
            be.fill(a, 1f);
            return Timing.measure(plan, () -> be.copy(a, b), be::synchronize);
        }
    }

    public static Section run(BenchConfig cfg, Path out) {
        StringBuilder md = new StringBuilder("## Memory-bound ops: achieved bandwidth\n\n");
        md.append("Bytes moved = the least the op must move (each input read once, each output written once, fp32). ")
                .append("Floor = bytes / the backend's own copy bandwidth (a ")
                .append(cfg.quick() ? "4" : "64 MiB CPU / 256").append(" MiB copy, measured in the same run); ")
                .append("an op whose tensors fit in cache can beat it.\n\n");
        List<Case> cases = cases(cfg.quick());
        List<Object> devices = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        for (Case c : cases) {
            categories.add(c.op() + " " + c.shape());
        }
        List<String> groups = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (String name : cfg.backends()) {
            boolean gpu = Devices.isGpu(name);
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("backend", name);
            try (Devices.Opened dev = Devices.open(name, cfg.resolvedThreads())) {
                if (!dev.ok()) {
                    md.append("### ").append(name).append("\n\nunavailable: ").append(dev.unavailable()).append("\n\n");
                    dj.put("unavailable", dev.unavailable());
                    devices.add(dj);
                    continue;
                }
                Backend be = dev.backend();
                cfg.log().println("bench ops: " + name);
                dj.put("description", be.description());
                double[] copyBytes = new double[1];
                Timing.Samples copy = copyBandwidth(be, gpu, cfg.quick(), cfg.plan(), copyBytes);
                double bw = copyBytes[0] / copy.median() / 1e9;
                Map<String, Object> cj = copy.toJson();
                cj.put("bytes", copyBytes[0]);
                cj.put("gbs_median", bw);
                dj.put("copy", cj);
                md.append("### ").append(name).append(" (").append(be.description()).append(")\n\n")
                        .append("- copy bandwidth: ").append(Markdown.num(bw)).append(" GB/s (")
                        .append(Markdown.num(copyBytes[0] / 1048576)).append(" MiB copied)\n")
                        .append("- method: ").append(gpu
                                ? "synchronize(), a batch of calls, synchronize(), System.nanoTime (no CUDA events in the Backend interface)"
                                : "batches of calls timed with System.nanoTime")
                        .append("; median of ").append(cfg.plan().samples()).append(" samples\n\n");
                Markdown t = new Markdown("op", "shape", "bytes moved", "time (median)", "spread", "GB/s",
                        "floor", "% of copy bw");
                List<Object> rows = new ArrayList<>();
                double[] gbs = new double[cases.size()];
                Random rnd = new Random(7);
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    Prepared p = c.setup().prepare(be, rnd);
                    Timing.Samples s;
                    try {
                        s = Timing.measure(cfg.plan(), p.call(), be::synchronize);
                    } finally {
                        p.tensors().forEach(Tensor::close);
                    }
                    gbs[i] = c.bytes() / s.median() / 1e9;
                    t.row(c.op(), c.shape(), bytes(c.bytes()), Markdown.time(s.median()),
                            Markdown.f("±%.0f%%", s.spreadPercent() / 2), Markdown.num(gbs[i]),
                            Markdown.time(c.bytes() / (bw * 1e9)), Markdown.f("%.0f%%", 100 * gbs[i] / bw));
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("op", c.op());
                    r.put("shape", c.shape());
                    r.put("bytes", c.bytes());
                    r.put("gbs_median", gbs[i]);
                    r.put("floor_s", c.bytes() / (bw * 1e9));
                    r.putAll(s.toJson());
                    rows.add(r);
                }
                md.append(t).append('\n');
                dj.put("ops", rows);
                groups.add(name + " (copy " + Markdown.num(bw) + " GB/s)");
                values.add(gbs);
            }
            devices.add(dj);
        }
        // layer ops and optimiser updates apart: the updates of cache-sized parameters run far
        // faster than anything that streams, and would flatten the rest on a shared axis
        List<Charts.GroupedPanel> panels = new ArrayList<>();
        for (boolean updates : new boolean[] {false, true}) {
            List<String> cats = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (cases.get(i).op().endsWith("update") == updates) {
                    cats.add(categories.get(i));
                    idx.add(i);
                }
            }
            double[][] v = new double[values.size()][idx.size()];
            for (int g = 0; g < values.size(); g++) {
                for (int j = 0; j < idx.size(); j++) {
                    v[g][j] = values.get(g)[idx.get(j)];
                }
            }
            panels.add(new Charts.GroupedPanel(updates ? "Optimiser updates (in place)"
                    : "Layer ops (" + GemmBench.machine() + ")", "op and shape (rows×cols)",
                    "achieved bandwidth (GB/s)", cats, groups, v));
        }
        Charts.groupedBars(panels, out.resolve("ops.png"));
        md.append("Chart: `ops.png`\n\n");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("devices", devices);
        json.put("chart", "ops.png");
        return new Section("ops", md.toString(), json);
    }

    private static String bytes(double b) {
        if (b >= 1 << 20) {
            return Markdown.f("%.1f MiB", b / (1 << 20));
        }
        return Markdown.f("%.1f KiB", b / 1024);
    }
}
