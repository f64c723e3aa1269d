package org.backprop.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.backprop.charts.Charts;
import org.backprop.data.Dataset;

/**
 * The PyTorch side of {@link TrainBench}: the same rows written as raw arrays for a Python peer,
 * which trains the same network on them, and its epochs read back as runs beside ours.
 */
final class TrainBenchPyTorch {

    private TrainBenchPyTorch() { }

    /** PyTorch on the CPU (1 and N threads, best taken) and, where it sees one, on the GPU. */
    static List<TrainBench.Run> runs(BenchConfig cfg, PythonPeer peers, TrainBench.Workload w, Map<String, Object> dataJson,
                                     java.util.Set<String> notes, Object onlyThreads) {
        List<TrainBench.Run> runs = new ArrayList<>();
        List<String> devices = new ArrayList<>();
        for (String b : cfg.backends()) {
            String device = Devices.isGpu(b) ? "cuda" : "cpu";
            if (!devices.contains(device)) {
                devices.add(device);
            }
        }
        for (String device : devices) {
            if (dataJson == null) {
                runs.add(TrainBench.unavailable("PyTorch " + device, w, peers.whyNot("torch")));
                continue;
            }
            List<Object> threads = new ArrayList<>();
            if (onlyThreads != null) {
                threads.add(onlyThreads);
            } else if (cfg.quick()) {
                threads.add(cfg.resolvedThreads());   // one PyTorch run per workload: the full run compares 1 thread too
            } else {
                threads.add(1);
                if (cfg.resolvedThreads() > 1) {
                    threads.add(cfg.resolvedThreads());
                }
            }
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("device", device);
            req.put("threads", device.equals("cpu") ? threads : List.of(cfg.resolvedThreads()));
            req.put("data", dataJson);
            req.put("workloads", List.of(w.toJson()));
            req.put("target_accuracy", cfg.targetAccuracy());
            cfg.log().println("bench train: " + w.name() + " in PyTorch on " + device + " (threads " + req.get("threads") + ")");
            // PASSIVE: torch's OpenMP threads sleep between parallel regions instead of spinning
            // against OpenBLAS's own threads (its 2-thread runs took ~3x longer spinning); the
            // peer's own process only
            Map<String, String> env = Map.of("OMP_NUM_THREADS", Integer.toString(cfg.resolvedThreads()),
                    "OMP_WAIT_POLICY", "PASSIVE");
            if (device.equals("cpu")) {
                List<String> kernelNote = new ArrayList<>();
                env = BlasKernels.torchEnv(peers, env, cfg.resolvedThreads(), kernelNote);
                kernelNote.forEach(n -> cfg.log().println("  " + n));
                notes.addAll(kernelNote);
            }
            PythonPeer.Answer a = peers.run("torch", "torch_train.py", req, env, 4 * 3600, cfg.log());
            if (!a.ok()) {
                runs.add(TrainBench.unavailable("PyTorch " + device, w, a.unavailable()));
                continue;
            }
            String version = String.valueOf(a.json().get("version"));
            notes.add("PyTorch " + version + " on " + device + " via " + a.json().get("interpreter")
                    + (a.json().get("device_name") != null ? " (" + a.json().get("device_name") + ")" : ""));
            for (Object o : Json.array(a.json().get("runs"))) {
                Map<String, Object> r = Json.object(o);
                List<Charts.Epoch> curve = new ArrayList<>();
                List<Double> secs = new ArrayList<>();
                for (Object e : Json.array(r.get("epochs"))) {
                    Map<String, Object> ej = Json.object(e);
                    curve.add(new Charts.Epoch(((Number) ej.get("epoch")).intValue(), d(ej.get("train_loss")),
                            d(ej.get("test_loss")), d(ej.get("test_accuracy"))));
                    secs.add(d(ej.get("seconds")));
                }
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("threads", r.get("threads"));
                extra.put("blas_threads", r.get("blas_threads"));
                extra.put("version", version);
                runs.add(new TrainBench.Run("PyTorch " + device + (device.equals("cpu") ? " " + r.get("threads") + "t"
                        + blasThreads(extra, " (BLAS %st)") : ""), w, curve,
                        secs, ((Number) r.get("samples")).intValue(), null, extra));
            }
        }
        return runs;
    }

    /**
     * {@code format} filled with OpenBLAS's thread count where it differs from torch's, else "":
     * torch.set_num_threads sizes only torch's own pool, so "1t" alone hid GEMMs on 2 threads.
     */
    static String blasThreads(Map<String, Object> extra, String format) {
        Object blas = extra.get("blas_threads");
        return blas != null && !blas.equals(extra.get("threads")) ? String.format(Locale.ROOT, format, blas) : "";
    }

    private static double d(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    /** The same rows in the same order, as raw little-endian float32 features and int32 labels. */
    static Map<String, Object> writeData(Dataset.Split split, Path dir) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("features", split.train().featureCount());
        m.put("classes", split.train().classes());
        m.put("x_train", write(dir.resolve("x_train.f32"), split.train().features()).toString());
        m.put("y_train", write(dir.resolve("y_train.i32"), split.train().labels()).toString());
        m.put("x_test", write(dir.resolve("x_test.f32"), split.test().features()).toString());
        m.put("y_test", write(dir.resolve("y_test.i32"), split.test().labels()).toString());
        m.put("n_train", split.train().size());
        m.put("n_test", split.test().size());
        return m;
    }

    private static Path write(Path p, float[] x) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(p)) {
            for (float v : x) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
        return p;
    }

    private static Path write(Path p, int[] x) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asIntBuffer().put(x);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p)))) {
            out.write(buf.array());
        }
        return p;
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder left behind is not worth failing a benchmark for
        }
    }
}
