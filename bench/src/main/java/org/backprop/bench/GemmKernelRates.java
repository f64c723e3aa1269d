package org.backprop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The CPU micro-kernel's rate in a {@link GemmBench} run: a table and its JSON. */
final class GemmKernelRates {

    private GemmKernelRates() { }

    /**
     * The CPU micro-kernel's own rate on one thread ({@link org.backprop.cpu.probe.CpuKernelRate}) beside
     * the one-thread FMA peak ({@link Peaks#measuredCpu}, once per run), so a run shows how far the
     * kernel, its cache level and the product around it each fall short; measured after the
     * shapes, with the peer processes idle.
     */
    static void append(BenchConfig cfg, StringBuilder md, Map<String, Object> dj) {
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
}
