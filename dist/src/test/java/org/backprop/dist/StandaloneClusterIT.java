package org.backprop.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./backprop train --master spark://...} as a user runs it, with no settings of its own,
 * against a standalone Master and two Workers on loopback ({@link StandaloneCluster}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    /** 5,000 rows in batches of 500: 20 synchronous steps, each one Spark job. */
    private static final List<String> RECIPE = List.of("train", "--data", "mnist-sample", "--layers", "64",
            "--epochs", "2", "--batch", "500", "--backend", "cpu", "--progress=false");

    @TempDir static Path dir;
    static StandaloneCluster cluster;
    /** The fault-free run on the cluster, for the run that loses a Worker. */
    static Map<String, float[]> faultFree;

    @BeforeAll
    static void startCluster() throws Exception {
        Path sparkLib = Path.of(System.getProperty("backprop.sparkLib", "../spark/target/lib"));
        assertTrue(Files.isDirectory(sparkLib), "no Spark jars at " + sparkLib.toAbsolutePath()
                + "; the spark module's package copies them there");
        cluster = new StandaloneCluster(Files.createDirectories(dir.resolve("cluster")), sparkLib, 2);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void synchronousTrainingOnTheClusterEqualsLocalSparkBitForBitAndOneProcessWithinTolerance() throws Exception {
        Map<String, float[]> one = train("one", List.of());
        Map<String, float[]> local = train("local", List.of("--master", "local[2]"));
        Map<String, float[]> onCluster = train("cluster", List.of("--master", cluster.masterUrl()));
        faultFree = onCluster;
        assertEquals(local.keySet(), onCluster.keySet());
        assertTrue(local.size() >= 4, "parameters saved: " + local.keySet());
        for (String name : local.keySet()) {
            // two partitions on two executors add up the same two sums as two threads of local[2]
            assertArrayEquals(local.get(name), onCluster.get(name), 0f, name + ": cluster against local[2]");
            float[] a = one.get(name);
            float[] b = onCluster.get(name);
            double d = 0;
            for (int i = 0; i < a.length; i++) {
                d = Math.max(d, Math.abs(a[i] - b[i]));
            }
            // as SynchronousEquivalenceTest: only the order the gradient sum is added in differs
            assertTrue(d <= 2e-6, name + ": cluster against one process differs by " + d);
            System.out.printf("%s: max |cluster - one process| = %.3g%n", name, d);
        }
    }

    @Test
    @Order(2)
    void anUnreachableMasterIsOneLineAtOnce() throws Exception {
        String url = "spark://127.0.0.1:" + StandaloneCluster.freePort();
        ChildJvm.Run r = launcher(concat(RECIPE, List.of("--master", url)));
        assertEquals(1, r.exit(), r.out());
        String last = lastLine(r.out());
        assertTrue(last.startsWith("backprop: Spark master " + url + ": unreachable (127.0.0.1:"), r.out());
        assertTrue(r.out().lines().noneMatch(l -> l.contains("\tat ") || l.contains("\\n\\tat")), r.out());
    }

    @Test
    @Order(3)
    void yarnIsRefusedWithTheSparkSubmitCommand() throws Exception {
        ChildJvm.Run r = launcher(concat(RECIPE, List.of("--master", "yarn")));
        assertEquals(2, r.exit(), r.out());
        assertTrue(lastLine(r.out()).startsWith("backprop: --master yarn: YARN runs through spark-submit: spark-submit"),
                r.out());
    }

    /** Last: it leaves the cluster one Worker short. */
    @Test
    @Order(9)
    void aWorkerKilledMidRunLeavesTheFaultFreeResult() throws Exception {
        if (faultFree == null) {
            faultFree = train("cluster", List.of("--master", cluster.masterUrl()));
        }
        Path npz = dir.resolve("killed.npz");
        Path script = Path.of(System.getProperty("backprop.launcher", "../backprop")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(concat(RECIPE, List.of("--master", cluster.masterUrl(), "--save", npz.toString())));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        boolean killed = false;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                out.append(line).append('\n');
                if (!killed && line.startsWith("epoch 1/")) {
                    StandaloneCluster.kill(cluster.worker(1)); // kill -9 of the Worker and its executor
                    killed = true;
                }
            }
        } finally {
            if (!p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)) {
                StandaloneCluster.kill(p);
            }
        }
        System.out.println("with a Worker killed after epoch 1:\n" + out);
        assertTrue(killed, out.toString());
        assertEquals(0, p.exitValue(), () -> out + "\n" + cluster.logs());
        Map<String, float[]> after = npz(npz);
        assertEquals(faultFree.keySet(), after.keySet());
        for (String name : faultFree.keySet()) {
            assertArrayEquals(faultFree.get(name), after.get(name), 0f, name + ": after losing a Worker");
        }
    }

    private Map<String, float[]> train(String name, List<String> extra) throws Exception {
        Path npz = dir.resolve(name + ".npz");
        ChildJvm.Run r = launcher(concat(RECIPE, concat(extra, List.of("--save", npz.toString()))));
        assertEquals(0, r.exit(), () -> r.out() + "\n" + cluster.logs());
        assertTrue(r.out().contains("epoch 2/2"), r.out());
        return npz(npz);
    }

    /** The {@code backprop} launcher at the top of the checkout, as a user runs it. */
    private static ChildJvm.Run launcher(List<String> args) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("backprop.launcher", "../backprop")).toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        ChildJvm.Run r = ChildJvm.run(cmd, "backprop " + String.join(" ", args));
        System.out.println("backprop " + String.join(" ", args) + "\n" + r.out());
        return r;
    }

    private static String lastLine(String out) {
        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The float32 arrays of an .npz (the parameters), by entry name. */
    static Map<String, float[]> npz(Path file) throws IOException {
        Map<String, float[]> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                byte[] b = zip.getInputStream(e).readAllBytes();
                ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                int major = b[6];
                int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort(8)) : buf.getInt(8);
                int start = (major == 1 ? 10 : 12) + headerLen;
                String header = new String(b, major == 1 ? 10 : 12, headerLen, StandardCharsets.ISO_8859_1);
                if (!header.contains("'<f4'")) {
                    continue; // names and settings beside the parameters
                }
                float[] v = new float[(b.length - start) / 4];
                buf.position(start).asFloatBuffer().get(v);
                out.put(e.getName(), v);
            }
        }
        return out;
    }
}
