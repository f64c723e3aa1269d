package org.backprop.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Gives the OpenBLAS peers their best kernel. OpenBLAS picks its kernels from CPUID, and picks
 * wrong on CPUs newer than its tables (0.3.21 runs Prescott, SSE3, on some Sapphire/Emerald Rapids
 * Xeons) or where the environment forces one ({@code OPENBLAS_CORETYPE=Haswell} on an AVX-512
 * EPYC). A ratio against such a peer says nothing about OpenBLAS, so: read the core the peer
 * reports; when it is below the widest this CPU supports, start a second peer with
 * {@code OPENBLAS_CORETYPE} set — in that process only, never in ours, the tests' or CI's — verify
 * each peer's product against a double-precision loop, and let the faster correct one set every
 * ratio, both rows reported with the kernel named.
 */
final class BlasKernels {

    /** Cores whose sgemm is the AVX-512 one (the names openblas_get_corename prints, lower-case). */
    private static final Set<String> AVX512_CORES = Set.of("skylakex", "cooperlake", "sapphirerapids");
    private static final Set<String> AVX2_CORES = Set.of("haswell", "zen", "skylakex", "cooperlake", "sapphirerapids");

    private BlasKernels() { }

    /** The {@code OPENBLAS_CORETYPE} value for the widest sgemm this CPU runs, or null (baseline only). */
    static String bestCoretype(String flags) {
        String f = " " + flags + " ";
        if (f.contains(" avx512f ") && f.contains(" avx512bw ") && f.contains(" avx512vl ") && f.contains(" avx512dq ")) {
            return "SkylakeX";
        }
        if (f.contains(" avx2 ") && f.contains(" fma ")) {
            return "Haswell";
        }
        return null;
    }

    /** Whether the core a peer reports runs a narrower sgemm than this CPU supports. */
    static boolean below(String core, String flags) {
        String best = bestCoretype(flags);
        if (best == null || core == null || core.isBlank()) {
            return false;
        }
        String c = core.toLowerCase(Locale.ROOT);
        return best.equals("SkylakeX") ? !AVX512_CORES.contains(c) : !AVX2_CORES.contains(c);
    }

    /** One peer process and what it is: label, kernel, whether its product checked out. */
    record Peer(PythonPeer.Session session, String label, String core, String forcedCoretype, String wrong) {
        boolean usable() {
            return session.header().ok() && wrong == null;
        }
    }

    /**
     * The numpy peer as it starts by itself and, when its kernel is below this CPU's best, a second
     * one with OPENBLAS_CORETYPE set; each verified. The first is always present (it may be
     * unavailable, with the reason in its header).
     */
    static List<Peer> openNumpy(PythonPeer peers, Map<String, Object> request, Map<String, String> env, String flags) {
        List<Peer> out = new ArrayList<>();
        PythonPeer.Session first = peers.open("numpy", "gemm_peer.py", request, env);
        out.add(describe(first, null));
        String core = out.get(0).core();
        String best = bestCoretype(flags);
        if (first.header().ok() && below(core, flags)) {
            Map<String, String> forced = new HashMap<>(env);
            forced.put("OPENBLAS_CORETYPE", best);
            out.add(describe(peers.open("numpy", "gemm_peer.py", request, forced), best));
        }
        return out;
    }

    private static Peer describe(PythonPeer.Session s, String forced) {
        if (!s.header().ok()) {
            return new Peer(s, "numpy", null, forced, null);
        }
        Map<String, Object> h = s.header().json();
        String core = h.get("blas_core") == null ? null : String.valueOf(h.get("blas_core"));
        String label = "numpy " + h.get("version") + " (" + h.get("blas")
                + (core == null ? "" : " " + core) + (forced == null ? "" : ", OPENBLAS_CORETYPE=" + forced) + ")";
        return new Peer(s, label, core, forced, verify(s));
    }

