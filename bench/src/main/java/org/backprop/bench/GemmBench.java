package org.backprop.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.backprop.charts.Charts;
import org.backprop.core.Backend;
import org.backprop.core.Pointwise;
import org.backprop.core.Tensor;

/**
 * GFLOP/s of {@code Backend.gemm} over the training products of the reference MLP and a square
 * sweep, with numpy (OpenBLAS) on the CPU and torch.matmul (fp32, TF32 off) on the GPU measured in
 * the same run, and the floor (FLOPs over the peak) beside each row.
 */
public final class GemmBench {

    /** The reference MLP's layer widths: its GEMMs are the ones training spends its time in. */
    static final int[] MLP = {784, 1024, 1024, 10};

    /** One product C(m×n) = op(A)·op(B) with inner dimension k. */
    public record Shape(String label, String kind, int batch, int m, int n, int k, boolean transA, boolean transB) {
        public double flops() {
            return 2.0 * m * n * k;
        }

        Map<String, Object> toJson() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("label", label);
            j.put("kind", kind);
            if (batch > 0) {
                j.put("batch", batch);
            }
            j.put("m", m);
            j.put("n", n);
            j.put("k", k);
            j.put("trans_a", transA);
            j.put("trans_b", transB);
            j.put("flops", flops());
            return j;
        }
    }

    private GemmBench() { }

    /**
     * The forward product X·W, the weight gradient Xᵀ·δ and the input gradient δ·Wᵀ of every
     * layer (the first layer has no input gradient: training never needs it), at each batch size,
     * then the square sizes.
     */
    public static List<Shape> sweep(boolean gpu, boolean quick) {
        List<Shape> shapes = new ArrayList<>();
        // quick: still two batch sizes and two square sizes, so that each chart has a line to read
        int[] batches = quick ? new int[] {64, 256} : new int[] {64, 256, 1024, 4096};
        for (int b : batches) {
            for (int l = 0; l + 1 < MLP.length; l++) {
                int in = MLP[l];
                int out = MLP[l + 1];
                if (quick && l != 1) {
                    continue;
                }
                String layer = in + "→" + out;
                shapes.add(new Shape("X·W " + layer + " b" + b, "forward", b, b, out, in, false, false));
                shapes.add(new Shape("Xᵀ·δ " + layer + " b" + b, "weight-grad", b, in, out, b, true, false));
                if (l > 0) {
                    shapes.add(new Shape("δ·Wᵀ " + layer + " b" + b, "input-grad", b, b, in, out, false, true));
                }
            }
        }
        int max = quick ? 512 : gpu ? 8192 : 2048;
        for (int s = 256; s <= max; s *= 2) {
            shapes.add(new Shape("square " + s, "square", 0, s, s, s, false, false));
        }
        return shapes;
    }

    public static Section run(BenchConfig cfg, PythonPeer peers, Path out) {
        StringBuilder md = new StringBuilder("## GEMM: C = op(A)·op(B), fp32\n\n");
        List<Object> devices = new ArrayList<>();
        for (String name : cfg.backends()) {
            boolean gpu = Devices.isGpu(name);
            List<Shape> shapes = sweep(gpu, cfg.quick());
            Map<String, Object> dj = new LinkedHashMap<>();
            dj.put("backend", name);
            cfg.log().println("bench gemm: " + name + ", " + shapes.size() + " shapes");
            List<Timing.Samples> ours = new ArrayList<>();
            // the same product with the weight operand in the layout the training step keeps it in
            List<Timing.Samples> oursTrained = new ArrayList<>();
            List<Timing.Samples[]> peerSamples = new ArrayList<>();
            Peaks peak;
            String oursUnavailable = null;
            PythonPeer.Answer peer;
            List<BlasKernels.Peer> peerList = new ArrayList<>();
            // ours and the peers alternate shape by shape, so drifting load on a shared machine
            // hits all alike
            try (Devices.Opened dev = Devices.open(name, cfg.resolvedThreads())) {
                peerList.addAll(openPeers(cfg, peers, gpu));
                peer = peerList.get(0).session().header();
                if (dev.ok()) {
                    dj.put("description", dev.backend().description());
                    peak = gpu ? Peaks.gpu(dev.backend().description(), cfg.gpuPeakGflops())
                            : Peaks.cpu(cfg.resolvedThreads(), cfg.peakGflops());
                } else {
                    oursUnavailable = dev.unavailable();
                    peak = gpu ? Peaks.gpu(null, cfg.gpuPeakGflops()) : Peaks.cpu(cfg.resolvedThreads(), cfg.peakGflops());
                }
                for (BlasKernels.Peer pr : peerList) {
                    cfg.log().println("  peer: " + pr.label() + (pr.wrong() != null ? ": " + pr.wrong()
                            : pr.session().header().ok() ? "" : ": unavailable: " + pr.session().header().unavailable()));
                }
                if (dev.ok() && !shapes.isEmpty()) {
                    // unmeasured, about a second of the first shape: the JIT compiles the GEMM's
                    // code at full size here, not in the first shape's samples (its row once
                    // read 80 GFLOP/s ±36% where a later run of it read 170)
                    measure(dev.backend(), shapes.get(0), cfg.quick() ? QUICK_JIT_WARM_UP : JIT_WARM_UP);
                }
                for (Shape s : shapes) {
                    Timing.Samples[] ps = new Timing.Samples[peerList.size()];
                    if (!dev.ok() && !peer.ok()) {
                        ours.add(null);
                        oursTrained.add(null);
                        peerSamples.add(ps);
                        continue;
                    }
                    Timing.Samples o = dev.ok() ? measure(dev.backend(), s, cfg.plan()) : null;
                    ours.add(o);
                    Timing.Samples ot = dev.ok() && hasTrainedLayout(s) ? measure(dev.backend(), s, cfg.plan(), true) : null;
                    oursTrained.add(ot);
                    StringBuilder line = new StringBuilder();
                    for (int q = 0; q < peerList.size(); q++) {
                        BlasKernels.Peer pr = peerList.get(q);
                        if (!pr.usable()) {
                            continue;
                        }
                        PythonPeer.Answer a = pr.session().ask(s.toJson());
                        ps[q] = a.ok() ? Timing.Samples.fromJson(a.json()) : null;
                        if (!a.ok() && q == 0 && peer.ok()) {
                            peer = a;   // the peer died part-way: say why
                        }
                        line.append(String.format("   %s %8s", pr.core() == null ? "peer" : pr.core(),
                                ps[q] == null ? "–" : Markdown.num(s.flops() / ps[q].median() / 1e9)));
                    }
                    peerSamples.add(ps);
                    cfg.log().printf("  %-24s ours %8s%s GFLOP/s%s%n", s.label(),
                            o == null ? "–" : Markdown.num(s.flops() / o.median() / 1e9),
                            ot == null ? "" : " (as trained " + Markdown.num(s.flops() / ot.median() / 1e9) + ")",
                            line.length() == 0 ? "" : line + " GFLOP/s");
                }
            } finally {
                for (BlasKernels.Peer pr : peerList) {
                    pr.session().close();
                }
            }
            String peerName = gpu ? "torch.matmul" : "numpy";
            if (peer.ok()) {
                peerName = gpu ? "torch " + peer.json().get("version") + " matmul" : peerList.get(0).label();
            }
            List<String> cores = new ArrayList<>();
            for (BlasKernels.Peer pr : peerList) {
                if (pr.usable() && pr.core() != null) {
                    cores.add(pr.core());
                }
            }
            if (!gpu && peer.ok() && cores.size() > 1) {
                // the ratios and charts take the faster correct peer per shape: name both kernels
                String first = peerList.get(0).label();
                int paren = first.indexOf(" (");
                peerName = (paren > 0 ? first.substring(0, paren) : "numpy") + " (openblas " + String.join(" or ", cores)
                        + ", the faster per shape)";
            }
            List<Object> peersJson = new ArrayList<>();
            for (BlasKernels.Peer pr : peerList) {
                Map<String, Object> pj = new LinkedHashMap<>();
                pj.put("label", pr.label());
                pj.put("blas_core", pr.core());
                pj.put("openblas_coretype_set", pr.forcedCoretype());
                pj.put("wrong_results", pr.wrong());
                pj.put("unavailable", pr.session().header().unavailable());
                peersJson.add(pj);
            }
            dj.put("peers", peersJson);
            dj.put("peak", Map.of("gflops", peak.gflops(), "how", peak.gflopsHow()));
            dj.put("ours_unavailable", oursUnavailable);
            dj.put("peer", peerName);
            dj.put("peer_unavailable", peer.unavailable());
            if (peer.ok()) {
                dj.put("peer_info", peer.json());
            }

            md.append("### ").append(name).append(gpu ? " (GPU)" : " (CPU, " + cfg.resolvedThreads() + " threads)")
                    .append(" vs ").append(peerName).append("\n\n");
            if (oursUnavailable != null) {
                md.append("- ").append(name).append(" (ours): unavailable: ").append(oursUnavailable).append('\n');
            }
            if (!peer.ok()) {
                md.append("- ").append(peerName).append(": unavailable: ").append(peer.unavailable()).append('\n');
            } else {
                md.append("- peer: ").append(peerName).append(" via ").append(peer.json().get("interpreter"))
                        .append(peer.json().get("blas_config") != null ? ", " + peer.json().get("blas_config") : "")
                        .append(peer.json().get("device_name") != null ? ", " + peer.json().get("device_name") : "")
                        .append(", ").append(cfg.resolvedThreads()).append(" threads\n");
                for (BlasKernels.Peer pr : peerList.subList(1, peerList.size())) {
                    md.append("- its kernel (").append(pr.core() == null ? "unknown" : peerList.get(0).core())
                            .append(") is below this CPU's best, so a second peer ran: ").append(pr.label())
                            .append(pr.wrong() != null ? ": " + pr.wrong() : pr.session().header().ok() ? ""
                                    : ": unavailable: " + pr.session().header().unavailable())
                            .append("; each row's ratio uses the faster correct peer\n");
                }
                if (peerList.get(0).wrong() != null) {
                    md.append("- ").append(peerName).append(": ").append(peerList.get(0).wrong()).append('\n');
                }
            }
            md.append("- peak: ").append(peak.gflopsHow()).append('\n');
            md.append("- method: ").append(gpu
                    ? "ours: synchronize(), a batch of calls, synchronize(), System.nanoTime (the Backend interface has no CUDA events); peer: CUDA events around the same batch"
                    : "batches of calls timed with System.nanoTime / time.perf_counter")
                    .append("; ours: the first shape run ").append(cfg.quick() ? "~0.3" : "~1")
                    .append(" s unmeasured first (JIT)")
                    .append("; ").append(cfg.plan().warmup()).append(" warm-up calls, median of ")
                    .append(cfg.plan().samples()).append(" samples, spread = IQR/median\n")
                    .append("- ours as trained: the same call with the weight operand (W of X·W and δ·Wᵀ, dW of Xᵀ·δ) in the layout the ")
                    .append("training step keeps it in, settled by one call of the backend's linear-layer op first (the CPU backend's ")
                    .append("GEMM panels); numpy gets row-major operands and packs them per call, as PyTorch's training does\n\n");

            List<Object> rows = new ArrayList<>();
            Markdown t = new Markdown("GEMM", "m×n×k", "ours GFLOP/s", "spread", peerShort(gpu) + " GFLOP/s",
                    "ours/" + peerShort(gpu), "ours as trained", "as trained/" + peerShort(gpu),
                    "floor (FLOPs/peak)", "ours % of peak");
            if (oursUnavailable != null && !peer.ok()) {
                t.row("all shapes", "", "unavailable", "", "unavailable");
            }
            for (int i = 0; i < shapes.size(); i++) {
                Shape s = shapes.get(i);
                Timing.Samples o = ours.get(i);
                Timing.Samples ot = oursTrained.get(i);
                double otg = ot == null ? Double.NaN : s.flops() / ot.median() / 1e9;
                Timing.Samples[] ps = peerSamples.get(i);
                int pick = fastest(ps);
                Timing.Samples p = pick < 0 ? null : ps[pick];
                double og = o == null ? Double.NaN : s.flops() / o.median() / 1e9;
                double pg = p == null ? Double.NaN : s.flops() / p.median() / 1e9;
                double floor = s.flops() / (peak.gflops() * 1e9);
                if (o != null || p != null) {
                    t.row(s.label(), s.m() + "×" + s.n() + "×" + s.k(),
                            o == null ? "unavailable" : Markdown.num(og),
                            o == null ? "" : Markdown.f("±%.0f%%", o.spreadPercent() / 2),
                            p == null ? "unavailable" : Markdown.num(pg)
                                    + (ps.length > 1 && peerList.get(pick).core() != null ? " (" + peerList.get(pick).core() + ")" : ""),
                            Markdown.num(og / pg),
                            ot == null ? "–" : Markdown.num(otg) + Markdown.f(" ±%.0f%%", ot.spreadPercent() / 2),
                            ot == null ? "–" : Markdown.num(otg / pg), Markdown.time(floor),
                            Double.isFinite(og) && Double.isFinite(peak.gflops()) ? Markdown.f("%.0f%%", 100 * og / peak.gflops()) : "–");
                }
                Map<String, Object> r = s.toJson();
                r.put("floor_s", floor);
                if (o != null) {
                    Map<String, Object> oj = o.toJson();
                    oj.put("gflops_median", og);
                    r.put("ours", oj);
                }
                if (ot != null) {
                    Map<String, Object> tj = ot.toJson();
                    tj.put("gflops_median", otg);
                    r.put("ours_as_trained", tj);
                }
                if (p != null) {
                    r.put("peer", withGflops(p, s, peerList.get(pick).label()));
                }
                if (ps.length > 1) {
                    List<Object> all = new ArrayList<>();
                    for (int q = 0; q < ps.length; q++) {
                        if (ps[q] != null) {
                            all.add(withGflops(ps[q], s, peerList.get(q).label()));
                        }
                    }
                    r.put("peers", all);
                }
                rows.add(r);
            }
            md.append(t).append('\n');
            dj.put("shapes", rows);
            if (!gpu && oursUnavailable == null) {
                kernelRates(cfg, md, dj);
            }
            devices.add(dj);
        }
        Path png = out.resolve("gemm.png");
        chart(devices, machine(), png);
        md.append("Chart: `gemm.png`\n\n");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("devices", devices);
        json.put("chart", "gemm.png");
        return new Section("gemm", md.toString(), json);
    }

    /**
     * The CPU micro-kernel's own rate on one thread ({@link org.backprop.cpu.probe.CpuKernelRate}) beside
     * the one-thread FMA peak ({@link Peaks#measuredCpu}, once per run), so a run shows how far the
     * kernel, its cache level and the product around it each fall short; measured after the
     * shapes, with the peer processes idle.
     */
    private static void kernelRates(BenchConfig cfg, StringBuilder md, Map<String, Object> dj) {
        int rounds = cfg.quick() ? 1 : 5;
        long millis = cfg.quick() ? 20 : 200;
        org.backprop.cpu.probe.CpuKernelRate.Report report = org.backprop.cpu.probe.CpuKernelRate.measure(rounds, millis);
        if (report == null) {
            return;
        }
        java.util.OptionalDouble one = Peaks.measuredCpu(1);
        double peak1 = one.isPresent() ? one.getAsDouble() : Double.NaN;
        cfg.log().printf("  micro-kernel (%s), 1 thread, peak %s GFLOP/s%n", report.kernel(), Markdown.num(peak1));
        md.append("Micro-kernel alone (").append(report.kernel()).append("), one thread, against a one-thread FMA peak of ")
                .append(Markdown.num(peak1)).append(" GFLOP/s measured in the run; C = A·B over packed strips, each B strip ")
                .append("with every A strip walked past it, as a product task does:\n\n");
        Markdown kt = new Markdown("micro-kernel", "setting", "GFLOP/s", "% of 1-thread peak");
        List<Object> kj = new ArrayList<>();
        for (org.backprop.cpu.probe.CpuKernelRate.Rate r : report.rates()) {
            cfg.log().println("    " + r.describe());
            kt.row(r.setting(), r.operands(), Markdown.num(r.gflops()),
                    Double.isFinite(peak1) ? Markdown.f("%.0f%%", 100 * r.gflops() / peak1) : "–");
            Map<String, Object> rj = new LinkedHashMap<>();
            rj.put("setting", r.setting());
            rj.put("kc", r.kc());
            rj.put("a_strips", r.aStrips());
            rj.put("b_strips", r.bStrips());
            rj.put("a_bytes", r.aBytes());
            rj.put("b_bytes", r.bBytes());
            rj.put("gflops", r.gflops());
            kj.add(rj);
        }
        md.append(kt).append('\n');
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("kernel", report.kernel());
        k.put("blocking_kc", report.blockingKc());
        k.put("peak_1_thread_gflops", peak1);
        k.put("rates", kj);
        dj.put("micro_kernel", k);
    }

    /**
     * gemm.png from the {@code devices} of results.json, so that a run's chart can be drawn again
     * from its saved results ({@link #replot}). Training GEMMs: per batch size, the FLOPs of the
     * step's products over the sum of their median times, ours and the peer's.
     */
    static void chart(List<Object> devices, String machine, Path png) {
        List<Charts.Series> squares = new ArrayList<>();
        List<Charts.Series> training = new ArrayList<>();
        List<Charts.Line> peakLines = new ArrayList<>();
        for (Object d : devices) {
            Map<String, Object> dj = Json.object(d);
            String name = String.valueOf(dj.get("backend"));
            boolean gpu = Devices.isGpu(name);
            String peerLabel = dj.get("peer") + (gpu ? " (cuda)" : "");
            Charts.Series sqOurs = new Charts.Series(name + " (ours)");
            Charts.Series sqPeer = new Charts.Series(peerLabel);
            Map<Integer, double[]> perBatch = new java.util.TreeMap<>();
            boolean anyTrained = false;
            for (Object r : Json.array(dj.get("shapes"))) {
                Map<String, Object> row = Json.object(r);
                double flops = ((Number) row.get("flops")).doubleValue();
                double ours = medianSeconds(row.get("ours"));
                double peer = medianSeconds(row.get("peer"));
                if ("square".equals(row.get("kind"))) {
                    int n = ((Number) row.get("m")).intValue();
                    sqOurs.add(n, flops / ours / 1e9);
                    sqPeer.add(n, flops / peer / 1e9);
                } else {
                    double[] acc = perBatch.computeIfAbsent(((Number) row.get("batch")).intValue(), b -> new double[4]);
                    acc[0] += flops;
                    acc[1] += ours;
                    acc[2] += peer;
                    // as trained where measured; the 10-wide products are the same call either way
                    boolean trained = row.get("ours_as_trained") != null;
                    anyTrained |= trained;
                    acc[3] += trained ? medianSeconds(row.get("ours_as_trained")) : ours;
                }
            }
            Charts.Series trOurs = new Charts.Series(name + " (ours)");
            Charts.Series trPeer = new Charts.Series(peerLabel);
            Charts.Series trTrained = new Charts.Series(name + " (ours, weights as training holds them)");
            for (Map.Entry<Integer, double[]> e : perBatch.entrySet()) {
                trOurs.add(e.getKey(), e.getValue()[0] / e.getValue()[1] / 1e9);
                trPeer.add(e.getKey(), e.getValue()[0] / e.getValue()[2] / 1e9);
                trTrained.add(e.getKey(), e.getValue()[0] / e.getValue()[3] / 1e9);
            }
            squares.add(sqOurs);
            squares.add(sqPeer);
            training.add(trOurs);
            training.add(trPeer);   // second in both panels, so the peer keeps one line style
            if (anyTrained) {
                training.add(trTrained);
            }
            Map<String, Object> peak = Json.object(dj.get("peak"));
            if (peak.get("gflops") instanceof Number g && Double.isFinite(g.doubleValue())) {
                String how = String.valueOf(peak.get("how"));
                peakLines.add(new Charts.Line(name + " peak " + Markdown.num(g.doubleValue()) + " GFLOP/s ("
                        + peakSource(how, gpu) + ")", g.doubleValue()));
            }
        }
        Charts.xyPanels(List.of(
                new Charts.XYPanel("Training GEMMs of 784-1024-1024-10 (" + machine + ")",
                        "batch size (rows of X)", "GFLOP/s over the step's products", training, peakLines),
                new Charts.XYPanel("Square GEMM n×n·n×n, fp32", "n", "GFLOP/s", squares, peakLines)), png);
    }

    /** The word the legend gives a peak: how {@link Peaks} obtained it. */
    static String peakSource(String how, boolean gpu) {
        return how.contains("given") ? "given" : how.contains("measured") ? "measured" : gpu ? "datasheet" : "estimated";
    }

    private static double medianSeconds(Object samples) {
        return samples == null ? Double.NaN : ((Number) Json.object(samples).get("median_s")).doubleValue();
    }

    /** Draws DIR/gemm.png again from DIR/results.json, measuring nothing. */
    public static Path replot(Path dir) {
        Path file = dir.resolve("results.json");
        Map<String, Object> json;
        try {
            json = Json.object(Json.parse(java.nio.file.Files.readString(file)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        Map<String, Object> results = Json.object(json.get("results"));
        if (!results.containsKey("gemm")) {
            throw new IllegalArgumentException(file + " has no GEMM results to draw");
        }
        Map<String, Object> cpu = Json.object(Json.object(json.get("environment")).get("cpu"));
        Path png = dir.resolve("gemm.png");
        chart(Json.array(Json.object(results.get("gemm")).get("devices")),
                cpu.get("model") + ", " + cpu.get("available_processors") + " cores", png);
        return png;
    }

    /** The index of the peer with the least median time, or -1 when none has a sample. */
    static int fastest(Timing.Samples[] ps) {
        int best = -1;
        for (int q = 0; q < ps.length; q++) {
            if (ps[q] != null && (best < 0 || ps[q].median() < ps[best].median())) {
                best = q;
            }
        }
        return best;
    }

    private static Map<String, Object> withGflops(Timing.Samples p, Shape s, String label) {
        Map<String, Object> pj = p.toJson();
        pj.put("gflops_median", s.flops() / p.median() / 1e9);
        pj.put("label", label);
        return pj;
    }

    private static List<BlasKernels.Peer> openPeers(BenchConfig cfg, PythonPeer peers, boolean gpu) {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("lib", gpu ? "torch" : "numpy");
        req.put("device", gpu ? "cuda" : "cpu");
        req.put("threads", cfg.resolvedThreads());
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("warmup", cfg.plan().warmup());
        plan.put("samples", cfg.plan().samples());
        plan.put("min_sample_s", cfg.plan().minSampleSeconds());
        req.put("plan", plan);
        String threads = Integer.toString(cfg.resolvedThreads());
        Map<String, String> env = Map.of("OPENBLAS_NUM_THREADS", threads, "OMP_NUM_THREADS", threads);
        if (gpu) {
            PythonPeer.Session s = peers.open("torch", "gemm_peer.py", req, env);
            return List.of(new BlasKernels.Peer(s, "torch matmul", null, null, null));
        }
        return BlasKernels.openNumpy(peers, req, env, Environment.cpuField("flags"));
    }

    private static String peerShort(boolean gpu) {
        return gpu ? "torch" : "numpy";
    }

    static String machine() {
        String model = Environment.cpuField("model name");
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /** The JIT warm-up before the first shape: 3 calls, then 2 samples of at least half a second. */
    private static final Timing.Plan JIT_WARM_UP = new Timing.Plan(3, 2, 0.5);
    /** --quick's: about a third of a second. */
    private static final Timing.Plan QUICK_JIT_WARM_UP = new Timing.Plan(1, 1, 0.3);

    static Timing.Samples measure(Backend be, Shape s, Timing.Plan plan) {
        return measure(be, s, plan, false);
    }

    /**
     * Whether the training step's own call of this product can hold its weight operand in a
     * layout of the backend's choosing: a training GEMM whose weight side (B of X·W and δ·Wᵀ, C of
     * Xᵀ·δ) is at least 64 wide. The 10-wide output layer and the square sizes are measured
     * row-major only.
     */
    static boolean hasTrainedLayout(Shape s) {
        int out = s.kind().equals("input-grad") ? s.k() : s.n();
        return !s.kind().equals("square") && out >= 64;
    }

    /**
     * One product's samples. {@code asTrained}: the weight operand first goes through the
     * backend's own linear-layer op once (the forward product for W, the weight gradient for dW),
     * which is where a backend settles the layout it keeps weights in for training (the CPU
     * backend's GEMM panels); then the same gemm call is timed. Row-major otherwise, as numpy
     * gets its operands.
     */
    static Timing.Samples measure(Backend be, Shape s, Timing.Plan plan, boolean asTrained) {
        Random rnd = new Random(42);
        try (Tensor a = be.upload(random(rnd, s.m() * s.k()), s.transA() ? s.k() : s.m(), s.transA() ? s.m() : s.k());
             Tensor b = be.upload(random(rnd, s.k() * s.n()), s.transB() ? s.n() : s.k(), s.transB() ? s.k() : s.n());
             Tensor c = be.allocate(s.m(), s.n())) {
            if (asTrained) {
                settleTrainedLayout(be, s, a, b, c);
            }
            return Timing.measure(plan, () -> be.gemm(s.transA(), s.transB(), 1f, a, b, 0f, c), be::synchronize);
        }
    }

    static void settleTrainedLayout(Backend be, Shape s, Tensor a, Tensor b, Tensor c) {
        switch (s.kind()) {
            case "weight-grad" -> {   // c = dW = xᵀ·δ, a = x, b = δ
                try (Tensor db = be.allocate(1, s.n())) {
                    be.linearGradients(a, b, c, db);
                }
            }
            case "forward", "input-grad" -> {   // b = W (k×n for X·W; stored n×k for δ·Wᵀ)
                int in = b.rows();
                int out = b.cols();
                try (Tensor x = be.allocate(1, in); Tensor bias = be.allocate(1, out); Tensor y = be.allocate(1, out)) {
                    be.fill(x, 0f);
                    be.fill(bias, 0f);
                    be.linearForward(x, b, bias, Pointwise.IDENTITY, y);
                }
            }
            default -> throw new IllegalArgumentException("no trained layout for " + s.kind());
        }
    }

    static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

}