    /** Null when the peer's product of seeded 37×53·53×29 matrices is within fp32 bounds, else why not. */
    static String verify(PythonPeer.Session s) {
        int m = 37;
        int n = 29;
        int k = 53;
        Random rnd = new Random(7);
        float[] a = GemmBench.random(rnd, m * k);
        float[] b = GemmBench.random(rnd, k * n);
        Map<String, Object> check = new HashMap<>();
        check.put("m", m);
        check.put("n", n);
        check.put("k", k);
        check.put("a", toList(a));
        check.put("b", toList(b));
        PythonPeer.Answer ans = s.ask(Map.of("check", check));
        if (!ans.ok()) {
            return "could not check its product: " + ans.unavailable();
        }
        Object c = ans.json().get("c");
        if (!(c instanceof List<?> got) || got.size() != m * n) {
            return "answered the check without an " + m + "×" + n + " product";
        }
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) a[i * k + p] * b[p * n + j];
                    mag += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                double v = ((Number) got.get(i * n + j)).doubleValue();
                double err = Math.abs(v - sum) / (4.0 * k * 0x1p-24 * mag + 1e-30);
                worst = Double.isNaN(v) ? Double.POSITIVE_INFINITY : Math.max(worst, err);
            }
        }
        return worst <= 1 ? null : String.format(Locale.ROOT,
                "computes wrong products (error %.3g× the fp32 bound): its times are not quoted", worst);
    }

    /**
     * The environment for a PyTorch peer on the CPU, which loads the same OpenBLAS as numpy: the
     * OPENBLAS_CORETYPE of the faster correct numpy peer on the reference MLP's forward product,
     * or nothing when the default kernel is already this CPU's best. {@code notes} gets one line
     * saying what was chosen and why.
     */
    static Map<String, String> torchEnv(PythonPeer peers, Map<String, String> env, int threads, List<String> notes) {
        Map<String, Object> req = new HashMap<>();
        req.put("lib", "numpy");
        req.put("device", "cpu");
        req.put("threads", threads);
        req.put("plan", Map.of("warmup", 2, "samples", 5, "min_sample_s", 0.05));
        List<Peer> list = openNumpy(peers, req, env, Environment.cpuField("flags"));
        try {
            Map<String, String> out = new HashMap<>(env);
            if (list.size() < 2) {
                if (list.get(0).session().header().ok() && list.get(0).core() != null) {
                    notes.add("OpenBLAS kernel for PyTorch: " + list.get(0).core() + " (its own choice, this CPU's best)");
                }
                return out;
            }
            GemmBench.Shape shape = new GemmBench.Shape("probe", "forward", 256, 256, 1024, 784, false, false);
            double[] secs = new double[list.size()];
            for (int q = 0; q < list.size(); q++) {
                PythonPeer.Answer a = list.get(q).usable() ? list.get(q).session().ask(shape.toJson()) : null;
                secs[q] = a != null && a.ok() ? Timing.Samples.fromJson(a.json()).median() : Double.POSITIVE_INFINITY;
            }
            int pick = secs[1] < secs[0] ? 1 : 0;
            if (pick == 1) {
                out.put("OPENBLAS_CORETYPE", list.get(1).forcedCoretype());
            }
            notes.add(String.format(Locale.ROOT, "OpenBLAS kernel for PyTorch: %s (X·W 256×1024×784: %s %.0f GFLOP/s, %s %.0f GFLOP/s%s)",
                    pick == 1 ? list.get(1).forcedCoretype() + ", set with OPENBLAS_CORETYPE in its process" : list.get(0).core(),
                    list.get(0).core(), shape.flops() / secs[0] / 1e9, list.get(1).forcedCoretype(), shape.flops() / secs[1] / 1e9,
                    list.get(1).wrong() != null ? "; " + list.get(1).wrong() : ""));
            return out;
        } finally {
            for (Peer p : list) {
                p.session().close();
            }
        }
    }

    private static List<Object> toList(float[] x) {
        List<Object> l = new ArrayList<>(x.length);
        for (float v : x) {
            l.add((double) v);
        }
        return l;
    }
}
